"""The findings of the last detection, kept for a build whose input is the same.

Most builds change nothing the detector reads: a template was edited, or the
preview is rebuilt after a change elsewhere. The findings are a function of
the documents (paths, and each paragraph's ordinal, line and text, in
order), the settings, the model's identity and the detector's code, so they
are stored under a digest of all of these, in the same sqlite file as the
embeddings (table ``results``), one row per cache file: the latest. A build
whose digest matches reads its findings back without loading the model or
numpy work; any change to any of these misses and detects afresh.

Only findings made with the configured backend are stored: a build that fell
back to lexical detection (no model) is not remembered as the semantic answer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sqlite3
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from editorial.findings import Finding, Location
from editorial.repeats.units import Document

_SOURCES = Path(__file__).resolve().parent


@cache
def code_version() -> str:
    """The detector's code: every module of this package."""
    digest = hashlib.sha256()
    for source in sorted(_SOURCES.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


def input_digest(documents: Sequence[Document], settings_key: str) -> str:
    """Everything the findings depend on, as one sha256."""
    digest = hashlib.sha256(f"{code_version()}\0{settings_key}\0".encode())
    for document in documents:
        digest.update(f"\x01{document.path}\0".encode())
        for record in document.paragraphs:
            digest.update(f"{record.ordinal}\0{record.line}\0{record.text}\0".encode())
    return digest.hexdigest()


def load(db: sqlite3.Connection | None, digest: str) -> list[Finding] | None:
    """The stored findings for `digest`, or None."""
    if db is None:
        return None
    try:
        row = db.execute("SELECT findings FROM results WHERE digest=?", (digest,)).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else [_finding(item) for item in json.loads(row[0])]


def store(db: sqlite3.Connection | None, digest: str, findings: Sequence[Finding]) -> None:
    if db is None:
        return
    payload = json.dumps([dataclasses.asdict(f) for f in findings])  # scores unrounded
    try:
        db.execute("CREATE TABLE IF NOT EXISTS results (digest TEXT PRIMARY KEY, findings TEXT)")
        db.execute("DELETE FROM results")
        db.execute("INSERT INTO results VALUES (?, ?)", (digest, payload))
        db.commit()
    except sqlite3.Error:
        pass  # a cache that cannot be written costs time, never the build


def _finding(item: dict) -> Finding:
    return Finding(
        file=item["file"],
        line=item["line"],
        paragraph=item["paragraph"],
        kind=item["kind"],
        score=item["score"],
        repeats=Location(**item["repeats"]),
        acknowledged=item["acknowledged"],
        rule=item["rule"],
    )
