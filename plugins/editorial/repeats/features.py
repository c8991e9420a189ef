"""What detection needs from one paragraph's text, whatever article it is in.

These features depend on the text alone (not on the corpus, the model or
the settings), so the feature cache keeps them by a hash of the text, and an
unchanged paragraph is never normalised, tokenised, shingled or searched for
facts again: on a warm build of 10,000 paragraphs that work was most of the
detector's time. The rest of a paragraph's features (sentences and their
vectors, facts with their document's names) are computed only for the few
paragraphs that a pair decision compares (see units.py).
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from editorial.repeats import facts as facts_mod
from editorial.repeats import lexical, normalise, text


@dataclass(frozen=True)
class TextFeatures:
    # sha256 of the normalised text: equal for exact repeats, and the key of
    # the text's vector in the embedding cache.
    key: str
    shingles: np.ndarray  # unique uint32 hashes of word 3-grams
    # The normalised text's words, space-separated (words hold no spaces).
    tokens: str
    # FactParts as JSON, decoded only for paragraphs whose facts are compared;
    # None when not computed (no cache to keep them in: then they are
    # extracted from the text when needed).
    facts: str | None = None


def text_key(normalised_text: str) -> str:
    return hashlib.sha256(normalised_text.encode("utf-8")).hexdigest()


def text_features(paragraph: str, with_facts: bool = True) -> TextFeatures:
    normalised = normalise.normalise(paragraph)
    tokens = text.normalised_words(normalised)
    return TextFeatures(
        key=text_key(normalised),
        shingles=lexical.shingles(tokens),
        tokens=" ".join(tokens),
        facts=facts_mod.fact_parts(paragraph).to_json() if with_facts else None,
    )


# The modules whose code decides the features' values, and how they are stored.
_SOURCES = ("facts.py", "lexical.py", "normalise.py", "text.py", "features.py", "cache.py")


@cache  # the code does not change while the process runs
def features_version() -> str:
    """Identifies how features are computed and stored: the code of the
    modules above and the Unicode version behind NFKC. Any change makes the
    feature cache start afresh, so it never serves features older code made."""
    digest = hashlib.sha256(unicodedata.unidata_version.encode())
    for name in _SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]
