"""The `bench` invoke namespace: `invoke bench.site`, `invoke bench.stages`,
`invoke bench.repeats`.

Thin wrappers, like the project's other tasks: the work lives in
`bench/site.py`, `bench/stages.py` and `bench/repeats.py`, each also runnable
as `python -m bench.site` (and so on) from the project root.
"""

import sys

from invoke import Collection, task


@task(
    help={
        "articles": "synthetic articles (default 1000)",
        "aliases": "names and aliases in the synthetic registry (default 20000)",
        "rounds": "timed rounds of each configuration; medians count (default 5)",
        "also": "a second, larger size (default 5000; 0 for none)",
        "workdir": "where the synthetic sites and the embedding cache live (default .bench/)",
        "parts": "also time full builds without entity linking (what the entities cost)",
    }
)
def site(c, articles=1000, aliases=20000, rounds=5, also=5000, workdir="", parts=False):
    """Whole pipeline vs stock Pelican: build and rebuild times, peak RSS (budget 1.20 x)."""
    from bench import site as site_bench

    args = ["--articles", str(int(articles)), "--aliases", str(int(aliases)),
            "--rounds", str(int(rounds)), "--also", str(int(also))]  # fmt: skip
    if workdir:
        args += ["--workdir", workdir]
    if parts:
        args.append("--parts")
    sys.exit(site_bench.main(args))


@task(
    help={
        "articles": "synthetic articles (default 1000)",
        "aliases": "names and aliases in the synthetic registry (default 20000)",
        "rounds": "builds of each configuration; medians count (default 3)",
        "workdir": "where the synthetic sites and the embedding cache live (default .bench/)",
        "rebuild": "rebuilds after editing one article, with the detector's stages",
    }
)
def stages(c, articles=1000, aliases=20000, rounds=3, workdir="", rebuild=False):
    """Where a full build's time goes: each stage's seconds, stock vs pipeline."""
    from bench import stages as stages_bench

    args = ["--articles", str(int(articles)), "--aliases", str(int(aliases)),
            "--rounds", str(int(rounds))]  # fmt: skip
    if workdir:
        args += ["--workdir", workdir]
    if rebuild:
        args.append("--rebuild")
    sys.exit(stages_bench.main(args))


@task(
    help={
        "paraphrase-dir": "MRPC / STS-B folder (default ../shared/benchmarks/paraphrase)",
        "paine-dir": "real-writing corpus (default ../shared/benchmarks/real-writing/paine-works)",
        "cold-articles": "Paine articles embedded from an empty cache for the cold timing (30)",
    },
)
def repeats(c, paraphrase_dir="", paine_dir="", cold_articles=30):
    """Precision/recall of the repeated-paragraph detector, false alarms, timing."""
    from bench import repeats as repeats_bench

    args = ["--cold-articles", str(int(cold_articles))]
    if paraphrase_dir:
        args += ["--paraphrase-dir", paraphrase_dir]
    if paine_dir:
        args += ["--paine-dir", paine_dir]
    sys.exit(repeats_bench.main(args))


bench = Collection("bench", site, stages, repeats)
