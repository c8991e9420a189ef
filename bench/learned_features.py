"""Features of a candidate pair for a learned paraphrase decision (experiment,
bench/repeats_learned.py): what the detector computes for a pair anyway
(scoring.PairScore) plus a few cheap counts."""

from __future__ import annotations

import numpy as np

from editorial.repeats.embeddings import load_encoder
from editorial.repeats.facts import _COMMON
from editorial.repeats.scoring import PairScore
from editorial.repeats.tokens import content_pieces

NAMES = (
    "paragraph",
    "align_min",
    "align_max",
    "tokens_min",
    "tokens_max",
    "length_ratio",
    "content_jaccard",
    "content_cover_min",
    "lexical",
    "numbers_shared",
    "numbers_differ",
    "names_shared",
    "names_differ",
    "novel_tokens_min",
    "novel_share",
)


def _directions(sims: np.ndarray, wa: np.ndarray | None = None, wb: np.ndarray | None = None):
    a = sims.max(axis=1)
    b = sims.max(axis=0)
    if wa is not None:
        da, db = float((a * wa).sum() / wa.sum()), float((b * wb).sum() / wb.sum())
    else:
        da, db = float(a.mean()), float(b.mean())
    return min(da, db), max(da, db)


_TOKENIZER = []


def pieces(unit) -> list[str]:
    """The word pieces behind `unit.token_vectors`, one per row (tokens.py)."""
    if not _TOKENIZER:
        _TOKENIZER.append(load_encoder("packaged").tokenizer)
    found = _TOKENIZER[0].encode(unit.normalised).tokens
    return [found[i] for i in content_pieces(found)]


def novel_alignment(s: PairScore) -> tuple[float, float]:
    """Token alignment over the pieces that the other paragraph does not
    contain word for word (a paraphrase's synonyms align, a same-template
    sentence's substituted words do not): the smaller direction's mean best
    cosine (1.0 when nothing is novel), and the share of novel pieces."""
    a, b = s.a.token_vectors, s.b.token_vectors
    if a is None or not len(a) or not len(b):
        return 0.0, 1.0
    pa, pb = pieces(s.a), pieces(s.b)
    sims = a @ b.T
    values, novel, total = [], 0, 0
    for words, other, best in ((pa, set(pb), sims.max(axis=1)), (pb, set(pa), sims.max(axis=0))):
        keep = [i for i, w in enumerate(words) if w not in other and w not in _COMMON]
        values.append(float(best[keep].mean()) if keep else 1.0)
        novel += len(keep)
        total += len(words)
    return min(values), novel / max(total, 1)


def pair_features(s: PairScore) -> np.ndarray:
    a, b = s.a, s.b
    if len(a.sentence_vectors) and len(b.sentence_vectors):
        al = _directions(
            a.sentence_vectors @ b.sentence_vectors.T, a.sentence_weights, b.sentence_weights
        )
    else:
        al = (0.0, 0.0)
    ta, tb = a.token_vectors, b.token_vectors
    tok = _directions(ta @ tb.T) if ta is not None and len(ta) and len(tb) else (0.0, 0.0)
    ca = {w for w in a.tokens if w not in _COMMON and not w.isdigit()}
    cb = {w for w in b.tokens if w not in _COMMON and not w.isdigit()}
    inter = len(ca & cb)
    jac = inter / max(len(ca | cb), 1)
    cover = min(inter / max(len(ca), 1), inter / max(len(cb), 1))
    fa, fb = a.facts, b.facts
    return np.array(
        [
            s.paragraph,
            al[0],
            al[1],
            tok[0],
            tok[1],
            s.length_ratio,
            jac,
            cover,
            s.lexical,
            len(fa.numbers & fb.numbers),
            len(fa.numbers ^ fb.numbers),
            len(fa.names & fb.names),
            len(fa.names ^ fb.names),
            *novel_alignment(s),
        ],
        float,
    )
