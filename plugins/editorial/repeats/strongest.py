"""Stage 5, findings: one per later paragraph, naming its strongest repeat
(exact > near > paraphrase, then the higher score, then the earliest)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from editorial.findings import Finding, Location, sort_findings
from editorial.repeats.candidates import Pair
from editorial.repeats.decisions import Verdict
from editorial.repeats.units import Document, Unit

KIND_RANK = {"exact": 3, "near": 2, "paraphrase": 1}


def strongest_repeats(accepted: Mapping[Pair, Verdict]) -> dict[int, tuple[int, str, float]]:
    """Later unit -> (earlier unit, kind, score) of its strongest repeat."""
    best: dict[int, tuple[int, str, float]] = {}
    for (i, j), (kind, value) in accepted.items():
        current = best.get(j)
        rank = (KIND_RANK[kind], value, -i)
        if current is None or rank > (KIND_RANK[current[1]], current[2], -current[0]):
            best[j] = (i, kind, value)
    return best


def as_findings(
    best: Mapping[int, tuple[int, str, float]],
    units: Sequence[Unit],
    documents: Sequence[Document],
) -> list[Finding]:
    findings = []
    for j, (i, kind, value) in best.items():
        later, earlier = units[j], units[i]
        findings.append(
            Finding(
                file=documents[later.doc].path,
                line=later.record.line,
                paragraph=later.record.ordinal,
                kind=kind,
                score=round(float(value), 4),
                repeats=Location(
                    documents[earlier.doc].path, earlier.record.line, earlier.record.ordinal
                ),
            )
        )
    return sort_findings(findings)
