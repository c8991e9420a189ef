"""Registry text is data, not HTML: payloads in entities.yml never become
elements or attributes in any page of a real build, and unsafe URLs are
refused with the registry's file and line."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import html5lib
import pytest

from editorial.commands.build import build
from editorial.entities.registry import RegistryError, is_web_url, parse_registry
from tests.support import copy_project

NAME_PAYLOADS = [
    "</script><script>alert(2)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "</title><svg/onload=alert(1)>",
]
DESCRIPTION_PAYLOADS = [
    "<script>alert(3)</script>",
    '" onmouseover="alert(4)',
    "</textarea><iframe src=javascript:alert(5)>",
]
BAD_URLS = [
    'https://x.org/" onmouseover="alert(1)',
    "https://x.org/a b",
    "https://x.org/'x",
    "https://x.org/<script>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "//evil.example/",
    "https:///no-host",
    "https://x.org/a\u2028b",
    "https://x.org/a\x85b",
    "https://x.org:99999/",
    "vbscript:msgbox(1)",
]
GOOD_URLS = ["https://x.org/", "http://x.org/a%20b?q=1&r=(2)#s", "HTTPS://X.ORG/Path"]
# Elements and attributes the theme itself never writes in these pages.
INJECTED_TAGS = {"img", "svg", "iframe", "textarea", "object", "embed"}
MARKER = "alert("


def _registry(entities: list[tuple[str, str, str]]) -> str:
    lines = []
    for slug, name, description in entities:
        lines += [
            f"{slug}:",
            f"  name: {json.dumps(name)}",
            "  type: organization",
            f"  aliases: [{json.dumps(slug.replace('-', ' ').title())}]",
            f"  description: {json.dumps(description)}",
            "  url: https://example.org/ok",
        ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, list[tuple[str, str, str]]]:
    root = copy_project(tmp_path_factory.mktemp("hostile"))
    for folder in root.glob("content/20*"):
        for path in folder.glob("*.md"):
            path.unlink()
    entities = [
        (f"payload-{n}", name, DESCRIPTION_PAYLOADS[n % len(DESCRIPTION_PAYLOADS)])
        for n, name in enumerate(NAME_PAYLOADS)
    ]
    (root / "content/entities.yml").write_text(_registry(entities))
    mentions = ", ".join(slug.replace("-", " ").title() for slug, _, _ in entities)
    (root / "content/2024/hostile.md").write_text(
        "Title: Hostile registry\nDate: 2024-01-02\n\n"
        f"This article mentions {mentions} in one paragraph of plain text.\n"
    )
    out = io.StringIO()
    assert build(root, out=out) == 0, out.getvalue()
    return root / "output", entities


def _elements(path: Path):
    tree = html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)
    return list(tree.iter())


def test_no_page_gets_an_injected_element_or_attribute(hostile_site):
    output, _ = hostile_site
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        for element in _elements(page):
            where = f"{page.relative_to(output)}: <{element.tag} {element.attrib}>"
            assert element.tag not in INJECTED_TAGS, where
            if element.get("type") == "application/ld+json":  # data, one JSON value
                json.loads(element.text)
            elif element.tag == "script":  # the theme's own, never a payload
                assert MARKER not in (element.text or "") + element.get("src", ""), where
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), where
                if element.tag == "a" and name == "href":
                    assert MARKER not in value, where
                    assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), where


def test_registry_text_is_shown_as_written(hostile_site):
    output, entities = hostile_site
    for slug, name, description in entities:
        elements = _elements(output / "entities" / slug / "index.html")
        [h1] = [e for e in elements if e.tag == "h1"]
        assert "".join(h1.itertext()) == name
        [title] = [e for e in elements if e.tag == "title"]
        assert "".join(title.itertext()).startswith(name)
        [lede] = [e for e in elements if e.get("class") == "lede"]
        assert "".join(lede.itertext()) == description
    index = _elements(output / "entities" / "index.html")
    shown = {"".join(a.itertext()): a.get("title") for a in index if a.tag == "a"}
    for _, name, description in entities:
        assert shown[name] == description
    article = _elements(output / "2024" / "hostile-registry" / "index.html")
    listed = ["".join(a.itertext()) for a in article if "entity" in (a.get("class") or "")]
    for _, name, _ in entities:
        assert name in listed
    linked = [a.get("title") for a in article if a.get("data-entity")]
    assert sorted(linked) == sorted(d for _, _, d in entities)


def test_json_ld_stays_escaped_and_exact(hostile_site):
    output, entities = hostile_site
    page = output / "2024" / "hostile-registry" / "index.html"
    raw = page.read_text(encoding="utf-8")
    scripts = [e for e in _elements(page) if e.get("type") == "application/ld+json"]
    [data] = [d for d in (json.loads(e.text) for e in scripts) if "mentions" in d]
    assert sorted(m["name"] for m in data["mentions"]) == sorted(n for _, n, _ in entities)
    for body in raw.split('<script type="application/ld+json">')[1:]:
        assert not {"<", ">", "'"} & set(body.split("</script>", 1)[0])


@pytest.mark.parametrize("url", BAD_URLS)
def test_unsafe_urls_are_refused_with_the_line(url):
    assert not is_web_url(url)
    text = f"meta:\n  name: Meta\n  type: organization\n  url: {json.dumps(url)}\n"
    with pytest.raises(RegistryError) as caught:
        parse_registry(text, "content/entities.yml")
    [line] = caught.value.lines()
    assert line.startswith("content/entities.yml:4: entity 'meta': url ")
    assert "https://" in line


@pytest.mark.parametrize("url", GOOD_URLS)
def test_plain_web_urls_are_accepted(url):
    assert is_web_url(url)


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x0b"])
def test_control_characters_in_registry_text_are_refused(char):
    text = f"meta:\n  name: {json.dumps('Me' + char + 'ta')}\n  type: organization\n"
    with pytest.raises(RegistryError) as caught:
        parse_registry(text, "content/entities.yml")
    assert caught.value.lines()[0].startswith("content/entities.yml:2: entity 'meta': name ")


def test_a_registry_with_an_unsafe_url_stops_the_build(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("previous build")
    registry = root / "content/entities.yml"
    lines = registry.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if re.match(r"^\s+url:", line))
    lines[first] = '  url: "https://x.org/\\" onmouseover=\\"alert(1)"'
    registry.write_text("\n".join(lines) + "\n")
    out = io.StringIO()
    assert build(root, out=out) == 1
    log = out.getvalue()
    assert f"content/entities.yml:{first + 1}: error: entity " in log
    assert "is not an http(s) address" in log
    assert "Traceback" not in log
    assert (root / "output" / "index.html").read_text() == "previous build"
