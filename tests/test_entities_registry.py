"""The entity registry: the shipped file is valid; every kind of error names
the file and line; a broken registry stops the build and loses nothing."""

from __future__ import annotations

import io
import logging
import pickle
import re
import subprocess
import sys

import pytest
from support import ROOT, copy_project

from editorial.entities.generator import EntityPagesGenerator, entity_generator
from editorial.entities.loading import find_registry, load, registry_path
from editorial.entities.registry import (
    TYPES,
    RegistryError,
    load_registry,
    parse_registry,
)

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def test_shipped_registry_is_valid():
    registry = load_registry(ROOT / "content" / "entities.yml", "content/entities.yml")
    assert len(registry) >= 40
    for entity in registry:
        assert SLUG.match(entity.id)
        assert entity.type in TYPES
        assert entity.name and entity.description
        assert entity.url.startswith("https://")


def test_fields_are_read():
    registry = parse_registry(
        "pta:\n"
        "  name: Pakistan Telecommunication Authority\n"
        "  type: organization\n"
        "  aliases: [PTA, 'P.T.A.']\n"
        "  description: The regulator.\n"
        "  url: https://www.pta.gov.pk/\n"
        "  wikidata: Q1234\n"
        "yes:\n"  # YAML 1.1 would read an unquoted "yes" as true; ids and names stay text
        "  name: Yes\n"
        "  type: other\n"
    )
    pta = registry.get("pta")
    assert pta.aliases == ("PTA", "P.T.A.")
    assert pta.line == 1
    assert pta.wikidata_url == "https://www.wikidata.org/wiki/Q1234"
    assert registry.get("yes").name == "Yes"
    assert registry.get("yes").line == 8


VALID = "  name: Meta\n  type: organization\n"

# (case id, registry text, line, message fragment)
ERRORS = [
    ("bad-yaml", "meta:\n  name: Meta\n  type: [organization\n", 4, "invalid YAML"),
    ("bad-yaml-indent", "meta:\n  name: Meta\n type: organization\n", 3, "invalid YAML"),
    ("not-a-mapping", "- meta\n- pta\n", 1, "must be a mapping"),
    ("missing-name", "meta:\n  type: organization\n", 1, "missing required field 'name'"),
    ("empty-name", "meta:\n  name: ''\n  type: organization\n", 2,
     "missing required field 'name'"),
    ("missing-type", "\nmeta:\n  name: Meta\n", 2, "missing required field 'type'"),
    ("unknown-type", "meta:\n  name: Meta\n  type: company\n", 3, "unknown type 'company'"),
    ("alias-claimed-twice",
     f"meta:\n{VALID}  aliases: [FB]\nfacebook:\n  name: Facebook\n  type: other\n"
     "  aliases: [FB]\n", 8, "alias 'FB' of entity 'facebook' is already claimed by entity "
     "'meta' (line 4)"),
    ("name-claimed-as-alias",
     f"meta:\n{VALID}facebook:\n  name: Facebook\n  type: other\n  aliases: [Meta]\n", 7,
     "alias 'Meta' of entity 'facebook' is already claimed"),
    ("empty-alias", f"meta:\n{VALID}  aliases: [FB, '']\n", 4, "an alias is empty"),
    ("null-alias", f"meta:\n{VALID}  aliases:\n    - FB\n    -\n", 6, "an alias is empty"),
    ("aliases-not-a-list", f"meta:\n{VALID}  aliases: FB\n", 4, "aliases must be a list"),
    ("id-not-a-slug", f"Meta_Platforms:\n{VALID}", 1, "is not a slug"),
    ("id-with-spaces", f"meta platforms:\n{VALID}", 1, "is not a slug"),
    ("url-not-http", f"meta:\n{VALID}  url: ftp://example.org/meta\n", 4,
     "is not an http(s) address"),
    ("url-without-scheme", f"meta:\n{VALID}  url: www.meta.com\n", 4,
     "is not an http(s) address"),
    ("bad-wikidata", f"meta:\n{VALID}  wikidata: 380\n", 4, "is not a Wikidata id"),
    ("unknown-field", f"meta:\n{VALID}  alias: [FB]\n", 4, "unknown field 'alias'"),
    ("duplicate-id", f"meta:\n{VALID}meta:\n{VALID}", 4, "defined twice"),
    ("fields-not-a-mapping", "meta: Meta\n", 1, "expected its fields"),
    ("common-word-alias", "may:\n  name: Theresa May\n  type: person\n  aliases: [May]\n", 4,
     "the alias 'May' of entity 'may' is a common word"),
    ("common-word-name", f"meta:\n{VALID}the:\n  name: The\n  type: other\n", 5,
     "the name 'The' of entity 'the' is a common word"),
    ("multi-line-description", f"meta:\n{VALID}  description: |\n    one\n    two\n", 4,
     "single line"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "message"), [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_registry_errors_name_file_and_line(text, line, message):
    with pytest.raises(RegistryError) as raised:
        parse_registry(text, "content/entities.yml")
    assert f"content/entities.yml:{line}: " in str(raised.value)
    assert message in str(raised.value)
    assert "fix the registry and build again" in str(raised.value)


def test_a_common_word_is_a_name_only_as_an_acronym_or_inside_a_longer_form():
    registry = parse_registry(
        "usa:\n  name: United States\n  type: place\n  aliases: [US, The States]\n"
    )
    assert registry.get("usa").aliases == ("US", "The States")  # "us", "the": common words


def test_all_errors_are_reported_at_once():
    text = "meta:\n  name: Meta\n  type: company\nBad:\n  name: X\n  type: other\n"
    with pytest.raises(RegistryError) as raised:
        parse_registry(text, "entities.yml")
    assert [line for line, _ in raised.value.problems] == [3, 4]


def test_missing_file(tmp_path):
    with pytest.raises(RegistryError, match=r"missing\.yml:1: cannot read"):
        load_registry(tmp_path / "missing.yml", "missing.yml")


def test_invalid_utf8(tmp_path):
    path = tmp_path / "entities.yml"
    path.write_bytes(b"meta:\n  name: M\xe9ta\n  type: organization\n")
    with pytest.raises(RegistryError, match=r"entities\.yml:2: not valid UTF-8"):
        load_registry(path, "entities.yml")


def test_broken_registry_stops_the_build_and_keeps_the_output(tmp_path):
    """`invoke build` with a broken registry: Pelican exits non-zero with
    `content/entities.yml:LINE: message`, and the previous output/ is untouched."""
    project = copy_project(tmp_path / "project")
    registry = project / "content" / "entities.yml"
    text = registry.read_text(encoding="utf-8")
    broken = text.replace("  type: person\n", "  type: human\n", 1)
    line = broken[: broken.index("type: human")].count("\n") + 1
    registry.write_text(broken, encoding="utf-8")
    output = project / "output"
    output.mkdir()
    (output / "index.html").write_text("previous build", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path.insert(0, 'plugins');"
         "from pathlib import Path; from editorial.commands import build;"
         "sys.exit(build.build(Path('.').resolve()))"],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert f"content/entities.yml:{line}: error: entity " in log
    assert "unknown type 'human'" in log
    assert (output / "index.html").read_text(encoding="utf-8") == "previous build"
    assert not list(project.glob(".output-*")), "staging directory left behind"


def test_pelican_exits_non_zero_without_fatal(tmp_path):
    """Even without --fatal, a broken registry is not a warning: nothing is built."""
    project = copy_project(tmp_path / "project")
    (project / "content" / "entities.yml").write_text("meta:\n  name: Meta\n", "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py",
         "-o", str(tmp_path / "out")],
        cwd=project, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    # Pelican logs the error as critical (its console handler wraps long lines).
    log = " ".join((result.stdout + result.stderr).split())
    assert "content/entities.yml:1: entity 'meta': missing required field 'type'" in log
    assert "content/entities.yml: fix the registry and build again" in log
    assert not (tmp_path / "out").exists()


def test_registry_path_is_relative_to_the_project(tmp_path):
    assert registry_path({"PATH": str(tmp_path / "content")}) == (
        tmp_path.resolve() / "content" / "entities.yml"
    )
    assert registry_path({"ENTITIES_FILE": None, "PATH": str(tmp_path)}) is None
    assert registry_path({"ENTITIES_FILE": "", "PATH": str(tmp_path)}) is None


def test_missing_registry_turns_linking_off(tmp_path, caplog):
    content = tmp_path / "content"
    content.mkdir()
    with caplog.at_level(logging.INFO, logger="pelican.editorial.entities"):
        assert find_registry({"PATH": str(content)}) is None
        assert caplog.records[-1].levelno == logging.INFO
        explicit = {"PATH": str(content), "ENTITIES_FILE": "content/entities.yml"}
        assert find_registry(explicit) is None
        assert caplog.records[-1].levelno == logging.WARNING
    assert "entity linking is off" in caplog.records[-1].getMessage()
    (content / "entities.yml").write_text("", encoding="utf-8")
    assert find_registry({"PATH": str(content)}) == content.resolve() / "entities.yml"
    assert entity_generator({"PATH": str(content)}) is EntityPagesGenerator
    assert entity_generator({"PATH": str(content), "ENTITIES_FILE": None}) is None


def test_error_message_lists_what_to_do():
    error = RegistryError("content/entities.yml", [(3, "entity 'x': missing required field")])
    problem, hint = str(error).splitlines()
    assert problem == "content/entities.yml:3: entity 'x': missing required field"
    assert hint.startswith("content/entities.yml: fix the registry and build again")
    section = re.search(r"README, '([^']+)'", hint)[1]  # the section the hint names exists
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"\n## {section}\n" in readme


def test_cli_check(tmp_path):
    from editorial.commands import entities as entities_cmd

    project = copy_project(tmp_path / "project")
    out, err = io.StringIO(), io.StringIO()
    assert entities_cmd.run(project, out=out, err=err) == 0
    assert "content/entities.yml:" not in err.getvalue()
    assert "entities (" in out.getvalue() and ": OK" in out.getvalue()
    (project / "content" / "entities.yml").write_text("x:\n  name: X\n  type: thing\n", "utf-8")
    assert entities_cmd.run(project, out=out, err=err) == 1
    assert "entities.yml:3: entity 'x': unknown type 'thing'" in err.getvalue()


# The cache's layout, (version, digest, entities, matcher), as version 1 wrote it (rows).
_OLD_CACHE = pickle.dumps((1, "digest", [("meta", "Meta", "organization")], None))


def _project(tmp_path, registry_text: str) -> dict:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "entities.yml").write_text(registry_text, encoding="utf-8")
    return {"PATH": str(content), "EDITORIAL_CACHE_DIR": str(tmp_path / "cache")}


def _load(settings: dict):
    return load(settings, registry_path(settings))


def _cache_files(tmp_path) -> list:
    return sorted((tmp_path / "cache" / "entities").glob("registry-*.pickle"))


@pytest.mark.parametrize(
    "damage",
    [b"not a pickle at all", _OLD_CACHE, b""],
    ids=["garbage", "old-version", "empty"],
)
def test_a_damaged_registry_cache_is_rebuilt(tmp_path, damage):
    """The registry's build cache is ours to throw away: garbage, a payload
    from an older cache version or an empty file is ignored and rewritten."""
    settings = _project(
        tmp_path, "meta:\n  name: Meta\n  type: organization\n  aliases: [Meta Platforms]\n"
    )
    first, _ = _load(settings)
    (cache_file,) = _cache_files(tmp_path)
    cache_file.write_bytes(damage)

    registry, matcher = _load(settings)
    assert registry.get("meta") == first.get("meta")
    assert [c.entity_ids for c in matcher.candidates("Meta Platforms said")] == [
        ("meta",),
        ("meta",),
    ]
    _, _, entities, _ = pickle.loads(cache_file.read_bytes())  # rewritten, readable
    assert entities == registry.entities


def test_the_cache_follows_the_registry_and_the_settings(tmp_path):
    """A changed registry (or matching setting) is read again, never taken
    from the cache; the old registry's cache file is replaced."""
    settings = _project(tmp_path, "meta:\n  name: Meta\n  type: organization\n")
    registry, _ = _load(settings)
    (old_file,) = _cache_files(tmp_path)
    again, _ = _load(settings)  # from the cache
    assert again.entities == registry.entities and again.digest == registry.digest

    settings = _project(tmp_path, "meta:\n  name: Meta\n  type: organization\n"
                                  "  description: Changed.\n")  # fmt: skip
    changed, matcher = _load(settings)
    assert changed.get("meta").description == "Changed."
    assert changed.digest != registry.digest
    assert _cache_files(tmp_path) != [old_file] and len(_cache_files(tmp_path)) == 1

    _, ignoring = _load({**settings, "ENTITY_IGNORE_CASE": True})
    assert not matcher.ignore_case and ignoring.ignore_case
    assert [c.entity_ids for c in ignoring.candidates("meta")] == [("meta",)]


def test_a_broken_registry_is_never_cached(tmp_path):
    settings = _project(tmp_path, "meta:\n  name: Meta\n")
    for _ in range(2):
        with pytest.raises(RegistryError, match=r"entities\.yml:1: entity 'meta': missing"):
            _load(settings)
    assert _cache_files(tmp_path) == []


def test_no_cache_when_the_cache_dir_is_empty(tmp_path):
    settings = {**_project(tmp_path, "meta:\n  name: Meta\n  type: other\n"),
                "EDITORIAL_CACHE_DIR": None}  # fmt: skip
    registry, _ = _load(settings)
    assert registry.get("meta").name == "Meta"
    assert not (tmp_path / "cache").exists()
