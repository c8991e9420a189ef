"""The fact veto and the template line, case by case (issue 15).

Each veto case is a lightly edited copy (a near repeat by its words) whose
one edit touches a fact: the copy must be flagged when the edit keeps the fact
(a sentence starting with another word, a typo in a name, a number written
another way, a date in another format) and must not be when the fact changed.

The template line: a sentence that recurs in every article with a changing
number is never a repeat (its cost is tested in test_repeats_detect.py).
"""

from __future__ import annotations

import pytest

from editorial.paragraphs import ParagraphRecord
from editorial.repeats.detect import Document, RepeatSettings, detect_repeats

FILLER = (
    "Readers asked us to explain the background, so this note sets out the timetable "
    "and the questions that remain open."
)
AUDIT = (
    "{} the ministry will publish the audit of the tax office before the summer recess. "
    "The committee asked for it twice last year, and the minister promised it in writing "
    "after the auditors raised the matter."
)


def findings_for(earlier: str, later: str) -> list[tuple[int, int, str]]:
    """(paragraph, earlier paragraph, kind) of an article: earlier, filler, later."""
    records = (ParagraphRecord(1, 1, earlier), ParagraphRecord(2, 3, FILLER),
               ParagraphRecord(3, 5, later))  # fmt: skip
    report = detect_repeats(
        [Document("a.md", records)], RepeatSettings(cache_dir=None, semantic=False)
    )
    return [(f.paragraph, f.repeats.paragraph, f.kind) for f in report.findings]


KEPT_FACTS = [
    pytest.param(
        AUDIT.format("Perhaps"),
        AUDIT.format("Considering the delays,"),
        id="capitalised-sentence-starts",
    ),
    pytest.param(
        "Writing in the annual review, the authors say the tax office lost track of refunds, "
        "and the committee wants the full text published before the summer recess.",
        "Authors of the annual review say the tax office lost track of refunds, and the "
        "committee wants the full text published before the summer recess.",
        id="authors-at-a-sentence-start",
    ),
    pytest.param(
        AUDIT.format("Now").replace("the auditors", "Rahman"),
        AUDIT.format("Now").replace("the auditors", "Rahmen"),
        id="one-letter-typo-in-a-name",
    ),
    pytest.param(
        "The regulator gave platforms three days to answer the request and said it would "
        "publish the replies in full once the deadline had passed and the audit was complete.",
        "The regulator gave platforms 3 days to answer the request and said it would "
        "publish the replies in full once the deadline had passed and the audit was complete.",
        id="three-vs-3",
    ),
    pytest.param(
        "Platforms must act within thirty-six hours of an order from a court, and the "
        "ministry says it will review the rule once the first annual report is published.",
        "Platforms must act within 36 hours of an order from a court, and the ministry "
        "says it will review the rule once the first annual report is published.",
        id="thirty-six-vs-36",
    ),
    pytest.param(
        "The inquiry took two and a half years, and its report asks the ministry to publish "
        "every contract it signed with the outsourcing firm during the pandemic.",
        "The inquiry took 2.5 years, and its report asks the ministry to publish every "
        "contract it signed with the outsourcing firm during the pandemic.",
        id="two-and-a-half-vs-2.5",
    ),
    pytest.param(
        "The regulation applies from 2025-07-01 to every platform with more than a million "
        "users, and the regulator will publish its first guidance on audits soon after.",
        "The regulation applies from 1 July 2025 to every platform with more than a million "
        "users, and the regulator will publish its first guidance on audits soon after.",
        id="iso-date-vs-day-and-month",
    ),
]


@pytest.mark.parametrize(("earlier", "later"), KEPT_FACTS)
def test_a_copy_that_keeps_its_facts_is_flagged(earlier, later):
    assert findings_for(earlier, later) == [(3, 1, "near")]


CHANGED_FACTS = [
    pytest.param(
        "This report is the third in a series on platform audits, and it covers the risk "
        "assessments that the largest services published this autumn under the new law.",
        "This report is the second of three on platform audits, and it covers the risk "
        "assessments that the largest services published this autumn under the new law.",
        id="one-number-set-inside-the-other",
    ),
    pytest.param(
        "In Germany, platforms must remove manifestly unlawful content within 24 hours of a "
        "user complaint, under the Network Enforcement Act of 2017.",
        "In Germany, platforms must remove manifestly unlawful content within 48 hours of a "
        "user complaint, under the Network Enforcement Act of 2017.",
        id="one-number-substituted",
    ),
]


@pytest.mark.parametrize(("earlier", "later"), CHANGED_FACTS)
def test_a_copy_whose_facts_changed_is_not_flagged(earlier, later):
    assert findings_for(earlier, later) == []


def series(n: int) -> list[Document]:
    """n articles, each a paragraph of its own (a form with other numbers) and the same
    template line with its number."""
    docs = []
    for k in range(1, n + 1):
        own = (f"Article {k} reviews submission {k * 7919 % 10007} to the consultation, "
               f"filed by respondent number {k * 104729 % 99991} on day {k % 28 + 1}.")  # fmt: skip
        line = f"This note is item {k} of the series."
        docs.append(Document(f"{k:04d}.md", (ParagraphRecord(1, 1, own),
                                             ParagraphRecord(2, 3, line))))  # fmt: skip
    return docs


@pytest.mark.parametrize("semantic", [False, True], ids=["lexical", "semantic"])
def test_template_lines_with_different_numbers_are_not_repeats(semantic, tmp_path):
    settings = RepeatSettings(cache_dir=str(tmp_path / "cache"), semantic=semantic)
    assert detect_repeats(series(60), settings).findings == []
