"""`invoke new`: the file, its metadata, refusals, non-ASCII titles, and the
placeholder summary that `invoke check` reports until it is written."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from support import copy_project

from editorial.commands.new import NewArticleError, create_article
from editorial.project import make_markdown, read_settings

# UTC+14: its date differs from UTC's for ten hours of every day.
ZONE = "Pacific/Kiritimati"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text(
        f'PATH = "content"\nTIMEZONE = "{ZONE}"\nAUTHOR = "Policy Desk"\n', encoding="utf-8"
    )
    return tmp_path


def metadata(path: Path) -> dict[str, str]:
    """The metadata as Pelican's Markdown reader sees it."""
    md = make_markdown()
    md.convert(path.read_text(encoding="utf-8"))
    return {
        key: " ".join(value)
        for key, value in md.Meta.items()
        if all(isinstance(v, str) for v in value)  # not the paragraph records
    }


def test_new_article_has_complete_metadata_in_the_sites_timezone(root: Path) -> None:
    before = datetime.now(ZoneInfo(ZONE)).replace(second=0, microsecond=0)
    path = create_article(
        root, "Who hears your appeal?", category="Content Moderation", tags="appeals, India",
        settings=read_settings(root),
    )  # fmt: skip
    after = datetime.now(ZoneInfo(ZONE))
    written = datetime.strptime(metadata(path)["date"], "%Y-%m-%d %H:%M").replace(
        tzinfo=ZoneInfo(ZONE)
    )
    assert before <= written <= after
    assert path == root / "content" / str(written.year) / "who-hears-your-appeal.md"
    meta = metadata(path)
    assert meta["title"] == "Who hears your appeal?"
    assert meta["slug"] == "who-hears-your-appeal"
    assert meta["category"] == "Content Moderation"
    assert meta["tags"] == "appeals, India"
    assert meta["author"] == "Policy Desk"
    assert meta["status"] == "draft"
    assert meta["summary"].startswith("TODO")


def test_given_date_and_author(root: Path) -> None:
    path = create_article(
        root, "Old news", author="Amara Okafor", when="2023-02-14", settings=read_settings(root)
    )
    assert path == root / "content" / "2023" / "old-news.md"
    assert (metadata(path)["date"], metadata(path)["author"]) == ("2023-02-14", "Amara Okafor")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Données personnelles : l’état du droit", "donnees-personnelles-letat-du-droit"),
        ("Закон о данных", "zakon-o-dannykh"),
        ("Straße & Café", "strasse-cafe"),
    ],
)
def test_non_ascii_titles_get_a_transliterated_slug(root: Path, title: str, slug: str) -> None:
    path = create_article(root, title, when="2024-01-01", settings=read_settings(root))
    assert path.name == f"{slug}.md"
    assert metadata(path)["title"] == title


def test_an_existing_file_is_never_overwritten(root: Path) -> None:
    path = create_article(root, "Twice", when="2024-01-01", settings=read_settings(root))
    path.write_text("Title: Twice\n\nThe author's own words.\n", encoding="utf-8")
    with pytest.raises(NewArticleError, match=r"content/2024/twice\.md already exists"):
        create_article(root, "Twice", when="2024-06-01", settings=read_settings(root))
    assert path.read_text(encoding="utf-8") == "Title: Twice\n\nThe author's own words.\n"


@pytest.mark.parametrize(
    ("title", "when", "message"),
    [
        ("  ", None, "give the article a title"),
        ("?!", None, "gives an empty file name"),
        ("Fine", "2024-02-30", "--date '2024-02-30' is not a date"),
    ],
)
def test_bad_input_is_refused(root: Path, title: str, when: str | None, message: str) -> None:
    with pytest.raises(NewArticleError, match=message):
        create_article(root, title, when=when, settings=read_settings(root))
    assert list((root / "content").rglob("*.md")) == []


def invoke(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True
    )


def test_new_then_check_until_the_summary_is_written(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
    created = invoke(project, "new", "Ein neuer Artikel über Plattformen", "--category",
                     "Platform Regulation", "--tags", "platforms, EU")  # fmt: skip
    assert created.returncode == 0, created.stderr
    shown = created.stdout.strip()
    path = project / shown
    assert path.is_file() and shown.startswith("content/")
    assert path.name == "ein-neuer-artikel-uber-plattformen.md"

    again = invoke(project, "new", "Ein neuer Artikel über Plattformen")
    assert again.returncode == 2 and "already exists" in again.stderr

    checked = invoke(project, "check", shown)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    summary_line = next(
        n for n, line in enumerate(path.read_text().splitlines(), 1) if line.startswith("Summary:")
    )
    assert f"{shown}:{summary_line}: error: Summary: is a placeholder" in checked.stdout
    assert "[summary-placeholder]" in checked.stdout

    text = path.read_text(encoding="utf-8").replace(
        path.read_text(encoding="utf-8").splitlines()[summary_line - 1],
        "Summary: What the platform rules ask, in one sentence.",
    )
    path.write_text(text, encoding="utf-8")
    checked = invoke(project, "check", shown)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "summary-placeholder" not in checked.stdout


def test_new_can_be_dated_in_the_past_and_checked_as_a_stale_draft(root: Path) -> None:
    # A draft started long ago is reported by the stale-draft rule.
    day = (datetime.now(ZoneInfo(ZONE)) - timedelta(days=400)).date().isoformat()
    path = create_article(root, "Forgotten", when=day, settings=read_settings(root))
    result = invoke(Path(__file__).resolve().parents[1], "check", "--format", "json", str(path))
    assert '"rule": "stale-draft"' in result.stdout
