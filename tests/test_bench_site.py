"""`invoke bench.site` measures what it says: each configuration it times is
the build its name claims, and its synthetic site is the one it describes.

A benchmark is a script, not a timed test: nothing here checks a speed. The
builds are of a tiny site (4 articles, 300 names and aliases), the pipeline's
with lexical-only repeats (``bench/fixtures/lexicalconf.py``) so that no
embedding model runs.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from bench import corpus as bench_corpus
from bench import site as bench_site

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "bench" / "fixtures"
ENTITY_LINK = re.compile(r'<a class="entity [^"]*" data-entity="([^"]+)"')


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> tuple[Path, bench_corpus.Corpus]:
    """A 4-article site built once with each configuration."""
    site = tmp_path_factory.mktemp("bench") / "site"
    corpus = bench_corpus.make_site(ROOT, site, articles=4, aliases=300)
    cache = site.parent / "cache"
    for name, settings in (("stock", "stockconf.py"), ("pipeline", "lexicalconf.py")):
        run = bench_site.build(FIXTURES / settings, site, site / f"out-{name}", cache=cache)
        assert run.seconds > 0
        assert run.max_rss_kb is None or run.max_rss_kb > 10_000
        # Starting Python and Pelican alone takes a tenth of a CPU second.
        assert run.cpu_seconds is None or 0.1 < run.cpu_seconds < 10 * run.seconds
    return site, corpus


def _pages(output: Path) -> dict[str, str]:
    return {
        str(path.relative_to(output)): path.read_text(encoding="utf-8")
        for path in output.rglob("*.html")
    }


def _article_pages(pages: dict[str, str]) -> dict[str, str]:
    return {name: text for name, text in pages.items() if "/note-" in name}


def test_stock_is_pelican_without_the_plugin(tiny):
    site, _ = tiny
    pages = _pages(site / "out-stock")
    assert len(_article_pages(pages)) == 4, sorted(pages)
    assert not any('class="entity' in text for text in pages.values())
    assert not any(name.startswith(("entities/", "editorial/")) for name in pages)
    # no paragraph anchors (the plugin's Markdown extension) and no repeat marks
    assert not any('id="para-' in text or "repeat-flag" in text for text in pages.values())


def test_pipeline_links_entities_writes_their_pages_and_the_report(tiny):
    site, _ = tiny
    output = site / "out-pipeline"
    pages = _pages(output)
    articles = _article_pages(pages)
    assert len(articles) == 4
    linked = {m for text in articles.values() for m in ENTITY_LINK.findall(text)}
    assert linked, "no entity links in the pipeline's article pages"
    assert all('id="para-1"' in text for text in articles.values())
    # every linked entity has its page, and the index lists them
    assert all((output / "entities" / entity / "index.html").is_file() for entity in linked)
    assert (output / "entities" / "index.html").is_file()
    assert (output / "editorial" / "index.html").is_file()
    assert "Editorial report" in pages["editorial/index.html"]
    assert bench_site.check_outputs(site)[0] == []


def test_the_configurations_differ_only_in_the_plugin(tiny, monkeypatch):
    """Same theme and settings; stock has no plugin; the timed pipeline runs
    the semantic detector; the test-only lexical one differs only there."""
    from pelican.settings import read_settings

    site, _ = tiny
    monkeypatch.setenv("BENCH_SITE", str(site))
    monkeypatch.setenv("BENCH_CACHE", str(site / "cache"))
    stock, pipeline, lexical = (
        read_settings(str(FIXTURES / name))
        for name in ("stockconf.py", "pipelineconf.py", "lexicalconf.py")
    )
    assert stock["PLUGINS"] == [] and pipeline["PLUGINS"] == ["editorial"]
    assert stock["PATH"] == str(site / "content") and stock["THEME"] == str(ROOT / "theme")
    assert stock["ENTITIES_FILE"] == str(site / "entities.yml")
    assert pipeline.get("EDITORIAL_REPEATS_SEMANTIC", True) is True
    assert lexical["EDITORIAL_REPEATS_SEMANTIC"] is False
    differ = {k for k in stock.keys() | pipeline.keys() if stock.get(k) != pipeline.get(k)}
    assert differ == {"PLUGINS"}
    differ = {k for k in lexical.keys() | pipeline.keys() if lexical.get(k) != pipeline.get(k)}
    assert differ == {"EDITORIAL_REPEATS_SEMANTIC"}


def test_the_parts_configuration_is_the_pipeline_without_entities(tiny, monkeypatch):
    """`--parts` times the pipeline with entity linking off and nothing else changed."""
    from pelican.settings import read_settings

    site, _ = tiny
    monkeypatch.setenv("BENCH_SITE", str(site))
    pipeline, without = (
        read_settings(str(FIXTURES / name)) for name in ("pipelineconf.py", "noentitiesconf.py")
    )
    assert bench_site.PARTS == {"no entities": FIXTURES / "noentitiesconf.py"}
    differ = {k for k in pipeline.keys() | without.keys() if pipeline.get(k) != without.get(k)}
    assert differ == {"ENTITIES_FILE"} and without["ENTITIES_FILE"] == ""


def test_rounds_alternate_the_order_of_every_configuration():
    order: list[tuple[int, str]] = []

    def one(name: str, round_: int) -> bench_site.Run:
        order.append((round_, name))
        return bench_site.Run(1.0, None)

    runs = bench_site.alternate(2, one, ["stock", "pipeline", "no entities"])
    assert order == [(0, "stock"), (0, "pipeline"), (0, "no entities"),
                     (1, "no entities"), (1, "pipeline"), (1, "stock")]  # fmt: skip
    assert {name: len(r) for name, r in runs.items()} == {
        "stock": 2,
        "pipeline": 2,
        "no entities": 2,
    }


def _read(path: Path) -> tuple[str, dict]:
    """An article as Pelican's Markdown reader reads it."""
    from pelican.readers import MarkdownReader
    from pelican.settings import DEFAULT_CONFIG

    return MarkdownReader(copy.deepcopy(DEFAULT_CONFIG)).read(str(path))


def test_the_corpus_is_deterministic_and_shaped_as_described(tmp_path):
    one = bench_corpus.make_site(ROOT, tmp_path / "one", articles=12, aliases=300)
    two = bench_corpus.make_site(ROOT, tmp_path / "two", articles=12, aliases=300)
    fewer = bench_corpus.make_site(ROOT, tmp_path / "fewer", articles=5, aliases=300)
    assert [p.read_bytes() for p in one.articles] == [p.read_bytes() for p in two.articles]
    assert [p.read_bytes() for p in fewer.articles] == [p.read_bytes() for p in one.articles[:5]]
    registry = (tmp_path / "one" / "entities.yml").read_text(encoding="utf-8")
    assert registry == (tmp_path / "two" / "entities.yml").read_text(encoding="utf-8")

    entries = yaml.safe_load(registry)
    forms = [form for e in entries.values() for form in [e["name"], *e.get("aliases", [])]]
    assert len(forms) == one.forms >= 300
    assert len(entries) == one.entities
    with_entity = total = long = 0
    for path in one.articles:
        html, metadata = _read(path)
        paragraphs = re.findall(r"<p>(.*?)</p>", html, flags=re.S)
        assert 8 <= len(paragraphs) <= 12, path
        for paragraph in paragraphs:
            text = re.sub(r"<[^>]+>", "", paragraph)
            words = len(text.split())
            assert 60 <= words <= 80 + bench_corpus.SENTENCE_WORDS[1], text
            long += words > 80  # a sentence that fitted nowhere else
            with_entity += any(form in text for form in forms)
            total += 1
        assert metadata["title"] and metadata["date"] and len(metadata["tags"]) >= 3
    assert with_entity >= 0.6 * total
    assert long <= 0.05 * total


def test_planted_repeats_are_where_the_corpus_says(tmp_path):
    corpus = bench_corpus.make_site(ROOT, tmp_path, articles=300, aliases=300)
    assert [kind for *_, kind in corpus.planted] == ["exact", "near", "within"]

    def paragraph(name: str, number: int) -> str:
        body = (tmp_path / "content" / name).read_text(encoding="utf-8").split("\n\n")[1:]
        return body[number - 1].strip()

    for later, at, earlier, of, kind in corpus.planted:
        copied, original = paragraph(later, at), paragraph(earlier, of)
        changed = sum(a != b for a, b in zip(copied.split(), original.split(), strict=True))
        assert changed == (1 if kind == "near" else 0), (later, at, earlier, of)


def test_an_edit_rewrites_one_sentence_of_one_paragraph():
    text = "Title: T\n\nOne two. Three four.\n\nFive six. Seven.\n\nEight nine. Ten eleven.\n"
    result = bench_site.edited(text, "abc-1")
    before, after = text.split("\n\n"), result.split("\n\n")
    assert [a == b for a, b in zip(before, after, strict=True)] == [True, True, True, False]
    assert after[3].startswith("In a later revision, marked abc-1,")
    assert after[3].endswith("Ten eleven.\n")


def test_edited_rounds_share_one_new_edit_and_restore_the_article(tmp_path):
    article = tmp_path / "a.md"
    original = "Title: T\n\nOne two. Three four.\n\nFive six. Seven.\n\nEight nine. Ten eleven.\n"
    article.write_text(original, encoding="utf-8")
    seen: dict[str, list[str]] = {}

    def one(name: str, round_: int) -> str:
        seen.setdefault(name, []).append(article.read_text(encoding="utf-8"))
        if round_ == 2:
            raise RuntimeError("a build failed")
        return name

    with pytest.raises(RuntimeError):
        bench_site.alternate_edited(article, 3, one)
    assert article.read_text(encoding="utf-8") == original  # restored, even after a failure
    assert seen["stock"][:2] == seen["pipeline"][:2]  # both configurations build one edit
    assert len({*seen["stock"], original}) == 4  # each round a new one
