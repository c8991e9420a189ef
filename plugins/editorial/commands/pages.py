"""The pages branch: where the new commit goes, committing the built site
with ghp-import, and pushing it without losing anyone's history.

Used by `invoke publish` (see commands/publish.py for the whole sequence).
"""

from __future__ import annotations

import contextlib
import fnmatch
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from editorial.commands import git

# Where the remote's pages branch is fetched to while publishing (deleted after).
FETCH_REF = "refs/editorial-publish/remote-pages"
# The branch ghp-import commits on, deleted right after.
WORK_BRANCH = "editorial-publish/pages"
# Written by ghp-import on every publish, never "removed".
GENERATED = (".nojekyll", "CNAME")
MAX_LISTED = 30


class PublishError(Exception):
    """A reason to stop; the message is printed after "publish: "."""


@dataclass(frozen=True)
class PagesPlan:
    """Where the new pages commit will go: on the target remote's branch only.

    `remote` is that branch's commit before publishing (None: no such
    branch); `parent` is the commit the new one is stacked on: `remote`, or
    None for a fresh history (a new branch, or `--force`).
    """

    remote: str | None
    parent: str | None

    @property
    def replaces(self) -> bool:
        """The push replaces the remote's history (`--force`)."""
        return self.remote is not None and self.parent != self.remote


def plan_pages_branch(
    root: Path, *, remote: str, branch: str, force: bool, out: TextIO
) -> PagesPlan:
    """Fetch `remote`'s pages branch and decide what the new commit sits on.

    The new commit goes on the remote's tip, whatever the local pages branch
    holds (it may have been published to another remote); with `force` it
    starts a new history that replaces the remote's.
    """
    try:
        remote_sha = git.remote_branch_sha(root, remote, branch)
    except git.GitError as error:
        raise PublishError(
            f"cannot read the remote {remote!r}:\n{error.output}\n"
            "Check the remote name or URL (`git remote -v`) and your access to it; "
            "nothing was built or pushed."
        ) from error
    if remote_sha is None:
        _say(out, f"publish: {remote} has no {branch} branch yet: it will be created")
        return PagesPlan(remote=None, parent=None)
    fetched = git.fetch_into(root, remote, branch, FETCH_REF)
    if force:
        count = git.run_git(root, "rev-list", "--count", fetched).stdout.strip()
        _say(
            out,
            f"publish: --force: the new commit starts a new history; the {count} "
            f"commit(s) of {branch} on {remote} will be discarded",
        )
        return PagesPlan(remote=fetched, parent=None)
    _say(out, f"publish: on top of {branch} on {remote} ({fetched[:7]})")
    return PagesPlan(remote=fetched, parent=fetched)


def published_domain(root: Path, plan: PagesPlan) -> str | None:
    """The CNAME on the remote's pages branch (set with GitHub's settings
    page, say), or None."""
    if plan.remote is None:
        return None
    result = git.run_git(root, "cat-file", "blob", f"{plan.remote}:CNAME", check=False)
    return result.stdout.strip() or None if result.returncode == 0 else None


def carry_over(
    root: Path, plan: PagesPlan, site: Path, keep: Sequence[str], out: TextIO
) -> list[str]:
    """Files on the remote's pages branch that the new build lacks: those
    matching a `keep` pattern (PUBLISH_KEEP: fnmatch patterns of paths) are
    copied into `site`; the others are named as about to be removed and
    returned."""
    if plan.remote is None:
        return []
    listing = git.run_git(root, "ls-tree", "-r", "-z", "--name-only", plan.remote).stdout
    removed = []
    for name in filter(None, listing.split("\0")):
        if name in GENERATED or (site / name).exists():
            continue
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in keep):
            blob = subprocess.run(
                ["git", "cat-file", "blob", f"{plan.remote}:{name}"],
                cwd=root, capture_output=True, check=True,
            ).stdout  # fmt: skip
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_bytes(blob)
            _say(out, f"publish: keeping {name} (PUBLISH_KEEP)")
        else:
            removed.append(name)
    if removed:
        _say(out, f"publish: {len(removed)} file(s) on the pages branch are not in this build "
                  "and will be removed (list them in PUBLISH_KEEP to keep them):")  # fmt: skip
        _say(out, "\n".join(f"  {name}" for name in removed[:MAX_LISTED]))
        if len(removed) > MAX_LISTED:
            _say(out, f"  ... and {len(removed) - MAX_LISTED} more")
    return removed


def commit_site(root: Path, site: Path, *, message: str, cname: str | None, plan: PagesPlan) -> str:
    """Commit the built `site` on top of `plan.parent` with ghp-import, on a
    temporary branch (the local pages branch is not touched); returns the
    new commit id. Raises PublishError on any failure."""
    from ghp_import import GhpError, ghp_import

    ref = f"refs/heads/{WORK_BRANCH}"
    git.delete_ref(root, ref)
    if plan.parent is not None:
        git.update_ref(root, ref, plan.parent, None)
    try:
        # ghp-import runs git in the current directory. Its own "rebase" step
        # moves the branch to REMOTE/BRANCH; giving "refs/heads" as the remote
        # makes that step resolve the branch to itself: a no-op.
        with contextlib.chdir(root):
            ghp_import(
                str(site),
                mesg=message,
                branch=WORK_BRANCH,
                remote="refs/heads",
                nojekyll=True,
                cname=cname,
                push=False,
            )
        commit = git.rev_parse(root, ref)
        expected = [plan.parent] if plan.parent else []
        if commit is None or commit == plan.parent or git.parents(root, commit) != expected:
            raise PublishError("ghp-import did not commit the site")
        return commit
    except Exception as error:
        if isinstance(error, PublishError):
            raise
        detail = (
            error.message if isinstance(error, GhpError) else f"{type(error).__name__}: {error}"
        )
        raise PublishError(f"ghp-import failed: {detail}; nothing was pushed") from error
    finally:
        git.delete_ref(root, ref)


def unchanged(root: Path, commit: str, plan: PagesPlan) -> bool:
    """The new commit's files are exactly those on the remote's branch."""
    if plan.remote is None or plan.replaces:
        return False
    return git.tree(root, commit) == git.tree(root, plan.remote) is not None


def push_site(
    root: Path,
    *,
    remote: str,
    branch: str,
    commit: str,
    plan: PagesPlan,
    force: bool,
    site_url: str,
    out: TextIO,
) -> int:
    """`git push REMOTE COMMIT:refs/heads/BRANCH` (with --force only when
    `force`); then the local pages branch follows when it can fast-forward.

    On failure git's message is printed with a hint and 1 returned.
    """
    ref = f"refs/heads/{branch}"
    command = ["push"]
    if force:
        _say(out, "!" * 72)
        _say(
            out,
            f"!!! WARNING: --force: {branch} on {remote} is REPLACED by a force-push.\n"
            "!!! Its history is overwritten"
            + (" and its commits are lost." if plan.replaces else ".")
            + "\n!!! Anyone who published meanwhile loses that publish.",
        )
        _say(out, "!" * 72)
        command.append("--force")
    command += [remote, f"{commit}:{ref}"]
    _say(out, f"publish: git {' '.join(command)}")
    result = git.run_git(root, *command, check=False)
    if result.stdout.strip() or result.stderr.strip():
        _say(out, (result.stderr + result.stdout).rstrip())
    if result.returncode != 0:
        text = result.stderr + result.stdout
        if any(word in text for word in ("non-fast-forward", "fetch first", "[rejected]")):
            hint = (
                f"{branch} on {remote} changed while publishing (someone else published?). "
                "Publish again: the new commit will go on top of it."
            )
        else:
            hint = (
                "check the remote name or URL (`git remote -v`), your credentials and "
                f"your permission to push to it, and whether {branch} is a protected branch."
            )
        _say(out, f"publish: push failed: {hint}")
        _say(out, f"publish: {remote} is unchanged")
        return 1
    local = git.rev_parse(root, ref)
    if local is None or git.is_ancestor(root, local, commit):
        git.update_ref(root, ref, commit, local)
    if site_url:
        _say(out, f"publish: the site will be served at {site_url}/ once GitHub Pages updates")
    _say(out, f"publish: pushed {commit} to {branch} on {remote}")
    return 0


def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)
