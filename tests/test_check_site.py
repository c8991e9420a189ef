"""`invoke check FILE`: a file of the site is compared with the whole site,
and only its own findings are reported; files elsewhere among themselves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import copy_project

SEED = "content/2022/pakistan-foreign-minister-urges-meta-to-open-office.md"


def _check(root: Path, *paths: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", "check", "--", *paths],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def _draft(copied: str) -> str:
    return (
        "Title: A draft\nDate: 2025-06-01\n\n"
        "An opening paragraph of the draft that is entirely its own work, honestly.\n\n"
        f"{copied}\n"
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, str]:
    root = copy_project(tmp_path_factory.mktemp("site"))
    paragraphs = (root / SEED).read_text(encoding="utf-8").split("\n\n")
    copied = next(p for p in paragraphs[1:] if len(p.split()) > 30 and "\n" not in p)
    (root / "content/2025").mkdir()
    (root / "content/2025/draft.md").write_text(_draft(copied), encoding="utf-8")
    return root, copied


def test_a_site_file_is_compared_with_the_whole_site(project):
    root, _ = project
    result = _check(root, "content/2025/draft.md")
    assert result.returncode == 1, result.stdout + result.stderr
    findings = [line for line in result.stdout.splitlines() if " repeats paragraph " in line]
    assert findings, result.stdout
    assert all(
        line.startswith("content/2025/draft.md:6: paragraph 2 repeats ") for line in findings
    )
    assert f"of {SEED}" in findings[0] or SEED in findings[0]
    assert "in 1 article" in result.stdout
    assert "Traceback" not in result.stderr


def test_files_outside_the_site_are_compared_among_themselves(project, tmp_path):
    root, copied = project
    outside = tmp_path / "drafts"
    outside.mkdir()
    (outside / "draft.md").write_text(_draft(copied), encoding="utf-8")
    alone = _check(root, str(outside))
    assert alone.returncode == 0, alone.stdout + alone.stderr
    (outside / "other.md").write_text(_draft(copied).replace("2025-06-01", "2025-06-02"))
    together = _check(root, str(outside))
    assert together.returncode == 1
    assert (
        f"{outside / 'other.md'}:6: paragraph 2 repeats paragraph 2 of {outside / 'draft.md'}"
        in (together.stdout)
    )
