"""The pages branch: where the new commit goes, committing the built site
with ghp-import, and pushing it without losing anyone's history.

Used by `invoke publish` (see commands/publish.py for the whole sequence).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from editorial.commands import git

# Where the remote's pages branch is fetched to while publishing (deleted after).
FETCH_REF = "refs/editorial-publish/remote-pages"


class PublishError(Exception):
    """A reason to stop; the message is printed after "publish: "."""


@dataclass(frozen=True)
class PagesPlan:
    """Where the new pages commit will go.

    `local` and `remote` are the branch's commit ids before publishing (None:
    no such branch); `parent` is the commit the new one is stacked on.
    """

    local: str | None
    remote: str | None
    parent: str | None
    diverged: bool = False


def plan_pages_branch(
    root: Path, *, remote: str, branch: str, force: bool, out: TextIO
) -> PagesPlan:
    """Fetch `remote`'s pages branch and decide what the new commit sits on.

    The remote's history is always kept: the new commit goes on the remote's
    tip, or on the local branch when that already contains the remote's tip
    (local commits that were never pushed). A local branch that has diverged
    from the remote's is refused, unless `force` (then the local history wins
    and the remote's is replaced by the force-push).
    """
    ref = f"refs/heads/{branch}"
    local = git.rev_parse(root, ref)
    try:
        remote_sha = git.remote_branch_sha(root, remote, branch)
    except git.GitError as error:
        raise PublishError(
            f"cannot read the remote {remote!r}:\n{error.output}\n"
            "Check the remote name or URL (`git remote -v`) and your access to it; "
            "nothing was built or pushed."
        ) from error
    if remote_sha is None:
        if local is None:
            _say(out, f"publish: {remote} has no {branch} branch yet: it will be created")
        else:
            _say(
                out,
                f"publish: {remote} has no {branch} branch yet: publishing on top of "
                f"the local {branch} ({local[:7]})",
            )
        return PagesPlan(local=local, remote=None, parent=local)

    fetched = git.fetch_into(root, remote, branch, FETCH_REF)
    if local is None or local == fetched or git.is_ancestor(root, local, fetched):
        if local != fetched:
            _say(out, f"publish: starting from {branch} on {remote} ({fetched[:7]})")
        return PagesPlan(local=local, remote=fetched, parent=fetched)
    if git.is_ancestor(root, fetched, local):
        ahead = git.count_commits(root, fetched, local)
        _say(
            out,
            f"publish: the local {branch} has {ahead} commit(s) that {remote} lacks; "
            "they will be pushed too",
        )
        return PagesPlan(local=local, remote=fetched, parent=local)

    return _diverged(root, remote, branch, local, fetched, force, out)


def _diverged(
    root: Path, remote: str, branch: str, local: str, fetched: str, force: bool, out: TextIO
) -> PagesPlan:
    """The local pages branch and the remote's each have commits the other
    lacks: refused, unless `force` (the local history then replaces the remote's)."""
    ahead = git.count_commits(root, fetched, local)
    behind = git.count_commits(root, local, fetched)
    if not force:
        raise PublishError(
            f"the local {branch} branch and {branch} on {remote} have diverged:\n"
            f"  local {branch} ({local[:7]}) has {ahead} commit(s) that {remote} lacks,\n"
            f"  {remote}'s {branch} ({fetched[:7]}) has {behind} commit(s) that the local "
            "branch lacks.\n"
            f"Publishing would drop {remote}'s commits, so nothing was built or pushed. "
            "To resolve:\n"
            f"  - keep what is published: delete the local branch (`git branch -D {branch}`) "
            "and publish again; the new commit then goes on top of the remote's history;\n"
            f"  - or replace the remote's history with the local one: publish with --force "
            "(DESTRUCTIVE: the remote's commits above are lost)."
        )
    _say(
        out,
        f"publish: --force: the local {branch} has diverged from {remote}'s; publishing on "
        f"top of the local branch, {remote}'s {behind} other commit(s) will be discarded",
    )
    return PagesPlan(local=local, remote=fetched, parent=local, diverged=True)


def commit_site(
    root: Path, site: Path, *, branch: str, message: str, cname: str | None, plan: PagesPlan
) -> str:
    """Commit the built `site` onto the local `branch`, on top of `plan.parent`,
    with ghp-import; returns the new commit id.

    On any failure the local branch is put back as it was and PublishError raised.
    """
    from ghp_import import GhpError, ghp_import

    ref = f"refs/heads/{branch}"
    if plan.parent != plan.local:
        # Fast-forward the local branch to the remote's tip (or create it there).
        assert plan.parent is not None
        git.update_ref(root, ref, plan.parent, plan.local)
    try:
        # ghp-import runs git in the current directory. Its own "rebase" step
        # moves the branch to REMOTE/BRANCH; that ref is stale or missing here
        # (a URL remote has no remote-tracking refs at all), and the branch is
        # already where it must be. Giving "refs/heads" as the remote makes
        # that step resolve the branch to itself: a no-op.
        with contextlib.chdir(root):
            ghp_import(
                str(site),
                mesg=message,
                branch=branch,
                remote="refs/heads",
                nojekyll=True,
                cname=cname,
                push=False,
            )
        commit = git.rev_parse(root, ref)
        expected = [plan.parent] if plan.parent else []
        if commit is None or commit == plan.parent or git.parents(root, commit) != expected:
            raise PublishError(f"ghp-import did not commit the site onto {branch}")
        return commit
    except Exception as error:
        _restore_branch(root, ref, plan.local)
        if isinstance(error, PublishError):
            raise
        detail = (
            error.message if isinstance(error, GhpError) else f"{type(error).__name__}: {error}"
        )
        raise PublishError(f"ghp-import failed: {detail}; nothing was pushed") from error


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
    """`git push REMOTE BRANCH:BRANCH` (with --force only when `force`).

    On failure git's message is printed with a hint, the local branch is put
    back as it was before publishing, and 1 returned.
    """
    ref = f"refs/heads/{branch}"
    command = ["push"]
    if force:
        _say(out, "!" * 72)
        _say(
            out,
            f"!!! WARNING: --force: {branch} on {remote} is REPLACED by a force-push.\n"
            "!!! Its history is overwritten"
            + (" and commits that only the remote had are lost." if plan.diverged else ".")
            + "\n!!! Anyone who published meanwhile loses that publish.",
        )
        _say(out, "!" * 72)
        command.append("--force")
    command += [remote, f"{ref}:{ref}"]
    _say(out, f"publish: git {' '.join(command)}")
    result = git.run_git(root, *command, check=False)
    if result.stdout.strip() or result.stderr.strip():
        _say(out, (result.stderr + result.stdout).rstrip())
    if result.returncode != 0:
        _restore_branch(root, ref, plan.local)
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
        _say(out, f"publish: the local {branch} branch was reset; {remote} is unchanged")
        return 1
    if site_url:
        _say(out, f"publish: the site will be served at {site_url}/ once GitHub Pages updates")
    _say(out, f"publish: pushed {commit} to {branch} on {remote}")
    return 0


def _restore_branch(root: Path, ref: str, sha: str | None) -> None:
    """Put the local pages branch back at `sha` (delete it when None)."""
    if sha is None:
        git.delete_ref(root, ref)
    else:
        git.run_git(root, "update-ref", ref, sha, check=False)



def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)
