"""The pre-commit hook, for real: pre-commit installed in a temporary git
repository holding a copy of the site, and `git commit` run there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from support import ROOT, copy_project

GOOD = """\
Title: A finished article
Date: 2024-05-01 10:00
Category: Transparency
Tags: testing
Summary: One sentence that says what this is about.

The regulator published its annual transparency report on Tuesday.
"""


def git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


def test_the_hook_runs_invoke_check_on_staged_markdown() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [hook] = config["repos"][0]["hooks"]
    assert hook["entry"].split() == [".venv/bin/invoke", "check", "--"]
    assert hook["language"] == "system"


def test_the_hook_blocks_a_commit_of_a_bad_article(tmp_path: Path) -> None:
    repo = copy_project(tmp_path / "site")
    shutil.copy2(ROOT / ".pre-commit-config.yaml", repo)
    (repo / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    (repo / ".gitignore").write_text(".venv\n.editorial-cache/\n", encoding="utf-8")
    cache = ROOT / ".editorial-cache"  # git-ignored; copied only to save time
    if cache.is_dir():
        shutil.copytree(cache, repo / ".editorial-cache")
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Hook Test", "GIT_AUTHOR_EMAIL": "hook@example.org",
        "GIT_COMMITTER_NAME": "Hook Test", "GIT_COMMITTER_EMAIL": "hook@example.org",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }  # fmt: skip
    assert git(repo, "init", "-q", "-b", "main", env=env).returncode == 0
    assert git(repo, "add", "-A", env=env).returncode == 0
    assert git(repo, "commit", "-q", "-m", "Site", env=env).returncode == 0
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=repo, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr

    article = repo / "content" / "2024" / "hooked.md"
    article.write_text(GOOD.replace("One sentence that says what this is about.", "TODO"))
    git(repo, "add", str(article), env=env)
    blocked = git(repo, "commit", "-m", "A draft with a placeholder summary", env=env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "content/2024/hooked.md:5: error: Summary: is a placeholder" in output
    assert git(repo, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "1"

    article.write_text(GOOD, encoding="utf-8")
    git(repo, "add", str(article), env=env)
    passed = git(repo, "commit", "-m", "The finished article", env=env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert git(repo, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "2"
