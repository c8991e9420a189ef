"""Each editorial rule on a source that breaks it and one that does not;
then `invoke check`'s severities, --strict, settings and formats."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from editorial.commands.check import check
from editorial.rules import RULES, Context, run_rules
from editorial.rules.article import Article

TODAY = date(2025, 3, 1)

HEAD = "Title: T\nDate: 2025-02-20\nCategory: Tests\nTags: a, b\nSummary: Fine.\n"

# rule id -> (a source that breaks it, the text on the line it names, a source that does not)
CASES = {
    "metadata-key-misspelt": (
        HEAD.replace("Tags: a, b", "Tag: a, b") + "\nBody.\n",
        "Tag: a, b",
        HEAD + "Subtitle: a field of the site's own\nCategory_Id: 7\n\nBody.\n",
    ),
    "summary-placeholder": (
        HEAD.replace("Summary: Fine.", "Summary: TODO: write me"),
        "Summary: TODO",
        HEAD + "\nBody.\n",
    ),
    "summary-missing": (
        HEAD.replace("Summary: Fine.\n", "Status: draft\n"),
        "Status: draft",
        HEAD + "\nBody.\n",
    ),
    "category-missing": (
        HEAD.replace("Category: Tests", "Category:"),
        "Category:",
        HEAD + "\nBody.\n",
    ),
    "tags-missing": (
        HEAD.replace("Tags: a, b\n", "") + "\nBody.\n",
        "Summary: Fine.",
        HEAD + "\nBody.\n",
    ),
    "stale-draft": (
        HEAD.replace("2025-02-20", "2024-12-01") + "Status: draft\n\nOld.\n",
        "Status: draft",
        HEAD + "Status: draft\n\nA draft of last week.\n",
    ),
    "acknowledged-paragraph-missing": (
        HEAD + "Acknowledge_Repeats: 2, 9\n\nOne paragraph.\n\nTwo paragraphs.\n",
        "Acknowledge_Repeats: 2, 9",
        HEAD + "Acknowledge_Repeats: 2\n\nOne paragraph.\n\nTwo paragraphs.\n",
    ),
    "link-target-missing": (
        HEAD + "\nSee [this]({filename}/nowhere.md).\n",
        "nowhere.md",
        HEAD + "\nSee [that]({filename}other.md#part) and ![x]({static}/images/pic.png).\n",
    ),
    "image-alt-missing": (
        HEAD + "\nText.\n\n![](https://example.org/a.png)\n",
        "![](",
        HEAD + "\n![A chart of takedowns](https://example.org/a.png)\n\n<img src=x alt='A map'>\n",
    ),
    "insecure-link": (
        HEAD + "\nRead [the law](http://example.org/act) first.\n",
        "http://example.org/act",
        HEAD + "\nRead [it](https://example.org/act); run `curl http://localhost:8000`.\n"
        "\n```\nhttp://example.org in code is not a link\n```\n",
    ),
    "heading-level-skipped": (
        HEAD + "\n## Part\n\nText.\n\n#### Detail\n\nMore.\n",
        "#### Detail",
        HEAD + "\n## Part\n\n### Detail\n\n## Next\n\nSetext\n------\n",
    ),
}


def make_article(tmp_path: Path, text: str) -> Article:
    (tmp_path / "other.md").write_text("Title: Other\n")
    (tmp_path / "images").mkdir(exist_ok=True)
    (tmp_path / "images" / "pic.png").write_bytes(b"png")
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    return Article(path, "a.md", text, tmp_path)


def found(rule_id: str, article: Article, settings: dict | None = None) -> list:
    disabled = [rule.id for rule in RULES if rule.id != rule_id]
    return run_rules([article], Context(TODAY, settings or {}), disabled)


def test_every_rule_but_the_repeats_has_a_case():
    assert set(CASES) | {"entity-unmentioned", "repeated-paragraph"} == {r.id for r in RULES}


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule_flags_the_line_that_breaks_it(tmp_path, rule_id):
    bad, marker, _ = CASES[rule_id]
    [problem] = found(rule_id, make_article(tmp_path, bad))
    expected_line = next(n for n, line in enumerate(bad.splitlines(), 1) if marker in line)
    assert (problem.file, problem.line, problem.rule) == ("a.md", expected_line, rule_id)
    rule = next(r for r in RULES if r.id == rule_id)
    assert problem.severity == rule.severity and problem.hint == rule.hint


@pytest.mark.parametrize("rule_id", list(CASES))
def test_rule_passes_a_source_that_keeps_it(tmp_path, rule_id):
    assert found(rule_id, make_article(tmp_path, CASES[rule_id][2])) == []


def test_stale_draft_days_is_a_setting(tmp_path):
    article = make_article(tmp_path, CASES["stale-draft"][0])  # 90 days before TODAY
    assert found("stale-draft", article, {"EDITORIAL_STALE_DRAFT_DAYS": 100}) == []
    assert len(found("stale-draft", article, {"EDITORIAL_STALE_DRAFT_DAYS": 60})) == 1


def test_unmentioned_entity_is_information_at_its_registry_line(tmp_path):
    registry = tmp_path / "entities.yml"
    registry.write_text(
        yaml.safe_dump({
            "meta": {"name": "Meta Platforms", "type": "organization", "aliases": ["Meta"]},
            "pta": {"name": "Pakistan Telecommunication Authority", "type": "organization"},
        }, sort_keys=False),
        encoding="utf-8",
    )  # fmt: skip
    settings = {"PATH": str(tmp_path / "content"), "ENTITIES_FILE": str(registry),
                "EDITORIAL_CACHE_DIR": None}  # fmt: skip
    article = make_article(tmp_path, HEAD + "\nMeta opened an office.\n")
    problems = found("entity-unmentioned", article, settings)
    pta_line = registry.read_text().splitlines().index("pta:") + 1
    assert [(p.line, p.severity) for p in problems] == [(pta_line, "info")]
    assert "Pakistan Telecommunication Authority (pta)" in problems[0].message


# --- through `invoke check` ----------------------------------------------------------


def project(tmp_path: Path, conf: str = "") -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text(
        f'PATH = "content"\nTIMEZONE = "UTC"\nENTITIES_FILE = None\n{conf}', encoding="utf-8"
    )
    return tmp_path


def run(root: Path, *args: str, **options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = check(root, list(args), out=out, err=err, **options)
    return code, out.getvalue(), err.getvalue()


def test_warnings_fail_only_with_strict_and_errors_always(tmp_path):
    root = project(tmp_path)
    warned = root / "content" / "warned.md"
    warned.write_text(CASES["tags-missing"][0], encoding="utf-8")
    assert run(root, str(warned))[0] == 0
    assert run(root, str(warned), strict=True)[0] == 1
    broken = root / "content" / "broken.md"
    broken.write_text(CASES["summary-placeholder"][0], encoding="utf-8")
    code, out, _ = run(root, str(broken))
    assert code == 1
    assert f"{broken}:5: error: Summary: is a placeholder" in out
    assert out.rstrip().endswith("none found in 1 article")


def test_a_site_turns_rules_off_in_its_settings(tmp_path):
    root = project(tmp_path, 'EDITORIAL_DISABLED_RULES = ["summary-placeholder", "tags-missing"]\n')
    path = root / "content" / "a.md"
    path.write_text(CASES["summary-placeholder"][0].replace("Tags: a, b\n", ""), encoding="utf-8")
    code, out, _ = run(root, str(path), strict=True)
    assert (code, "[summary-placeholder]" in out, "[tags-missing]" in out) == (0, False, False)


def test_an_unknown_rule_in_the_settings_is_bad_input(tmp_path):
    root = project(tmp_path, 'EDITORIAL_DISABLED_RULES = ["no-such-rule"]\n')
    code, _, err = run(root)
    assert code == 2
    assert "pelicanconf.py: error: EDITORIAL_DISABLED_RULES names unknown rule(s) no-such-rule" in (
        err
    )


def test_github_and_json_formats_carry_rule_and_severity(tmp_path):
    root = project(tmp_path)
    path = root / "content" / "a.md"
    path.write_text(CASES["insecure-link"][0], encoding="utf-8")
    text = CASES["insecure-link"][0]
    line = text.splitlines().index("Read [the law](http://example.org/act) first.") + 1
    code, out, _ = run(root, str(path), output_format="github")
    assert code == 0
    assert out.splitlines()[0] == (
        f"::warning file={path},line={line},title=insecure-link::http://example.org/act is a "
        "bare http:// link; use https:// (most sites serve it; check the page still opens)"
    )
    code, out, _ = run(root, str(path), output_format="json")
    [problem] = json.loads(out)["findings"]
    assert (problem["rule"], problem["severity"], problem["line"]) == (
        "insecure-link", "warning", line,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("key", "meant"),
    [("Catgory", "Category"), ("Sumary", "Summary"), ("Acknowledge_Repeat", "Acknowledge_Repeats"),
     ("Editor_Note", "Editorial_Note"), ("Modifed", "Modified")],
)  # fmt: skip
def test_a_misspelt_key_is_named_with_the_field_it_was_meant_to_be(key, meant):
    article = Article(Path("a.md"), "a.md", HEAD + f"{key}: x\n\nBody.\n", Path("."))
    rule = next(r for r in RULES if r.id == "metadata-key-misspelt")
    found = run_rules([article], Context(TODAY, {}), [r.id for r in RULES if r is not rule])
    assert [(d.line, d.message) for d in found] == [
        (6, f"{key}: is read by nothing; did you mean {meant}:?")
    ]
