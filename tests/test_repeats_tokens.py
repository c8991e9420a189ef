"""Token alignment (tokens.py): the score on hand-made vectors, the word
pieces that count, the packaged model's token vectors and their cache, and the detector
finding a reworded paragraph by it while leaving a same-topic paragraph that
makes another claim alone."""

from __future__ import annotations

import math

import numpy as np
import pytest

from editorial.paragraphs import ParagraphRecord
from editorial.repeats import Document, RepeatSettings
from editorial.repeats.database import open_database
from editorial.repeats.detect import detect_repeats
from editorial.repeats.tokens import TokenCache, content_pieces, stored, token_alignment

E = np.eye(4, dtype=np.float32)
DIAGONAL = (E[1] + E[2]) / math.sqrt(2)  # halfway between e1 and e2


def test_alignment_is_the_smaller_direction_of_mean_best_matches():
    a = np.stack([E[0], E[1]])
    b = np.stack([E[0], DIAGONAL, E[2]])
    # a -> b: e0 finds e0 (1), e1 finds the diagonal (1/sqrt 2): mean (1 + 0.7071) / 2.
    # b -> a: e0 -> 1, the diagonal -> 1/sqrt 2, e2 -> 0 (nothing like it in a): mean / 3.
    expected = (1 + 1 / math.sqrt(2)) / 3
    assert token_alignment(a, b) == pytest.approx(expected)
    assert token_alignment(b, a) == pytest.approx(expected)


def test_alignment_ignores_order_and_is_one_for_the_same_tokens():
    a = np.stack([E[0], E[1], E[2]])
    assert token_alignment(a, a[::-1]) == pytest.approx(1.0)
    # a repeated word in one of them still finds its match
    assert token_alignment(a, np.stack([E[0], E[0], E[1], E[2]])) == pytest.approx(1.0)


def test_alignment_asks_both_sides_to_be_covered():
    short = np.stack([E[0]])
    longer = np.stack([E[0], E[1], E[2], E[3]])  # says three more things
    assert token_alignment(short, longer) == pytest.approx(0.25)
    assert token_alignment(short, np.zeros((0, 4), np.float32)) == 0.0


def test_special_and_punctuation_pieces_do_not_count():
    pieces = ["[CLS]", "the", ",", "cap", "##ital", "'", "s", "—", "3", "[SEP]"]
    assert [pieces[i] for i in content_pieces(pieces)] == ["the", "cap", "##ital", "s", "3"]


@pytest.fixture(scope="module")
def encoder():
    from editorial.repeats.embeddings import load_encoder

    return load_encoder("packaged")


def test_packaged_model_gives_a_unit_vector_per_word_piece(encoder):
    texts = ["Rents rose, again.", "The congestion charge took effect in March this year."]
    together = encoder.encode_tokens(texts)
    pieces = [encoder.tokenizer.encode(t).tokens for t in texts]
    for matrix, tokens in zip(together, pieces, strict=True):
        assert matrix.shape == (len(content_pieces(tokens)), encoder.dimension or 384)
        assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    # padded next to a longer text or alone: the same vectors
    alone = encoder.encode_tokens(texts[:1])[0]
    assert np.allclose(alone, together[0], atol=1e-4)


ORIGINAL = (
    "The council's congestion charge, introduced last year, costs drivers a flat daily fee to "
    "enter the city centre during the working day. Revenue "
    "goes into a ring-fenced fund for bus services, and residents of the zone receive a large "
    "discount."
)
# Same subject and many of the same words, another claim (what traders think).
SAME_TOPIC = (
    "Since last year, the council's congestion charge has cost drivers who enter the city centre "
    "a flat daily fee, and shopkeepers say it has kept their customers away. Traders want "
    "the revenue spent on cheaper parking rather than on bus services."
)
REWORDED = (
    "A flat daily fee is now charged to drivers who enter the city centre during "
    "the working day: the council's congestion charge took effect last "
    "year. Its revenue is kept in a separate fund for bus services, and the zone's "
    "residents pay much less."
)
FILLER = (
    "Officials expect the scheme to raise enough money within two years to pay for new "
    "electric buses on the busiest routes across the region.",
    "A review of the scheme is due next spring, when the council will publish figures on "
    "traffic, air quality and bus use.",
)


def article(*texts: str) -> Document:
    return Document(
        "content/charge.md",
        tuple(ParagraphRecord(k + 1, 2 * k + 5, t) for k, t in enumerate(texts)),
    )


def found(document: Document, settings: RepeatSettings) -> list[tuple[int, str, int]]:
    report = detect_repeats([document], settings)
    return [(f.paragraph, f.kind, f.repeats.paragraph) for f in report.findings]


def test_a_reworded_paragraph_is_found_and_a_same_topic_one_is_not(tmp_path, encoder):
    doc = article(ORIGINAL, FILLER[0], SAME_TOPIC, FILLER[1], REWORDED)
    settings = RepeatSettings(cache_dir=str(tmp_path / "cache"))
    assert found(doc, settings) == [(5, "paraphrase", 1)]
    # Again with the same cache: the token vectors are read back, not recomputed.
    embedded = encoder.embedded
    assert found(doc, settings) == [(5, "paraphrase", 1)]
    assert encoder.embedded == embedded
    # It is the token alignment that finds it: without the rules that read it
    # (the token threshold and the learned rule, learned.py), nothing is.
    without = RepeatSettings(cache_dir=None, tokens_threshold=1.01, learned_rule=False)
    assert found(doc, without) == []
    # And the same-topic paragraph is as close as the reworded one by the
    # paragraph cosine (a semantic candidate), so the token rule did judge it.
    vectors = encoder.encode([ORIGINAL, SAME_TOPIC, REWORDED])
    assert vectors[0] @ vectors[1] >= settings.same_facts_threshold


def test_lexical_detection_has_no_token_rule(tmp_path):
    doc = article(ORIGINAL, FILLER[0], SAME_TOPIC, FILLER[1], REWORDED)
    assert found(doc, RepeatSettings(semantic=False, cache_dir=str(tmp_path / "c"))) == []


def test_token_cache_keeps_float16_matrices_per_model(tmp_path):
    db = open_database(tmp_path)
    matrix = np.stack([E[0], DIAGONAL, E[3]])
    cache = TokenCache(db, "model-a")
    cache.put_many({"key": stored(matrix), "empty": np.zeros((0, 4), np.float32)})
    back = TokenCache(db, "model-a").get_many(["key", "empty", "unknown"])
    assert set(back) == {"key", "empty"} and back["empty"].shape == (0, 4)
    assert back["key"].dtype == np.float32
    assert np.array_equal(back["key"], stored(matrix))  # stored = what the cache returns
    assert np.allclose(back["key"], matrix, atol=1e-3)
    assert TokenCache(db, "model-b").get_many(["key"]) == {}  # another model: cleared
    assert TokenCache(db, "model-a").get_many(["key"]) == {}
    db.close()


def test_the_site_setting_reaches_the_detector_and_is_checked(tmp_path):
    from editorial import settings as plugin_settings
    from editorial.site import repeat_settings

    base = {"PATH": str(tmp_path / "content")}
    assert repeat_settings(base).thresholds == RepeatSettings().thresholds  # one default
    assert repeat_settings({**base, "EDITORIAL_REPEATS_TOKENS": 0.9}).thresholds.tokens == 0.9
    problems = plugin_settings.validate({**base, "EDITORIAL_REPEATS_TOKENS": 1.5})
    assert [name for name, _ in problems] == ["EDITORIAL_REPEATS_TOKENS"]
