"""Project tasks: `invoke --list` shows them, `invoke --help TASK` their options.

Each task is a thin wrapper: the work lives in `plugins/editorial/commands/`,
one module per command, so it can be tested without invoke.
"""

import sys
from pathlib import Path

from invoke import Collection, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from editorial.commands import build as build_cmd  # noqa: E402
from editorial.commands import check as check_cmd  # noqa: E402
from editorial.commands import publish as publish_cmd  # noqa: E402
from editorial.commands import serve as serve_cmd  # noqa: E402
from editorial.commands.cli import OptionalPositionalTask  # noqa: E402


@task
def build(c):
    """Build a preview of the site into output/ (pelicanconf.py) and print the findings."""
    sys.exit(build_cmd.build(ROOT, settings_file="pelicanconf.py"))


@task
def clean(c):
    """Remove output/ and the build caches."""
    build_cmd.clean(ROOT)


@task
def rebuild(c):
    """Clean, then build the preview from scratch."""
    build_cmd.clean(ROOT)
    sys.exit(build_cmd.build(ROOT, settings_file="pelicanconf.py"))


@task(help={"port": "port to listen on (default 8000)", "bind": "address (default 127.0.0.1)"})
def serve(c, port=8000, bind="127.0.0.1"):
    """Serve output/ on http://localhost:PORT/ (build first)."""
    serve_cmd.serve(ROOT, port=int(port), bind=bind)


@task(help={"port": "port to listen on (default 8000)", "bind": "address (default 127.0.0.1)"})
def livereload(c, port=8000, bind="127.0.0.1"):
    """Build, serve, and rebuild + reload the browser on changes in content/, theme/, plugins/."""
    serve_cmd.livereload(ROOT, port=int(port), bind=bind)


@task(help={"k": "only tests matching this expression (pytest -k)"})
def test(c, k=""):
    """Run the whole test suite (and ruff: lint and format)."""
    c.run(f"{sys.executable} -m ruff check .", pty=False)
    c.run(f"{sys.executable} -m ruff format --check .", pty=False)
    args = f" -k {k!r}" if k else ""
    c.run(f"{sys.executable} -m pytest{args}", pty=False)


@task(
    help={
        "remote": "git remote name, URL or path to push to (default origin)",
        "branch": "pages branch (default gh-pages)",
        "siteurl": "absolute URL of the published site (default: PUBLISH_SITEURL setting)",
        "cname": "custom domain written to CNAME (default: GITHUB_PAGES_CNAME setting)",
        "allow-dirty": "publish even with uncommitted changes in the source repo",
        "allow-findings": "publish even with unacknowledged repeats or editorial errors",
        "include-drafts": "let findings in drafts stop the publish too (by default "
        "they are only reported)",
        "force": "DESTRUCTIVE: force-push, replacing the pages branch's history "
        "(also skips the repeats gate)",
    }
)
def publish(
    c,
    remote="origin",
    branch="gh-pages",
    siteurl="",
    cname="",
    allow_dirty=False,
    allow_findings=False,
    include_drafts=False,
    force=False,
):
    """Build with publishconf.py and push the site to the GitHub Pages branch."""
    sys.exit(
        publish_cmd.publish(
            ROOT,
            remote=remote,
            branch=branch,
            siteurl=siteurl or None,
            cname=cname or None,
            allow_dirty=allow_dirty,
            allow_findings=allow_findings,
            include_drafts=include_drafts,
            force=force,
        )
    )


@task
def audit(c):
    """Lighthouse scores (performance, accessibility, best practices, SEO) of a
    publish build served locally: home, an article, an entity page, search."""
    from editorial.commands import audit as audit_cmd

    sys.exit(audit_cmd.audit(ROOT))


@task(
    klass=OptionalPositionalTask,
    positional=["target"],
    iterable=["path"],
    help={
        "target": "the file or directory to check (default: content/); more with -p or after --",
        "path": "another file or directory to check (repeatable)",
        "format": "text (default), json or github (GitHub Actions annotations)",
        "strict": "warnings fail the check too (exit 1)",
        "rules": "list the editorial rules (id, severity, what, fix) and exit",
    },
)
def check(c, target="", path=None, format="text", strict=False, rules=False):
    """Check articles without building the site: `invoke check content/2024/x.md`.

    More paths follow `--` or come with -p: `invoke check -- content/a.md ~/drafts/`.
    Exit 0: nothing fails; 1: errors or unacknowledged repeats (warnings too
    with --strict); 2: bad input or usage.
    """
    # After `--`, the arguments as the shell passed them: invoke joins them
    # into one string (c.remainder), which loses the quoting of "my file.md".
    after = sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []
    paths = [*([target] if target else []), *(path or ()), *after]
    sys.exit(check_cmd.check(ROOT, paths, output_format=format, strict=strict, list_rules=rules))


@task(
    positional=["title"],
    help={
        "title": "the article's title, in quotes",
        "category": "its category (default: none yet; `invoke check` reminds you)",
        "tags": "comma-separated tags, e.g. --tags 'India, takedowns'",
        "author": "its author (default: the AUTHOR setting)",
        "date": "its date as YYYY-MM-DD (default: now, in the site's TIMEZONE)",
    },
)
def new(c, title, category="", tags="", author=None, date=""):
    """Start an article: writes content/YEAR/SLUG.md as a draft and prints its path."""
    from editorial.commands import new as new_cmd

    sys.exit(
        new_cmd.new(ROOT, title, category=category, tags=tags, author=author, when=date or None)
    )


@task(
    help={
        "suggest": "list capitalised names and acronyms in articles that the registry lacks",
        "min-count": "with --suggest: only names seen at least this often (default 1)",
        "limit": "with --suggest: show at most this many (default 50; 0 for all)",
    }
)
def entities(c, suggest=False, min_count=1, limit=50):
    """Check the entity registry (content/entities.yml); --suggest finds names to add."""
    from editorial.commands import entities as entities_cmd

    sys.exit(
        entities_cmd.run(
            ROOT, do_suggest=suggest, min_count=int(min_count), limit=int(limit) or None
        )
    )


# Every task above, plus the benchmarks' namespace (bench/tasks.py): `invoke
# bench.site`, `invoke bench.repeats`. A copy of the project made only to build
# (the tests make some) has no bench/ folder and needs none.
ns = Collection.from_module(sys.modules[__name__])
if (ROOT / "bench" / "tasks.py").is_file():
    from bench.tasks import bench as bench_tasks

    ns.add_collection(bench_tasks)
