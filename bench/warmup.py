"""Filling the embedding cache of ``invoke bench.site`` before anything is timed.

The pipeline's first build of a synthetic site embeds every paragraph and
sentence (about 5 texts per paragraph): some 50,000 texts for 1,000 articles,
many minutes on a 2-core machine, and a Pelican build prints nothing while it
does so. :func:`pre_embed` does the same work in this process, a chunk of
articles at a time, with the plugin's own functions and the settings the
build reads (so the same cache file, model and keys), printing progress and
saving each chunk to the cache as it goes (an interrupted warm-up resumes).
If the plugin's functions have moved, it says so and the warm-up build does
all the embedding itself (see :func:`bench.site.warm_up`).

The bench runs it as ``python -m bench.warmup SETTINGS SITE CACHE``, in a
process of its own: on Linux a child process's peak RSS starts from its
parent's, so the bench process must stay small (the model and the embedded
texts take some 600 MB).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TextIO

CHUNK = 50  # articles per call to the embedder (and per progress line)


def _repeat_settings(settings_file: Path, site: Path, cache: Path):
    """The RepeatSettings a build with ``settings_file`` uses on ``site``."""
    from pelican.settings import read_settings

    from editorial.site import repeat_settings

    saved = {k: os.environ.get(k) for k in ("BENCH_SITE", "BENCH_CACHE")}
    os.environ.update(BENCH_SITE=str(site), BENCH_CACHE=str(cache))
    try:
        return repeat_settings(read_settings(str(settings_file)))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def pre_embed(settings_file: Path, site: Path, cache: Path, out: TextIO) -> bool:
    """Embed the paragraphs and sentences of ``site``'s articles into the
    cache; False (after saying why) when the plugin's functions are not there."""
    try:
        from editorial.project import make_markdown
        from editorial.repeats.detect import build_units, embed_units
        from editorial.repeats.embeddings import load_encoder
        from editorial.sources import parse_article

        settings = _repeat_settings(settings_file, site, cache)
        encoder = load_encoder(settings.model) if settings.semantic else None
    except Exception as error:  # the plugin is being restructured: never fatal
        print(f"  (pre-embedding skipped: {type(error).__name__}: {error})", file=out)
        return False
    if encoder is None:
        print("  (repeats are lexical only in these settings: nothing to embed)", file=out)
        return True
    paths = sorted((site / "content").glob("*.md"))
    start, embedded, cached = time.perf_counter(), 0, 0
    for first in range(0, len(paths), CHUNK):
        documents = []
        for path in paths[first : first + CHUNK]:
            text = path.read_text(encoding="utf-8")
            documents.append(parse_article(text, path.name, make_markdown()).document)
        units = build_units(documents, settings.min_words)
        new, old = embed_units(units, encoder.encode, encoder.model_id, settings.cache_dir)
        embedded, cached = embedded + new, cached + old
        done = min(first + CHUNK, len(paths))
        elapsed = time.perf_counter() - start
        left = elapsed / done * (len(paths) - done) if embedded else 0.0
        print(
            f"  pre-embedding: {done}/{len(paths)} articles, {embedded} texts embedded, "
            f"{cached} already cached; {elapsed:.0f} s, about {left / 60:.1f} min left",
            file=out,
            flush=True,
        )
    return True


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python -m bench.warmup SETTINGS_FILE SITE CACHE")
    pre_embed(*(Path(arg) for arg in sys.argv[1:]), sys.stdout)
