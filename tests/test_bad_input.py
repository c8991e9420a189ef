"""One rule for bad input in `invoke check`, `invoke build` and `invoke publish`:
the same `path:line: error:` message, no traceback, output/ and the remote
pages branch untouched. Each command runs through the invoke CLI on a real
copy of the project in a real git repository with a bare remote."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from editorial.commands.check import run_check
from editorial.project import read_settings
from tests.support import copy_project

ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@example.org",
    "PUBLISH_SITEURL": "https://blog.example.org",
}


def _git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=ENV, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _invoke(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=root, env=ENV, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    root = copy_project(tmp_path / "site")
    (root / ".gitignore").write_text("output/\ncache/\n.editorial-cache/\n__pycache__/\n")
    (root / "output").mkdir()
    (root / "output" / "index.html").write_text("previous build")
    remote = tmp_path / "remote.git"
    _git(tmp_path, "init", "-q", "--bare", str(remote))
    _git(root, "init", "-q", "-b", "main")
    _git(root, "remote", "add", "origin", str(remote))
    return root, remote


BREAKAGES = {
    "empty-article": (
        "content/2024/empty.md",
        "",
        "content/2024/empty.md: error: the file is empty",
    ),
    "broken-registry": (
        "content/entities.yml",
        "broken-entry:\n  name: [unclosed\n",
        "content/entities.yml:3: error: invalid YAML",
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_check_build_and_publish_refuse_alike(project, case):
    root, remote = project
    name, text, message = BREAKAGES[case]
    (root / name).write_text(text)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "broken")
    results = {
        "check": _invoke(root, "check"),
        "build": _invoke(root, "build"),
        "publish": _invoke(root, "publish"),
    }
    for command, result in results.items():
        log = result.stdout + result.stderr
        assert message in log, f"invoke {command}:\n{log}"
        assert "Traceback" not in log, f"invoke {command}:\n{log}"
    assert results["check"].returncode == 2
    assert results["build"].returncode == 1
    assert results["publish"].returncode == 1
    assert (root / "output" / "index.html").read_text() == "previous build"
    assert _git(remote, "branch", "--list") == ""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Title: T\nDate: 2024-01-01\n\nA NUL\x00 byte.\n", 4, "control character U+0000"),
        ("Title: T\nDate: 10/01/2025\n\nBody.\n", 2, "like 2024-05-01 or 2024-05-01 09:30"),
        ("---\nTitle: T\nTags: [a, b]\n---\n\nBody.\n", 1, "'Key: value' lines at the top"),
        ("Title: T\nTags: a\n\nBody.\n", 2, "no Date: metadata, so Pelican would skip"),
        ("Title:\nDate: 2024-01-01\n\nBody.\n", 1, "Title: is empty"),
        ("Title: T\nDate: 2024-01-01\nStatus: publised\n\nBody.\n", 3, "is not a status"),
    ],
    ids=["nul-byte", "ambiguous-date", "yaml-front-matter", "no-date", "empty-title", "status"],
)
def test_bad_metadata_is_refused_by_check_and_build(tmp_path, text, line, message):
    from editorial.commands.build import build

    root = copy_project(tmp_path / "site")
    (root / "content/2024/bad.md").write_text(text)
    result = run_check(root, [], read_settings(root), display_root=root)
    assert [(e.path, e.line) for e in result.errors] == [("content/2024/bad.md", line)]
    assert message in result.errors[0].message
    assert result.exit_code() == 2
    out = io.StringIO()
    assert build(root, out=out) == 1
    assert f"content/2024/bad.md:{line}: error: " in out.getvalue()
    assert not (root / "output").exists()


def test_a_draft_a_skipped_file_a_page_or_a_default_date_needs_no_date_line(tmp_path):
    root = copy_project(tmp_path / "site")
    (root / "content/2024/draft.md").write_text("Title: D\nStatus: draft\n\nBody.\n")
    (root / "content/2024/skipped.md").write_text("Title: S\nStatus: skip\n\nBody.\n")
    (root / "content/pages/colophon.md").write_text("Title: Colophon\n\nBody.\n")
    assert run_check(root, [], read_settings(root), display_root=root).errors == []
    from editorial.commands.build import build

    assert build(root, out=io.StringIO()) == 0  # and Pelican builds them as they are
    (root / "content/2024/undated.md").write_text("Title: U\n\nBody.\n")
    # Pelican skips only 'skip' as written: 'Skip' is read, and needs a date.
    (root / "content/2024/skip-capital.md").write_text("Title: K\nStatus: Skip\n\nBody.\n")
    settings = read_settings(root)
    assert [e.path for e in run_check(root, [], settings, display_root=root).errors] == [
        "content/2024/skip-capital.md",
        "content/2024/undated.md",
    ]
    assert build(root, out=io.StringIO()) == 1
    settings["DEFAULT_DATE"] = "fs"  # Pelican dates it by the file's time
    assert run_check(root, [], settings, display_root=root).errors == []


def test_acknowledging_a_paragraph_the_article_lacks_is_a_warning(tmp_path):
    root = copy_project(tmp_path / "site")
    article = tmp_path / "ack.md"
    article.write_text(
        "Title: T\nDate: 2024-01-01\nAcknowledge_Repeats: 2, 20-21, 99\n\n"
        + "\n\n".join(f"Paragraph {n} says something of its own." for n in range(1, 4))
        + "\n"
    )
    result = run_check(root, [str(article)], read_settings(root), display_root=tmp_path)
    [warning] = [d for d in result.diagnostics if d.rule == "acknowledged-paragraph-missing"]
    assert (warning.file, warning.line, warning.severity) == ("ack.md", 3, "warning")
    assert "paragraph(s) 20, 21, 99, but the article has 3 paragraph(s)" in warning.message
    assert result.errors == []


def test_a_huge_acknowledged_range_is_refused_not_expanded(tmp_path):
    root = copy_project(tmp_path / "site")
    article = tmp_path / "ack.md"
    article.write_text("Title: T\nDate: 2024-01-01\nAcknowledge_Repeats: 1-999999999\n\nText.\n")
    result = run_check(root, [str(article)], read_settings(root), display_root=tmp_path)
    assert [(e.path, e.line) for e in result.errors] == [("ack.md", 3)]
    assert "goes past paragraph 100,000" in result.errors[0].message
