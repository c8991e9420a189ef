"""The learned paraphrase decision (repeats/learned.py): a reworded paragraph
that the token rule leaves open is found, a same-template sentence with
other words is not, and its coefficients are part of the detector's code."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from editorial.paragraphs import ParagraphRecord
from editorial.repeats import Document, RepeatSettings, learned, results
from editorial.repeats.detect import detect_repeats
from editorial.repeats.scoring import score_pair
from editorial.repeats.units import build_units

# From tests/data/repeats/reworded/2024-04-app-store-fees.md: paragraph 6
# rewords paragraph 3 (clauses reordered, other words for the same facts).
ORIGINAL = (
    "Apple's answer was a new fee structure. Developers who choose the new terms pay a "
    "reduced commission of 17 percent, or 10 percent for small businesses, plus a Core "
    "Technology Fee of 0.50 euros for each first annual install above one million."
)
REWORDED = (
    "Under the terms Apple introduced in response, a developer owes 0.50 euros for every "
    "first annual install beyond the first million, a charge Apple calls the Core Technology "
    "Fee. That comes on top of a commission that drops to 17 percent, or to 10 percent for "
    "small businesses."
)
FILLER = (
    "Spotify and Epic Games called the fee a tax on success. A free app that becomes "
    "popular, they argue, could owe millions a year without earning anything itself.",
    "The European Commission opened a non-compliance investigation in March, which may "
    "end in fines of up to ten percent of worldwide turnover.",
)
# 1 Samuel 8 as Paine quotes it: the same template, other things taken.
FIELDS = (
    '"And he will take your fields, and your vineyards, and your olive-yards, even the '
    "best of them, and give them to his servants."
)
TENTH = (
    '"And he will take the tenth of your seed, and of your vineyards, and give to his '
    "officers and to his servants."
)


def article(*texts: str) -> Document:
    return Document(
        "content/fees.md",
        tuple(ParagraphRecord(k + 1, 2 * k + 5, t) for k, t in enumerate(texts)),
    )


def found(document: Document, **settings) -> list[tuple[int, str, int]]:
    report = detect_repeats([document], RepeatSettings(cache_dir=None, **settings))
    return [(f.paragraph, f.kind, f.repeats.paragraph) for f in report.findings]


def test_a_reworded_paragraph_the_token_rule_leaves_open_is_found():
    doc = article(ORIGINAL, *FILLER, REWORDED)
    assert found(doc) == [(4, "paraphrase", 1)]
    # The learned rule finds it: without it, nothing does.
    assert found(doc, learned_rule=False) == []


def test_the_site_setting_turns_the_learned_rule_off(tmp_path):
    from editorial import settings as plugin_settings
    from editorial.site import repeat_settings

    base = {"PATH": str(tmp_path / "content")}
    assert repeat_settings(base).thresholds == RepeatSettings().thresholds  # one default
    assert repeat_settings(base).thresholds.learned is True
    off = repeat_settings({**base, "EDITORIAL_REPEATS_LEARNED": False})
    assert off.thresholds.learned is False
    assert plugin_settings.validate({**base, "EDITORIAL_REPEATS_LEARNED": False}) == []


def test_the_same_template_saying_other_things_is_not_a_repeat(monkeypatch):
    doc = article(FIELDS, *FILLER, TENTH)
    assert found(doc) == []
    # It is a semantic candidate that reaches the learned rule: with a cut any
    # probability reaches, it would be flagged.
    monkeypatch.setattr(learned, "CUT", 0.0)
    assert found(doc) == [(4, "paraphrase", 1)]


def test_the_coefficients_cover_every_feature_and_the_cut_is_a_probability():
    assert set(learned.WEIGHTS) == set(learned.FEATURES)
    assert all(np.isfinite(w) for w in learned.WEIGHTS.values())
    assert 0.0 < learned.CUT < 1.0
    values = dict.fromkeys(learned.FEATURES, 0.5)
    assert 0.0 < learned.probability(values) < 1.0


def test_novel_pieces_are_those_the_other_side_lacks_word_for_word():
    rows = np.eye(4, dtype=np.float32)
    a = rows[[0, 1, 2]]  # "fee", "apple", "levy"
    b = rows[[0, 1]] * 0.0 + rows[[0, 1]]  # "fee", "apple"
    b = np.vstack([b, 0.6 * rows[2] + 0.8 * rows[3]])  # "charge", close to "levy"
    alignment, share = learned.novel_alignment(a, b, ["fee", "apple", "levy"],
                                               ["fee", "apple", "charge"])  # fmt: skip
    # only "levy" and "charge" are novel, and each is the other's best match
    assert alignment == pytest.approx(0.6)
    assert share == pytest.approx(2 / 6)
    # nothing novel on either side: nothing contradicts a repeat
    same = learned.novel_alignment(a, a, ["fee", "apple", "levy"], ["fee", "apple", "levy"])
    assert same == (1.0, 0.0)


def test_changing_the_coefficients_changes_the_code_version(tmp_path, monkeypatch):
    """Cached verdicts and findings are keyed by the code version (results.py,
    detect._pairs_version), so new coefficients are never read with old ones."""
    package = tmp_path / "repeats"
    shutil.copytree(results._SOURCES, package)
    monkeypatch.setattr(results, "_SOURCES", package)
    before = results.code_version.__wrapped__()
    text = (package / "learned.py").read_text(encoding="utf-8")
    cut = f"CUT = {learned.CUT!r}"
    assert cut in text
    (package / "learned.py").write_text(text.replace(cut, "CUT = 0.5"), encoding="utf-8")
    assert results.code_version.__wrapped__() != before


def test_pieces_that_do_not_match_the_vectors_give_no_verdict():
    """Token vectors made another way (not one per piece): no features, so
    the learned rule accepts nothing rather than misreading them."""
    units = build_units([article(ORIGINAL, REWORDED)], min_words=8)
    units[0].token_vectors = np.eye(3, dtype=np.float32)
    units[1].token_vectors = np.eye(3, dtype=np.float32)
    units[0].corpus.token_pieces = lambda unit: ["fee", "apple"]  # two pieces, three rows
    score = score_pair(units[0], units[1])
    assert learned.features(score) is None
    assert not learned.accepts(score)
    units[0].corpus.token_pieces = lambda unit: ["fee", "apple", "levy"]
    assert learned.features(score) is not None
