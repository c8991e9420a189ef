"""Helpers shared by tests: a private copy of the project, `invoke check` as
a person runs it, and paragraphs to write articles with."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROJECT_FILES = ("content", "theme", "plugins", "pelicanconf.py", "publishconf.py", "tasks.py",
                 "pyproject.toml")  # fmt: skip
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv", "output", "cache",
                                 ".editorial-cache")  # fmt: skip

# Paragraphs long enough to be compared, and unrelated to each other.
PARA_A = (
    "The regulator published its annual transparency report on Tuesday, listing "
    "every takedown order it sent to the large platforms during the year."
)
PARA_B = (
    "Civil society groups asked the ministry to publish the draft rules for "
    "consultation before they are notified, citing the impact on journalists."
)
PARA_C = (
    "Small businesses that sell online will need to keep records of their "
    "advertising for seven years under the proposed amendment."
)


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


def invoke_check(*args: str) -> subprocess.CompletedProcess:
    """`invoke check ARGS` as a person types it, from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", "check", *args], cwd=ROOT, capture_output=True, text=True
    )
