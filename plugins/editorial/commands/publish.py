"""`invoke publish`: build the site with publishconf.py and push it to the
GitHub Pages branch, refusing whatever would lose work.

Modelled on MkDocs' `gh-deploy`. In order:

1. The source repository must be clean (`git status --porcelain`, untracked
   files included) so that the published site matches a commit; `allow_dirty`
   overrides this and marks the pages commit "-dirty".
2. The settings and the content are checked (`path:line: error: ...`), and
   the site URL must be set and not the placeholder.
3. The remote's pages branch is fetched (remote names, URLs and paths all
   work). The new commit goes on top of it, never on the local pages branch
   (which may hold another remote's history); `force` starts a new history
   (commands/pages.py). A CNAME on that branch is kept when none is set.
4. Pelican builds from scratch into a fresh temporary directory (never
   output/, which stays the preview); any warning fails it, so a skipped
   article or an unresolved `{filename}` link stops the publish. The build's
   own findings and the editorial rules' errors are the gate: unacknowledged
   repeats and rule errors stop the publish unless `allow_findings`. Those in
   drafts are reported but do not stop it, unless `include_drafts`.
5. Files on the remote branch that the build lacks are copied in when
   PUBLISH_KEEP names them, else listed as about to be removed. ghp-import
   commits the build on a temporary branch, with `.nojekyll` and, when a
   domain is set, `CNAME`. A commit whose files equal the remote's is not pushed.
6. `git push REMOTE COMMIT:refs/heads/BRANCH`, a force-push only with
   `force`; the local pages branch then follows when it can fast-forward.

Nothing is pushed unless every step before succeeded, so a failure leaves the
remote's pages branch exactly as it was; the temporary build directory is
always removed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlparse

from editorial import project
from editorial import settings as plugin_settings
from editorial.commands import build as build_cmd
from editorial.commands import check as check_cmd
from editorial.commands import git, workdir
from editorial.commands.pages import (
    FETCH_REF,
    PagesPlan,
    PublishError,
    carry_over,
    commit_site,
    plan_pages_branch,
    published_domain,
    push_site,
    unchanged,
)
from editorial.findings import ERROR, RULE_REPEATED_PARAGRAPH, Diagnostic, Finding, format_text

# At most this many uncommitted files are listed when refusing a dirty tree.
MAX_LISTED_FILES = 30
# The site URL pelicanconf.py ships with: publishing with it is refused.
PLACEHOLDER_HOSTS = ("example.github.io",)


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
    include_drafts: bool = False,
    settings_file: str = "publishconf.py",
    out: TextIO = sys.stdout,
) -> int:
    """Build the site at `root` with `settings_file` and push it to `branch` on `remote`.

    `remote` is a remote name, URL or path; `siteurl` overrides the
    PUBLISH_SITEURL setting, `cname` the GITHUB_PAGES_CNAME one. `allow_dirty`
    publishes despite uncommitted changes; `allow_findings` despite
    unacknowledged repeated paragraphs and rule errors; `include_drafts`
    lets findings in drafts stop it too; `force` does both and replaces the
    remote branch's history with a new one.

    Returns 0 when the site was pushed, 1 when anything stopped it (the
    reason is printed to `out`; the remote branch is then untouched).
    """
    root = Path(root).resolve()
    siteurl = (siteurl.strip().rstrip("/") or None) if siteurl else None
    try:
        source = check_source(root, remote=remote, branch=branch, allow_dirty=allow_dirty)
        check_committer(root)
        override = {"SITEURL": siteurl} if siteurl else {}
        settings = build_cmd.prepare(root, settings_file, out, override)
        if settings is None:
            raise PublishError("fix the error(s) listed above: nothing was pushed")
        site_url = str(settings.get("SITEURL") or "")
        check_site_url(site_url, root, settings_file)
        domain = pages_domain(cname, settings)
        _announce(source, settings_file, site_url, f"{branch} on {remote}", domain, out)
        plan = plan_pages_branch(root, remote=remote, branch=branch, force=force, out=out)
        domain = domain or _published_domain(root, plan, out)
        commit = build_and_commit(
            root, settings, source=source, plan=plan, domain=domain,
            allow_findings=allow_findings or force, include_drafts=include_drafts, out=out,
        )  # fmt: skip
        if unchanged(root, commit, plan):
            _say(out, f"publish: the built site is identical to {branch} on {remote} "
                      f"({(plan.remote or '')[:7]}): nothing to publish")  # fmt: skip
            return 0
        return push_site(
            root, remote=remote, branch=branch, commit=commit, plan=plan, force=force,
            site_url=site_url, out=out,
        )  # fmt: skip
    except PublishError as error:
        _say(out, f"publish: {error}")
        return 1
    except git.GitError as error:
        _say(out, f"publish: {error}\npublish: nothing was pushed")
        return 1
    except KeyboardInterrupt as error:
        _say(out, "\npublish: interrupted: nothing was pushed")
        return workdir.exit_status(error)
    finally:
        if git.git_available() and root.is_dir():
            with contextlib.suppress(OSError):
                git.delete_ref(root, FETCH_REF)


def build_and_commit(
    root: Path,
    settings: dict[str, Any],
    *,
    source: Source,
    plan: PagesPlan,
    domain: str | None,
    allow_findings: bool,
    include_drafts: bool,
    out: TextIO,
) -> str:
    """Build in a temporary directory, pass the editorial gate, and commit
    the site onto the planned pages branch; the commit's id."""
    with tempfile.TemporaryDirectory(prefix="publish-") as tmp:
        site = Path(tmp) / "site"
        result = build_site(settings, site, out=out)
        check_findings(
            result.findings, result.articles, allow_findings, out,
            diagnostics=rule_diagnostics(root, settings), drafts=result.drafts,
            include_drafts=include_drafts,
        )  # fmt: skip
        carry_over(root, plan, site, plugin_settings.get(settings, "PUBLISH_KEEP"), out)
        return commit_site(root, site, message=source.message(), cname=domain, plan=plan)


def _announce(
    source: Source, settings_file: str, site_url: str, target: str, domain: str | None, out: TextIO
) -> None:
    """What is about to be published, where, and what looks wrong about it."""
    _say(
        out,
        f"publish: {source.short}{source.suffix} ({source.branch}) with {settings_file}"
        f" for {site_url or '(no SITEURL)'} -> {target}" + (f", CNAME {domain}" if domain else ""),
    )
    if source.dirty:
        _say(out, "publish: WARNING: publishing uncommitted changes (--allow-dirty):")
        _say(out, _list_files(source.dirty))
    _warn_domain_mismatch(site_url, domain, out)


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


def build_site(settings: dict[str, Any], output: Path, *, out: TextIO) -> build_cmd.BuildResult:
    """Build the site from scratch into `output`, failing on any warning
    (a skipped article, an unresolved `{filename}` link)."""
    _say(out, "publish: building into a temporary directory ...")
    try:
        with workdir.exclusive(project.project_dir(settings), out):
            result = build_cmd.run_pelican(
                {**settings, "OUTPUT_PATH": str(output)}, out, fail_level=logging.WARNING
            )
            workdir.raise_if_interrupted()
    except workdir.BuildBusy as error:
        raise PublishError(f"{error}: nothing was pushed") from None
    if not result.ok:
        raise PublishError(
            f"the build reported {len(result.problems)} warning(s) or error(s), listed "
            "above: nothing was pushed"
        )
    if not (output / "index.html").is_file():
        raise PublishError("the build wrote no index.html: nothing was pushed")
    if not build_cmd.index_search(output, out):
        raise PublishError("the search index could not be made: nothing was pushed")
    return result


def rule_diagnostics(root: Path, settings: dict[str, Any]) -> list[Diagnostic]:
    """The editorial rules over the site's articles, as `invoke check` finds
    them (the repeats come from the build itself)."""
    disabled = list(plugin_settings.get(settings, "EDITORIAL_DISABLED_RULES"))
    quiet = {**settings, "EDITORIAL_DISABLED_RULES": [*disabled, RULE_REPEATED_PARAGRAPH]}
    return check_cmd.run_check(root, (), quiet, display_root=root).diagnostics


def check_findings(
    findings: list[Finding],
    articles: int,
    allow_findings: bool,
    out: TextIO,
    *,
    diagnostics: Sequence[Diagnostic] = (),
    drafts: frozenset[str] = frozenset(),
    include_drafts: bool = False,
) -> None:
    """The editorial gate: unacknowledged repeated paragraphs and rule errors
    stop the publish unless `allow_findings`. Findings in drafts (or repeats
    of a draft's paragraph) are reported, and stop it only with `include_drafts`."""
    _say(out, format_text(findings, articles, diagnostics))
    exempt = frozenset() if include_drafts else drafts
    repeats = [f for f in findings if not f.acknowledged]
    errors = [d for d in diagnostics if d.severity == ERROR]
    blocking_repeats = [f for f in repeats if not {f.file, f.repeats.file} & exempt]
    blocking_errors = [d for d in errors if d.file not in exempt]
    in_drafts = len(repeats) + len(errors) - len(blocking_repeats) - len(blocking_errors)
    if in_drafts:
        _say(
            out,
            f"publish: {in_drafts} finding(s) in drafts, listed above, do not stop the "
            "publish (--include-drafts makes them)",
        )
    count = len(blocking_repeats) + len(blocking_errors)
    if not count:
        return
    if allow_findings:
        _say(out, f"publish: WARNING: publishing {count} unacknowledged finding(s)")
        return
    what = []
    if blocking_repeats:
        what.append(f"{len(blocking_repeats)} unacknowledged repeated paragraph(s)")
    if blocking_errors:
        what.append(f"{len(blocking_errors)} editorial error(s)")
    raise PublishError(
        f"{' and '.join(what)}, listed above: nothing was pushed. Fix them; accept "
        "deliberate repeats in the article's metadata (Acknowledge_Repeats: 9, 12-13); "
        "mark unfinished articles 'Status: draft'; or publish anyway with --allow-findings."
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


def check_site_url(site_url: str, root: Path, settings_file: str) -> None:
    """Refuse an unset site URL, or the placeholder pelicanconf.py ships with:
    every absolute link and the stylesheet of the published site would point there."""
    parsed = urlparse(site_url)
    host = (parsed.hostname or "").lower()
    if parsed.scheme in ("http", "https") and host and host not in PLACEHOLDER_HOSTS:
        return
    text = (root / "pelicanconf.py").read_text(encoding="utf-8")
    match = re.search(r"^PUBLISH_SITEURL\s*=", text, re.M)
    where = "pelicanconf.py"
    if match:
        where += f":{text.count(chr(10), 0, match.start()) + 1}"
    what = f"is the placeholder {site_url!r}" if site_url else "is not set"
    raise PublishError(
        f"the published site's address (SITEURL from {settings_file}) {what}: every link "
        "and the stylesheet would point there. Set PUBLISH_SITEURL to the real address "
        f"(like https://you.github.io/repo) in {where}, or in the environment "
        "(PUBLISH_SITEURL=...), or pass --siteurl URL. Nothing was built or pushed."
    )


def _published_domain(root: Path, plan: PagesPlan, out: TextIO) -> str | None:
    """Keep the CNAME already on the pages branch when none is configured."""
    domain = published_domain(root, plan)
    if domain:
        _say(out, f"publish: keeping CNAME {domain} from the pages branch "
                  "(set GITHUB_PAGES_CNAME or --cname to change it)")  # fmt: skip
    return domain


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


# --- output --------------------------------------------------------------------------


def _list_files(lines: list[str]) -> str:
    shown = [f"  {line}" for line in lines[:MAX_LISTED_FILES]]
    if len(lines) > MAX_LISTED_FILES:
        shown.append(f"  ... and {len(lines) - MAX_LISTED_FILES} more (see `git status`)")
    return "\n".join(shown)


def _say(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)
