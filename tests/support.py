"""Helpers shared by tests that need a private copy of the project."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROJECT_FILES = ("content", "theme", "plugins", "pelicanconf.py", "publishconf.py", "tasks.py",
                 "pyproject.toml")  # fmt: skip
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv", "output", "cache",
                                 ".editorial-cache")  # fmt: skip


def copy_project(dest: Path) -> Path:
    """Copy what a build needs into `dest` (created) and return it."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=IGNORED)
        else:
            shutil.copy2(source, dest / name)
    return dest


def paragraphs_of(text: str, name: str = "article.md"):
    """The paragraph records of Markdown `text`, read as `invoke check` reads it
    (Pelican's default Markdown settings plus the paragraph extension)."""
    from editorial.project import make_markdown
    from editorial.sources import parse_article

    return parse_article(text, name, make_markdown()).document.paragraphs
