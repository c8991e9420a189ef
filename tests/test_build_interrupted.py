"""Interrupted and concurrent builds, with real processes and real signals:
output/ is never half-written, no staging directory is left in the project,
no process outlives the build, and a second build waits for the first."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from editorial.commands.build import build, clean
from editorial.commands.workdir import WORK_DIR
from tests.support import copy_project


def _start(root: Path, *args: str) -> subprocess.Popen[str]:
    """`invoke ARGS` in its own process group (as a terminal would run it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "invoke", *args],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip


def _wait_for_staging(root: Path, process: subprocess.Popen, timeout: float = 120) -> None:
    """Until the build has a staging directory and Pelican is writing into it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        if list((root / WORK_DIR).glob("staging-*")):
            time.sleep(0.3)
            return
        time.sleep(0.02)
    pytest.fail("no staging directory appeared")


def _group_members(pgid: int) -> list[int]:
    """Processes still in process group `pgid` (children the build left running)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def _snapshot(root: Path) -> dict[str, bytes]:
    output = root / "output"
    return {str(p.relative_to(output)): p.read_bytes() for p in output.rglob("*") if p.is_file()}


def _hidden_leftovers(root: Path) -> list[str]:
    """Directories a build may have left: in the project or in the work directory."""
    found = [p.name for p in root.iterdir() if p.name.startswith(".output")]
    work = root / WORK_DIR
    found += [p.name for p in work.iterdir() if p.name != "build.lock"] if work.exists() else []
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("interrupted"))
    out = io.StringIO()
    assert build(root, out=out) == 0, out.getvalue()
    return root


@pytest.mark.parametrize(
    ("signum", "whole_group"),
    [(signal.SIGINT, True), (signal.SIGINT, False), (signal.SIGTERM, False)],
    ids=["ctrl-c", "sigint-to-invoke", "sigterm-to-invoke"],
)
def test_an_interrupted_build_leaves_nothing_behind(built, signum, whole_group):
    root = built
    before = _snapshot(root)
    # A cold cache keeps the build busy long enough to be interrupted mid-way.
    for cache in ("cache", ".editorial-cache/repeats"):
        subprocess.run(["rm", "-rf", str(root / cache)], check=True)
    process = _start(root, "build")
    _wait_for_staging(root, process)
    if whole_group:
        os.killpg(process.pid, signum)
    else:
        os.kill(process.pid, signum)
    log, _ = process.communicate(timeout=120)
    assert process.returncode == 128 + signum, log
    assert "build interrupted: output/ was left as it was." in log
    assert "Traceback" not in log
    assert _group_members(process.pid) == []
    assert _snapshot(root) == before
    assert _hidden_leftovers(root) == []


def test_stale_staging_is_removed_by_the_next_build_and_by_clean(built):
    root = built
    work = root / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    for stale in (work / "staging-killed", root / ".output-abc123"):
        (stale / "2024").mkdir(parents=True)
        (stale / "2024" / "index.html").write_text("half-written")
    assert build(root, out=io.StringIO()) == 0
    assert _hidden_leftovers(root) == []
    (work / "staging-killed-again").mkdir()
    out = io.StringIO()
    clean(root, out=out)
    assert _hidden_leftovers(root) == []
    assert not (root / "output").exists()
    assert "removed .editorial-cache/" in out.getvalue()


def test_concurrent_builds_wait_for_each_other(built):
    root = built
    subprocess.run(["rm", "-rf", str(root / ".editorial-cache/repeats")], check=True)
    first = _start(root, "build")
    _wait_for_staging(root, first)
    others = [_start(root, "build") for _ in range(2)]
    # `invoke check` takes no lock: it shares the embedding cache with the builds.
    checks = [_start(root, "check") for _ in range(2)]
    logs = [p.communicate(timeout=300)[0] for p in (first, *others)]
    check_logs = [p.communicate(timeout=300)[0] for p in checks]
    assert [p.returncode for p in (first, *others)] == [0, 0, 0], logs
    assert [p.returncode for p in checks] == [0, 0], check_logs
    assert all("Traceback" not in log for log in logs + check_logs)
    assert all("another build of this project is running; waiting" in log for log in logs[1:])
    assert all("0 unacknowledged" in log for log in check_logs)
    assert (root / "output" / "index.html").is_file()
    assert _hidden_leftovers(root) == []
