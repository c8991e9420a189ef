"""reStructuredText articles: `invoke check` and the build see their
paragraphs with their source lines, read by Pelican's own reader."""

import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from editorial.commands.build import build
from tests.support import PARA_A, PARA_B, PARA_C, copy_project, invoke_check

# Names an entity of the project's registry (content/entities.yml).
PARA_ENTITY = (
    "Nick Clegg told the committee that the company would publish its own "
    "figures for the country every quarter from next year."
)

MARKDOWN = (
    "Title: Old\nDate: 2023-05-01\nCategory: Tests\nTags: testing\nSummary: A test.\n\n"
    f"{PARA_B}\n\n{PARA_A}\n"
)


def rst_article(*body: str, date: str = "2024-05-01", title: str = "Newer article") -> str:
    """A complete rST article: the title, docinfo fields, then `body`
    (paragraphs and sections), blank lines between."""
    head = (
        f"{title}\n{'#' * len(title)}\n\n:date: {date}\n:category: Tests\n:tags: testing\n"
        ":summary: A test.\n"
    )
    return head + "\n" + "\n\n".join(body) + "\n"


def wrapped(paragraph: str) -> str:
    """The paragraph over two source lines, as rST authors often write it."""
    words = paragraph.split()
    return " ".join(words[:8]) + "\n" + " ".join(words[8:])


def line_of(path: Path, start: str) -> int:
    lines = path.read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(start))


def test_check_reports_an_rst_paragraph_repeating_a_markdown_one(tmp_path):
    folder = tmp_path / "my drafts"
    folder.mkdir()
    (folder / "old.md").write_text(MARKDOWN)
    rst = folder / "new.rst"
    rst.write_text(rst_article(PARA_C, "A section\n=========", wrapped(PARA_A)))
    result = invoke_check(str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    md_line = line_of(folder / "old.md", PARA_A[:30])
    expected = f"{rst}:{line_of(rst, PARA_A[:30])}: paragraph 2 repeats paragraph 2 of "
    [finding] = [line for line in result.stdout.splitlines() if "repeats" in line]
    assert finding.startswith(expected), result.stdout
    assert f"old.md (line {md_line})" in finding
    assert "in 2 articles" in result.stdout
    assert result.stderr == ""


def test_check_reports_a_repeat_within_an_rst_article_at_its_lines(tmp_path):
    rst = tmp_path / "one.rst"
    rst.write_text(rst_article(PARA_A, PARA_B, "- a list item", wrapped(PARA_A)))
    result = invoke_check(str(rst))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = rst.read_text().splitlines()
    first = lines.index(PARA_A) + 1
    second = max(n for n, line in enumerate(lines, 1) if line.startswith(PARA_A.split()[0]))
    assert f"{rst}:{second}: paragraph 3 repeats paragraph 1 (line {first})" in result.stdout


def test_rst_fields_feed_the_metadata_rules_and_markdown_rules_skip_rst(tmp_path):
    rst = tmp_path / "bare.rst"
    # No category or tags; a bare http:// link, a Markdown-style heading skip
    # would be reported in Markdown, not here.
    rst.write_text(
        "Bare\n####\n\n:date: 2024-05-01\n:summary: A test.\n\n"
        f"{PARA_A} See `the report <http://example.org/report>`_.\n"
    )
    result = invoke_check(str(rst))
    out = result.stdout
    # Fields named as an rST author writes them, in the message and the hint.
    assert f"{rst}:5: warning: no :category:; add ':category: ...'" in out
    assert "no :tags:; add ':tags: a, b'" in out
    assert "Category:" not in out and "Tags:" not in out
    assert "[summary-missing]" not in out
    assert "[insecure-link]" not in out


def test_broken_rst_is_a_clear_error_at_its_line(tmp_path):
    rst = tmp_path / "broken.rst"
    rst.write_text(rst_article(PARA_A, "More `unclosed markup here."))
    result = invoke_check(str(rst))
    assert result.returncode == 2
    broken = line_of(rst, "More `unclosed")
    assert f"{rst}:{broken}: error: reStructuredText warning: Inline interpreted text" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_rst_date_and_missing_title_are_errors_at_their_lines(tmp_path):
    dated = tmp_path / "dated.rst"
    dated.write_text(rst_article(PARA_A, date="someday soon"))
    untitled = tmp_path / "untitled.rst"
    untitled.write_text(f":date: 2024-05-01\n\n{PARA_B}\n")
    for path, line, message in (
        (dated, 4, "'someday soon' is not a valid date"),
        (untitled, 1, "no document title"),
    ):
        result = invoke_check(str(path))
        assert result.returncode == 2
        assert f"{path}:{line}: error: {message}" in result.stderr
        assert "Traceback" not in result.stderr
        assert "Document title missing" not in result.stderr  # Pelican's own words, once


def test_rst_status_slug_and_date_errors_name_the_fields_as_rst_writes_them(tmp_path):
    odd = tmp_path / "odd.rst"
    odd.write_text(f"Odd\n###\n\n:status: publised\n:slug: ../x\n\n{PARA_A}\n")
    undated = tmp_path / "undated.rst"
    undated.write_text(f"Undated\n#######\n\n:summary: No date.\n\n{PARA_B}\n")
    result = invoke_check(str(odd))
    assert result.returncode == 2
    assert f"{odd}:4: error: :status: 'publised' is not a status" in result.stderr
    assert f"{odd}:5: error: :slug: '../x' would put the page outside" in result.stderr
    result = invoke_check(str(undated))
    assert result.returncode == 2
    assert f"{undated}:4: error: no :date: metadata" in result.stderr
    assert "or ':status: draft' while" in result.stderr


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory):
    """The project with its content replaced by one Markdown and one rST
    article, the rST one repeating a Markdown paragraph; really built."""
    root = copy_project(tmp_path_factory.mktemp("tiny"))
    for folder in ("2022", "2023", "2024"):
        shutil.rmtree(root / "content" / folder, ignore_errors=True)
    (root / "content" / "2023").mkdir()
    (root / "content" / "2023" / "old.md").write_text(MARKDOWN)
    rst = root / "content" / "2023" / "new.rst"
    rst.write_text(rst_article(PARA_ENTITY, "A section\n=========", wrapped(PARA_A)))
    out = io.StringIO()
    code = build(root, out=out)
    return root, code, out.getvalue()


def test_build_reports_the_rst_repeat_like_a_linter(tiny_site):
    root, code, log = tiny_site
    assert code == 0, log
    rst = root / "content/2023/new.rst"
    md_line = line_of(root / "content/2023/old.md", PARA_A[:30])
    expected = (
        f"content/2023/new.rst:{line_of(rst, PARA_A[:30])}: paragraph 2 repeats paragraph 2 "
        f"of content/2023/old.md (line {md_line})"
    )
    assert any(line.startswith(expected) for line in log.splitlines()), log


def test_built_rst_page_anchors_its_paragraphs_and_marks_the_repeat(tiny_site):
    root, _, _ = tiny_site
    [page] = [p for p in (root / "output").rglob("index.html") if "Newer article" in p.read_text()
              and "<article" in p.read_text() and "newer-article" in str(p)]  # fmt: skip
    soup = BeautifulSoup(page.read_text(), "html.parser")
    first = soup.find(id="para-1")
    assert first.get_text(" ", strip=True) == PARA_ENTITY
    # The entity linker works on the rendered HTML: rST articles are linked too.
    assert "entities/nick-clegg/" in first.find("a", string="Nick Clegg")["href"]
    flagged = soup.find(id="para-2")
    assert "flagged-repeat" in flagged.get("class", [])
    assert "old" in flagged.select_one(".repeat-flag a")["href"]


def test_broken_rst_stops_the_build_with_its_line(tmp_path):
    root = copy_project(tmp_path / "site")
    rst = root / "content" / "2024" / "broken.rst"
    rst.write_text(rst_article(PARA_A, "More `unclosed markup here."))
    out = io.StringIO()
    code = build(root, out=out)
    text = out.getvalue()
    assert code != 0
    assert f"content/2024/broken.rst:{line_of(rst, 'More `unclosed')}: error: " in text
    assert "Traceback" not in text


def read_rst(tmp_path, text):
    from pelican.settings import DEFAULT_CONFIG

    from editorial.restructuredtext import ParagraphRstReader

    path = tmp_path / "article.rst"
    path.write_text(text)
    return ParagraphRstReader(DEFAULT_CONFIG).read_article(str(path), text)


def test_only_top_level_paragraphs_are_recorded_each_at_its_first_line(tmp_path):
    text = rst_article(
        "Opening *emphasised* words\nover two lines.",
        "- a list item is not a paragraph of the article",
        "    A block quote is not one either.",
        ".. note:: Nor is an admonition.",
        "A section\n=========",
        "Inside a ``section``.",
    )
    read = read_rst(tmp_path, text)
    lines = text.splitlines()
    records = read.metadata["editorial_paragraphs"]
    assert [(r.ordinal, r.line, r.text) for r in records] == [
        (
            1,
            lines.index("Opening *emphasised* words") + 1,
            "Opening emphasised words over two lines.",
        ),
        (2, lines.index("Inside a ``section``.") + 1, "Inside a section."),
    ]
    assert '<p id="para-1">' in read.content and '<p id="para-2">' in read.content
    assert read.title == "Newer article"
    assert read.fields["date"] == (4, "2024-05-01")
    assert read.fields["tags"] == (6, "testing")


def test_rules_list_marks_the_markdown_only_rules():
    listing = invoke_check("--rules").stdout
    marked = {
        line.split()[0] for line in listing.splitlines() if "(Markdown articles only)" in line
    }
    assert marked == {"image-alt-missing", "insecure-link", "heading-level-skipped"}
