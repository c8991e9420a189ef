"""Output checks over a real publish build (publishconf.py, absolute URLs):
links and assets, HTML parsing, ids, sitemap, robots.txt, share tags, JSON-LD.

Expected values come from the sources (content/*.md read with Pelican's own
reader, content/entities.yml read as YAML), never from the code under test.
"""

from __future__ import annotations

import collections
import json
import os
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
import pytest
import yaml
from conftest import CONTENT, PUBLISHED_URL, ROOT, parse_html
from pelican.readers import MarkdownReader
from pelican.settings import read_settings

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
# Pages that are not for search engines' lists.
NOT_IN_SITEMAP = {"404.html", "search/index.html"}
SCHEMA = {"person": "Person", "organization": "Organization", "place": "Place",
          "legislation": "Legislation", "event": "Event", "other": "Thing"}  # fmt: skip
SEED_URL = "2022/pakistan-foreign-minister-urges-meta-to-open-office/"


@cache
def source_articles() -> dict[str, dict]:
    """URL path -> metadata of each published article, read from content/."""
    settings = read_settings(str(ROOT / "pelicanconf.py"))
    reader = MarkdownReader(settings)
    found = {}
    for path in sorted(CONTENT.rglob("*.md")):
        if "pages" in path.relative_to(CONTENT).parts:
            continue
        _, meta = reader.read(str(path))
        if meta.get("status", "published") != "published":
            continue
        found[f"{meta['date']:%Y}/{meta['slug']}/"] = meta
    return found


@cache
def registry() -> dict:
    return yaml.safe_load((CONTENT / "entities.yml").read_text(encoding="utf-8"))


def url_of(rel: str) -> str:
    """The published URL of a file of the site ("a/index.html" -> ".../a/")."""
    if rel == "index.html" or rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return f"{PUBLISHED_URL}/{rel}"


def file_of(site: Path, url: str) -> Path | None:
    """The file behind an absolute URL of the site; None for another site's URL."""
    if not url.startswith(PUBLISHED_URL + "/"):
        return None
    path = unquote(urlsplit(url).path).lstrip("/")
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).as_posix().startswith("pagefind/"))  # fmt: skip


def json_ld(page) -> list[dict]:
    return [json.loads(s.string) for s in page.select('script[type="application/ld+json"]')]


@pytest.fixture(scope="module")
def site(published_site) -> Path:
    return published_site.output


def test_every_page_parses_as_html5_without_errors_and_ids_are_unique(site):
    problems = []
    for rel in html_pages(site):
        parser = html5lib.HTMLParser(namespaceHTMLElements=False)
        document = parser.parse((site / rel).read_bytes())
        problems += [f"{rel}: {error}" for _, error, _ in parser.errors]
        ids = collections.Counter(e.get("id") for e in document.iter() if e.get("id"))
        problems += [f"{rel}: duplicate id {key!r}" for key, n in ids.items() if n > 1]
    assert not problems, "\n".join(problems)


def _references(page) -> list[str]:
    refs = [tag["href"] for tag in page.find_all(href=True)]
    refs += [tag["src"] for tag in page.find_all(src=True)]
    refs += [tag["content"] for tag in page.select('meta[property="og:image"], '
                                                   'meta[name="twitter:image"]')]  # fmt: skip
    return refs


def test_every_internal_link_and_asset_resolves(site):
    broken = []
    for rel in html_pages(site):
        page = parse_html(site / rel)
        for ref in _references(page):
            url = urljoin(url_of(rel), ref)
            target = file_of(site, url.split("#")[0])
            if target is not None and not target.is_file():
                broken.append(f"{rel}: {ref}")
            if url.startswith(PUBLISHED_URL) and "#" in url:
                fragment = url.split("#", 1)[1]
                if fragment and target and target.is_file():
                    ids = {t["id"] for t in parse_html(target).find_all(id=True)}
                    if fragment not in ids:
                        broken.append(f"{rel}: {ref} (no id {fragment!r})")
    assert not broken, "broken internal links:\n" + "\n".join(broken)


def test_sitemap_lists_exactly_the_html_pages_less_404_and_search(site):
    tree = ET.parse(site / "sitemap.xml")
    listed = [loc.text for loc in tree.findall("s:url/s:loc", SITEMAP_NS)]
    assert len(listed) == len(set(listed))
    expected = {url_of(rel) for rel in html_pages(site) if rel not in NOT_IN_SITEMAP}
    assert set(listed) == expected
    for rel in NOT_IN_SITEMAP:
        assert (site / rel).is_file()  # they exist, and are left out on purpose


def test_sitemap_lastmod_comes_from_modified_or_date(site):
    tree = ET.parse(site / "sitemap.xml")
    lastmod = {u.find("s:loc", SITEMAP_NS).text: u.find("s:lastmod", SITEMAP_NS).text
               for u in tree.findall("s:url", SITEMAP_NS)}  # fmt: skip
    for path, meta in source_articles().items():
        stamp = meta.get("modified") or meta["date"]
        assert lastmod[f"{PUBLISHED_URL}/{path}"][:19] == stamp.strftime("%Y-%m-%dT%H:%M:%S")
    # An entity page changes when an article that mentions it does: its newest one.
    newest = max(
        (meta.get("modified") or meta["date"])
        for path, meta in source_articles().items()
        if 'data-entity="meta"' in (site / path / "index.html").read_text(encoding="utf-8")
    )
    assert lastmod[f"{PUBLISHED_URL}/entities/meta/"][:19] == newest.strftime("%Y-%m-%dT%H:%M:%S")


def test_robots_txt_names_the_sitemap(site):
    lines = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {PUBLISHED_URL}/sitemap.xml" in lines


def test_every_page_has_a_canonical_url_and_share_tags(site):
    for rel in html_pages(site):
        page = parse_html(site / rel)
        head = page.head
        if rel == "404.html":
            assert head.find("link", rel="canonical") is None  # served at any address
            continue
        assert head.find("link", rel="canonical")["href"] == url_of(rel), rel
        meta = {m.get("property") or m.get("name"): m.get("content") for m in head.find_all("meta")}
        assert meta["og:url"] == url_of(rel)
        for key in ("og:title", "og:description", "og:site_name", "og:image",
                    "twitter:card", "twitter:title", "twitter:description"):  # fmt: skip
            assert meta.get(key), f"{rel}: no {key}"
        assert meta["og:image"].startswith(PUBLISHED_URL + "/")
        feeds = head.find_all("link", rel="alternate")
        assert {f["type"] for f in feeds} >= {"application/atom+xml", "application/rss+xml"}
        assert all(f["href"].startswith(PUBLISHED_URL + "/feeds/") for f in feeds)


def test_article_share_tags(site):
    for path, meta in source_articles().items():
        head = parse_html(site / path / "index.html").head
        tags = {m.get("property") or m.get("name"): m.get("content") for m in head.find_all("meta")}
        assert tags["og:type"] == "article"
        assert tags["og:title"] == str(meta["title"])
        assert tags["article:published_time"][:16] == meta["date"].strftime("%Y-%m-%dT%H:%M")
        assert tags["twitter:card"] == "summary_large_image"


def _types(blocks: list[dict]) -> set[str]:
    return {block["@type"] for block in blocks}


def test_article_json_ld_is_a_news_article(site):
    for path, meta in source_articles().items():
        blocks = json_ld(parse_html(site / path / "index.html"))
        assert _types(blocks) == {"NewsArticle", "BreadcrumbList"}, path
        article = next(b for b in blocks if b["@type"] == "NewsArticle")
        assert article["headline"] == str(meta["title"])
        assert article["datePublished"][:16] == meta["date"].strftime("%Y-%m-%dT%H:%M")
        assert article["mainEntityOfPage"]["@id"] == f"{PUBLISHED_URL}/{path}"
        authors = meta.get("authors") or [meta["author"]]
        assert [a["name"] for a in article["author"]] == [str(a) for a in authors]
        assert {a["@type"] for a in article["author"]} == {"Person"}
        publisher = article["publisher"]
        assert publisher["@type"] == "Organization"
        assert file_of(site, publisher["logo"]["url"]).is_file()
        assert all(file_of(site, image).is_file() for image in article["image"])
        if meta.get("summary"):
            assert article["description"]
        crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")["itemListElement"]
        assert [c["position"] for c in crumbs] == [1, 2, 3]
        assert crumbs[-1]["item"] == f"{PUBLISHED_URL}/{path}"
        assert all(file_of(site, c["item"]).is_file() for c in crumbs)


def test_seed_article_mentions_carry_same_as(site):
    article = next(b for b in json_ld(parse_html(site / SEED_URL / "index.html"))
                   if b["@type"] == "NewsArticle")  # fmt: skip
    by_name = {m["name"]: m for m in article["mentions"]}
    meta = registry()["meta"]
    assert by_name[meta["name"]]["@type"] == "Organization"
    assert by_name[meta["name"]]["sameAs"]


def test_entity_pages_json_ld_types(site):
    checked = set()
    for entity_id, entity in registry().items():
        page_file = site / "entities" / entity_id / "index.html"
        if not page_file.is_file():
            continue  # not mentioned anywhere: no page
        blocks = json_ld(parse_html(page_file))
        expected = SCHEMA[entity.get("type", "other")]
        assert _types(blocks) == {expected, "BreadcrumbList"}, entity_id
        item = next(b for b in blocks if b["@type"] == expected)
        assert item["name"] == entity["name"]
        assert item["url"] == f"{PUBLISHED_URL}/entities/{entity_id}/"
        checked.add(expected)
    assert {"Person", "Organization", "Place", "Legislation"} <= checked


def test_listing_pages_have_breadcrumbs(site):
    for rel in ("tag/meta/index.html", "category/platform-regulation/index.html",
                "about/index.html"):  # fmt: skip
        assert _types(json_ld(parse_html(site / rel))) == {"BreadcrumbList"}, rel


def test_the_audit_picks_one_page_of_each_kind(site):
    from editorial.commands.audit import format_scores, pages_to_audit

    pages = pages_to_audit(site)
    assert list(pages) == ["home", "article", "entity", "search"]
    for path in pages.values():
        assert file_of(site, urljoin(PUBLISHED_URL + "/", path)).is_file(), path
    assert pages["article"].removeprefix(PUBLISHED_URL + "/") == max(
        source_articles(), key=lambda path: source_articles()[path]["date"]
    )
    table = format_scores({"home": dict.fromkeys(("performance", "accessibility",
                                                  "best-practices", "seo"), 100)})  # fmt: skip
    assert table.splitlines()[1].split() == ["home", "100", "100", "100", "100"]


def test_an_article_image_and_modified_date(tmp_path):
    """`Image: images/x.png` (a file under content/images/) becomes the
    article's og:image, twitter:image and JSON-LD image; other pages keep
    the theme's. `Modified:` shows as a machine-readable time and in the
    share tags, the JSON-LD and the sitemap."""
    import shutil
    import subprocess
    import sys

    from support import copy_project

    root = copy_project(tmp_path / "project")
    (root / "content" / "images").mkdir()
    shutil.copy(ROOT / "theme" / "static" / "images" / "logo.png", root / "content/images/x.png")
    source = root / "content" / "2023" / "dsa-transparency-reports.md"
    text = "Image: images/x.png\nModified: 2024-01-05 10:30\n" + source.read_text(encoding="utf-8")
    source.write_text(text)
    out = tmp_path / "out"
    env = {**os.environ, "PUBLISH_SITEURL": PUBLISHED_URL}
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "publishconf.py", "-o", str(out), "-q"],
        cwd=root, check=True, capture_output=True, env=env,
    )  # fmt: skip
    page = parse_html(out / "2023" / "dsa-transparency-reports" / "index.html")
    expected = f"{PUBLISHED_URL}/images/x.png"
    assert page.select_one('meta[property="og:image"]')["content"] == expected
    assert page.select_one('meta[name="twitter:image"]')["content"] == expected
    article = next(b for b in json_ld(page) if b["@type"] == "NewsArticle")
    assert article["image"] == [expected]
    assert file_of(out, expected).is_file()
    modified = "2024-01-05T10:30"
    assert page.select_one(".byline__updated time")["datetime"].startswith(modified)
    assert page.select_one('meta[property="article:modified_time"]')["content"].startswith(modified)
    assert article["dateModified"].startswith(modified)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {u.find("s:loc", ns).text: u.find("s:lastmod", ns).text
               for u in ET.parse(out / "sitemap.xml").findall("s:url", ns)}  # fmt: skip
    assert lastmod[f"{PUBLISHED_URL}/2023/dsa-transparency-reports/"].startswith(modified)
    other = parse_html(out / SEED_URL / "index.html")
    assert other.select_one('meta[property="og:image"]')["content"].endswith("/share.png")


def test_home_page_describes_the_site_and_its_search(site):
    [website] = json_ld(parse_html(site / "index.html"))
    assert website["@type"] == "WebSite"
    assert website["url"] == f"{PUBLISHED_URL}/"
    target = website["potentialAction"]["target"]
    assert target == f"{PUBLISHED_URL}/search/?q={{search_term_string}}"
    assert file_of(site, target.split("?")[0]).is_file()
    assert json_ld(parse_html(site / "page" / "2" / "index.html")) == []
