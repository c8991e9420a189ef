"""`invoke bench.site`: what the whole editorial pipeline costs over stock Pelican.

The budget: on 1,000 synthetic articles with a 20,000-alias registry and a
warm embedding cache, the whole pipeline (repeated paragraphs, entity linking,
entity pages, the preview's marks and editorial report) takes at most 1.20 x
the wall time of stock Pelican (the same settings and theme, ``PLUGINS=[]``)
by the median of the builds, and its rebuild after one article is edited at
most 1.20 x stock Pelican's rebuild of the same edit. A second, larger size
(``--also``, 5,000 articles by default) shows how the cost grows.

What is measured, per size:

1. The synthetic site (:mod:`bench.corpus`) is written into the work directory
   (``.bench/site-ARTICLES-ALIASES/``, git-ignored; deterministic).
2. Warm-up: the embedding cache (``.bench/cache/``, keyed by text, shared by
   all sizes and kept between runs) is filled, with progress
   (:mod:`bench.warmup`); then each configuration builds once. The first run
   embeds ~50,000 texts for 1,000 articles: many minutes on 2 cores. A second
   run of the bench is warm from the start.
3. Full builds: ``--rounds`` rounds, each building both configurations in a
   fresh ``python -m pelican CONTENT -s SETTINGS -o OUTPUT -q`` process (cwd =
   project root), stock first in even rounds and the pipeline first in odd
   ones. Wall time of the process, and its peak RSS (``/usr/bin/time -f %M``;
   without it, ``ru_maxrss`` from ``os.wait4``, which on Linux is never below
   the bench process's own peak, kept small for that reason).
4. Rebuilds after an edit: in each round a sentence of one paragraph of the
   middle article is rewritten (new text each round, so the pipeline must
   embed it, as after a real edit), both configurations rebuild into their
   existing output, alternating; the article is restored afterwards.
5. The table: median and least wall time and peak RSS per configuration, the
   ratio of the medians against the 1.20 budget ("within budget" or "OVER"),
   and a check that each configuration did what its name says (entity links,
   entity pages and the editorial report in the pipeline's output only).

The configurations are real settings files: ``bench/fixtures/stockconf.py``
and ``bench/fixtures/pipelineconf.py``, both the project's ``pelicanconf.py``
pointed at the synthetic site (``bench/fixtures/baseconf.py``).

Reproduce: ``invoke bench.site`` (or ``python -m bench.site`` from the project
root) with ``--articles 1000 --aliases 20000 --rounds 5 --also 5000
--workdir .bench``; ``--also 0`` skips the second size. ``--parts`` also times full
builds of the pipeline without entity linking (``noentitiesconf.py``), so
that the table shows what the entities cost and what the rest does. Delete
``.bench/`` to start from a cold cache. A benchmark, not a test: it prints
figures.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO, TypeVar

from bench import ROOT
from bench.corpus import Corpus, make_site, split_sentences

FIXTURES = Path(__file__).resolve().with_name("fixtures")
CONFIGS = {"stock": FIXTURES / "stockconf.py", "pipeline": FIXTURES / "pipelineconf.py"}
# With --parts, full builds also time the pipeline without its entities.
PARTS = {"no entities": FIXTURES / "noentitiesconf.py"}
BUDGET = 1.20
HEARTBEAT = 30.0  # seconds between "still building" lines of an untimed build
TIME = Path("/usr/bin/time")  # GNU time: peak RSS and CPU time of the build process alone


@dataclass(frozen=True)
class Run:
    """One build: its wall time, the peak RSS of its process (KiB) and its CPU
    time (user + system, every thread; seconds). None where the platform
    cannot tell. CPU time is reported beside wall time because other load on
    a shared machine stretches wall time far more than CPU time."""

    seconds: float
    max_rss_kb: int | None
    cpu_seconds: float | None = None


class BuildError(RuntimeError):
    pass


def _wait(process: subprocess.Popen, heartbeat: TextIO | None) -> tuple[int, int | None]:
    """Wait for ``process``: its exit status and peak RSS (KiB, from wait4),
    printing a line every HEARTBEAT seconds to ``heartbeat`` when given."""
    if not hasattr(os, "wait4"):  # pragma: no cover - not POSIX
        return process.wait(), None
    start, told = time.monotonic(), 0
    flags = os.WNOHANG if heartbeat else 0
    while True:
        pid, status, usage = os.wait4(process.pid, flags)
        if pid:
            break
        time.sleep(0.5)
        elapsed = time.monotonic() - start
        if elapsed >= (told + 1) * HEARTBEAT:
            told += 1
            print(f"    ... still building ({elapsed:.0f} s)", file=heartbeat, flush=True)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss


def build(
    settings_file: Path,
    site: Path,
    output: Path,
    *,
    cache: Path | None = None,
    heartbeat: TextIO | None = None,
) -> Run:
    """Build ``site`` with ``settings_file`` into ``output`` in a fresh
    Pelican process, as a developer would; raises BuildError if it fails.

    The peak RSS comes from /usr/bin/time when installed: Linux starts a
    child's peak RSS from its parent's, so wait4's figure for a direct child
    is never below this process's own peak (a small one here, see warmup)."""
    env = build_env(site, cache or site / "cache")
    command = [sys.executable, "-m", "pelican", str(site / "content"),
               "-s", str(settings_file), "-o", str(output), "-q"]  # fmt: skip
    log = output.with_name(output.name + ".log")
    rss_file = output.with_name(output.name + ".rss")
    if TIME.is_file():
        command = [str(TIME), "-f", "%M %U %S", "-o", str(rss_file), *command]
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as stream:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stream, stderr=stream)
        code, rss = _wait(process, heartbeat)
        seconds = time.perf_counter() - start
    if code != 0:
        text = log.read_text(encoding="utf-8", errors="replace")
        raise BuildError(f"{settings_file.name} build failed ({code}); log {log}:\n{text[-3000:]}")
    if TIME.is_file():
        # The last line; GNU time puts a note about a signalled child before it.
        peak, user, system = rss_file.read_text(encoding="utf-8").splitlines()[-1].split()
        return Run(seconds, int(peak), float(user) + float(system))
    return Run(seconds, rss)


def build_env(site: Path, cache: Path) -> dict[str, str]:
    """The environment of a build of ``site``: the fixtures' settings read
    the site and the embedding cache from it."""
    return {**os.environ, "BENCH_SITE": str(site), "BENCH_CACHE": str(cache)}


Measured = TypeVar("Measured")


def alternate(
    rounds: int, run_one: Callable[[str, int], Measured], names: Sequence[str] = tuple(CONFIGS)
) -> dict[str, list[Measured]]:
    """``rounds`` rounds of the configurations ``names``: in their order in
    even rounds, reversed in odd ones (a slow spell then hurts none more)."""
    runs: dict[str, list[Measured]] = {name: [] for name in names}
    names = list(names)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else names[::-1]:
            runs[name].append(run_one(name, round_))
    return runs


def edited(text: str, token: str) -> str:
    """``text`` (an article) with the first sentence of its third paragraph rewritten."""
    header, *paragraphs = text.split("\n\n")
    index = min(2, len(paragraphs) - 1)
    _, *rest = split_sentences(paragraphs[index])
    sentence = f"In a later revision, marked {token}, the desk rewrote this sentence."
    paragraphs[index] = " ".join([sentence, *rest])
    return "\n\n".join([header, *paragraphs])


# ---------------------------------------------------------------- one size


def warm_up(site: Path, cache: Path, out: TextIO, parts: bool = False) -> None:
    print(
        "Warm-up: filling the embedding cache (the first time, ~5 texts per paragraph "
        "are embedded: many minutes on this machine; later runs are warm)",
        file=out,
        flush=True,
    )
    # In a process of its own, so that this one stays small (see build).
    command = [
        sys.executable,
        "-m",
        "bench.warmup",
        str(CONFIGS["pipeline"]),
        str(site),
        str(cache),
    ]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout or ():
            print(line, end="", file=out, flush=True)
    if process.returncode:
        print(f"  (pre-embedding failed with status {process.returncode}; the warm-up build "
              "embeds what is missing)", file=out)  # fmt: skip
    for name, settings_file in {**CONFIGS, **(PARTS if parts else {})}.items():
        run = build(settings_file, site, _output(site, name), cache=cache, heartbeat=out)
        print(f"  warm-up build, {name}: {run.seconds:.1f} s", file=out, flush=True)


def _output(site: Path, name: str) -> Path:
    return site / f"out-{name.replace(' ', '-')}"


def full_builds(
    site: Path, cache: Path, rounds: int, out: TextIO, parts: bool = False
) -> dict[str, list[Run]]:
    settings = {**CONFIGS, **(PARTS if parts else {})}

    def one(name: str, round_: int) -> Run:
        run = build(settings[name], site, _output(site, name), cache=cache)
        print(f"  full build, round {round_ + 1}: {name:<11} {run.seconds:6.2f} s",
              file=out, flush=True)  # fmt: skip
        return run

    return alternate(rounds, one, list(settings))


def alternate_edited(
    article: Path, rounds: int, run_one: Callable[[str, int], Measured]
) -> dict[str, list[Measured]]:
    """`alternate` both configurations, a sentence of ``article`` rewritten
    before each round (new text each round, so the pipeline must embed it),
    the article restored after."""
    original = article.read_text(encoding="utf-8")
    nonce = f"{random.SystemRandom().getrandbits(40):x}"  # never seen by the cache before
    edits: set[int] = set()

    def one(name: str, round_: int) -> Measured:
        if round_ not in edits:
            article.write_text(edited(original, f"{nonce}-{round_}"), encoding="utf-8")
            edits.add(round_)
        return run_one(name, round_)

    try:
        return alternate(rounds, one)
    finally:
        article.write_text(original, encoding="utf-8")


def rebuilds(
    site: Path, article: Path, cache: Path, rounds: int, out: TextIO
) -> dict[str, list[Run]]:
    """Both configurations' rebuilds after an edit of ``article``, restored after."""

    def one(name: str, round_: int) -> Run:
        run = build(CONFIGS[name], site, site / f"out-{name}", cache=cache)
        print(f"  rebuild after an edit, round {round_ + 1}: {name:<8} {run.seconds:6.2f} s",
              file=out, flush=True)  # fmt: skip
        return run

    return alternate_edited(article, rounds, one)


def check_outputs(site: Path) -> tuple[list[str], str]:
    """Problems with what each configuration built (an empty list if none),
    and a line describing the pipeline's output."""
    problems: list[str] = []
    counts = {}
    for name in CONFIGS:
        output = site / f"out-{name}"
        links = sum(
            page.read_text(encoding="utf-8").count('class="entity ')
            for page in output.glob("[0-9][0-9][0-9][0-9]/*/index.html")
        )
        pages = sum(1 for _ in (output / "entities").glob("*/index.html"))
        report = output / "editorial" / "index.html"
        findings = report.read_text(encoding="utf-8").count('class="report__finding') if (
            report.is_file()) else None  # fmt: skip
        counts[name] = (links, pages, findings)
    if counts["stock"] != (0, 0, None):
        problems.append(f"stock output has entity links, entity pages or a report: {counts}")
    links, pages, findings = counts["pipeline"]
    if not (links and pages and findings is not None):
        problems.append(f"pipeline output lacks entity links, pages or the report: {counts}")
    line = (f"pipeline output: {links:,} entity links in article pages, {pages:,} entity pages, "
            f"editorial report with {findings} findings")  # fmt: skip
    return problems, line


def _mb(runs: list[Run]) -> str:
    known = [r.max_rss_kb for r in runs if r.max_rss_kb is not None]
    return f"{max(known) / 1024:7.0f} MB" if known else "      n/a"


def table(title: str, runs: dict[str, list[Run]], out: TextIO) -> float:
    """Print one measurement's rows and verdict; return the ratio of the medians."""
    median = {name: statistics.median(r.seconds for r in rs) for name, rs in runs.items()}
    print(f"  {title}", file=out)
    for name, rs in runs.items():
        part = f"  = {median[name] / median['stock']:.2f} x stock" if name in PARTS else ""
        print(f"    {name:<11} {median[name]:7.2f} s {min(r.seconds for r in rs):8.2f} s"
              f" {_mb(rs)}   ({len(rs)} builds){part}", file=out)  # fmt: skip
    ratio = median["pipeline"] / median["stock"]
    pairs = zip(runs["pipeline"], runs["stock"], strict=True)
    per_round = sorted(p.seconds / s.seconds for p, s in pairs)
    verdict = "within budget" if ratio <= BUDGET else "OVER"
    print(f"    ratio      {ratio:8.2f} x  (budget {BUDGET:.2f} x: {verdict}; rounds' own "
          f"ratios {per_round[0]:.2f}-{per_round[-1]:.2f})", file=out)  # fmt: skip
    cpu = {n: [r.cpu_seconds for r in runs[n] if r.cpu_seconds is not None] for n in CONFIGS}
    if all(cpu.values()):
        medians = {n: statistics.median(c) for n, c in cpu.items()}
        print(f"    CPU time   stock {medians['stock']:.2f} s, pipeline {medians['pipeline']:.2f} s"
              f" = {medians['pipeline'] / medians['stock']:.2f} x (medians; user + system)",
              file=out)  # fmt: skip
    return ratio


def measure(
    workdir: Path, articles: int, aliases: int, rounds: int, out: TextIO, parts: bool = False
) -> list[str]:
    """Benchmark one size; returns the summary lines."""
    site, cache = workdir / f"site-{articles}-{aliases}", workdir / "cache"
    corpus: Corpus = make_site(ROOT, site, articles=articles, aliases=aliases)
    paragraphs = sum(len(p.read_text(encoding="utf-8").split("\n\n")) - 1 for p in corpus.articles)
    print(
        f"\n== {articles:,} articles ({paragraphs:,} paragraphs), registry of {corpus.forms:,} "
        f"names and aliases ({corpus.entities:,} entities), {len(corpus.planted)} planted "
        f"repeats\n   prose: {corpus.sources}\n   site: {site}",
        file=out,
        flush=True,
    )
    warm_up(site, cache, out, parts)
    full = full_builds(site, cache, rounds, out, parts)
    problems, described = check_outputs(site)
    article = corpus.articles[len(corpus.articles) // 2]
    again = rebuilds(site, article, cache, rounds, out)
    print(f"\nResults, {articles:,} articles ({rounds} rounds; wall time median, least; "
          f"peak RSS):", file=out)  # fmt: skip
    full_ratio = table("full build (warm embedding cache)", full, out)
    edit_ratio = table(f"rebuild after editing one article ({article.name})", again, out)
    print(f"  {described}", file=out)
    for problem in problems:
        print(f"  WRONG BUILD: {problem}", file=out)
    verdicts = [("within budget" if r <= BUDGET else "OVER") for r in (full_ratio, edit_ratio)]
    return [f"{articles:,} articles: full build {full_ratio:.2f} x stock ({verdicts[0]}), "
            f"rebuild after one edit {edit_ratio:.2f} x stock ({verdicts[1]})"]  # fmt: skip


def site_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose the synthetic site and where it lives."""
    parser.add_argument("--articles", type=int, default=1000, help="synthetic articles (1000)")
    parser.add_argument("--aliases", type=int, default=20000, help="registry forms (20000)")
    parser.add_argument("--workdir", default=str(ROOT / ".bench"), help="work dir (.bench)")


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="invoke bench.site", description=__doc__.splitlines()[0])
    site_arguments(parser)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of timed builds (5)")
    parser.add_argument("--also", type=int, default=5000, help="a second size; 0: none (5000)")
    parser.add_argument(
        "--parts", action="store_true", help="full builds also without entity linking"
    )
    args = parser.parse_args(argv)
    workdir = Path(args.workdir).resolve()
    rss = "/usr/bin/time -f %M" if TIME.is_file() else "wait4 (not below this process's own peak)"
    print(f"Whole pipeline vs stock Pelican; budget {BUDGET:.2f} x by median wall time; "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; peak RSS by {rss}; "
        f"work dir {workdir}",
          file=out, flush=True)  # fmt: skip
    summary = []
    for articles in [args.articles, *([args.also] if args.also > 0 else [])]:
        try:
            summary += measure(workdir, articles, args.aliases, args.rounds, out, args.parts)
        except BuildError as error:
            print(f"\nBUILD FAILED at {articles} articles: {error}", file=out)
            return 1
    print("\nSummary (budget 1.20 x stock Pelican by median wall time):", file=out)
    for line in summary:
        print(f"  {line}", file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
