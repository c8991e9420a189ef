"""`invoke publish`: build the site with publishconf.py and push it to the
GitHub Pages branch, refusing whatever would lose work.

Modelled on MkDocs' `gh-deploy`. In order:

1. The source repository must be clean (`git status --porcelain`, untracked
   files included) so that the published site matches a commit; `allow_dirty`
   overrides this and marks the pages commit "-dirty".
2. The remote's pages branch is fetched (remote names, URLs and paths all
   work) and compared with the local one. The new commit goes on top of the
   remote's history; a local branch that has diverged from the remote's is
   refused unless `force`.
3. Pelican builds from scratch into a fresh temporary directory (never
   output/, which stays the preview) with `--fatal warnings`, so a skipped
   article or an unresolved `{filename}` link stops the publish.
4. ghp-import commits the build onto the local pages branch, with `.nojekyll`
   and, when a domain is set, `CNAME`.
5. `git push REMOTE BRANCH:BRANCH`, a force-push only with `force`.

Nothing is pushed unless every step before succeeded, so a failure leaves the
remote's pages branch exactly as it was; the temporary build directory is
always removed.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlparse

from editorial.commands import build as build_cmd
from editorial.commands import git
from editorial.commands.check import load_settings, run_check
from editorial.findings import format_text

# Where the remote's pages branch is fetched to while publishing (deleted after).
FETCH_REF = "refs/editorial-publish/remote-pages"
# At most this many uncommitted files are listed when refusing a dirty tree.
MAX_LISTED_FILES = 30


class PublishError(Exception):
    """A reason to stop; the message is printed after "publish: "."""


@dataclass(frozen=True)
class Source:
    """The commit being published."""

    sha: str
    short: str
    branch: str
    dirty: list[str]

    @property
    def suffix(self) -> str:
        return "-dirty" if self.dirty else ""

    def message(self) -> str:
        """The pages commit's message: names the source commit in full."""
        lines = [
            f"Publish site from {self.short}{self.suffix} ({self.branch})",
            "",
            f"Source commit: {self.sha}{self.suffix}",
        ]
        if self.dirty:
            lines.append(
                f"Built with {len(self.dirty)} uncommitted change(s) in the source (--allow-dirty)."
            )
        return "\n".join(lines) + "\n"


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


def publish(
    root: Path,
    *,
    remote: str = "origin",
    branch: str = "gh-pages",
    siteurl: str | None = None,
    cname: str | None = None,
    allow_dirty: bool = False,
    force: bool = False,
    allow_findings: bool = False,
    settings_file: str = "publishconf.py",
    out: TextIO = sys.stdout,
) -> int:
    """Build the site at `root` with `settings_file` and push it to `branch` on `remote`.

    `remote` is a remote name, URL or path; `siteurl` overrides the
    PUBLISH_SITEURL setting, `cname` the GITHUB_PAGES_CNAME one. `allow_dirty`
    publishes despite uncommitted changes; `allow_findings` despite
    unacknowledged repeated paragraphs; `force` does both and replaces the
    remote branch's history when it has diverged from the local one.

    Returns 0 when the site was pushed, 1 when anything stopped it (the
    reason is printed to `out`; the remote branch is then untouched).
    """
    root = Path(root).resolve()
    siteurl = (siteurl.strip().rstrip("/") or None) if siteurl else None
    try:
        source = check_source(root, remote=remote, branch=branch, allow_dirty=allow_dirty)
        check_committer(root)
        settings = read_publish_settings(root, settings_file, siteurl=siteurl)
        domain = pages_domain(cname, settings)
        site_url = str(settings.get("SITEURL") or "")
        _say(
            out,
            f"publish: {source.short}{source.suffix} ({source.branch}) with {settings_file}"
            f" for {site_url or '(no SITEURL)'} -> {branch} on {remote}"
            + (f", CNAME {domain}" if domain else ""),
        )
        if source.dirty:
            _say(out, "publish: WARNING: publishing uncommitted changes (--allow-dirty):")
            _say(out, _list_files(source.dirty))
        _warn_domain_mismatch(site_url, domain, out)
        check_findings(root, settings_file, allow_findings=allow_findings or force, out=out)
        plan = plan_pages_branch(root, remote=remote, branch=branch, force=force, out=out)
        with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
            site = Path(tmp) / "site"
            if build_site(root, settings_file, site, siteurl=siteurl, out=out) != 0:
                _say(out, "publish: build failed: nothing was pushed")
                return 1
            commit = commit_site(
                root, site, branch=branch, message=source.message(), cname=domain, plan=plan
            )
        return push_site(
            root,
            remote=remote,
            branch=branch,
            commit=commit,
            plan=plan,
            force=force,
            site_url=site_url,
            out=out,
        )
    except PublishError as error:
        _say(out, f"publish: {error}")
        return 1
    except git.GitError as error:
        _say(out, f"publish: {error}\npublish: nothing was pushed")
        return 1
    finally:
        if git.git_available() and root.is_dir():
            with contextlib.suppress(OSError):
                git.delete_ref(root, FETCH_REF)


# --- checks ----------------------------------------------------------------


def check_source(root: Path, *, remote: str, branch: str, allow_dirty: bool) -> Source:
    """The commit to publish; raises PublishError when `root` cannot be published:
    not a git repository, no commit yet, bad remote or branch name, publishing
    onto the checked-out branch, or uncommitted changes without `allow_dirty`."""
    if not git.git_available():
        raise PublishError("git is not installed (or not on PATH)")
    if not root.is_dir():
        raise PublishError(f"{root} is not a directory")
    if git.toplevel(root) is None:
        raise PublishError(
            f"{root} is not a git repository. Publishing records the source commit "
            "in the pages branch and pushes to a git remote: run `git init`, commit "
            "the site, and `git remote add origin URL` first."
        )
    sha = git.rev_parse(root, "HEAD")
    if sha is None:
        raise PublishError("the repository has no commits yet: commit the site first")
    if not remote or remote.startswith("-"):
        raise PublishError(f"invalid remote {remote!r}")
    if not git.valid_branch_name(root, branch):
        raise PublishError(f"invalid branch name {branch!r}")
    source_branch = git.current_branch(root)
    if source_branch == branch:
        raise PublishError(
            f"{branch!r} is the checked-out branch: publishing would replace the "
            "site's sources with the built site. Check out the source branch, or "
            "publish to another --branch."
        )
    dirty = git.status(root)
    if dirty and not allow_dirty:
        raise PublishError(
            "refusing to publish: the source repository has uncommitted changes:\n"
            + _list_files(dirty)
            + "\nThe published site must match a commit, so that it can be rebuilt "
            "and the pages commit can name it. Commit these files (or stash them, or "
            "add them to .gitignore), or pass --allow-dirty to publish them anyway."
        )
    return Source(
        sha=sha,
        short=git.rev_parse(root, "HEAD", short=True) or sha[:7],
        branch=source_branch or "detached HEAD",
        dirty=dirty,
    )


def check_findings(root: Path, settings_file: str, *, allow_findings: bool, out: TextIO) -> None:
    """The editorial gate: refuse bad input always, and unacknowledged
    repeated paragraphs unless `allow_findings`."""
    _say(out, "publish: checking articles for repeated paragraphs ...")
    result = run_check(root, settings=load_settings(root, settings_file), display_root=root)
    if result.errors:
        for error in result.errors:
            _say(out, error.as_text())
        raise PublishError(
            f"{len(result.errors)} error(s) in the content, listed above: nothing was pushed"
        )
    _say(out, format_text(result.findings, result.articles))
    unacknowledged = result.unacknowledged
    if not unacknowledged:
        return
    if allow_findings:
        _say(out, f"publish: WARNING: publishing {len(unacknowledged)} unacknowledged finding(s)")
        return
    raise PublishError(
        f"{len(unacknowledged)} unacknowledged repeated paragraph(s), listed above: nothing "
        "was pushed. Rewrite them, or accept deliberate repeats in the article's metadata "
        "(Acknowledge_Repeats: 9, 12-13), or publish anyway with --allow-findings."
    )


def check_committer(root: Path) -> None:
    """ghp-import writes the pages commit as user.name/user.email (or
    GIT_COMMITTER_NAME/EMAIL): refuse early when they are not set."""
    missing = [
        key
        for key, env in (("user.name", "GIT_COMMITTER_NAME"), ("user.email", "GIT_COMMITTER_EMAIL"))
        if not (os.environ.get(env) or git.config(root, key))
    ]
    if missing:
        raise PublishError(
            "the pages commit needs a committer: set "
            + " and ".join(f"`git config {key} ...`" for key in missing)
        )


@contextlib.contextmanager
def _environ(**values: str | None) -> Iterator[None]:
    """Temporarily set (value) or leave alone (None) environment variables."""
    saved = {key: os.environ.get(key) for key in values}
    try:
        for key, value in values.items():
            if value is not None:
                os.environ[key] = value
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def read_publish_settings(
    root: Path, settings_file: str, *, siteurl: str | None = None
) -> dict[str, Any]:
    """Pelican's settings as the publish build will see them.

    The settings file is run as Pelican runs it (cwd = root, so its
    `from pelicanconf import *` finds the project's pelicanconf.py), with
    PUBLISH_SITEURL set to `siteurl` when given. Settings modules from an
    earlier read are set aside so that another root's are never reused.
    """
    from pelican.settings import read_settings

    path = root / settings_file
    if not path.is_file():
        raise PublishError(f"settings file {path} not found")
    names = {"pelicanconf", Path(settings_file).stem}
    saved_modules = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    saved_path = list(sys.path)
    try:
        with contextlib.chdir(root), _environ(PUBLISH_SITEURL=siteurl):
            return read_settings(str(path))
    except Exception as error:
        raise PublishError(
            f"cannot read {settings_file}: {type(error).__name__}: {error}"
        ) from error
    finally:
        sys.path[:] = saved_path
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(saved_modules)


def pages_domain(cname: str | None, settings: dict[str, Any]) -> str | None:
    """The custom domain for the CNAME file: the `cname` option, else the
    GITHUB_PAGES_CNAME setting; None when neither is set."""
    domain = (cname or str(settings.get("GITHUB_PAGES_CNAME") or "")).strip()
    if not domain:
        return None
    if any(char.isspace() for char in domain) or "/" in domain or ":" in domain:
        raise PublishError(
            f"CNAME {domain!r} is not a bare domain name (like blog.example.org): "
            "no scheme, path or port"
        )
    return domain


def _warn_domain_mismatch(site_url: str, domain: str | None, out: TextIO) -> None:
    host = urlparse(site_url).hostname
    if domain and host and host != domain.lower():
        _say(
            out,
            f"publish: WARNING: CNAME is {domain} but SITEURL is {site_url}: absolute "
            "links and feeds will point at another host (set PUBLISH_SITEURL or --siteurl)",
        )


# --- the pages branch ----------------------------------------------------------


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


# --- build, commit, push -----------------------------------------------------------


def build_site(
    root: Path, settings_file: str, output: Path, *, siteurl: str | None, out: TextIO
) -> int:
    """Build the site from scratch into `output`, streaming Pelican's messages to
    `out`. Returns Pelican's exit code (1 when it exited 0 but wrote no index.html).

    `--fatal warnings`: any Pelican warning, such as an article skipped for a
    missing title or an unresolved `{filename}` link, fails the build.
    """
    command = build_cmd.pelican_command(root, settings_file, output, fatal="warnings")
    _say(out, f"publish: building with {settings_file} into a temporary directory ...")
    env = {"PUBLISH_SITEURL": siteurl} if siteurl else None
    returncode = build_cmd.run_streaming(command, root, out, env=env)
    if returncode != 0:
        _say(
            out,
            f"publish: Pelican exited with status {returncode} (with --fatal warnings "
            "the first warning or error above stops the build)",
        )
        return returncode
    if not (output / "index.html").is_file():
        _say(out, "publish: the build wrote no index.html")
        return 1
    return 0


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


# --- output --------------------------------------------------------------------------


def _list_files(lines: list[str]) -> str:
    shown = [f"  {line}" for line in lines[:MAX_LISTED_FILES]]
    if len(lines) > MAX_LISTED_FILES:
        shown.append(f"  ... and {len(lines) - MAX_LISTED_FILES} more (see `git status`)")
    return "\n".join(shown)


def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)
