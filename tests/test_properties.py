"""Properties of the pure functions, checked on generated input (hypothesis),
and a bounded fuzz run of the Markdown-to-findings path.

The linker's properties live in test_entities_linking.py."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from editorial.findings import InputError
from editorial.lint import lint_article
from editorial.repeats.lexical import containment, shingles, word_ratio, word_ratio_bound
from editorial.repeats.normalise import normalise
from editorial.repeats.scoring import Thresholds, alignment, classify, score_pair
from editorial.repeats.units import Document, build_units
from editorial.site import review_sources
from editorial.sources import parse_article
from tests.support import paragraphs_of

WORDS = ["policy", "Meta", "the", "rules", "2023", "36", "hours", "takedown", "court", "a",
         "said", "platform", "India", "data", "’s", "law", "users", "appeal"]  # fmt: skip
word = st.sampled_from(WORDS)
sentence = st.lists(word, min_size=1, max_size=14).map(" ".join)
tokens = st.lists(word, max_size=30)

# --- paragraphs and their source lines ------------------------------------


@st.composite
def markdown_paragraphs(draw) -> tuple[str, list[tuple[int, str]]]:
    """A document of plain paragraphs (each one or more lines, separated by
    one or more blank lines) and, for each, (first line number, text)."""
    paragraphs = draw(st.lists(st.lists(sentence, min_size=1, max_size=3), min_size=1, max_size=8))
    lines = ["Title: Generated", ""]
    expected = []
    for paragraph in paragraphs:
        lines += [""] * draw(st.integers(0, 2))
        expected.append((len(lines) + 1, " ".join(paragraph)))
        lines += paragraph
        lines.append("")
    return "\n".join(lines), expected


@given(markdown_paragraphs())
def test_paragraphs_are_numbered_with_their_first_source_line(document):
    text, expected = document
    records = paragraphs_of(text)
    assert [r.ordinal for r in records] == list(range(1, len(expected) + 1))
    assert [(r.line, r.text) for r in records] == expected


# --- normalisation ----------------------------------------------------------

SPACES = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u2003", " \n "])
QUOTES = {"'": ["\u2018", "\u2019"], '"': ["\u201c", "\u201d", "\u00ab"]}


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip() and "  " not in once


@given(st.lists(st.text(alphabet="abcXYZ'\"-.,019", min_size=1), min_size=1), st.data())
def test_normalise_ignores_case_whitespace_and_quote_style(words, data):
    plain = " ".join(words)
    spaced = "".join(w + data.draw(SPACES) for w in words)
    styled = "".join(
        data.draw(st.sampled_from(QUOTES[ch])) if ch in QUOTES else ch for ch in spaced
    )
    assert normalise(styled.swapcase()) == normalise(plain)


# --- the scorer: symmetric, within [0, 1] --------------------------------


@given(tokens, tokens)
def test_lexical_scores_are_symmetric_bounded_and_bounded_above(a, b):
    ratio = word_ratio(a, b)
    assert 0.0 <= ratio <= 1.0
    assert word_ratio(b, a) == ratio
    bound = word_ratio_bound(Counter(a), Counter(b))
    assert ratio <= bound + 1e-12 <= 1.0 + 1e-12
    shared = containment(shingles(a), shingles(b))
    assert 0.0 <= shared <= 1.0
    assert containment(shingles(b), shingles(a)) == shared
    assert word_ratio(a, a) == 1.0


unit_vectors = st.integers(1, 6).flatmap(
    lambda n: st.lists(
        st.lists(st.floats(-1, 1, allow_nan=False), min_size=4, max_size=4).filter(
            lambda v: sum(x * x for x in v) > 1e-3
        ),
        min_size=n,
        max_size=n,
    )
)


def _normalised(rows):
    matrix = np.array(rows, dtype=np.float64)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


@given(unit_vectors, unit_vectors, st.data())
def test_sentence_alignment_is_symmetric_and_a_cosine(a_rows, b_rows, data):
    a, b = _normalised(a_rows), _normalised(b_rows)
    a_weights = np.array(data.draw(st.lists(st.floats(0.1, 5), min_size=len(a), max_size=len(a))))
    b_weights = np.array(data.draw(st.lists(st.floats(0.1, 5), min_size=len(b), max_size=len(b))))
    value = alignment(a, a_weights, b, b_weights)
    assert -1.0 - 1e-9 <= value <= 1.0 + 1e-9
    assert abs(alignment(b, b_weights, a, a_weights) - value) < 1e-9
    assert abs(alignment(a, a_weights, a, a_weights) - 1.0) < 1e-9


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sentence, min_size=2, max_size=2))
def test_the_verdict_on_a_pair_does_not_depend_on_its_order(texts):
    from editorial.paragraphs import ParagraphRecord

    records = tuple(ParagraphRecord(n, n, text) for n, text in enumerate(texts, 1))
    units = build_units([Document("a.md", records)], min_words=1)
    if len(units) < 2:
        return
    a, b = units
    forward, backward = (
        classify(score_pair(a, b), Thresholds()),
        classify(score_pair(b, a), Thresholds()),
    )
    assert forward == backward
    if forward is not None:
        assert forward[0] in ("near", "paraphrase") and 0.0 <= forward[1] <= 1.0


# --- fuzz: Markdown in, findings out, never a crash ------------------------

MARKDOWN_BITS = [
    "Title: T", "Date: 2024-01-01", "Date: 10/01/2025", "Acknowledge_Repeats: 1, 3-2, x",
    "---", "", "\n", "# Heading", "* item", "1. item", "> quote", "    code", "```", "<div>",
    "</div>", "<p>raw</p>", "&amp;", "&#0;", "&nosuch;", "[link]({filename}/x.md)",
    "![i]({static}/i.png)", "| a | b |", "|---|---|", "***", "<!--", "-->", "\\", "\x00",
    "\ufeff", "\u2028", "Meta said the rules apply to 36 hours of takedown data.",
]  # fmt: skip
markdown_text = st.lists(
    st.one_of(st.sampled_from(MARKDOWN_BITS), st.text(max_size=20)), max_size=25
).map("\n".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(markdown_text, min_size=1, max_size=3))
def test_markdown_to_findings_never_crashes(tmp_path_factory, texts):
    from editorial.project import make_markdown

    root = tmp_path_factory.getbasetemp()
    md = make_markdown()
    sources = []
    for n, text in enumerate(texts):
        display = f"content/{n}.md"
        errors = lint_article(root / display, display, text, root)
        assert all(isinstance(e, InputError) and e.path == display for e in errors)
        sources.append(parse_article(text, display, md))
    settings_ = {"EDITORIAL_REPEATS_SEMANTIC": False, "EDITORIAL_CACHE_DIR": None, "PATH": "."}
    findings = review_sources(sources, settings_)
    paragraphs = {(s.path, p.ordinal) for s in sources for p in s.document.paragraphs}
    for finding in findings:
        assert (finding.file, finding.paragraph) in paragraphs
        assert (finding.repeats.file, finding.repeats.paragraph) in paragraphs
