"""Preview-only presentation of findings: marks on flagged paragraphs and the
rows of the editorial report. Pure functions on strings; no Pelican imports."""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from editorial.findings import Finding
from editorial.paragraphs import paragraph_anchor

_WORD = re.compile(r"\S+|\s+")


def flag_note(finding: Finding, href: str) -> str:
    """The visible, accessible note put at the start of a flagged paragraph."""
    other = finding.repeats
    target = f"¶{other.paragraph}"
    if other.file != finding.file:
        target += f" of {other.file}"
    state = ", acknowledged" if finding.acknowledged else ""
    return (
        f'<span class="repeat-flag" role="note">'
        f'Editorial check: repeats <a href="{html.escape(href)}">{html.escape(target)}</a> '
        f"({finding.kind} {finding.score:.2f}{state})</span> "
    )


def mark_paragraphs(content: str, notes: Mapping[int, str]) -> str:
    """Add class `flagged-repeat` and the note to each paragraph whose ordinal is in `notes`.

    Paragraphs are found by the anchors our Markdown extension gave them, so
    nothing is parsed; a paragraph whose anchor an author replaced stays unmarked.
    """
    for ordinal, note in notes.items():
        opening = re.compile(rf'(<p id="{paragraph_anchor(ordinal)}")([^>]*)>')

        def add_mark(match: re.Match[str], note: str = note) -> str:
            start, attributes = match.groups()
            if 'class="' in attributes:
                attributes = attributes.replace('class="', 'class="flagged-repeat ', 1)
            else:
                attributes += ' class="flagged-repeat"'
            return f"{start}{attributes}>{note}"

        content = opening.sub(add_mark, content, count=1)
    return content


def word_diff(left: str, right: str) -> tuple[str, str]:
    """Both texts as HTML with the words that differ wrapped in <mark>."""
    a, b = _WORD.findall(left), _WORD.findall(right)
    matcher = difflib.SequenceMatcher(None, [w.casefold() for w in a], [w.casefold() for w in b])
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        chunk_a = html.escape("".join(a[i1:i2]))
        chunk_b = html.escape("".join(b[j1:j2]))
        if op == "equal":
            out_a.append(chunk_a)
            out_b.append(chunk_b)
        else:
            if chunk_a.strip():
                out_a.append(f"<mark>{chunk_a}</mark>")
            if chunk_b.strip():
                out_b.append(f"<mark>{chunk_b}</mark>")
    return "".join(out_a), "".join(out_b)


@dataclass(frozen=True)
class ReportRow:
    finding: Finding
    text_html: str
    other_html: str
    title: str
    other_title: str
    url: str
    other_url: str


def report_rows(
    findings: Sequence[Finding],
    texts: Mapping[tuple[str, int], str],
    titles: Mapping[str, str],
    urls: Mapping[str, str],
) -> list[ReportRow]:
    """One row per finding: the two paragraphs side by side, differences marked."""
    rows = []
    for f in findings:
        other = f.repeats
        later, earlier = word_diff(
            texts.get((f.file, f.paragraph), ""), texts.get((other.file, other.paragraph), "")
        )
        rows.append(
            ReportRow(
                finding=f,
                text_html=later,
                other_html=earlier,
                title=titles.get(f.file, f.file),
                other_title=titles.get(other.file, other.file),
                url=f"{urls.get(f.file, '')}#{paragraph_anchor(f.paragraph)}",
                other_url=f"{urls.get(other.file, '')}#{paragraph_anchor(other.paragraph)}",
            )
        )
    return rows
