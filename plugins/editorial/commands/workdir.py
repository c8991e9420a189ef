"""One build at a time per project, and staging directories that never outlive it.

`invoke build`, `invoke publish` and `invoke clean` run inside
:func:`exclusive`: it holds the project's lock (a second command waits and
says so), turns SIGTERM and SIGHUP into an exception like Ctrl-C's so that
every `finally` runs, and removes what a killed build left behind. Staging
directories live under the git-ignored cache directory, on the same
filesystem as output/ so that the finished site is swapped in by renames.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from filelock import FileLock, Timeout

from editorial import project

WORK_DIR = Path(".editorial-cache") / "build"
LOCK_NAME = "build.lock"
STAGING_PREFIX = "staging-"
# Staging directories of the versions before this module, beside output/.
LEGACY_PATTERN = ".output-*"
# How long a command waits for another build of the same project.
LOCK_WAIT_SECONDS = 900
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class BuildBusy(Exception):
    """Another build of the project kept the lock for too long."""


class Interrupted(KeyboardInterrupt):
    """A termination signal arrived; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(error: KeyboardInterrupt) -> int:
    """The shell's status for a command stopped by a signal (130 for Ctrl-C)."""
    return 128 + getattr(error, "signum", signal.SIGINT)


@contextlib.contextmanager
def exclusive(root: Path, out: TextIO, *, wait: float = LOCK_WAIT_SECONDS) -> Iterator[Path]:
    """Hold the project's build lock; yield the work directory (stale staging removed).

    Raises BuildBusy after waiting `wait` seconds for another build, and
    Interrupted (a KeyboardInterrupt) on SIGTERM or SIGHUP."""
    work = Path(root) / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    lock = FileLock(work / LOCK_NAME)
    with _signals_interrupt():
        try:
            lock.acquire(timeout=0)
        except Timeout:
            print(
                "another build of this project is running; waiting for it to finish ...",
                file=out,
                flush=True,
            )
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise BuildBusy(
                    f"another build of this project is still running after {wait:.0f} s "
                    f"(it holds {project.display_path(work / LOCK_NAME, root)}); "
                    "wait for it to finish, or stop it, and try again"
                ) from None
        try:
            remove_stale(root)
            yield work
        finally:
            lock.release()


def staging_dir(work: Path, output: Path) -> Path:
    """A fresh staging directory for `output`: under `work`, unless `output`
    is on another filesystem (then beside it, hidden), so that a rename
    swaps it in."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if _device(work) == _device(output.parent):
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=work))
    return Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))


def remove_stale(root: Path) -> list[Path]:
    """Remove the staging directories that a killed build left behind; call
    only with the lock held. Returns what was removed."""
    work = Path(root) / WORK_DIR
    stale = [*work.glob(f"{STAGING_PREFIX}*"), *Path(root).glob(LEGACY_PATTERN)]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


@contextlib.contextmanager
def signals_blocked() -> Iterator[None]:
    """Hold off Ctrl-C and termination signals (a few renames that must all happen)."""
    signals = {signal.SIGINT, *_SIGNALS}
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def raise_if_interrupted() -> None:
    """Raise Interrupted if a signal arrived inside `exclusive` and some code
    swallowed the exception it raised (a C extension's init turns it into an
    ImportError): call before a step that must not follow an interruption."""
    if _received:
        raise Interrupted(_received[-1])


_received: list[int] = []


@contextlib.contextmanager
def _signals_interrupt() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP raise Interrupted (a KeyboardInterrupt) and
    are remembered for raise_if_interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        _received.append(signum)
        raise Interrupted(signum)

    _received.clear()
    numbers = (signal.SIGINT, *_SIGNALS)
    previous = {number: signal.signal(number, interrupt) for number in numbers}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        _received.clear()


def _device(path: Path) -> int:
    return os.stat(path).st_dev
