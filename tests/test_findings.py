"""The Finding type, its formats and the acknowledgement rule."""

import json

import pytest

from editorial.findings import (
    AcknowledgementError,
    Diagnostic,
    Finding,
    Location,
    apply_acknowledgements,
    format_github,
    format_json,
    parse_acknowledgements,
)

WITHIN = Finding("content/a.md", 41, 9, "paraphrase", 0.8612, Location("content/a.md", 17, 4))
ACROSS = Finding("content/b.md", 12, 2, "near", 0.9, Location("content/a.md", 5, 1))


@pytest.mark.parametrize(
    ("finding", "expected"),
    [
        (WITHIN, "content/a.md:41: paragraph 9 repeats paragraph 4 (line 17) [paraphrase 0.86]"),
        (
            ACROSS,
            "content/b.md:12: paragraph 2 repeats paragraph 1 of content/a.md (line 5) [near 0.90]",
        ),
        (
            WITHIN.acknowledge(),
            "content/a.md:41: paragraph 9 repeats paragraph 4 (line 17) [paraphrase 0.86]"
            " (acknowledged)",
        ),
    ],
)
def test_text_format(finding, expected):
    assert finding.as_text() == expected


def test_json_format_is_one_object_with_documented_keys():
    data = json.loads(format_json([WITHIN, ACROSS], articles=2))
    assert list(data["findings"][0]) == [
        "rule", "severity", "file", "line", "paragraph", "kind", "score", "repeats",
        "acknowledged",
    ]  # fmt: skip
    assert data["findings"][0]["severity"] == "error"
    assert data["findings"][0]["score"] == 0.861
    assert data["summary"] == {
        "findings": 2,
        "unacknowledged": 2,
        "acknowledged": 0,
        "by_kind": {"exact": 0, "near": 1, "paraphrase": 1},
        "articles": 2,
        "by_severity": {"error": 2, "warning": 0, "info": 0},
    }


def test_github_format_escapes_and_levels():
    lines = format_github([WITHIN, ACROSS.acknowledge()]).splitlines()
    # An unacknowledged repeat fails the check: an error; an acknowledged one a notice.
    assert lines[0].startswith("::error file=content/a.md,line=41,title=repeated-paragraph::")
    assert lines[1].startswith("::notice file=content/b.md,line=12,")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, set()),
        ("13", {13}),
        ("9-12, 13", {9, 10, 11, 12, 13}),
        ("9–10 12", {9, 10, 12}),
        (["1", "3"], {1, 3}),
    ],
)
def test_parse_acknowledgements(value, expected):
    assert parse_acknowledgements(value) == expected


@pytest.mark.parametrize("value", ["nine", "3-1", "0", "4-"])
def test_parse_acknowledgements_rejects(value):
    with pytest.raises(AcknowledgementError, match="acknowledge_repeats"):
        parse_acknowledgements(value)


def test_apply_acknowledgements_only_touches_named_paragraphs_of_that_file():
    result = apply_acknowledgements([WITHIN, ACROSS], {"content/a.md": frozenset({9})})
    assert [f.acknowledged for f in result] == [True, False]


def test_diagnostics_in_every_format():
    problem = Diagnostic("content/a, b.md", 3, "tags-missing", "warning", "no Tags:", "add Tags")
    assert problem.as_text() == "content/a, b.md:3: warning: no Tags:; add Tags [tags-missing]"
    github = format_github([], 1, [problem]).splitlines()
    # Property values escape ',' and ':' (GitHub's workflow-command syntax).
    assert github[0] == (
        "::warning file=content/a%2C b.md,line=3,title=tags-missing::no Tags:; add Tags"
    )
    info = Diagnostic("entities.yml", 9, "entity-unmentioned", "info", "X is mentioned nowhere")
    assert format_github([], 1, [info]).splitlines()[0].startswith("::notice file=entities.yml,")
    data = json.loads(format_json([WITHIN], 1, (), [problem, info]))
    assert data["findings"][0] == {
        "rule": "tags-missing", "severity": "warning", "file": "content/a, b.md", "line": 3,
        "message": "no Tags:", "hint": "add Tags",
    }  # fmt: skip
    assert data["summary"]["by_severity"] == {"error": 1, "warning": 1, "info": 1}
    assert data["summary"]["findings"] == 1  # repeated paragraphs only
