"""The Finding type, its formats and the acknowledgement rule."""

import json

import pytest

from editorial.findings import (
    AcknowledgementError,
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
        "rule", "file", "line", "paragraph", "kind", "score", "repeats", "acknowledged",
    ]  # fmt: skip
    assert data["findings"][0]["score"] == 0.861
    assert data["summary"] == {
        "findings": 2,
        "unacknowledged": 2,
        "acknowledged": 0,
        "by_kind": {"exact": 0, "near": 1, "paraphrase": 1},
        "articles": 2,
    }


def test_github_format_escapes_and_levels():
    lines = format_github([WITHIN, ACROSS.acknowledge()]).splitlines()
    assert lines[0].startswith("::warning file=content/a.md,line=41,title=repeated-paragraph::")
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
