"""`invoke bench.stages`: where a build's time goes, stage by stage.

``bench.site`` says how much longer the pipeline takes than stock Pelican;
this says where. It builds the same synthetic site (made and warmed as
``bench.site`` does, in ``.bench/``) with both configurations, alternating,
each in a fresh process that times the build from inside: Pelican's steps
(reading, each kind of page written, rendering content with its intrasite
links, every file written), the plugin's receivers and generators, and the
cyclic garbage collector. It prints the median of each stage for each
configuration and the difference, which is what the pipeline adds.

A stage is the time spent inside the named function, nested stages included
in their parent (writing articles includes rendering their content). The
timers cost about a microsecond a call: the per-article stages read a little
high, the same in both configurations. Stages the pipeline does not run are
blank for stock Pelican.

With ``--rebuild``, each round first rewrites a sentence of the middle
article (as ``bench.site``'s rebuilds do) and the repeat detector's stages
are timed too; the detector is then imported before the build starts, under
a stage of its own (a rebuild after an edit imports it anyway).

Reproduce: ``invoke bench.stages`` (``--articles 1000 --aliases 20000
--rounds 3``, ``--rebuild``), or ``python -m bench.stages`` from the project
root. A benchmark, not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import atexit
import functools
import gc
import importlib
import json
import runpy
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bench import ROOT

# (label, module, class or "", function): each wrapped with a timer in the build process.
PELICAN_STAGES = [
    ("reading articles", "pelican.readers", "Readers", "read_file"),
    ("  recording paragraphs", "editorial.paragraphs", "", "collect_records"),
    ("entity registry loaded", "editorial.entities.generator", "EntityPagesGenerator", "__init__"),
    ("all_generators_finalized receiver", "editorial", "", "finalize_site"),
    ("  repeat review (findings)", "editorial.site", "", "review_articles"),
    # Timed with --rebuild only (the detector is imported before the build):
    ("    repeat detection", "editorial.repeats.detect", "", "detect_repeats"),
    ("      reading the snapshot", "editorial.repeats.snapshot", "", "load"),
    ("      units and their features", "editorial.repeats.detect", "", "build_units"),
    ("      paragraph vectors gathered", "editorial.repeats.vectors", "Vectors",
     "attach_paragraphs"),
    ("      changed pairs found", "editorial.repeats.incremental", "", "candidates"),
    ("      pairs decided", "editorial.repeats.detect", "", "decide"),
    ("      snapshot kept or written", "editorial.repeats.snapshot", "", "save"),
    ("  entity linking", "editorial.entities.generator", "EntityPagesGenerator", "link"),
    ("  entity pages described", "editorial.entities.generator", "EntityPagesGenerator",
     "describe"),
    ("writing articles", "pelican.generators", "ArticlesGenerator", "generate_articles"),
    ("writing tag pages", "pelican.generators", "ArticlesGenerator", "generate_tags"),
    ("writing category pages", "pelican.generators", "ArticlesGenerator", "generate_categories"),
    ("writing author pages", "pelican.generators", "ArticlesGenerator", "generate_authors"),
    ("writing index, archives, search", "pelican.generators", "ArticlesGenerator",
     "generate_direct_templates"),
    ("writing entity pages", "editorial.entities.generator", "EntityPagesGenerator",
     "generate_output"),
    ("writing the editorial report", "editorial.report", "EditorialReportGenerator",
     "generate_output"),
    ("content rendered, links resolved", "pelican.contents", "Content", "get_content"),
    ("every file written (Writer.write_file)", "pelican.writers", "Writer", "write_file"),
]  # fmt: skip
# bench.site's configurations. bench.site is imported by the driver only:
# the build process loads nothing before the build but what it times.
CONFIGS = ("stock", "pipeline")


# ------------------------------------------------------- inside the build


def _timed(function, label: str, totals: dict[str, float], depth: list[int]):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        # A recursive call (a generator's write calling another) counts once.
        depth[0] += 1
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            depth[0] -= 1
            if not depth[0]:
                totals[label] += time.perf_counter() - start

    return timed


def _group(module_name: str) -> str:
    """ "pelican", "editorial" or "detector" (editorial.repeats: numpy)."""
    return "detector" if module_name.startswith("editorial.repeats") else module_name.split(".")[0]


def _install_timers(totals: dict[str, float], group: str) -> None:
    """Wrap the stages of ``group`` (see _group) with timers."""
    for label, module_name, owner_name, name in PELICAN_STAGES:
        if _group(module_name) != group:
            continue
        module = importlib.import_module(module_name)
        owner = getattr(module, owner_name) if owner_name else module
        # From the class's own dict: Pelican's get_content is a memoizing
        # object, which the wrapper calls as the method would.
        function = owner.__dict__[name] if owner_name else getattr(module, name)
        setattr(owner, name, _timed(function, label, totals, [0]))


def run_build(
    settings_file: str, site: str, output: str, result: str, plugin: bool, detector: bool
) -> None:
    """One build in this process, its stages timed; the totals go to ``result``
    (JSON). With ``detector``, the repeat detector is imported first (a
    rebuild after an edit imports it anyway) and its stages are timed."""
    began = time.perf_counter()
    totals: dict[str, float] = defaultdict(float)
    collecting = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collecting[0] = time.perf_counter()
        else:
            totals["garbage collector"] += time.perf_counter() - collecting[0]

    gc.callbacks.append(on_gc)
    _install_timers(totals, "pelican")  # imports Pelican, as both builds do
    if plugin:
        sys.path.insert(0, str(ROOT / "plugins"))
        start = time.perf_counter()
        importlib.import_module("editorial")
        totals["importing the plugin"] = time.perf_counter() - start
        _install_timers(totals, "editorial")
        if detector:
            start = time.perf_counter()
            importlib.import_module("editorial.repeats.detect")
            totals["importing the detector"] = time.perf_counter() - start
            _install_timers(totals, "detector")

    def write() -> None:
        totals["the whole build (in process)"] = time.perf_counter() - began
        Path(result).write_text(json.dumps(totals), encoding="utf-8")

    atexit.register(write)
    sys.argv = ["pelican", f"{site}/content", "-s", settings_file, "-o", output, "-q"]
    runpy.run_module("pelican", run_name="__main__")


# ------------------------------------------------------------- the driver


def _one_build(name: str, site: Path, cache: Path, rebuild: bool) -> dict[str, float]:
    from bench import site as site_bench

    with tempfile.TemporaryDirectory() as scratch:
        result = Path(scratch) / "stages.json"
        env = site_bench.build_env(site, cache)
        settings_file = site_bench.CONFIGS[name]
        command = [sys.executable, "-m", "bench.stages", "--run", str(settings_file), str(site),
                   str(site / f"out-{name}"), str(result)]  # fmt: skip
        if name != "stock":
            command += ["--plugin", *(["--detector"] if rebuild else [])]
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode or not result.is_file():
            raise RuntimeError(f"{name} build failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return json.loads(result.read_text(encoding="utf-8"))


def table(runs: dict[str, list[dict[str, float]]], out: TextIO) -> None:
    """Median seconds of each stage per configuration, and the difference."""
    labels = ["importing the plugin", "importing the detector",
              *(label for label, *_ in PELICAN_STAGES),
              "garbage collector", "the whole build (in process)"]  # fmt: skip
    print(f"  {'stage':<42} {'stock':>8} {'pipeline':>9} {'added':>8}", file=out)
    for label in labels:
        medians = {}
        for name in CONFIGS:
            values = [run[label] for run in runs[name] if label in run]
            medians[name] = statistics.median(values) if values else None
        stock, pipeline = medians["stock"], medians["pipeline"]
        if stock is None and pipeline is None:
            continue  # a stage this measure does not time
        shown = f"{stock:8.3f}" if stock is not None else " " * 8
        added = (pipeline or 0.0) - (stock or 0.0)
        print(f"  {label:<42} {shown} {pipeline or 0.0:9.3f} {added:+8.3f}", file=out)


def measure(site: Path, cache: Path, rounds: int, article: Path | None, out: TextIO) -> None:
    """``rounds`` rounds of both configurations, alternating; with ``article``,
    each round first rewrites a sentence of it (restored after)."""
    from bench import site as site_bench

    def one(name: str, round_: int) -> dict[str, float]:
        stages = _one_build(name, site, cache, rebuild=article is not None)
        print(f"  round {round_ + 1} of {rounds}: {name} built", file=out, flush=True)
        return stages

    if article:
        runs = site_bench.alternate_edited(article, rounds, one)
    else:
        runs = site_bench.alternate(rounds, one)
    what = f"a rebuild after editing {article.name}" if article else "a full build"
    print(f"\nSeconds of {what}, medians of {rounds} builds each:", file=out)
    table(runs, out)


def _build_process(argv: Sequence[str]) -> int:
    """``--run SETTINGS SITE OUTPUT RESULT [--plugin] [--detector]``: one
    timed build, in the process _one_build starts (nothing else imported)."""
    parser = argparse.ArgumentParser(prog="python -m bench.stages --run")
    parser.add_argument("paths", nargs=4, metavar="PATH")
    parser.add_argument("--plugin", action="store_true")
    parser.add_argument("--detector", action="store_true")
    args = parser.parse_args(argv)
    run_build(*args.paths, plugin=args.plugin, detector=args.detector)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--run"]:
        return _build_process(argv[1:])
    from bench import site as site_bench
    from bench.corpus import make_site

    parser = argparse.ArgumentParser(
        prog="invoke bench.stages", description=__doc__.splitlines()[0]
    )
    site_bench.site_arguments(parser)
    parser.add_argument("--rounds", type=int, default=3, help="builds of each configuration (3)")
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuilds after one edit, detector stages too"
    )
    args = parser.parse_args(argv)
    workdir = Path(args.workdir).resolve()
    site, cache = workdir / f"site-{args.articles}-{args.aliases}", workdir / "cache"
    corpus = make_site(ROOT, site, articles=args.articles, aliases=args.aliases)
    print(f"Where a build's time goes: {args.articles:,} articles, registry of "
          f"{args.aliases:,} names; site {site}", file=out, flush=True)  # fmt: skip
    site_bench.warm_up(site, cache, out)
    article = corpus.articles[len(corpus.articles) // 2] if args.rebuild else None
    measure(site, cache, args.rounds, article, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
