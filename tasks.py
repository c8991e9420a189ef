"""Project tasks: `invoke --list` shows them, `invoke --help TASK` their options.

Each task is a thin wrapper: the work lives in `plugins/editorial/commands/`,
one module per command, so it can be tested without invoke.
"""

import shlex
import sys
from pathlib import Path

from invoke import Collection, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from editorial.commands import build as build_cmd  # noqa: E402
from editorial.commands import check as check_cmd  # noqa: E402
from editorial.commands import publish as publish_cmd  # noqa: E402
from editorial.commands import serve as serve_cmd  # noqa: E402


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
    """Run the whole test suite (and ruff)."""
    c.run(f"{sys.executable} -m ruff check .", pty=False)
    args = f" -k {k!r}" if k else ""
    c.run(f"{sys.executable} -m pytest{args}", pty=False)


@task(
    help={
        "remote": "git remote name, URL or path to push to (default origin)",
        "branch": "pages branch (default gh-pages)",
        "siteurl": "absolute URL of the published site (default: PUBLISH_SITEURL setting)",
        "cname": "custom domain written to CNAME (default: GITHUB_PAGES_CNAME setting)",
        "allow-dirty": "publish even with uncommitted changes in the source repo",
        "allow-findings": "publish even with unacknowledged repeated paragraphs",
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
    iterable=["path"],
    help={
        "path": "a file or directory to check (repeatable; default: content/)",
        "format": "text (default), json or github (GitHub Actions annotations)",
    },
)
def check(c, path=None, format="text"):
    """Check articles for repeated paragraphs without building the site.

    Paths can also follow `--`: `invoke check -- content/a.md ~/drafts/`.
    Exit 0: no unacknowledged findings; 1: findings; 2: bad input or usage.
    """
    paths = [*(path or ()), *shlex.split(getattr(c, "remainder", "") or "")]
    sys.exit(check_cmd.check(ROOT, paths, output_format=format))


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
