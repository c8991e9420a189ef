"""The last build's snapshot (repeats/snapshot.py): a rebuild after an edit,
an added or a deleted article reads every unchanged paragraph's features and
vector from it, and finds exactly what a detection from scratch finds; a
snapshot made by other code or another model, or a damaged one, is ignored."""

from __future__ import annotations

import shutil
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from editorial.paragraphs import ParagraphRecord
from editorial.repeats import (
    Document,
    RepeatSettings,
    embeddings,
    incremental,
    model_files,
    snapshot,
    units,
)
from editorial.repeats.candidates import MAX_DF
from editorial.repeats.database import FILENAME as DATABASE
from editorial.repeats.detect import detect_repeats
from editorial.repeats.normalise import normalise
from tests.support import paragraphs_of

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests/data/repeats"


def corpus() -> list[Document]:
    """The seed article and the labelled articles (repeats within and across
    articles, exact, near and reworded), oldest first."""
    seed = ROOT / "content/2022/pakistan-foreign-minister-urges-meta-to-open-office.md"
    paths = [seed, *sorted(LABELLED.glob("*.md")), *sorted((LABELLED / "reworded").glob("*.md"))]
    return [Document(p.name, paragraphs_of(p.read_text(encoding="utf-8"))) for p in paths]


def edit_one(documents: list[Document]) -> list[Document]:
    """A paragraph of the second article reworded, and one appended to it."""
    records = documents[1].paragraphs
    old = records[2]
    reworded = ParagraphRecord(old.ordinal, old.line, old.text.replace(" the ", " that ", 2))
    added = ParagraphRecord(
        99, 999, "A paragraph written for this edit, long enough to be compared with the others."
    )
    changed = Document(documents[1].path, (*records[:2], reworded, *records[3:], added))
    return [documents[0], changed, *documents[2:]]


def add_one(documents: list[Document]) -> list[Document]:
    """A new article copying parts of two others, in the middle of the order."""
    copied = (*documents[2].paragraphs[:2], *documents[5].paragraphs[3:5])
    return [*documents[:4], Document("new.md", copied), *documents[4:]]


def delete_one(documents: list[Document]) -> list[Document]:
    return [*documents[:3], *documents[4:]]


def _as_tuples(findings):
    return [
        (f.file, f.line, f.paragraph, f.kind, f.score, f.repeats.file, f.repeats.paragraph)
        for f in findings
    ]


class Recording:
    """The packaged model, recording which texts it is asked to embed."""

    def __init__(self) -> None:
        self.model = embeddings.load_encoder(model_files.PACKAGED)
        self.texts: list[str] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.model.encode(texts)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list]:
    """The cache directory after a first detection of the corpus, and its findings."""
    directory = tmp_path_factory.mktemp("built") / "cache"
    report = detect_repeats(corpus(), RepeatSettings(cache_dir=str(directory)))
    assert report.findings and (directory / snapshot.FILENAME).is_file()
    return directory, _as_tuples(report.findings)


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """The findings of a detection from scratch (a new cache) of a changed corpus."""
    found: dict = {}

    def detect(change) -> list:
        if change not in found:
            directory = tmp_path_factory.mktemp("cold")
            report = detect_repeats(change(corpus()), RepeatSettings(cache_dir=str(directory)))
            found[change] = _as_tuples(report.findings)
        return found[change]

    return detect


def _warm(built, tmp_path: Path) -> RepeatSettings:
    """Settings whose cache is a copy of the first detection's."""
    shutil.copytree(built[0], tmp_path / "warm")
    return RepeatSettings(cache_dir=str(tmp_path / "warm"))


@pytest.mark.parametrize("change", [edit_one, add_one, delete_one], ids=["edit", "add", "delete"])
def test_a_rebuild_from_the_snapshot_finds_what_a_cold_detection_finds(
    tmp_path, built, cold, change
):
    warm = _warm(built, tmp_path)
    changed = change(corpus())
    rebuilt = detect_repeats(changed, warm)
    assert _as_tuples(rebuilt.findings) == cold(change)
    assert _as_tuples(rebuilt.findings) != built[1]
    # And the snapshot, kept (few units changed), serves the next build as well.
    again = detect_repeats(changed, warm)
    assert _as_tuples(again.findings) == cold(change)
    assert again.embedded == 0


def test_a_small_change_keeps_the_snapshot_and_a_larger_one_rewrites_it(
    tmp_path, built, cold, monkeypatch
):
    """Few changed units: the file is left as it is (its time moves on: the
    last detection's), and a later rebuild starts from it, changes included;
    more than KEEP_SHARE and KEEP_MIN: it is written anew."""
    warm = _warm(built, tmp_path)
    path = tmp_path / "warm" / snapshot.FILENAME
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    detect_repeats(edit_one(corpus()), warm)
    assert path.read_bytes() == before and path.stat().st_mtime_ns > stamp
    both = add_one(edit_one(corpus()))
    rebuilt = detect_repeats(both, warm)  # two changes since the snapshot
    fresh = RepeatSettings(cache_dir=str(tmp_path / "cold"))
    assert _as_tuples(rebuilt.findings) == _as_tuples(detect_repeats(both, fresh).findings)
    assert path.read_bytes() == before
    monkeypatch.setattr(snapshot, "KEEP_SHARE", 0.0)
    monkeypatch.setattr(snapshot, "KEEP_MIN", 0)
    detect_repeats(delete_one(both), warm)
    assert path.read_bytes() != before
    again = detect_repeats(delete_one(both), warm)  # from the new file
    assert again.embedded == 0
    assert _as_tuples(again.findings) == _as_tuples(
        detect_repeats(delete_one(both), RepeatSettings(cache_dir=str(tmp_path / "c2"))).findings
    )


def test_the_snapshot_alone_serves_every_unchanged_paragraph(tmp_path, built, cold, monkeypatch):
    """With the cache database gone, only the edited paragraphs' features are
    computed and only new texts (the edited paragraphs, and sentences a pair
    compares) are embedded: the rest comes from the snapshot."""
    documents = corpus()
    warm = _warm(built, tmp_path)
    (tmp_path / "warm" / DATABASE).unlink()
    computed: list[str] = []
    real = units.text_features

    def counting(text, *args, **kwargs):
        computed.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(units, "text_features", counting)
    model = Recording()
    changed = edit_one(documents)
    rebuilt = detect_repeats(changed, warm, encoder=(model, model.model.model_id))
    old = {r.text for d in documents for r in d.paragraphs}
    new = {r.text for d in changed for r in d.paragraphs if r.text not in old}
    assert set(computed) == new and len(new) == 2
    assert not {normalise(t) for t in old} & set(model.texts)
    assert {normalise(t) for t in new} <= set(model.texts)
    assert _as_tuples(rebuilt.findings) == cold(edit_one)


def _bag_of_words(texts: list[str]) -> np.ndarray:
    """A stand-in model for the invalidation tests: hashed word counts."""
    out = np.zeros((len(texts), 64), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in text.split():
            out[row, zlib.crc32(word.encode()) % 64] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_a_snapshot_of_another_model_or_other_code_is_ignored(tmp_path, built, monkeypatch):
    documents = corpus()
    directory = Path(_warm(built, tmp_path).cache_dir)
    model_id = embeddings.load_encoder(model_files.PACKAGED).model_id
    assert snapshot.load(directory, model_id).vectors is not None
    assert not snapshot.load(directory, "another-model").texts
    monkeypatch.setattr(snapshot, "features_version", lambda: "other-feature-code")
    assert not snapshot.load(directory, model_id).texts
    monkeypatch.undo()
    # A build with another model neither uses nor keeps the first one's vectors.
    other = detect_repeats(documents, RepeatSettings(cache_dir=str(directory)),
                           encoder=(_bag_of_words, "bag-of-words"))  # fmt: skip
    assert other.embedded > 0
    assert not snapshot.load(directory, model_id).texts
    assert snapshot.load(directory, "bag-of-words").vectors is not None


def test_lexical_detection_keeps_its_own_snapshot(tmp_path, built):
    """A site with an article over the paragraph limit runs a semantic and a
    lexical detection in every build: neither may replace the other's
    snapshot, or no rebuild would ever be served by one."""
    documents = corpus()
    directory = Path(_warm(built, tmp_path).cache_dir)
    model_id = embeddings.load_encoder(model_files.PACKAGED).model_id
    lexical = RepeatSettings(cache_dir=str(directory), semantic=False)
    detect_repeats(documents, lexical)
    assert snapshot.load(directory, model_id).vectors is not None  # the semantic one is still there
    assert snapshot.load(directory, "").pairs is not None
    again = detect_repeats(documents, RepeatSettings(cache_dir=str(directory)))
    assert _as_tuples(again.findings) == built[1] and again.embedded == 0
    assert snapshot.load(directory, "").pairs is not None  # and the lexical one too


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"not numpy at all",
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data.replace(b"'<i8'", b"'<i4'", 1),  # sizes read as other numbers
    ],
    ids=["garbage", "truncated", "wrong-sizes"],
)
def test_a_damaged_snapshot_counts_as_none(tmp_path, built, damage):
    """Read as if there were none: the rebuild finds what it finds without one
    (from the cache database alone, as before snapshots)."""
    warm = _warm(built, tmp_path)
    path = tmp_path / "warm" / snapshot.FILENAME
    path.write_bytes(damage(path.read_bytes()))
    model_id = embeddings.load_encoder(model_files.PACKAGED).model_id
    assert not snapshot.load(tmp_path / "warm", model_id).texts
    changed = edit_one(corpus())
    rebuilt = detect_repeats(changed, warm)
    without = RepeatSettings(cache_dir=str(tmp_path / "without"))
    no_snapshot = shutil.ignore_patterns(snapshot.FILENAME)
    shutil.copytree(built[0], tmp_path / "without", ignore=no_snapshot)
    assert _as_tuples(rebuilt.findings) == _as_tuples(detect_repeats(changed, without).findings)


# ---------------------------------------------------------------- random edits

WORDS = [
    *("council", "budget", "transport", "housing", "water", "school", "clinic", "report"),
    *("audit", "plan", "tender", "road", "bridge", "rail", "energy", "grid", "tariff", "levy"),
    *("grant", "loan", "review", "panel", "minister", "agency", "court", "ruling", "appeal"),
    *("notice", "draft", "consultation", "district", "region", "market", "price", "wage"),
]
BOILERPLATE = "Readers can write to the desk with corrections at any time of the year"


def _paragraph(rng) -> str:
    """Mostly made of shared sentences, so that paragraphs overlap: near
    copies, exact copies, number variants and a boilerplate sentence whose
    3-grams sit near MAX_DF paragraphs."""
    roll = rng.random()
    if roll < 0.15:
        item, topic, stop = rng.randrange(1, 3), rng.choice(WORDS[:8]), rng.choice(".;!")
        return f"This note is item {item} of the series on the {topic} plan{stop}"
    sentences = [" ".join(rng.choice(WORDS) for _ in range(9)).capitalize() + "."]
    if roll < 0.6:
        sentences.append(BOILERPLATE + ".")
    sentences.append(" ".join(rng.choice(WORDS[:12]) for _ in range(8)).capitalize() + ".")
    return " ".join(sentences)


def _document(rng, name: str, pool: list[str]) -> Document:
    texts = [rng.choice(pool) if pool and rng.random() < 0.25 else _paragraph(rng)
             for _ in range(rng.randrange(3, 8))]  # fmt: skip
    if pool and rng.random() < 0.3:  # a near copy: one word changed
        words = rng.choice(pool).split()
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        texts.append(" ".join(words))
    return Document(name, tuple(ParagraphRecord(n + 1, 2 * n + 3, t) for n, t in enumerate(texts)))


def _step(rng, documents: list[Document], counter: list[int]) -> list[Document]:
    documents = list(documents)
    pool = [r.text for d in documents for r in d.paragraphs]
    action = rng.choice(["edit", "add", "delete", "add", "swap"])
    index = rng.randrange(len(documents))
    if action == "edit":
        records = list(documents[index].paragraphs)
        k = rng.randrange(len(records))
        records[k] = ParagraphRecord(records[k].ordinal, records[k].line, _paragraph(rng))
        documents[index] = Document(documents[index].path, tuple(records))
    elif action == "add":
        counter[0] += 1
        documents.insert(index, _document(rng, f"added-{counter[0]}.md", pool))
    elif action == "delete" and len(documents) > 2:
        del documents[index]
    elif action == "swap":
        other = rng.randrange(len(documents))
        documents[index], documents[other] = documents[other], documents[index]
    return documents


def _summary(report):
    return _as_tuples(report.findings), report.candidates


@pytest.mark.parametrize("semantic", [True, False], ids=["semantic", "lexical"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_find_what_a_cold_detection_finds(tmp_path, seed, semantic):
    """Each step (an edit, an added, deleted or moved article) detected from
    the last step's snapshot gives the findings and candidates of a detection
    from scratch; the corpus makes 3-grams cross MAX_DF and number-variant
    groups change."""
    rng = __import__("random").Random(seed)
    pool: list[str] = []
    documents = []
    while _boilerplate(documents) < MAX_DF - 3:  # just below: a few steps cross it
        documents.append(_document(rng, f"doc-{len(documents):02}.md", pool))
        pool = [r.text for d in documents for r in d.paragraphs]
    encoder = (_bag_of_words, "bag-of-words") if semantic else None
    warm = RepeatSettings(cache_dir=str(tmp_path), semantic=semantic)
    cold = RepeatSettings(cache_dir=None, semantic=semantic)
    detect_repeats(documents, warm, encoder=encoder)
    counter = [0]
    sides = {_boilerplate(documents) <= MAX_DF}
    for _ in range(12):
        documents = _step(rng, documents, counter)
        rebuilt = detect_repeats(documents, warm, encoder=encoder)
        assert _summary(rebuilt) == _summary(detect_repeats(documents, cold, encoder=encoder))
        sides.add(_boilerplate(documents) <= MAX_DF)
    assert sides == {True, False}  # the boilerplate's 3-grams crossed MAX_DF


def _boilerplate(documents: list[Document]) -> int:
    return sum(BOILERPLATE in r.text for d in documents for r in d.paragraphs)


def test_a_rebuild_pairs_only_the_changed_units_unless_most_changed(tmp_path):
    """One edited article: only its units are fresh (the incremental stages
    run); most articles replaced: the full stages run (match gives None),
    as the incremental ones would cost more per changed unit."""
    rng = __import__("random").Random(7)
    documents = [_document(rng, f"doc-{n:04}.md", []) for n in range(300)]
    settings = RepeatSettings(cache_dir=str(tmp_path), semantic=False)
    detect_repeats(documents, settings)
    units_now = len(units.build_units(documents, settings.min_words))
    assert units_now > incremental.MIN_CHANGED  # enough for the limit to apply

    def update_for(changed: list[Document]):
        last = snapshot.load(tmp_path, "").pairs
        built = units.build_units(changed, settings.min_words)
        paths = [d.path for d in changed]
        return incremental.match(built, paths, incremental.document_digests(built), last)

    edited = _step(rng, documents, [0])  # an edit, an added, deleted or moved article
    update = update_for([*documents[:5], _document(rng, "doc-0005.md", []), *documents[6:]])
    assert update is not None and 0 < len(update.fresh) < 10
    replaced = [_document(rng, f"new-{n:04}.md", []) for n in range(300)]
    assert update_for(replaced) is None
    for changed in (edited, replaced):  # and either way, what a cold detection finds
        cold = RepeatSettings(cache_dir=None, semantic=False)
        assert _summary(detect_repeats(changed, settings)) == _summary(
            detect_repeats(changed, cold)
        )


@given(
    st.lists(st.lists(st.integers(0, 40), max_size=8), max_size=12),
    st.sets(st.integers(0, 40), max_size=6),
)
def test_the_holders_of_a_few_3grams_are_every_unit_holding_one(sets, wanted):
    """Corpus3grams.holders against a loop over every unit (empty units included)."""
    fake = [type("U", (), {"shingles": np.array(sorted(set(s)), dtype=np.uint32)})() for s in sets]
    hashes = np.array(sorted(wanted), dtype=np.uint32)
    owners, which = incremental.Corpus3grams(fake).holders(hashes)
    found = sorted(zip(owners.tolist(), hashes[which].tolist(), strict=True))
    expected = sorted((k, h) for k, s in enumerate(sets) for h in set(s) if h in wanted)
    assert found == expected
