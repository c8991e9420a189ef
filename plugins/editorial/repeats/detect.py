"""The detector: which paragraph repeats which, and how.

Pipeline (see scoring.py for the scores and thresholds):

1. Units: every paragraph record with at least ``min_words`` words (headings,
   code and list items never become records; trivial lines such as "Here is
   why." fall under the minimum). Each unit carries its normalised text,
   word tokens, word 3-gram shingles, facts, and, with the semantic backend,
   its paragraph vector and sentence vectors (from the on-disk cache when seen
   before).
2. Exact: equal normalised text (Unicode NFKC, case, whitespace, quotes).
3. Candidates, vectorised: pairs whose paragraph cosine reaches the
   paraphrase threshold (the semantic score is never above the paragraph
   cosine, so nothing is lost) from blockwise matrix products, plus pairs
   sharing enough word 3-grams (an inverted index). No loop over all pairs.
4. Each candidate pair is scored and classified on its own evidence:
   ``near`` (lexical), ``paraphrase`` (semantic score >= the paraphrase
   threshold, or >= the lower same-facts threshold when both state the same
   non-empty numbers); any pair whose numbers or names conflict is vetoed.
5. Blocks: from every accepted pair, walk its diagonal ((i-1, j-1), (i+1,
   j+1), ...) and accept neighbours whose semantic score is borderline and
   which are the best alignment locally (shifting either side by one does not
   do better), so a repeated block is found whole; a one-pair gap between two
   accepted pairs is accepted when the two are each other's best match. A
   borderline pair is never accepted alone.
6. One finding per later paragraph: its strongest repeat (exact > near >
   paraphrase, then score, then the earliest).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from editorial.findings import Finding, Location, sort_findings
from editorial.paragraphs import ParagraphRecord
from editorial.repeats import facts as facts_mod
from editorial.repeats.lexical import shingle_candidates, shingles
from editorial.repeats.normalise import normalise, word_count
from editorial.repeats.scoring import PairScore, Thresholds, borderline, classify, score_pair
from editorial.repeats.text import raw_words, sentences, words

logger = logging.getLogger("editorial.repeats")

_KIND_RANK = {"exact": 3, "near": 2, "paraphrase": 1}
_BLOCK_ROWS = 512  # rows of the similarity matrix computed at once
_MIN_SHINGLE_CONTAINMENT = 0.25  # lexical candidates: below this, near is impossible


@dataclass(frozen=True)
class Document:
    """An article's paragraphs; `path` is how findings name it (e.g. content/x.md)."""

    path: str
    paragraphs: tuple[ParagraphRecord, ...]


@dataclass(frozen=True)
class RepeatSettings:
    # Paragraphs shorter than this ("Here is why.") are never compared: short
    # lines recur legitimately and carry too little to judge a repeat by.
    min_words: int = 8
    # Use the sentence-embedding model (paraphrases); False = lexical only
    # (exact and near).
    semantic: bool = True
    # "packaged" (all-MiniLM-L6-v2 from the installed packages) or a directory
    # with model.onnx, tokenizer.json and SHA256SUMS (see embeddings.py).
    model: str = "packaged"
    # Where embeddings are cached (sqlite); None = no disk cache.
    cache_dir: str | None = ".editorial-cache"
    near_threshold: float = Thresholds.near
    paraphrase_threshold: float = Thresholds.paraphrase
    same_facts_threshold: float = Thresholds.same_facts
    corroborated_threshold: float = Thresholds.corroborated

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(
            near=self.near_threshold,
            paraphrase=self.paraphrase_threshold,
            same_facts=self.same_facts_threshold,
            corroborated=self.corroborated_threshold,
        )


@dataclass
class Unit:
    doc: int
    position: int  # index among the document's units (for block diagonals)
    record: ParagraphRecord
    normalised: str
    tokens: list[str]
    shingles: np.ndarray
    facts: facts_mod.Facts
    sentences: list[str]
    sentence_weights: np.ndarray
    vector: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None


@dataclass
class RepeatReport:
    """Findings plus how they were computed (for the benchmark and the log)."""

    findings: list[Finding]
    backend: str  # "semantic: <model>" or "lexical: <reason>"
    units: int = 0
    candidates: int = 0
    embedded: int = 0  # texts run through the model in this call
    cached: int = 0  # texts served from the cache
    scores: dict[tuple[int, int], PairScore] = field(default_factory=dict)


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logger.warning("%s", message)


Encoder = Callable[[list[str]], np.ndarray]


def _semantic_backend(settings: RepeatSettings):
    """(encode, model_id, label) or raises ModelError / ImportError."""
    from editorial.repeats.embeddings import load_encoder

    encoder = load_encoder(settings.model)
    return encoder.encode, encoder.model_id, encoder.files.label


def find_repeats(
    documents: Sequence[Document], settings: RepeatSettings | None = None
) -> list[Finding]:
    """Every paragraph that repeats an earlier paragraph of the same document or
    of a document earlier in `documents` (callers order them, oldest first)."""
    return detect_repeats(documents, settings).findings


def build_units(documents: Sequence[Document], min_words: int) -> list[Unit]:
    units: list[Unit] = []
    for d, document in enumerate(documents):
        position = 0
        for record in document.paragraphs:
            if word_count(record.text) < min_words or heading_like(record.text):
                continue
            tokens = words(record.text)
            sents = sentences(record.text)
            units.append(
                Unit(
                    doc=d,
                    position=position,
                    record=record,
                    normalised=normalise(record.text),
                    tokens=tokens,
                    shingles=shingles(tokens),
                    facts=facts_mod.Facts(frozenset(), frozenset()),
                    sentences=sents,
                    sentence_weights=np.array([max(len(s.split()), 1) for s in sents], float),
                )
            )
            position += 1
    vocabulary = {w for u in units for w in raw_words(u.record.text) if w.islower()}
    for unit in units:
        unit.facts = facts_mod.extract(unit.record.text, vocabulary)
    return units


HEADING_MAX_WORDS = 15


def heading_like(text: str) -> bool:
    """A heading written as a paragraph ("THOMAS PAINE, TO THE CITIZENS OF THE
    UNITED STATES."): short (a title line, at most 15 words) and more than half
    of its letters capitals. Prose, even dense with names and acronyms, stays
    far below (seed: 3-8%); a whole paragraph in capitals is still compared
    (its lower-case copy is an exact repeat)."""
    if len(text.split()) > HEADING_MAX_WORDS:
        return False
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) * 2 > len(letters)


def embed_units(units: list[Unit], encode: Encoder, model_id: str, cache_dir) -> tuple[int, int]:
    """Fill in paragraph and sentence vectors; returns (embedded, cached)."""
    from editorial.repeats.cache import EmbeddingCache

    cache = EmbeddingCache(cache_dir, model_id)
    try:
        texts = [u.normalised for u in units]
        spans = []
        for unit in units:
            start = len(texts)
            if len(unit.sentences) > 1:
                texts.extend(normalise(s) for s in unit.sentences)
            spans.append((start, len(texts)))
        vectors = cache.embed(texts, encode)
        for k, unit in enumerate(units):
            unit.vector = vectors[k]
            start, end = spans[k]
            unit.sentence_vectors = vectors[start:end] if end > start else vectors[k : k + 1]
        return cache.misses, cache.hits
    finally:
        cache.close()


def _semantic_candidates(units: list[Unit], threshold: float) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, with paragraph cosine >= threshold (blockwise)."""
    matrix = np.stack([u.vector for u in units]).astype(np.float32)
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(units), _BLOCK_ROWS):
        block = matrix[start : start + _BLOCK_ROWS] @ matrix.T
        rows, cols = np.nonzero(block >= threshold)
        rows = rows + start
        keep = cols > rows
        pairs.update(zip(rows[keep].tolist(), cols[keep].tolist(), strict=True))
    return pairs


def _lexical_candidates(units: list[Unit]) -> set[tuple[int, int]]:
    sets = [u.shingles for u in units]
    pairs = shingle_candidates(sets, min_shared=2)
    sizes = np.array([max(len(s), 1) for s in sets])
    keep = set()
    for i, j in pairs:
        shared = len(np.intersect1d(sets[i], sets[j], assume_unique=True))
        if shared / min(sizes[i], sizes[j]) >= _MIN_SHINGLE_CONTAINMENT:
            keep.add((i, j))
    return keep


def _locally_best(units, i: int, j: int, score: PairScore, scored, by_position) -> bool:
    """The block's diagonal is the best alignment here: shifting either side by
    one paragraph does not give a more similar pair. Where two texts were
    re-paragraphed, the walk stops instead of pairing the wrong neighbours."""
    value = score.semantic
    for di, dj in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        ai = by_position.get((units[i].doc, units[i].position + di))
        aj = by_position.get((units[j].doc, units[j].position + dj))
        if ai is None or aj is None or ai == aj:
            continue
        pair = (ai, aj) if ai < aj else (aj, ai)
        rival = scored(pair)
        if rival.semantic is not None and not rival.conflict and rival.semantic > value:
            return False
    return True


def _mutual_best(units: list[Unit], i: int, j: int, value: float, scored) -> bool:
    """No earlier paragraph (of i's document, before j) is closer to j than i,
    and no later paragraph (of j's document, after i) is closer to i than j.
    Paragraph cosines bound the semantic score from above, so only the few
    paragraphs whose cosine beats `value` are scored."""
    vectors_i, vectors_j = units[i].vector, units[j].vector
    for k, other in enumerate(units):
        if k in (i, j):
            continue
        if other.doc == units[i].doc and k < j and float(other.vector @ vectors_j) > value:
            rival = scored((k, j) if k < j else (j, k))
            if rival.semantic is not None and rival.semantic > value:
                return False
        if other.doc == units[j].doc and k > i and float(other.vector @ vectors_i) > value:
            rival = scored((i, k) if i < k else (k, i))
            if rival.semantic is not None and rival.semantic > value:
                return False
    return True


def detect_repeats(
    documents: Sequence[Document],
    settings: RepeatSettings | None = None,
    encoder: tuple[Encoder, str] | None = None,
) -> RepeatReport:
    """find_repeats with its working shown. `encoder` = (encode, model_id)
    replaces the configured model (tests)."""
    settings = settings or RepeatSettings()
    thresholds = settings.thresholds
    units = build_units(documents, settings.min_words)
    report = RepeatReport(findings=[], backend="", units=len(units))

    encode = None
    if encoder is not None:
        encode, model_id = encoder
        report.backend = f"semantic: {model_id}"
    elif settings.semantic:
        try:
            encode, model_id, label = _semantic_backend(settings)
            report.backend = f"semantic: {label}"
        except Exception as error:  # ModelError, ImportError, onnxruntime failures
            reason = str(error)
            _warn_once(
                f"repeated paragraphs: semantic backend unavailable ({reason}); "
                "falling back to lexical detection (exact and near repeats only)"
            )
            report.backend = f"lexical: {reason}"
    else:
        report.backend = "lexical: semantic detection turned off"

    if encode is not None and units:
        try:
            report.embedded, report.cached = embed_units(
                units, encode, model_id, settings.cache_dir
            )
        except Exception as error:  # a model that loads but cannot run
            _warn_once(
                f"repeated paragraphs: embedding failed ({error}); "
                "falling back to lexical detection (exact and near repeats only)"
            )
            report.backend = f"lexical: {error}"
            encode = None
            for unit in units:
                unit.vector = unit.sentence_vectors = None

    # 1. exact
    accepted: dict[tuple[int, int], tuple[str, float]] = {}
    first_seen: dict[str, int] = {}
    for index, unit in enumerate(units):
        earlier = first_seen.setdefault(unit.normalised, index)
        if earlier != index:
            accepted[(earlier, index)] = ("exact", 1.0)

    # 2. candidates, scored and classified on their own evidence
    candidates = _lexical_candidates(units)
    if encode is not None and units:
        candidates |= _semantic_candidates(units, min(thresholds.paraphrase, thresholds.same_facts))
    report.candidates = len(candidates)
    scores: dict[tuple[int, int], PairScore] = {}

    def scored(pair: tuple[int, int]) -> PairScore:
        if pair not in scores:
            scores[pair] = score_pair(units[pair[0]], units[pair[1]])
        return scores[pair]

    for pair in sorted(candidates):
        i, j = pair
        if pair in accepted or units[i].normalised == units[j].normalised:
            continue
        verdict = classify(scored(pair), thresholds)
        if verdict:
            accepted[pair] = verdict

    # 3. blocks: walk each accepted pair's diagonal, accepting borderline neighbours
    if encode is not None:
        by_position = {(u.doc, u.position): k for k, u in enumerate(units)}
        frontier = list(accepted)
        while frontier:
            i, j = frontier.pop()
            for step in (-1, 1):
                ni = by_position.get((units[i].doc, units[i].position + step))
                nj = by_position.get((units[j].doc, units[j].position + step))
                if ni is None or nj is None or (ni, nj) in accepted:
                    continue
                # A copied block does not overlap its source: within one
                # document the neighbour's earlier paragraph must come before
                # this pair's later one, and the later after the earlier.
                if units[ni].doc == units[nj].doc and not (ni < j and nj > i and ni < nj):
                    continue
                if units[ni].normalised == units[nj].normalised:
                    accepted[(ni, nj)] = ("exact", 1.0)
                    frontier.append((ni, nj))
                    continue
                score = scored((ni, nj))
                if borderline(score, thresholds) and _locally_best(
                    units, ni, nj, score, scored, by_position
                ):
                    verdict = classify(score, thresholds) or ("paraphrase", score.semantic)
                    accepted[(ni, nj)] = verdict
                    frontier.append((ni, nj))

        # A gap of one inside a block: (i, j) and (i + 2, j + 2) accepted, the
        # pair between them is the only alignment the block allows. Accepted
        # when the facts do not conflict and the two are each other's best
        # match (no other earlier paragraph is closer to the later one, and no
        # other later paragraph to the earlier one): no threshold, no pair alone.
        for i, j in list(accepted):
            ni = by_position.get((units[i].doc, units[i].position + 1))
            nj = by_position.get((units[j].doc, units[j].position + 1))
            ai = by_position.get((units[i].doc, units[i].position + 2))
            aj = by_position.get((units[j].doc, units[j].position + 2))
            if None in (ni, nj, ai, aj) or (ai, aj) not in accepted or (ni, nj) in accepted:
                continue
            if units[ni].doc == units[nj].doc and not ni < nj:
                continue
            score = scored((ni, nj))
            if score.conflict or score.semantic is None:
                continue
            if _mutual_best(units, ni, nj, score.semantic, scored):
                accepted[(ni, nj)] = classify(score, thresholds) or ("paraphrase", score.semantic)
    report.scores = scores

    # 4. one finding per later paragraph
    best: dict[int, tuple[int, str, float]] = {}
    for (i, j), (kind, value) in accepted.items():
        current = best.get(j)
        rank = (_KIND_RANK[kind], value, -i)
        if current is None or rank > (_KIND_RANK[current[1]], current[2], -current[0]):
            best[j] = (i, kind, value)
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
    report.findings = sort_findings(findings)
    return report
