"""One `Finding` type and its formatters: the build log, `invoke check`
(text, json, github) and the publish gate all print the same findings."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace

RULE_REPEATED_PARAGRAPH = "repeated-paragraph"


@dataclass(frozen=True)
class InputError:
    """Bad input, reported as `path:line: message` (line 0: the file as a whole)."""

    path: str
    line: int
    message: str

    def as_text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: error: {self.message}"

    def as_dict(self) -> dict:
        return {"file": self.path, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class Location:
    """A paragraph in a source file: 1-based line of its first line, 1-based ordinal."""

    file: str
    line: int
    paragraph: int


@dataclass(frozen=True)
class Finding:
    """A paragraph that repeats an earlier one (`repeats`), in this or another article."""

    file: str
    line: int
    paragraph: int
    kind: str  # "exact", "near" or "paraphrase"
    score: float
    repeats: Location
    acknowledged: bool = False
    rule: str = RULE_REPEATED_PARAGRAPH

    @property
    def location(self) -> Location:
        return Location(self.file, self.line, self.paragraph)

    def message(self) -> str:
        """`paragraph 9 repeats paragraph 4 (line 17) [paraphrase 0.86]`."""
        other = self.repeats
        where = f"paragraph {other.paragraph}"
        if other.file != self.file:
            where += f" of {other.file}"
        text = f"paragraph {self.paragraph} repeats {where} (line {other.line})"
        text += f" [{self.kind} {self.score:.2f}]"
        if self.acknowledged:
            text += " (acknowledged)"
        return text

    def as_text(self) -> str:
        """A linter-style line: `path:line: message`."""
        return f"{self.file}:{self.line}: {self.message()}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["score"] = round(self.score, 3)
        # Key order as documented in the README.
        order = ["rule", "file", "line", "paragraph", "kind", "score", "repeats", "acknowledged"]
        return {key: data[key] for key in order}

    def acknowledge(self) -> Finding:
        return replace(self, acknowledged=True)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, f.paragraph, f.repeats.file))


def summarise(findings: Sequence[Finding], articles: int | None = None) -> dict:
    """Counts for the one-line summary and the JSON `summary` object."""
    by_kind = Counter(f.kind for f in findings)
    acknowledged = sum(f.acknowledged for f in findings)
    summary = {
        "findings": len(findings),
        "unacknowledged": len(findings) - acknowledged,
        "acknowledged": acknowledged,
        "by_kind": {kind: by_kind.get(kind, 0) for kind in ("exact", "near", "paraphrase")},
    }
    if articles is not None:
        summary["articles"] = articles
    return summary


def summary_line(findings: Sequence[Finding], articles: int | None = None) -> str:
    s = summarise(findings, articles)
    scope = f" in {articles} article{'s' if articles != 1 else ''}" if articles is not None else ""
    if not findings:
        return f"repeated paragraphs: none found{scope}"
    kinds = ", ".join(f"{n} {k}" for k, n in s["by_kind"].items() if n)
    return (
        f"repeated paragraphs: {s['findings']} found{scope} ({kinds}); "
        f"{s['unacknowledged']} unacknowledged, {s['acknowledged']} acknowledged"
    )


def format_text(findings: Sequence[Finding], articles: int | None = None) -> str:
    lines = [f.as_text() for f in findings]
    lines.append(summary_line(findings, articles))
    return "\n".join(lines)


def format_json(
    findings: Sequence[Finding], articles: int | None = None, errors: Sequence[object] = ()
) -> str:
    """One JSON object: `findings`, `summary`, and `errors` when there are any."""
    payload: dict = {
        "findings": [f.as_dict() for f in findings],
        "summary": summarise(findings, articles),
    }
    if errors:
        payload["errors"] = [e.as_dict() if isinstance(e, InputError) else e for e in errors]
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def format_github(findings: Sequence[Finding], articles: int | None = None) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for f in findings:
        level = "notice" if f.acknowledged else "warning"
        props = f"file={f.file},line={f.line},title={f.rule}".replace("::", ": :")
        lines.append(f"::{level} {props}::{_github_escape(f.message())}")
    lines.append(summary_line(findings, articles))
    return "\n".join(lines)


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}


# --- Acknowledgements -------------------------------------------------------
#
# An article accepts a finding about one of its own paragraphs (a deliberate
# repeated quotation, say) with metadata naming the paragraph numbers:
#
#     Acknowledge_Repeats: 9-12, 13
#
# Acknowledged findings are still reported, marked as such, but no longer
# fail `invoke check` or block `invoke publish`.

ACKNOWLEDGE_KEY = "acknowledge_repeats"


class AcknowledgementError(ValueError):
    """The acknowledgement metadata cannot be read; the message says why."""


def parse_acknowledgements(value: object) -> frozenset[int]:
    """Paragraph numbers from `"9-12, 13"` (commas or spaces; ranges inclusive)."""
    if value is None:
        return frozenset()
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    numbers: set[int] = set()
    for part in str(value).replace(",", " ").split():
        start, dash, end = part.replace("–", "-").partition("-")
        try:
            first = int(start)
            last = int(end) if dash else first
        except ValueError:
            raise AcknowledgementError(
                f"{ACKNOWLEDGE_KEY}: {part!r} is not a paragraph number or range; "
                "write e.g. '9-12, 13'"
            ) from None
        if first < 1 or last < first:
            raise AcknowledgementError(
                f"{ACKNOWLEDGE_KEY}: {part!r} is not a valid range of paragraph numbers"
            )
        numbers.update(range(first, last + 1))
    return frozenset(numbers)


def apply_acknowledgements(
    findings: Iterable[Finding], acknowledged: dict[str, frozenset[int]]
) -> list[Finding]:
    """Mark the findings whose flagged paragraph its article acknowledges."""
    return [f.acknowledge() if f.paragraph in acknowledged.get(f.file, ()) else f for f in findings]
