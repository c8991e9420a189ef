"""`find_repeats`: the findings, detected afresh or, when the input is the
same as the last build's, read back from the cache.

Most builds change nothing the detector reads: a template was edited, or the
preview is rebuilt after a change elsewhere. The findings are a function of
the documents (paths, and each paragraph's ordinal, line and text, in
order), the settings, the model's identity and the detector's code, so they
are stored under a digest of all of these, in the same sqlite file as the
embeddings (table ``results``), the latest KEEP of them: a build runs two
detections when an article is over the paragraph limit (site.py), and
`invoke check FILE` one of its own, which must not evict the build's. A build
whose digest matches reads its findings back without importing the detector
(numpy, onnxruntime: about 2% of a warm build of 1,000 articles) or loading
the model; any change to any of these misses and detects afresh.

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
from typing import TYPE_CHECKING

from editorial.findings import Finding, Location
from editorial.repeats.database import mark_snapshot_current, open_database
from editorial.repeats.inputs import Document, RepeatSettings
from editorial.repeats.model_files import ModelError, resolve_model

if TYPE_CHECKING:
    from editorial.repeats.detect import RepeatReport

_SOURCES = Path(__file__).resolve().parent


def find_repeats(
    documents: Sequence[Document], settings: RepeatSettings | None = None
) -> list[Finding]:
    """Every paragraph that repeats an earlier paragraph of the same document or
    of a document earlier in `documents` (callers order them, oldest first).

    The same input as the last build's gives the last build's findings
    (results.py), without detecting again."""
    settings = settings or RepeatSettings()
    identity = settings_identity(settings)
    if identity is None or settings.cache_dir is None:
        return _detect(documents, settings).findings
    digest = input_digest(documents, identity)
    db = open_database(settings.cache_dir)
    try:
        findings = load(db, digest)
        if findings is None:
            report = _detect(documents, settings)
            findings = report.findings
            if report.backend.startswith("semantic") or not settings.semantic:
                store(db, digest, findings)
        elif settings.semantic:
            mark_snapshot_current(settings.cache_dir)
        return findings
    finally:
        if db is not None:
            db.close()


def _detect(documents: Sequence[Document], settings: RepeatSettings) -> RepeatReport:
    # Imported here, not at the top: the detector (numpy, and onnxruntime for
    # the model) is loaded only by a build whose findings are not known.
    from editorial.repeats.detect import detect_repeats

    return detect_repeats(documents, settings)


def settings_identity(settings: RepeatSettings) -> str | None:
    """What of the settings the findings depend on, the model by the sha256s
    it is pinned to (None when the model cannot even be located: nothing is
    cached then)."""
    model = ""
    if settings.semantic:
        try:
            model = resolve_model(settings.model).model_id
        except ModelError:
            return None
    return f"{settings.min_words}|{settings.semantic}|{model}|{settings.thresholds}"


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


KEEP = 4  # stored findings, the latest first


def store(db: sqlite3.Connection | None, digest: str, findings: Sequence[Finding]) -> None:
    if db is None:
        return
    payload = json.dumps([dataclasses.asdict(f) for f in findings])  # scores unrounded
    try:
        db.execute("CREATE TABLE IF NOT EXISTS results (digest TEXT PRIMARY KEY, findings TEXT)")
        # REPLACE gives the row a new rowid: rowids order the rows by last use.
        db.execute("INSERT OR REPLACE INTO results VALUES (?, ?)", (digest, payload))
        db.execute(
            "DELETE FROM results WHERE rowid NOT IN "
            "(SELECT rowid FROM results ORDER BY rowid DESC LIMIT ?)",
            (KEEP,),
        )
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
