"""`invoke publish`, end to end with real git and real Pelican builds, no mocks.

Each test works on its own copy of the project (a git repository with one
commit on `main`) whose `origin` is a bare repository standing in for GitHub.
The copy is made once per module and cloned directory-wise for each test.
Remote pages history that a test only needs to exist is made with git
plumbing instead of a build, to keep the file fast.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from editorial.commands.publish import publish

PROJECT = Path(__file__).resolve().parents[1]
COPIED = [
    "content",
    "theme",
    "plugins",
    "pelicanconf.py",
    "publishconf.py",
    "tasks.py",
    "pyproject.toml",
    ".gitignore",
]
IGNORED = shutil.ignore_patterns(
    ".venv", "output", "cache", ".editorial-cache", "__pycache__", "*.pyc", "*.egg-info"
)
BRANCH = "gh-pages"
DOMAIN = "blog.example.org"


# --- helpers --------------------------------------------------------------------------


def git(cwd: Path, *args: str, input: str | None = None) -> str:
    """Run git in `cwd` (a work tree or a bare repository); return its stdout, stripped."""
    result = subprocess.run(
        ["git", *args], cwd=cwd, input=input, text=True, capture_output=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def tip(repo: Path, branch: str = BRANCH) -> str | None:
    """The commit `branch` points to in `repo`, or None."""
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        cwd=repo,
        text=True,
        capture_output=True,
        check=False,
    )
    return result.stdout.strip() or None


def parents(repo: Path, commit: str) -> list[str]:
    return git(repo, "rev-list", "--parents", "-n", "1", commit).split()[1:]


def files(repo: Path, commit: str) -> set[str]:
    return set(git(repo, "ls-tree", "-r", "--name-only", commit).splitlines())


def show(repo: Path, commit: str, path: str) -> str:
    return git(repo, "show", f"{commit}:{path}")


def message(repo: Path, commit: str) -> str:
    return git(repo, "log", "-1", "--format=%B", commit)


def is_ancestor(repo: Path, ancestor: str, descendant: str) -> bool:
    return (
        subprocess.run(
            ["git", "merge-base", "--is-ancestor", ancestor, descendant], cwd=repo, check=False
        ).returncode
        == 0
    )


def set_identity(repo: Path) -> None:
    git(repo, "config", "user.name", "Publish Test")
    git(repo, "config", "user.email", "publish-test@example.org")


def commit_all(repo: Path, text: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", text)
    return git(repo, "rev-parse", "HEAD")


def commit_all_allow_empty(repo: Path, text: str) -> str:
    git(repo, "commit", "-q", "--allow-empty", "-m", text)
    return git(repo, "rev-parse", "HEAD")


def make_pages_commit(repo: Path, text: str, parent: str | None = None) -> str:
    """A pages-branch commit (one index.html) made with plumbing, no build."""
    blob = git(repo, "hash-object", "-w", "--stdin", input=f"<p>{text}</p>\n")
    tree = git(repo, "mktree", input=f"100644 blob {blob}\tindex.html\n")
    return git(repo, "commit-tree", tree, "-m", text, *(["-p", parent] if parent else []))


def header(path: Path) -> dict[str, str]:
    """An article's `Key: value` metadata block."""
    meta = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            break
        key, _, value = line.partition(":")
        meta[key.strip().lower()] = value.strip()
    return meta


def seed_article_pages(root: Path) -> dict[Path, str]:
    """content/2022/*.md -> the page each is published at (ARTICLE_SAVE_AS = YEAR/SLUG/)."""
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify

    pages = {}
    for source in sorted((root / "content" / "2022").glob("*.md")):
        meta = header(source)
        slug = meta.get("slug") or slugify(
            meta["title"], regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]
        )
        year = meta.get("date", "2022")[:4]
        pages[source] = f"{year}/{slug}/index.html"
    assert pages, "the project has no seed article in content/2022/"
    return pages


def run_publish(root: Path, **options) -> tuple[int, str]:
    out = io.StringIO()
    options.setdefault("cname", DOMAIN)
    options.setdefault("siteurl", f"https://{DOMAIN}")
    code = publish(root, out=out, **options)
    return code, out.getvalue()


BROKEN_ARTICLE = """\
Title: A link to nowhere
Date: 2024-05-02 10:00
Category: Transparency

This cites [a report]({filename}/missing.md) that does not exist.
"""

# Our lint does not know Pelican's statuses; Pelican warns and skips the
# article, and with --fatal warnings that stops the publish.
# Pelican warns of a link it cannot resolve and publishes the page anyway:
# our checks do not know this one, so only the fatal warning stops it.
UNKNOWN_LINK_ARTICLE = """\
Title: An unknown link kind
Date: 2024-05-02 10:00

Pelican would publish [this link]({unknown}thing) unresolved were its warnings not fatal.
"""

DRAFT_ARTICLE = """\
Title: Uncommitted note on publishing
Date: 2024-05-03 10:00
Category: Transparency
Slug: uncommitted-note-on-publishing

A note that only exists in the working tree.
"""


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def isolated_env() -> Iterator[None]:
    """No user/system git config, no publish settings from the caller's environment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for name in (
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
            "PUBLISH_SITEURL",
            "GITHUB_PAGES_CNAME",
        ):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project copied into a git repository: one commit on main."""
    root = tmp_path_factory.mktemp("template") / "site"
    warm = root.parent / "warm-up-output"
    root.mkdir()
    for name in COPIED:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=IGNORED)
        elif source.exists():
            shutil.copy2(source, root / name)
    git(root, "init", "-q", "-b", "main")
    set_identity(root)
    commit_all(root, "Seed site")
    # One throw-away build warms the editorial plugin's embedding cache
    # (.editorial-cache/, git-ignored), which every copy inherits: their builds
    # still start from an empty output directory, only quicker.
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "publishconf.py", "-o", str(warm)],
        cwd=root,
        capture_output=True,
        check=False,
    )
    assert git(root, "status", "--porcelain") == "", "the warm-up build left files git sees"
    return root


@dataclass
class Site:
    root: Path  # the source repository (a work tree on main)
    remote: Path  # the bare repository it publishes to, as `origin`


@pytest.fixture
def site(template: Path, tmp_path: Path) -> Site:
    root = tmp_path / "site"
    shutil.copytree(template, root, symlinks=True)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    return Site(root=root, remote=remote)


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory that `tempfile` uses for this test, to see what is left there."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def seed_remote_pages(site: Site, text: str = "previously published") -> str:
    """Give origin a gh-pages branch (as if published before) without a build."""
    commit = make_pages_commit(site.root, text)
    git(site.root, "push", "-q", "origin", f"{commit}:refs/heads/{BRANCH}")
    return commit


# --- tests ------------------------------------------------------------------------------


def test_publish_creates_the_branch_then_stacks_on_the_remote_history(
    site: Site, tmp_path: Path, private_tmp: Path
) -> None:
    pages = seed_article_pages(site.root)
    source = git(site.root, "rev-parse", "HEAD")

    code, out = run_publish(site.root)

    assert code == 0, out
    first = tip(site.remote)
    assert first is not None
    tree = files(site.remote, first)
    assert {"index.html", ".nojekyll", "CNAME", *pages.values()} <= tree
    # The reader's files: sitemap, robots.txt, feeds, and the search index.
    assert {"sitemap.xml", "robots.txt", "feeds/all.rss.xml", "pagefind/pagefind.js"} <= tree
    assert "Search index:" in out
    assert show(site.remote, first, "CNAME") == DOMAIN
    assert show(site.remote, first, ".nojekyll") == ""
    assert source in message(site.remote, first)
    assert message(site.remote, first).startswith(f"Publish site from {source[:7]} (main)")
    assert parents(site.remote, first) == []
    last_line = out.strip().splitlines()[-1]
    assert first in last_line and "origin" in last_line and BRANCH in last_line
    # The build went to a temporary directory, not to the preview's output/,
    # and that directory is gone.
    assert not (site.root / "output").exists()
    assert list(private_tmp.iterdir()) == []

    # A committed content change: one new commit on top of the published one.
    article, page = next(iter(pages.items()))
    marker = "A sentence added after the first publish, 5e1c."
    article.write_text(article.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    source = commit_all(site.root, "Add a sentence")

    code, out = run_publish(site.root)

    assert code == 0, out
    second = tip(site.remote)
    assert second is not None
    assert parents(site.remote, second) == [first]
    assert marker in show(site.remote, second, page)
    assert marker not in show(site.remote, first, page)
    assert source in message(site.remote, second)

    # A fresh single-branch clone (as CI checks out) has no gh-pages at all,
    # local or remote-tracking: the publish must still go on top of origin's.
    git(site.root, "push", "-q", "origin", "main")
    fresh = tmp_path / "fresh"
    git(tmp_path, "clone", "-q", "--single-branch", "--branch", "main", str(site.remote), "fresh")
    set_identity(fresh)
    cache = site.root / ".editorial-cache"  # git-ignored; copied only to save time
    if cache.is_dir():
        shutil.copytree(cache, fresh / cache.name)
    assert tip(fresh) is None
    assert "gh-pages" not in git(fresh, "for-each-ref")
    article = fresh / article.relative_to(site.root)
    article.write_text(article.read_text(encoding="utf-8") + "\nFrom CI, 77ad.\n")
    commit_all(fresh, "Add another sentence")

    code, out = run_publish(fresh)

    assert code == 0, out
    third = tip(site.remote)
    assert third is not None
    assert parents(site.remote, third) == [second]
    assert git(site.remote, "rev-list", "--count", third) == "3"
    assert tip(fresh) == third


def test_publish_through_the_invoke_cli(site: Site) -> None:
    """`invoke publish` wires its options through and exits with publish()'s status."""

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "invoke", "publish", *args],
            cwd=site.root,
            text=True,
            capture_output=True,
            check=False,
        )

    (site.root / "stray.txt").write_text("not committed\n", encoding="utf-8")
    refused = cli("--remote", str(site.remote))
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "stray.txt" in refused.stdout
    assert tip(site.remote) is None
    (site.root / "stray.txt").unlink()

    # The remote given as a path: no remote-tracking refs exist for it.
    result = cli(
        "--remote", str(site.remote), "--cname", DOMAIN, "--siteurl", "https://blog.example.org"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    published = tip(site.remote)
    assert published is not None
    assert show(site.remote, published, "CNAME") == DOMAIN
    assert "https://blog.example.org/" in show(site.remote, published, "feeds/all.atom.xml")
    assert published in result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("article", "message", "last_line"),
    [
        (
            BROKEN_ARTICLE,
            "content/2024/bad.md:5: error: {filename}/missing.md links to a file",
            "was pushed",
        ),
        (
            UNKNOWN_LINK_ARTICLE,
            "Replacement Indicator 'unknown' not recognized",
            "nothing was pushed",
        ),
    ],
    ids=["broken-filename-link", "pelican-warning"],
)
def test_a_failing_build_pushes_nothing_and_leaves_output_alone(
    site: Site, private_tmp: Path, article: str, message: str, last_line: str
) -> None:
    before = seed_remote_pages(site)
    marker = site.root / "output" / "marker.txt"  # output/ is ignored: not "dirty"
    marker.parent.mkdir()
    marker.write_text("the preview\n", encoding="utf-8")
    (site.root / "content" / "2024").mkdir(exist_ok=True)
    (site.root / "content" / "2024" / "bad.md").write_text(article, encoding="utf-8")
    commit_all(site.root, "A broken article")

    code, out = run_publish(site.root)

    assert code == 1, out
    assert message in out  # the problem is named
    assert out.strip().splitlines()[-1].endswith(last_line)
    assert tip(site.remote) == before
    assert tip(site.root) is None  # the local pages branch was not touched either
    assert [p.name for p in marker.parent.iterdir()] == ["marker.txt"]
    assert marker.read_text(encoding="utf-8") == "the preview\n"
    assert list(private_tmp.iterdir()) == []


def test_a_dirty_tree_is_refused_unless_allowed(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seed_remote_pages(site)
    article = next(iter(seed_article_pages(site.root)))
    article.write_text(article.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    draft = site.root / "content" / "2024" / "uncommitted-note.md"
    draft.parent.mkdir(exist_ok=True)
    draft.write_text(DRAFT_ARTICLE, encoding="utf-8")

    code, out = run_publish(site.root)

    assert code == 1, out
    assert "uncommitted changes" in out
    assert article.relative_to(site.root).as_posix() in out
    assert "content/2024/uncommitted-note.md" in out
    assert "--allow-dirty" in out
    assert "building" not in out
    assert tip(site.remote) == before

    # The CNAME may also come from the GITHUB_PAGES_CNAME setting.
    monkeypatch.setenv("GITHUB_PAGES_CNAME", "news.example.org")
    code, out = run_publish(site.root, allow_dirty=True, cname=None)

    assert code == 0, out
    published = tip(site.remote)
    assert published is not None
    assert parents(site.remote, published) == [before]
    head = git(site.root, "rev-parse", "HEAD")
    assert f"{head}-dirty" in message(site.remote, published)
    assert "2024/uncommitted-note-on-publishing/index.html" in files(site.remote, published)
    assert show(site.remote, published, "CNAME") == "news.example.org"


def test_the_commit_goes_on_the_remote_branch_never_on_the_local_one(site: Site) -> None:
    """The local pages branch may hold another remote's history, or commits
    never pushed: none of it is published; --force starts a new history."""
    base = seed_remote_pages(site, "published by both")
    theirs = make_pages_commit(site.root, "published elsewhere", parent=base)
    git(site.root, "push", "-q", "origin", f"{theirs}:refs/heads/{BRANCH}")
    ours = make_pages_commit(site.root, "committed here, never pushed", parent=base)
    git(site.root, "update-ref", f"refs/heads/{BRANCH}", ours)

    code, out = run_publish(site.root, cname=None)

    assert code == 0, out
    published = tip(site.remote)
    assert published is not None
    assert parents(site.remote, published) == [theirs]
    assert not is_ancestor(site.root, ours, published)
    assert tip(site.root) == ours  # not fast-forwardable: left alone

    code, out = run_publish(site.root, cname=None, force=True)

    assert code == 0, out
    assert "WARNING" in out and "REPLACED" in out
    replaced = tip(site.remote)
    assert replaced is not None
    assert parents(site.remote, replaced) == []
    assert "CNAME" not in files(site.remote, replaced)


def test_a_second_remote_gets_none_of_the_first_ones_history(site: Site, tmp_path: Path) -> None:
    first = seed_remote_pages(site, "published to origin")
    git(site.root, "update-ref", f"refs/heads/{BRANCH}", first)
    mirror = tmp_path / "mirror.git"
    git(tmp_path, "init", "-q", "--bare", str(mirror))

    code, out = run_publish(site.root, remote=str(mirror))

    assert code == 0, out
    published = tip(mirror)
    assert published is not None
    assert parents(mirror, published) == []
    assert git(mirror, "rev-list", "--count", published) == "1"
    assert tip(site.remote) == first


def test_an_unchanged_site_publishes_nothing(site: Site) -> None:
    code, out = run_publish(site.root)
    assert code == 0, out
    published = tip(site.remote)
    source = commit_all_allow_empty(site.root, "A commit that changes no page")

    code, out = run_publish(site.root)

    assert code == 0, out
    assert f"identical to {BRANCH} on origin ({published[:7]}): nothing to publish" in out
    assert tip(site.remote) == published
    assert source not in message(site.remote, published)
    assert "git push" not in out


def test_files_others_committed_are_kept_or_named(site: Site) -> None:
    """A CNAME set on GitHub's settings page stays when none is configured;
    PUBLISH_KEEP files stay; anything else about to go is named."""
    blobs = {
        name: git(site.root, "hash-object", "-w", "--stdin", input=text)
        for name, text in [
            ("CNAME", "pages.example.net\n"),
            ("google1234.html", "google-site-verification: google1234.html\n"),
            ("old/stale.html", "<p>an article since deleted</p>\n"),
        ]
    }
    old = git(site.root, "mktree", "--missing", input="".join(
        f"100644 blob {blob}\t{name}\n" for name, blob in blobs.items() if "/" not in name
    ))  # fmt: skip
    sub = git(site.root, "mktree", input=f"100644 blob {blobs['old/stale.html']}\tstale.html\n")
    tree = git(
        site.root, "mktree", input=git(site.root, "ls-tree", old) + f"\n040000 tree {sub}\told\n"
    )
    base = git(site.root, "commit-tree", tree, "-m", "made by others")
    git(site.root, "push", "-q", "origin", f"{base}:refs/heads/{BRANCH}")
    settings = site.root / "pelicanconf.py"
    settings.write_text(settings.read_text() + "\nPUBLISH_KEEP = ['google*.html']\n")
    commit_all(site.root, "Keep the verification file")

    code, out = run_publish(site.root, cname=None, siteurl="https://pages.example.net")

    assert code == 0, out
    published = tip(site.remote)
    assert published is not None
    assert show(site.remote, published, "CNAME") == "pages.example.net"
    assert "keeping CNAME pages.example.net" in out
    assert show(site.remote, published, "google1234.html").startswith("google-site-verification")
    assert "keeping google1234.html (PUBLISH_KEEP)" in out
    assert "old/stale.html" not in files(site.remote, published)
    assert "1 file(s) on the pages branch are not in this build and will be removed" in out
    assert "\n  old/stale.html\n" in out


@pytest.mark.parametrize("siteurl", ["", "https://example.github.io/policy-blog", "not a url"])
def test_the_placeholder_site_url_is_refused(site: Site, siteurl: str) -> None:
    settings = site.root / "pelicanconf.py"
    line = (
        settings.read_text()
        .splitlines()
        .index(
            next(s for s in settings.read_text().splitlines() if s.startswith("PUBLISH_SITEURL"))
        )
        + 1
    )
    if siteurl:
        os.environ["PUBLISH_SITEURL"] = siteurl
    try:
        code, out = run_publish(site.root, siteurl=None)
    finally:
        os.environ.pop("PUBLISH_SITEURL", None)

    assert code == 1, out
    assert "the published site's address (SITEURL from publishconf.py)" in out
    assert f"(like https://you.github.io/repo) in pelicanconf.py:{line}," in out
    assert "--siteurl" in out
    assert "building" not in out
    assert tip(site.remote) is None


def test_a_rejected_push_leaves_both_branches_as_they_were(site: Site) -> None:
    before = seed_remote_pages(site)
    hook = site.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pages are frozen today' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)

    code, out = run_publish(site.root)

    assert code == 1, out
    assert "pages are frozen today" in out
    assert "push failed" in out
    assert tip(site.remote) == before
    assert tip(site.root) is None


def test_publishing_onto_the_checked_out_branch_is_refused(site: Site) -> None:
    code, out = run_publish(site.root, branch="main")

    assert code == 1, out
    assert "'main' is the checked-out branch" in out
    assert tip(site.remote, "main") is None


def test_not_a_git_repository_is_refused(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "plain"
    shutil.copytree(template, root, ignore=shutil.ignore_patterns(".git"))

    code, out = run_publish(root)

    assert code == 1
    assert "is not a git repository" in out
    assert "git init" in out


def test_an_unknown_remote_is_refused_before_building(site: Site) -> None:
    code, out = run_publish(site.root, remote="upstream")

    assert code == 1, out
    assert "cannot read the remote 'upstream'" in out
    assert "building" not in out
    assert tip(site.root) is None


REPEATING_ARTICLE = """\
Title: A repeat
Date: 2024-05-03 10:00
Category: Transparency

The regulator published its annual transparency report on Tuesday, listing every
takedown order it sent to the large platforms during the year.

Civil society groups asked the ministry to publish the draft rules for consultation.

The regulator published its annual transparency report on Tuesday, listing every
takedown order it sent to the large platforms during the year.
"""


def test_unacknowledged_repeats_are_refused_unless_allowed(site: Site) -> None:
    before = seed_remote_pages(site)
    (site.root / "content" / "2024").mkdir(exist_ok=True)
    (site.root / "content" / "2024" / "repeat.md").write_text(REPEATING_ARTICLE, encoding="utf-8")
    commit_all(site.root, "An article that repeats itself")

    code, out = run_publish(site.root)

    assert code == 1, out
    starts = [n for n, line in enumerate(REPEATING_ARTICLE.splitlines(), 1) if "annual" in line]
    assert (
        f"content/2024/repeat.md:{starts[1]}: paragraph 3 repeats paragraph 1 (line {starts[0]})"
        " [exact 1.00]" in out.splitlines()
    )
    assert "1 unacknowledged repeated paragraph(s)" in out.strip().splitlines()[-1]
    assert tip(site.remote) == before

    code, out = run_publish(site.root, allow_findings=True)
    assert code == 0, out
    assert is_ancestor(site.remote, before, tip(site.remote))
    assert any("/a-repeat/" in name for name in files(site.remote, tip(site.remote)))


def test_acknowledged_repeats_publish(site: Site) -> None:
    acknowledged = REPEATING_ARTICLE.replace(
        "Category: Transparency\n", "Category: Transparency\nAcknowledge_Repeats: 3\n"
    )
    (site.root / "content" / "2024").mkdir(exist_ok=True)
    (site.root / "content" / "2024" / "repeat.md").write_text(acknowledged, encoding="utf-8")
    commit_all(site.root, "An acknowledged repeat")

    code, out = run_publish(site.root)

    assert code == 0, out
    assert "(acknowledged)" in out
    assert tip(site.remote) is not None


DRAFT_REPEATING_ARTICLE = (
    REPEATING_ARTICLE.replace(
        "Category: Transparency\n",
        "Category: Transparency\nStatus: draft\nSummary: TODO: one or two sentences.\n",
    )
    + "\nSee [the follow-up]({filename}../2025/not-written-yet.md) for what happens next.\n"
)


def test_a_drafts_findings_are_reported_but_block_only_with_include_drafts(site: Site) -> None:
    before = seed_remote_pages(site)
    (site.root / "content" / "2024").mkdir(exist_ok=True)
    (site.root / "content" / "2024" / "draft.md").write_text(
        DRAFT_REPEATING_ARTICLE, encoding="utf-8"
    )
    commit_all(site.root, "A draft that repeats itself, summary not written yet")

    code, out = run_publish(site.root, include_drafts=True)

    assert code == 1, out
    last = out.strip().splitlines()[-1]
    assert "1 unacknowledged repeated paragraph(s) and 2 editorial error(s)" in last
    assert tip(site.remote) == before

    code, out = run_publish(site.root)

    assert code == 0, out
    summary_line = 1 + DRAFT_REPEATING_ARTICLE.splitlines().index(
        "Summary: TODO: one or two sentences."
    )
    assert (
        f"content/2024/draft.md:{summary_line}: error: Summary: is a placeholder" in out
    )  # reported all the same
    link_line = len(DRAFT_REPEATING_ARTICLE.splitlines())
    assert f"content/2024/draft.md:{link_line}: error: " in out  # the link to nothing
    assert "3 finding(s) in drafts, listed above, do not stop the publish" in out
    assert is_ancestor(site.remote, before, tip(site.remote))
    # A draft is checked, never published: not even at an unlisted URL.
    published = files(site.remote, tip(site.remote))
    assert not [name for name in published if "draft" in name], sorted(published)


def test_an_editorial_error_in_a_published_article_stops_the_publish(site: Site) -> None:
    before = seed_remote_pages(site)
    article = next((site.root / "content" / "2023").glob("*.md"))
    text = article.read_text(encoding="utf-8")
    summary = next(line for line in text.splitlines() if line.startswith("Summary:"))
    article.write_text(text.replace(summary, "Summary: TODO"), encoding="utf-8")
    commit_all(site.root, "A summary left unwritten")

    code, out = run_publish(site.root)

    assert code == 1, out
    shown = article.relative_to(site.root).as_posix()
    line = text.splitlines().index(summary) + 1
    assert f"{shown}:{line}: error: Summary: is a placeholder ('TODO')" in out
    assert "1 editorial error(s)" in out.strip().splitlines()[-1]
    assert tip(site.remote) == before
