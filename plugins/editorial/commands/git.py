"""Small git helpers for `invoke publish`: run git, read the status, resolve
revisions, fetch a remote branch into a ref, and check ancestry.

Every helper runs the real `git` executable in the given directory and never
changes the working tree or the index.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

ZERO_SHA = "0" * 40


class GitError(Exception):
    """A git command failed; `output` holds what git printed (stderr, then stdout)."""

    def __init__(self, args: list[str], returncode: int, output: str) -> None:
        self.command = args
        self.returncode = returncode
        self.output = output.strip()
        super().__init__(f"`git {' '.join(args)}` failed (exit {returncode}): {self.output}")


def git_available() -> bool:
    """True when a `git` executable is on PATH."""
    return shutil.which("git") is not None


def run_git(
    root: Path,
    *args: str,
    check: bool = True,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `git ARGS` in `root` and capture its output as text.

    Raises GitError when git exits non-zero and `check` is true.
    """
    result = subprocess.run(
        ["git", *args],
        cwd=root,
        env=dict(env) if env is not None else None,
        text=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if check and result.returncode != 0:
        raise GitError(list(args), result.returncode, result.stderr + result.stdout)
    return result


def toplevel(root: Path) -> Path | None:
    """The top of the work tree containing `root`, or None when it is not in one."""
    result = run_git(root, "rev-parse", "--show-toplevel", check=False)
    if result.returncode != 0 or not result.stdout.strip():
        return None
    return Path(result.stdout.strip())


def status(root: Path) -> list[str]:
    """`git status --porcelain` lines: modified, staged, deleted and untracked
    (but not ignored) files, each untracked file listed on its own line."""
    result = run_git(root, "status", "--porcelain", "--untracked-files=all")
    return [line for line in result.stdout.splitlines() if line.strip()]


def rev_parse(root: Path, rev: str, *, short: bool = False) -> str | None:
    """The commit id `rev` names, or None when it does not resolve to a commit."""
    args = ["rev-parse", "--verify", "--quiet"]
    if short:
        args.append("--short")
    result = run_git(root, *args, f"{rev}^{{commit}}", check=False)
    sha = result.stdout.strip()
    return sha if result.returncode == 0 and sha else None


def tree(root: Path, rev: str) -> str | None:
    """The id of the tree (the files) of commit `rev`, or None."""
    result = run_git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{tree}}", check=False)
    return result.stdout.strip() or None if result.returncode == 0 else None


def current_branch(root: Path) -> str | None:
    """The checked-out branch's short name, or None on a detached HEAD."""
    result = run_git(root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    name = result.stdout.strip()
    return name if result.returncode == 0 and name else None


def valid_branch_name(root: Path, name: str) -> bool:
    """True when `name` is acceptable as a branch name (`git check-ref-format --branch`)."""
    if not name or name.startswith("-"):
        return False
    return run_git(root, "check-ref-format", "--branch", name, check=False).returncode == 0


def config(root: Path, key: str) -> str:
    """A git config value, or "" when it is not set."""
    return run_git(root, "config", "--get", key, check=False).stdout.strip()


def remote_branch_sha(root: Path, remote: str, branch: str) -> str | None:
    """The commit `remote` (a remote name, URL or path) has on `branch`, or None
    when the remote has no such branch. Raises GitError when the remote cannot
    be read at all."""
    ref = f"refs/heads/{branch}"
    result = run_git(root, "ls-remote", "--heads", "--", remote, ref)
    for line in result.stdout.splitlines():
        sha, _, name = line.partition("\t")
        if name.strip() == ref:
            return sha.strip()
    return None


def fetch_into(root: Path, remote: str, branch: str, dest_ref: str) -> str:
    """Fetch `remote`'s `refs/heads/<branch>` into the local ref `dest_ref`
    (overwriting it) and return the fetched commit id.

    Works for remote names, URLs and paths alike; tags are not fetched.
    """
    run_git(
        root,
        "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--",
        remote, f"+refs/heads/{branch}:{dest_ref}",
    )  # fmt: skip
    sha = rev_parse(root, dest_ref)
    if sha is None:  # pragma: no cover - fetch succeeded, so the ref exists
        raise GitError(["rev-parse", dest_ref], 1, f"{dest_ref} missing after fetch")
    return sha


def delete_ref(root: Path, ref: str) -> None:
    """Delete `ref` if it exists."""
    run_git(root, "update-ref", "-d", ref, check=False)


def update_ref(root: Path, ref: str, new: str, old: str | None) -> None:
    """Point `ref` at `new`, but only if it currently points at `old`
    (None: only if it does not exist yet)."""
    run_git(root, "update-ref", ref, new, old or ZERO_SHA)


def is_ancestor(root: Path, ancestor: str, descendant: str) -> bool:
    """True when `ancestor` is reachable from `descendant` (or is the same commit)."""
    result = run_git(root, "merge-base", "--is-ancestor", ancestor, descendant, check=False)
    if result.returncode in (0, 1):
        return result.returncode == 0
    raise GitError(
        ["merge-base", "--is-ancestor", ancestor, descendant],
        result.returncode,
        result.stderr + result.stdout,
    )


def parents(root: Path, commit: str) -> list[str]:
    """The parent commit ids of `commit`."""
    result = run_git(root, "rev-list", "--parents", "-n", "1", commit)
    return result.stdout.split()[1:]
