"""The detector: which paragraph repeats which, and how.

`detect_repeats` is a pipeline of stages, each a module with its own tests:

1. units.py, vectors.py: the compared paragraphs with their text features
   (cached by text) and paragraph vectors (cached by model and text);
2. candidates.py: exact repeats (equal normalised text: Unicode NFKC, case,
   whitespace, quotes), and the pairs worth a decision: sharing enough word
   3-grams (an inverted index), or with a paragraph cosine reaching the
   lowest paraphrase threshold (the semantic score is never above the
   cosine, so nothing is lost). No loop over all pairs;
3. decisions.py: each candidate scored and classified on its own evidence
   (scoring.py: the scores and thresholds);
4. blocks.py: borderline neighbours of accepted pairs along their diagonal,
   and one-pair gaps between them;
5. strongest.py: one finding per later paragraph, its strongest repeat.

A rebuild starts from the last detection's snapshot (snapshot.py): the
features and vectors of its paragraphs at once, and its pair decisions, so
that stages 2 and 3 only pair and decide what changed (incremental.py).

Stages 1 (vectors) and 4 need the sentence-embedding model; without it (or
with ``semantic=False``) detection is lexical: exact and near repeats only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from editorial.findings import Finding
from editorial.repeats import incremental, snapshot, tokens
from editorial.repeats.blocks import Layout, extend_blocks, fill_gaps
from editorial.repeats.cache import FeatureCache
from editorial.repeats.candidates import (
    Pair,
    exact_pairs,
    lexical_candidates,
    number_mask,
    number_variants,
    semantic_pairs,
)
from editorial.repeats.database import open_database
from editorial.repeats.decisions import Scores, decide
from editorial.repeats.features import features_version
from editorial.repeats.incremental import LastPairs
from editorial.repeats.inputs import Document, RepeatSettings
from editorial.repeats.results import code_version
from editorial.repeats.strongest import as_findings, strongest_repeats
from editorial.repeats.units import Unit, build_units
from editorial.repeats.vectors import EmbeddingFailed, Encoder, Vectors, embed_units

# build_units and embed_units are the stages the benchmarks run on their own
# (bench/repeats.py scores sentence pairs, bench/warmup.py fills the cache).
__all__ = [
    "Document",
    "RepeatReport",
    "RepeatSettings",
    "build_units",
    "detect_repeats",
    "embed_units",
]

logger = logging.getLogger("editorial.repeats")


@dataclass
class RepeatReport:
    """Findings plus how they were computed (for the benchmark and the log)."""

    findings: list[Finding]
    backend: str  # "semantic: <model>" or "lexical: <reason>"
    units: int = 0
    candidates: int = 0
    embedded: int = 0  # texts run through the model in this call
    cached: int = 0  # texts served from the cache


def detect_repeats(
    documents: Sequence[Document],
    settings: RepeatSettings | None = None,
    encoder: tuple[Encoder, str] | None = None,
) -> RepeatReport:
    """find_repeats with its working shown. `encoder` = (encode, model_id)
    replaces the configured model (tests)."""
    settings = settings or RepeatSettings()
    db = open_database(settings.cache_dir)
    units: list[Unit] = []
    try:
        encode, model_id, backend = _backend(settings, encoder)
        model_id = model_id if encode is not None else ""
        last = snapshot.load(settings.cache_dir, model_id)
        cache = FeatureCache(db, features_version(), known=last.texts)
        units = build_units(documents, settings.min_words, cache)
        report = RepeatReport(findings=[], backend=backend, units=len(units))
        decided = last.decisions(_pairs_version(settings))
        if encode is not None and units:
            try:
                tokens.attach_loader(units, encode, db)  # token alignment (tokens.py)
                vectors = Vectors(encode, model_id, db, known=last.vector)
                rows = last.vector_rows([u.key for u in units])
                vectors.attach_paragraphs(units, last.vectors, rows)
                made = _detect(documents, units, settings, report, vectors, decided)
                snapshot.save(settings.cache_dir, units, model_id, made)
                return report
            except EmbeddingFailed as error:  # a model that loads but cannot run
                _fallback(f"embedding failed ({error})")
                report.backend = f"lexical: {error}"
                _forget_vectors(units)
                decided = None  # made with vectors
        made = _detect(documents, units, settings, report, None, decided)
        snapshot.save(settings.cache_dir, units, "", made)
        return report
    finally:
        if units:
            units[0].corpus.load_sentence_vectors = None  # the cache is closing
            units[0].corpus.load_token_vectors = None
        if db is not None:
            db.close()


def _pairs_version(settings: RepeatSettings) -> str:
    """What pair decisions depend on beyond the texts and the model."""
    return f"{settings.min_words}|{settings.thresholds}|{code_version()}"


def _detect(
    documents: Sequence[Document],
    units: list[Unit],
    settings: RepeatSettings,
    report: RepeatReport,
    vectors: Vectors | None,
    last: LastPairs | None,
) -> snapshot.Decided:
    """The stages after units, which fill in `report`; `vectors` None =
    lexical detection. With `last` (the last build's decisions), stages 2
    and 3 only decide what changed (incremental.py)."""
    thresholds = settings.thresholds
    accepted = {pair: ("exact", 1.0) for pair in exact_pairs([u.key for u in units])}
    tokens = [u.features.tokens for u in units]
    masks = [number_mask(t) for t in tokens]
    variants = number_variants(tokens, masks)
    matrix = vectors.matrix if vectors is not None else None
    lowest = min(thresholds.paraphrase, thresholds.same_facts)
    paths = [d.path for d in documents]
    digests = incremental.document_digests(units)
    update = incremental.match(units, paths, digests, last) if last is not None else None
    if last is not None and update is not None:
        candidates, known = incremental.candidates(
            units, last, update, variants, masks, matrix, lowest
        )
    else:
        candidates, known = _candidates(units, variants, matrix, lowest, vectors), {}
    report.candidates = len(candidates)
    scores = Scores(units)
    verdicts = decide(candidates, scores, thresholds, accepted, known)
    if vectors is not None:
        layout = Layout(units)
        extend_blocks(accepted, scores, thresholds, layout)
        fill_gaps(accepted, scores, thresholds, layout)
        report.embedded, report.cached = vectors.embedded, vectors.cached
    report.findings = as_findings(strongest_repeats(accepted), units, documents)
    decisions = {pair: verdicts.get(pair) for pair in candidates}
    changed = len(update.fresh) + len(update.gone) if update is not None else None
    return snapshot.Decided(
        paths, digests, matrix, decisions, _pairs_version(settings), changed=changed
    )


def _candidates(
    units: list[Unit],
    variants: np.ndarray,
    matrix: np.ndarray | None,
    lowest: float,
    vectors: Vectors | None,
) -> set[Pair]:
    """Stage 2 over all units (candidates.py)."""
    candidates = lexical_candidates([u.shingles for u in units], variants=variants)
    if vectors is not None and matrix is not None:
        keys = [u.key for u in units]
        candidates |= semantic_pairs(keys, matrix, lowest, vectors.cache, variants)
    return candidates


def _backend(
    settings: RepeatSettings, encoder: tuple[Encoder, str] | None
) -> tuple[Encoder | None, str, str]:
    """(encode, model id, report.backend); encode is None for lexical detection."""
    if encoder is not None:
        return encoder[0], encoder[1], f"semantic: {encoder[1]}"
    if not settings.semantic:
        return None, "", "lexical: semantic detection turned off"
    try:
        from editorial.repeats.embeddings import load_encoder

        loaded = load_encoder(settings.model)
    except Exception as error:  # ModelError, ImportError, onnxruntime failures
        _fallback(f"semantic backend unavailable ({error})")
        return None, "", f"lexical: {error}"
    return loaded.encode, loaded.model_id, f"semantic: {loaded.files.label}"


def _fallback(reason: str) -> None:
    # Said by each build that falls back (nothing is remembered here between
    # builds: a rebuild of `invoke serve` or a test is a build of its own).
    # Within one Pelican process, Pelican's log filter drops a repeat of an
    # identical message, so a server's log does not fill up with it.
    logger.warning(
        "repeated paragraphs: %s; falling back to lexical detection (exact and near repeats only)",
        reason,
    )


def _forget_vectors(units: Sequence[Unit]) -> None:
    for unit in units:
        unit.vector = unit.sentence_vectors = None
    units[0].corpus.load_sentence_vectors = None
