"""Project tasks: `invoke --list` shows them, `invoke --help TASK` their options.

Each task is a thin wrapper: the work lives in `plugins/editorial/commands/`,
one module per command, so it can be tested without invoke.
"""

import shlex
import sys
from pathlib import Path

from invoke import task

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


@task(
    help={
        "articles": "number of synthetic articles (default 1000)",
        "aliases": "names and aliases in the synthetic registry (default 20000)",
        "repeat": "builds per configuration; the fastest and the median count (default 7)",
        "pairs": "rounds of the two builds whose difference is linking's cost (default 21)",
    }
)
def bench(c, articles=1000, aliases=20000, repeat=7, pairs=21):
    """Measure what entity linking adds to a Pelican build (synthetic site)."""
    from editorial.commands import bench_entities as bench_cmd

    counts = {"articles": int(articles), "aliases": int(aliases), "repeat": int(repeat)}
    sys.exit(bench_cmd.run(ROOT, **counts, pairs=int(pairs)))


@task(
    name="bench-repeats",
    help={
        "paraphrase-dir": "MRPC / STS-B folder (default ../shared/benchmarks/paraphrase)",
        "paine-dir": "real-writing corpus (default ../shared/benchmarks/real-writing/paine-works)",
        "cold-articles": "Paine articles embedded from an empty cache for the cold timing (30)",
    },
)
def bench_repeats(c, paraphrase_dir="", paine_dir="", cold_articles=30):
    """Precision/recall of the repeated-paragraph detector, false alarms, timing."""
    from editorial.commands import bench_repeats as bench_cmd

    args = ["--cold-articles", str(int(cold_articles))]
    if paraphrase_dir:
        args += ["--paraphrase-dir", paraphrase_dir]
    if paine_dir:
        args += ["--paine-dir", paine_dir]
    sys.exit(bench_cmd.main(args))
