"""`invoke entities --suggest`: names and acronyms in articles that the
registry lacks, with counts and files, most frequent first."""

from __future__ import annotations

import io
from pathlib import Path

from support import copy_project

from editorial.commands import entities as entities_cmd
from editorial.entities.matcher import Matcher
from editorial.entities.registry import load_registry, parse_registry
from editorial.entities.suggest import format_suggestions, html_texts, markdown_texts
from editorial.entities.suggest import suggest as suggest_in_texts
from editorial.project import make_markdown

DATA = Path(__file__).parent / "data" / "entities"
MATCHER = Matcher(load_registry(DATA / "registry.yml"))


def suggest(documents, matcher):
    """Suggestions for (path, Markdown source) documents."""
    md = make_markdown()
    return suggest_in_texts([(p, markdown_texts(s, md)) for p, s in documents], matcher)


def test_finds_names_missing_from_the_registry():
    documents = [
        ("a.md", "Title: A\n\nThe Digital Services Coordinator met Meta. The Oversight Board "
                 "and the Digital Services Coordinator, Ireland’s regulator, disagreed.\n"),
        ("b.md", "Title: B\n\nA national Digital Services Coordinator certifies bodies.\n\n"
                 "    Code Block Name\n\n`Inline Code Name` and [Linked Name](https://x).\n"),
    ]  # fmt: skip
    found = {s.name: s for s in suggest(documents, MATCHER)}
    assert found["Digital Services Coordinator"].count == 3
    assert found["Digital Services Coordinator"].files == ("a.md", "b.md")
    assert found["Oversight Board"].count == 1
    assert "Ireland" in found
    # Registered names are not suggested, nor text the linker never links.
    assert "Meta" not in found
    assert not {"Code Block Name", "Inline Code Name", "Linked Name"} & set(found)
    # Sentence-initial function words are dropped.
    assert not {"The", "A", "The Oversight Board"} & set(found)
    ordered = suggest(documents, MATCHER)
    assert ordered[0].name == "Digital Services Coordinator"


def test_acronyms_and_possessives():
    documents = [("a.md", "The GACs heard it. The ECtHR’s ruling. MeitY's rule.\n")]
    names = {s.name for s in suggest(documents, MATCHER)}
    assert "GACs" in names
    assert "ECtHR" in names
    assert "MeitY" not in names  # in the test registry


def test_sentence_start_word_needs_a_mid_sentence_use():
    documents = [("a.md", "Sectoral rules bite. Later, Sectoral applied.\n\nStaff said so.\n")]
    names = {s.name for s in suggest(documents, MATCHER)}
    assert "Staff" not in names and "Later" not in names
    assert "Sectoral" in names  # also capitalised mid-sentence


def test_format():
    documents = [("content/x.md", "Then Bolo Bhi spoke, and Bolo Bhi left.\n")]
    text = format_suggestions(suggest(documents, Matcher(parse_registry(""))))
    assert text.splitlines()[1].split() == ["2", "Bolo", "Bhi", "content/x.md"]


def test_command_suggests_a_name_missing_from_the_registry(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "content" / "2024" / "new.md").write_text(
        "Title: New\nDate: 2024-12-01\n\nThe Zorblax Commission fined Meta. "
        "The Zorblax Commission will appeal, said the Zorblax Commission.\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert entities_cmd.run(project, do_suggest=True, out=out) == 0
    lines = out.getvalue().splitlines()
    row = next(line for line in lines if "Zorblax Commission" in line)
    assert row.split()[0] == "3"
    assert "content/2024/new.md" in row
    # Entities in the shipped registry are never suggested.
    assert not any(" Nick Clegg " in line or " Pakistan " in line for line in lines)


def test_command_names_a_file_it_cannot_read_and_goes_on(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "content" / "2024" / "latin1.md").write_bytes(
        b"Title: Bad\nDate: 2024-12-01\n\nThe Zorblax Commission met in Z\xfcrich.\n"
    )
    out, err = io.StringIO(), io.StringIO()
    assert entities_cmd.run(project, do_suggest=True, out=out, err=err) == 0
    assert "content/2024/latin1.md:4: error: not valid UTF-8" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert "Names in" in out.getvalue()


def test_html_text_outside_headings_links_and_code():
    html = (
        "<h2>Heading Name</h2><p>The Zorblax Commission met "
        '<a href="x">Linked Name</a> and <code>Code Name</code>.</p>'
        "<!-- Comment Name --><pre>Block Name</pre><p>Zorblax Commission again.</p>"
    )
    names = {s.name for s in suggest_in_texts([("a.rst", html_texts(html))], MATCHER)}
    assert "Zorblax Commission" in names
    assert not {"Heading Name", "Linked Name", "Code Name", "Comment Name", "Block Name"} & names


def test_command_reads_rst_articles_and_names_a_broken_one(tmp_path):
    project = copy_project(tmp_path / "project")
    content = project / "content" / "2024"
    (content / "new.rst").write_text(
        "New\n###\n\n:date: 2024-12-01\n\nThe Quillan Authority fined Meta, and the "
        "Quillan Authority will fine `Quillan Link <https://x>`_ again.\n\n"
        "Quillan Heading\n===============\n\nIt said so.\n",
        encoding="utf-8",
    )
    (content / "broken.rst").write_text(
        "Broken\n######\n\n:date: 2024-12-01\n\nMore `unclosed markup here.\n", encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    assert entities_cmd.run(project, do_suggest=True, out=out, err=err) == 0
    rows = out.getvalue().splitlines()
    row = next(line for line in rows if "Quillan Authority" in line)
    assert row.split()[0] == "2" and "content/2024/new.rst" in row
    assert not any("Quillan Heading" in line or "Quillan Link" in line for line in rows)
    assert "content/2024/broken.rst:6: error: reStructuredText warning" in err.getvalue()
    assert "Traceback" not in err.getvalue()
