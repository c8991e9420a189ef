"""Stage 1, units and vectors: which paragraphs are compared, their text
features (computed once per text, then cached), lazily resolved facts, and
paragraph and sentence vectors (a fake deterministic encoder)."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from editorial.paragraphs import ParagraphRecord
from editorial.repeats import facts, features
from editorial.repeats.cache import EmbeddingCache, FeatureCache
from editorial.repeats.database import open_database
from editorial.repeats.lexical import shingles
from editorial.repeats.normalise import normalise
from editorial.repeats.text import normalised_words
from editorial.repeats.units import Document, build_units, heading_like
from editorial.repeats.vectors import Vectors, embed_units


def doc(path: str, *texts: str) -> Document:
    return Document(path, tuple(ParagraphRecord(i, 2 * i, t) for i, t in enumerate(texts, 1)))


class HashEncoder:
    """Deterministic unit vectors from a hash of the text; counts what it embeds."""

    def __init__(self, dim: int = 16) -> None:
        self.dim = dim
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.array(
            [
                np.random.default_rng(zlib.crc32(t.encode())).standard_normal(self.dim)
                for t in texts
            ],
            dtype=np.float32,
        )
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    @property
    def texts(self) -> int:
        return sum(len(c) for c in self.calls)


LONG = "The regulator published its annual report on platform takedowns on Monday."
OTHER = "Smaller services cannot afford moderation teams that work around the clock."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("THOMAS PAINE, TO THE CITIZENS OF THE UNITED STATES.", True),
        ("Chapter One", False),  # capitalised words, lower-case letters dominate
        ("The NDA, BJP and INC met in New Delhi on Monday.", False),
        (f"{LONG} {OTHER}".upper(), False),  # over 15 words: shouted prose is compared
        ("1234 5678", False),  # no letters
    ],
)
def test_heading_like(text, expected):
    assert heading_like(text) is expected


@pytest.mark.parametrize(
    ("documents", "expected"),
    [
        pytest.param(
            [doc("a.md", LONG, "Here is why.", OTHER)],
            [(0, 0, 1), (0, 1, 3)],
            id="short paragraphs are skipped; positions count compared ones",
        ),
        pytest.param(
            [doc("a.md", "A HEADING WRITTEN AS A PARAGRAPH.", LONG), doc("b.md", OTHER, LONG)],
            [(0, 0, 2), (1, 0, 1), (1, 1, 2)],
            id="headings are skipped; positions restart per document",
        ),
        pytest.param([doc("a.md"), doc("b.md", "Too short.")], [], id="nothing to compare"),
    ],
)
def test_build_units(documents, expected):
    units = build_units(documents, min_words=8)
    assert [(u.doc, u.position, u.record.ordinal) for u in units] == expected


def test_text_features_are_those_of_the_text_alone():
    spaced = "  the REGULATOR published its annual report\non platform takedowns on Monday. "
    a, b, c = (features.text_features(t) for t in (LONG, spaced, OTHER))
    assert a.key == b.key == features.text_key(normalise(LONG))  # exact repeats share a key
    assert a.key != c.key
    assert a.tokens.split() == normalised_words(normalise(LONG))
    assert np.array_equal(a.shingles, shingles(a.tokens.split()))
    parts = facts.FactParts.from_json(a.facts)
    assert parts == facts.fact_parts(LONG)
    assert features.text_features(LONG, with_facts=False).facts is None


@pytest.mark.parametrize(
    ("text", "document_names", "names"),
    [
        # Sentence openers are names only when the document writes them
        # inside a sentence too.
        ("Clegg met Meta in Pakistan.", set(), {"meta", "pakistan"}),
        ("Clegg met Meta in Pakistan.", {"clegg"}, {"clegg", "meta", "pakistan"}),
        ("Considering the rules, Meta agreed.", set(), {"meta"}),
        ("Perhaps Authors in Delhi agreed. Authors said so.", set(), {"authors", "delhi"}),
        ("Speaking in Delhi, the minister agreed.", set(), {"delhi"}),  # a common word
        ("The U.S. and the EU agreed. Officials said so.", set(), {"us", "eu"}),
        ("NASA launched it.", set(), {"nasa"}),  # an acronym is a name anywhere
        # Titles, days and months are not names.
        ("Yesterday Mr Macron met Dr Fauci on Monday in July.", set(), {"macron", "fauci"}),
    ],
)
def test_names_with_the_names_of_their_document(text, document_names, names):
    parts = facts.fact_parts(text)
    assert parts.resolve(frozenset(document_names)).names == names
    assert facts.FactParts.from_json(parts.to_json()) == parts


def test_an_opener_is_a_name_when_its_document_names_it_elsewhere():
    first = "Officials in Delhi said the rules would change within 36 hours of notice."
    alone = build_units([doc("a.md", first)], 8)
    assert alone[0].facts.names == {"delhi"}
    other = "The rules drafted by Officials were criticised by opposition parties on Monday."
    together = build_units([doc("a.md", first, other)], 8)
    assert together[0].facts.names == {"officials", "delhi"}
    assert together[0].facts.numbers == {36.0}
    # Another document's use does not count: documents are read on their own.
    apart = build_units([doc("a.md", first), doc("b.md", other)], 8)
    assert apart[0].facts.names == {"delhi"}


@pytest.mark.parametrize(
    "text",
    ["a\u00a0b", "a\u2028b", "a \t\n b", "\x1ca\x1fb\x1e", " a  b ", "a\u3000b", "\u200ba b"],
)
def test_normalise_collapses_exactly_the_whitespace_of_the_regex(text):
    import re

    expected = re.sub(r"\s+", " ", text).strip()
    assert normalise(text) == expected.casefold()


def test_feature_cache_serves_unchanged_texts_and_is_keyed_by_the_code(tmp_path, monkeypatch):
    documents = [doc("a.md", LONG, OTHER)]
    computed: list[str] = []
    real = features.text_features

    def counting(text, with_facts=True):
        computed.append(text)
        return real(text, with_facts)

    monkeypatch.setattr("editorial.repeats.units.text_features", counting)
    db = open_database(tmp_path)
    first = build_units(documents, 8, FeatureCache(db, "v1"))
    assert computed == [LONG, OTHER]
    second = build_units([*documents, doc("b.md", LONG)], 8, FeatureCache(db, "v1"))
    assert computed == [LONG, OTHER]  # every text was cached
    assert [u.key for u in second] == [first[0].key, first[1].key, first[0].key]
    assert np.array_equal(second[1].shingles, first[1].shingles)
    assert second[0].facts == first[0].facts
    build_units(documents, 8, FeatureCache(db, "v2"))  # other code: recomputed
    assert computed == [LONG, OTHER, LONG, OTHER]
    db.close()


def test_features_version_names_the_code():
    assert features.features_version() == features.features_version()
    assert len(features.features_version()) == 16


TWO_SENTENCES = (
    "The regulator published its report on Monday. It found that most takedowns were late."
)


def test_paragraph_vectors_for_all_sentence_vectors_on_demand(tmp_path):
    encode = HashEncoder()
    units = build_units([doc("a.md", LONG, TWO_SENTENCES, OTHER)], 8)
    db = open_database(tmp_path)
    vectors = Vectors(encode, "hash", db)
    matrix = vectors.attach_paragraphs(units)
    assert matrix.shape == (3, 16)
    assert encode.calls == [[u.normalised for u in units]]
    assert all(np.array_equal(u.vector, row) for u, row in zip(units, matrix, strict=True))
    # A unit's sentence vectors load when first asked for...
    assert units[1].sentence_vectors.shape == (2, 16)
    assert encode.calls[-1] == [normalise(s) for s in units[1].sentences]
    # ...and a one-sentence paragraph's is its paragraph vector (nothing embedded).
    calls = len(encode.calls)
    assert np.array_equal(units[0].sentence_vectors, units[0].vector[None, :])
    assert len(encode.calls) == calls
    assert (vectors.embedded, vectors.cached) == (5, 0)
    db.close()


def test_embed_units_fills_the_cache_for_the_next_build(tmp_path):
    units = build_units([doc("a.md", LONG, TWO_SENTENCES)], 8)
    assert embed_units(units, HashEncoder(), "hash", str(tmp_path)) == (4, 0)
    again = build_units([doc("a.md", LONG, TWO_SENTENCES)], 8)
    encode = HashEncoder()
    assert embed_units(again, encode, "hash", str(tmp_path)) == (0, 4)
    assert encode.texts == 0
    assert np.array_equal(again[1].sentence_vectors, units[1].sentence_vectors)


def test_semantic_pairs_are_kept_per_model_and_threshold(tmp_path):
    db = open_database(tmp_path)
    cache = EmbeddingCache(db, "m1")
    cache.save_pairs(0.77, ["k1", "k2", "k3"], np.array([[0, 2]], dtype=np.int32))
    keys, pairs = cache.load_pairs(0.77)
    assert keys == ["k1", "k2", "k3"] and pairs.tolist() == [[0, 2]]
    assert cache.load_pairs(0.89) is None
    assert EmbeddingCache(db, "m1").load_pairs(0.77) is not None
    # Another model's vectors replace these, and the pairs computed from them go too.
    EmbeddingCache(db, "m2")
    assert EmbeddingCache(db, "m1").load_pairs(0.77) is None
    db.close()


def test_no_cache_directory_still_works():
    assert open_database(None) is None
    cache = EmbeddingCache(None, "m")
    assert cache.load_pairs(0.5) is None
    units = build_units([doc("a.md", LONG)], 8, FeatureCache(None, "v"))
    assert units[0].features.facts is None  # computed when needed instead
    assert units[0].facts == facts.fact_parts(LONG).resolve(frozenset())
