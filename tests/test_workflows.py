"""The GitHub workflows, checked offline: actionlint and zizmor find nothing,
every action is pinned to a commit, and every `run:` line is a command the
project has (a Makefile target or an invoke task with its options)."""

from __future__ import annotations

import functools
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN))
    assert found, f"{name} is not installed in {BIN} (make test installs the test extras)"
    return found


def steps(path: Path) -> list[dict]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_both_workflows_exist():
    assert [p.name for p in WORKFLOWS] == ["check.yml", "publish.yml"]


def test_actionlint_finds_nothing():
    result = subprocess.run(
        [tool("actionlint"), "-color=false", *map(str, WORKFLOWS)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_zizmor_finds_nothing_offline():
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", "--format", "json", ".github/workflows"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert lines
    for line in lines:
        assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][\w-]*):", text, re.M))


def invoke_tasks() -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "--list", "--list-format", "json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {task["name"] for task in json.loads(result.stdout)["tasks"]}


@functools.cache
def invoke_options(task: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "--help", task],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return set(re.findall(r"--[a-z][\w-]*", result.stdout))


def test_every_run_line_is_a_command_the_project_has():
    targets, tasks = makefile_targets(), invoke_tasks()
    seen = []
    for path in WORKFLOWS:
        for step in steps(path):
            for line in step.get("run", "").splitlines():
                if not line.strip():
                    continue
                words = shlex.split(line)
                seen.append(words[:2])
                if words[0] == "make":
                    assert set(words[1:]) <= targets, f"{path.name}: {line}"
                elif words[0] == ".venv/bin/invoke":
                    task, options = words[1], [w for w in words[2:] if w.startswith("--")]
                    assert task in tasks, f"{path.name}: no task {task!r}: {line}"
                    assert set(options) <= invoke_options(task), f"{path.name}: {line}"
                else:
                    pytest.fail(f"{path.name}: {line!r} is neither make nor invoke")
    assert [".venv/bin/invoke", "check"] in seen and [".venv/bin/invoke", "publish"] in seen


def test_publish_has_least_privilege_and_never_races():
    workflow = yaml.safe_load((ROOT / ".github/workflows/publish.yml").read_text("utf-8"))
    assert workflow["permissions"] == {}
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    # `on:` is read by YAML 1.1 as True.
    assert set(workflow[True]) == {"push", "workflow_dispatch"}
    assert workflow[True]["push"]["branches"] == ["main"]


def test_pull_requests_restore_the_cache_main_saved():
    keys = []
    for path in WORKFLOWS:
        [cache] = [s for s in steps(path) if s.get("uses", "").startswith("actions/cache@")]
        keys.append((cache["with"]["key"], cache["with"]["restore-keys"].strip()))
    assert keys[0] == keys[1]  # the same key: what publish saves, check restores
    key, restore = keys[0]
    assert key.startswith(restore)
