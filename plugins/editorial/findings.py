"""The findings and their formatters: the build log, `invoke check` (text,
json, github) and the publish gate all print the same findings.

`Finding` is a repeated paragraph; `Diagnostic` is what any other editorial
rule (`editorial.rules`) reports. Both carry a rule id and a severity.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace

RULE_REPEATED_PARAGRAPH = "repeated-paragraph"

# Severities, most serious first. Errors fail `invoke check` (and stop
# `invoke publish`); warnings only with --strict; info never.
ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES = (ERROR, WARNING, INFO)
# GitHub Actions' workflow commands for each severity.
_GITHUB_LEVEL = {ERROR: "error", WARNING: "warning", INFO: "notice"}


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

    @property
    def severity(self) -> str:
        """An unacknowledged repeat fails the check; an acknowledged one is information."""
        return INFO if self.acknowledged else ERROR

    def as_text(self) -> str:
        """A linter-style line: `path:line: message`."""
        return f"{self.file}:{self.line}: {self.message()}"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["score"] = round(self.score, 3)
        data["severity"] = self.severity
        # Key order as documented in docs/checks.md.
        order = ["rule", "severity", "file", "line", "paragraph", "kind", "score", "repeats",
                 "acknowledged"]  # fmt: skip
        return {key: data[key] for key in order}

    def acknowledge(self) -> Finding:
        return replace(self, acknowledged=True)


@dataclass(frozen=True)
class Diagnostic:
    """What an editorial rule found at one line: `message` says what is wrong
    there, `hint` how to fix it (the rule's fix hint)."""

    file: str
    line: int
    rule: str
    severity: str  # ERROR, WARNING or INFO
    message: str
    hint: str = ""

    def as_text(self) -> str:
        """`content/x.md:3: warning: no Tags:; add 'Tags: a, b' [tags-missing]`."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        hint = f"; {self.hint}" if self.hint else ""
        return f"{where}: {self.severity}: {self.message}{hint} [{self.rule}]"

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    order = {severity: n for n, severity in enumerate(SEVERITIES)}
    return sorted(diagnostics, key=lambda d: (d.file, d.line, order[d.severity], d.rule))


def diagnostics_line(diagnostics: Sequence[Diagnostic]) -> str:
    """`editorial rules: 1 error, 2 warnings, 0 info`."""
    counts = Counter(d.severity for d in diagnostics)
    parts = [f"{counts[ERROR]} error{'s' if counts[ERROR] != 1 else ''}",
             f"{counts[WARNING]} warning{'s' if counts[WARNING] != 1 else ''}",
             f"{counts[INFO]} info"]  # fmt: skip
    return "editorial rules: " + ", ".join(parts)


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


def format_text(
    findings: Sequence[Finding],
    articles: int | None = None,
    diagnostics: Sequence[Diagnostic] = (),
) -> str:
    lines = [d.as_text() for d in diagnostics]
    lines += [f.as_text() for f in findings]
    if diagnostics:
        lines.append(diagnostics_line(diagnostics))
    lines.append(summary_line(findings, articles))
    return "\n".join(lines)


def format_json(
    findings: Sequence[Finding],
    articles: int | None = None,
    errors: Sequence[object] = (),
    diagnostics: Sequence[Diagnostic] = (),
) -> str:
    """One JSON object: `findings` (every rule's, each with `rule` and
    `severity`), `summary`, and `errors` when there are any."""
    summary = summarise(findings, articles)
    counts = Counter([*(d.severity for d in diagnostics), *(f.severity for f in findings)])
    summary["by_severity"] = {severity: counts.get(severity, 0) for severity in SEVERITIES}
    payload: dict = {
        "findings": [d.as_dict() for d in diagnostics] + [f.as_dict() for f in findings],
        "summary": summary,
    }
    if errors:
        payload["errors"] = [e.as_dict() if isinstance(e, InputError) else e for e in errors]
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_escape(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(severity: str, file: str, line: int, title: str, message: str) -> str:
    """One workflow command: GitHub shows it on `line` of `file` in the pull request."""
    props = f"file={_github_property(file)},line={line},title={_github_property(title)}"
    return f"::{_GITHUB_LEVEL[severity]} {props}::{_github_escape(message)}"


def format_github(
    findings: Sequence[Finding],
    articles: int | None = None,
    diagnostics: Sequence[Diagnostic] = (),
) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = [
        github_annotation(
            d.severity, d.file, d.line, d.rule, f"{d.message}; {d.hint}" if d.hint else d.message
        )
        for d in diagnostics
    ]
    lines += [github_annotation(f.severity, f.file, f.line, f.rule, f.message()) for f in findings]
    if diagnostics:
        lines.append(diagnostics_line(diagnostics))
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


# No article has more paragraphs; a larger number is a typo (and a range up
# to it would fill memory).
MAX_PARAGRAPH_NUMBER = 100_000


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
        if last > MAX_PARAGRAPH_NUMBER:
            raise AcknowledgementError(
                f"{ACKNOWLEDGE_KEY}: {part!r} goes past paragraph {MAX_PARAGRAPH_NUMBER:,}; "
                "give the article's own paragraph numbers"
            )
        numbers.update(range(first, last + 1))
    return frozenset(numbers)


def apply_acknowledgements(
    findings: Iterable[Finding], acknowledged: dict[str, frozenset[int]]
) -> list[Finding]:
    """Mark the findings whose flagged paragraph its article acknowledges."""
    return [f.acknowledge() if f.paragraph in acknowledged.get(f.file, ()) else f for f in findings]
