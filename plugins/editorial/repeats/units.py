"""Stage 1, units: the paragraphs that are compared, and what is known of each.

A unit is a paragraph record with at least ``min_words`` words that is not a
heading written as a paragraph (headings, code and list items never become
records; trivial lines such as "Here is why." fall under the minimum).

Every unit carries its text features (features.py: from the feature cache
when the text was seen before) and, with the semantic backend, its paragraph
vector: candidate generation needs them for all. What only a pair decision
needs (sentences and their vectors, facts with the names of their document,
token vectors) is computed on first use: of 10,000 paragraphs, a few hundred
are ever compared that closely, and computing it for all of them on every
build was most of the detector's time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import cached_property

import numpy as np

from editorial.paragraphs import ParagraphRecord
from editorial.repeats import facts as facts_mod
from editorial.repeats.cache import FeatureCache
from editorial.repeats.features import TextFeatures, text_features, text_key
from editorial.repeats.inputs import Document
from editorial.repeats.normalise import normalise
from editorial.repeats.text import sentences

HEADING_MAX_WORDS = 15


class Corpus:
    """What the units' lazy features need beyond their own text: the names
    each document writes inside sentences (FactParts.resolve), and where
    sentence vectors come from."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        # Set by the vectors stage: fills `sentence_vectors` of the units given.
        self.load_sentence_vectors: Callable[[Sequence[Unit]], None] | None = None
        # Set by tokens.attach_loader: fills `token_vectors` of the units given.
        self.load_token_vectors: Callable[[Sequence[Unit]], None] | None = None
        # Set by tokens.attach_loader: the word pieces behind a unit's token
        # vectors, one per row (learned.py).
        self.token_pieces: Callable[[Unit], list[str]] | None = None
        self._names: dict[int, frozenset[str]] = {}

    @cached_property
    def _by_document(self) -> dict[int, list[Unit]]:
        documents: dict[int, list[Unit]] = {}
        for unit in self.units:
            documents.setdefault(unit.doc, []).append(unit)
        return documents

    def document_names(self, doc: int) -> frozenset[str]:
        if doc not in self._names:
            parts = (unit.fact_parts for unit in self._by_document.get(doc, ()))
            self._names[doc] = frozenset().union(*(p.names for p in parts))
        return self._names[doc]


class Unit:
    """One compared paragraph: where it is (document, position among the
    document's units, record) and its features."""

    def __init__(
        self,
        doc: int,
        position: int,
        record: ParagraphRecord,
        features: TextFeatures,
        corpus: Corpus,
    ) -> None:
        self.doc = doc
        self.position = position  # for block diagonals
        self.record = record
        self.features = features
        self.corpus = corpus
        # The sha256 of the paragraph's own text (how the feature cache keys it).
        self.raw_key = ""  # set by build_units
        self.vector: np.ndarray | None = None  # set by the vectors stage
        self._sentence_vectors: np.ndarray | None = None
        self._token_vectors: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Unit(doc={self.doc}, position={self.position}, record={self.record!r})"

    @property
    def key(self) -> str:
        """Equal for exact repeats (the sha256 of the normalised text)."""
        return self.features.key

    @property
    def shingles(self) -> np.ndarray:
        return self.features.shingles

    @cached_property
    def normalised(self) -> str:
        """The text the model embeds (asked for only when it is not in the cache)."""
        return normalise(self.record.text)

    @cached_property
    def tokens(self) -> list[str]:
        """The normalised text's words (lexical scores)."""
        return self.features.tokens.split(" ") if self.features.tokens else []

    @cached_property
    def token_counts(self) -> Counter[str]:
        return Counter(self.tokens)

    @cached_property
    def sentences(self) -> list[str]:
        return sentences(self.record.text)

    @cached_property
    def sentence_weights(self) -> np.ndarray:
        return np.array([max(len(s.split()), 1) for s in self.sentences], float)

    @cached_property
    def fact_parts(self) -> facts_mod.FactParts:
        data = self.features.facts
        if data is not None:
            return facts_mod.FactParts.from_json(data)
        return facts_mod.fact_parts(self.record.text)

    @cached_property
    def facts(self) -> facts_mod.Facts:
        return self.fact_parts.resolve(self.corpus.document_names(self.doc))

    @property
    def sentence_vectors(self) -> np.ndarray | None:
        """One row per sentence (the paragraph vector for a single sentence);
        loaded on first use. None without vectors (lexical detection)."""
        if self.needs_sentence_vectors and self.corpus.load_sentence_vectors is not None:
            self.corpus.load_sentence_vectors([self])
        return self._sentence_vectors

    @sentence_vectors.setter
    def sentence_vectors(self, value: np.ndarray | None) -> None:
        self._sentence_vectors = value

    @property
    def needs_sentence_vectors(self) -> bool:
        """It has a paragraph vector but its sentence vectors are not loaded yet."""
        return self.vector is not None and self._sentence_vectors is None

    @property
    def token_vectors(self) -> np.ndarray | None:
        """One unit row per word piece (tokens.py); loaded on first use. None
        without paragraph vectors or an encoder that gives token vectors."""
        if self.needs_token_vectors and self.corpus.load_token_vectors is not None:
            self.corpus.load_token_vectors([self])
        return self._token_vectors

    @token_vectors.setter
    def token_vectors(self, value: np.ndarray | None) -> None:
        self._token_vectors = value

    @property
    def needs_token_vectors(self) -> bool:
        return self.vector is not None and self._token_vectors is None


def heading_like(text: str) -> bool:
    """A heading written as a paragraph ("THOMAS PAINE, TO THE CITIZENS OF THE
    UNITED STATES."): short (a title line, at most 15 words) and more than half
    of its letters capitals. Prose, even dense with names and acronyms, stays
    far below (seed: 3-8%); a whole paragraph in capitals is still compared
    (its lower-case copy is an exact repeat)."""
    if len(text.split(maxsplit=HEADING_MAX_WORDS)) > HEADING_MAX_WORDS:  # > 15 words
        return False
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) * 2 > len(letters)


def build_units(
    documents: Sequence[Document], min_words: int, cache: FeatureCache | None = None
) -> list[Unit]:
    """The compared paragraphs of `documents`, in order, with their features
    (from `cache` when it has them; new ones are added to it)."""
    corpus = Corpus()
    placed: list[tuple[int, int, ParagraphRecord]] = []
    for d, document in enumerate(documents):
        position = 0
        for record in document.paragraphs:
            text = record.text
            # At most min_words splits: words past the minimum are not counted.
            if len(text.split(maxsplit=min_words)) < min_words or heading_like(text):
                continue
            placed.append((d, position, record))
            position += 1
    keys = [text_key(r.text) for _, _, r in placed]
    corpus.units = [
        Unit(d, position, record, features, corpus)
        for (d, position, record), features in zip(
            placed, _features([r.text for _, _, r in placed], keys, cache), strict=True
        )
    ]
    for unit, key in zip(corpus.units, keys, strict=True):
        unit.raw_key = key
    return corpus.units


def _features(texts: list[str], keys: list[str], cache: FeatureCache | None) -> list[TextFeatures]:
    if cache is None or not cache.usable:
        # Nowhere to keep facts: leave them to the few units that need them.
        return [text_features(t, with_facts=False) for t in texts]
    found = cache.get_many(keys)
    fresh: dict[str, TextFeatures] = {}
    for key, text in zip(keys, texts, strict=True):
        if key not in found and key not in fresh:
            fresh[key] = text_features(text)
    cache.put_many(fresh)
    found.update(fresh)
    return [found[k] for k in keys]
