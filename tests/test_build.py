"""`invoke build`: preview output, findings printed, and nothing lost on failure."""

import io
import re
import subprocess
import sys
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from editorial.commands.build import build
from tests.support import copy_project

SEED = "content/2022/pakistan-foreign-minister-urges-meta-to-open-office.md"


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("project"))
    out = io.StringIO()
    code = build(root, out=out)
    return root, code, out.getvalue()


def seed_page(root):
    source = root / SEED
    slug = re.search(r"^Slug:\s*(\S+)", source.read_text(), re.M | re.I).group(1)
    [page] = (root / "output").glob(f"*/{slug}/index.html")
    return source, BeautifulSoup(page.read_text(), "html.parser")


def test_build_prints_findings_like_a_linter(preview):
    root, code, log = preview
    assert code == 0
    source = root / SEED
    lines = source.read_text().splitlines()
    paragraph_8 = next(i for i, line in enumerate(lines, 1) if line.startswith("In October"))
    paragraph_13 = max(i for i, line in enumerate(lines, 1) if line.startswith("In October"))
    expected = (
        f"{source.relative_to(root)}:{paragraph_13}: paragraph 13 repeats paragraph 8 "
        f"(line {paragraph_8}) [exact 1.00]"
    )
    assert expected in log.splitlines() or expected + " (acknowledged)" in log.splitlines()
    assert "Editorial report: output/editorial/index.html" in log


def test_preview_marks_flagged_paragraph_with_link_to_original(preview):
    root, _, _ = preview
    _, soup = seed_page(root)
    flagged = soup.select("p.flagged-repeat")
    assert "para-13" in [p["id"] for p in flagged]
    p13 = soup.find(id="para-13")
    note = p13.select_one(".repeat-flag")
    assert note["role"] == "note"
    assert note.a["href"] == "#para-8"
    assert "¶8" in note.get_text()
    assert soup.find(id="para-8") is not None


def test_preview_report_lists_findings_side_by_side(preview):
    root, _, _ = preview
    soup = BeautifulSoup((root / "output/editorial/index.html").read_text(), "html.parser")
    assert soup.h1.get_text() == "Editorial report"
    sections = soup.select("section.report__finding")
    heading = [s for s in sections if "paragraph 13 repeats paragraph 8" in s.h2.get_text()]
    assert len(heading) == 1
    quotes = heading[0].select("blockquote")
    assert len(quotes) == 2
    assert quotes[0].get_text() == quotes[1].get_text()  # an exact copy
    assert not heading[0].select("mark")  # so no word differs


def test_broken_article_fails_build_and_keeps_previous_output(preview, tmp_path):
    root = copy_project(tmp_path / "project")
    assert build(root, out=io.StringIO()) == 0
    (root / "output" / "marker.txt").write_text("from the last good build")
    before = sorted(p.relative_to(root) for p in (root / "output").rglob("*"))
    (root / "content" / "broken.md").write_text("Title: Broken\nDate: not a date at all\n\nText.\n")
    (root / "content" / "dangling.md").write_text(
        "Title: Dangling\nDate: 2024-01-01\n\nIntro.\n\nSee [this]({filename}/missing.md).\n"
    )
    # Pelican would skip the first with a message of its own, and stop at the
    # second naming a file in the staging directory.
    (root / "content" / "typo.md").write_text("Title: Typo\nDate: 2024-01-02\nStatus: publised\n")
    (root / "content" / "escape.md").write_text("Title: Out\nDate: 2024-01-03\nSlug: ../../x\n")
    out = io.StringIO()
    assert build(root, out=out) == 1
    log = out.getvalue().splitlines()
    text = "\n".join(log)
    assert "content/broken.md:2: error: Date: 'not a date at all' is not a date; " in text
    assert "content/typo.md:3: error: Status: 'publised' is not a status; " in text
    assert "content/escape.md:3: error: Slug: '../../x' would put the page outside" in text
    assert any(
        line.startswith("content/dangling.md:6: error: {filename}/missing.md links to a file")
        for line in log
    )
    assert "output/ was left as it was" in log[-1]
    assert sorted(p.relative_to(root) for p in (root / "output").rglob("*")) == before
    assert not list(root.glob(".output-*")), "the staging directory was removed"


def test_published_build_has_no_marks_and_no_report(preview, tmp_path):
    root, _, _ = preview
    out = tmp_path / "published"
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "publishconf.py", "-o", str(out)],
        cwd=root,
        check=True,
        capture_output=True,
    )
    assert (out / "index.html").exists()
    assert not (out / "editorial").exists()
    html = "".join(p.read_text() for p in out.rglob("*.html"))
    assert "repeat-flag" not in html
    assert "flagged-repeat" not in html


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("EDITORIAL_MIN_WORDS = 'eight'\n", "EDITORIAL_MIN_WORDS = 'eight'; use a whole number"),
        ("EDITORIAL_FINDINGS_LEVEL = 'loud'\n", "is not a logging level"),
        (
            "EDITORIAL_REPEATS_LEARNED = 'no'\n",
            "EDITORIAL_REPEATS_LEARNED = 'no'; use True or False",
        ),
        ("THEME = (\n", "error: "),  # a syntax error
        ("import no_such_module\n", "cannot load the settings (ModuleNotFoundError"),
    ],
    ids=["bad-min-words", "bad-level", "bad-learned", "syntax-error", "import-error"],
)
def test_broken_setting_names_file_and_line_and_keeps_output(tmp_path, line, expected):
    root = copy_project(tmp_path / "project")
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("previous build")
    settings = root / "pelicanconf.py"
    lines = settings.read_text().splitlines(keepends=True)
    settings.write_text("".join([*lines, line]))
    out = io.StringIO()
    assert build(root, out=out) == 1
    log = out.getvalue()
    assert f"pelicanconf.py:{len(lines) + 1}: " in log
    assert expected in log
    assert (root / "output" / "index.html").read_text() == "previous build"


def test_broken_registry_stops_the_build_and_keeps_output(tmp_path):
    """A registry problem is reported as file:line with what to do, with no
    traceback, and the previous output stays."""
    root = copy_project(tmp_path / "project")
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("previous build")
    registry = root / "content" / "entities.yml"
    registry.write_text(registry.read_text(encoding="utf-8") + "\nbroken-entry:\n  name: X\n")
    line = registry.read_text(encoding="utf-8").splitlines().index("broken-entry:") + 1
    out = io.StringIO()
    assert build(root, out=out) == 1
    log = out.getvalue()
    problem = "entity 'broken-entry': missing required field 'type'"
    assert f"content/entities.yml:{line}: error: {problem}" in log
    assert "Traceback" not in log
    assert "output/ was left as it was" in log
    assert (root / "output" / "index.html").read_text() == "previous build"


def test_build_indexes_the_site_for_search_and_times_it(preview):
    root, code, log = preview
    assert code == 0
    [line] = [line for line in log.splitlines() if line.startswith("Search index:")]
    pages = int(re.fullmatch(r"Search index: (\d+) pages in \d+\.\d\d s \(Pagefind\)", line)[1])
    # Every article and every entity page is indexed: both carry data-pagefind-body.
    output = root / "output"
    marked = [p for p in output.rglob("*.html") if "data-pagefind-body" in p.read_text()]
    assert pages == len(marked) > 0
    assert (output / "pagefind" / "pagefind-ui.js").is_file()
    assert log.index("Search index:") < log.index("Site built in")


def test_a_failed_search_index_is_reported(tmp_path):
    """Pagefind refuses a site with no HTML page: the step says so and fails
    (build() then keeps output/ as it was, like any failed build)."""
    from editorial.commands.build import index_search

    (tmp_path / "search").mkdir()
    out = io.StringIO()
    assert index_search(tmp_path, out) is False
    text = out.getvalue()
    assert text.startswith("ERROR: Pagefind failed (exit ")
    assert "not able to build an index" in text
    assert len(text.splitlines()) <= 6


def test_a_failed_build_in_this_process_leaves_the_next_sitemap_right(tmp_path):
    """pelican-sitemap forgets its pages only when a build finishes: a
    publish build that failed (here: a broken registry) must not leave the
    next in-process build without a sitemap or with stale pages."""
    import xml.etree.ElementTree as ET

    from editorial.commands.build import prepare, run_pelican

    root = copy_project(tmp_path / "project")
    registry = root / "content" / "entities.yml"
    good = registry.read_text(encoding="utf-8")
    settings = prepare(root, "publishconf.py", io.StringIO(), {"SITEURL": "https://x.example"})
    registry.write_text(good + "\nbroken-entry:\n  name: X\n")
    failed = run_pelican({**settings, "OUTPUT_PATH": str(tmp_path / "a")}, io.StringIO())
    assert not failed.ok
    registry.write_text(good)
    result = run_pelican({**settings, "OUTPUT_PATH": str(tmp_path / "b")}, io.StringIO())
    assert result.ok
    sitemap = tmp_path / "b" / "sitemap.xml"
    assert sitemap.is_file()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ET.parse(sitemap).findall("s:url/s:loc", ns)]
    assert locs and all(loc.startswith("https://x.example/") for loc in locs)
    assert not any(".." in loc for loc in locs)


def test_summaries_cut_from_the_body_leave_the_paragraph_anchors_on_the_article(tmp_path):
    """Without a Summary:, Pelican cuts one from the body, paragraph anchors
    included: on a listing, two such cards would both carry id="para-1"."""
    root = copy_project(tmp_path / "project")
    (root / "content" / "2025").mkdir()
    for n in (1, 2):
        (root / "content" / "2025" / f"no-summary-{n}.md").write_text(
            f"Title: No summary {n}\nDate: 2025-0{n}-01\nCategory: Tests\nTags: summaries\n\n"
            f"Meta answered the ministry in a letter, paragraph one of article {n}.\n\n"
            "A second paragraph, long enough to be one of the article's paragraphs.\n"
        )
    assert build(root, out=io.StringIO()) == 0
    output = root / "output"

    def parsed(page: str) -> BeautifulSoup:
        return BeautifulSoup((output / page).read_text(), "html.parser")

    for page in output.rglob("*.html"):
        ids = [tag["id"] for tag in parsed(str(page.relative_to(output))).find_all(id=True)]
        assert len(ids) == len(set(ids)), f"{page.relative_to(output)} repeats an id"
    # The summaries' entity links are resolved for each listing's own depth.
    for listing, url in (("index.html", "/"), ("tag/summaries/index.html", "/tag/summaries/")):
        cards = [c for c in parsed(listing).select(".article-card__summary")
                 if "ministry in a letter" in c.text]  # fmt: skip
        assert len(cards) == 2
        targets = {urljoin(url, a["href"]) for card in cards for a in card.select("a.entity")}
        assert targets == {"/entities/meta/"}
    # The anchor stays where it belongs.
    assert parsed("2025/no-summary-1/index.html").find("p", id="para-1") is not None
