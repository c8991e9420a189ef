"""A 5 MB article: the work on it is capped (exact and near repeats only,
with a warning naming the file), and long embedding runs report progress."""

from __future__ import annotations

import io
import logging
import random
import re
import subprocess
import sys
import time

import numpy as np
import pytest

from editorial import settings as plugin_settings
from editorial.commands.build import build
from editorial.paragraphs import ParagraphRecord
from editorial.repeats.detect import Document, RepeatSettings, detect_repeats
from tests.support import copy_project

LIMIT = plugin_settings.DEFAULTS["EDITORIAL_REPEATS_MAX_PARAGRAPHS"]
HUGE = "content/2024/huge.md"


def _huge_article(copied: str) -> str:
    """About 5 MB of distinct 60-110 word paragraphs, one of them `copied`."""
    rng = random.Random(13)
    vocabulary = [f"{a}{b}" for a in ("re", "pro", "con", "de", "in") for b in
                  ("gulate", "vide", "tract", "cide", "form", "sist", "duce", "pose")]  # fmt: skip
    vocabulary += [f"w{n}" for n in range(3000)]
    paragraphs = []
    while sum(map(len, paragraphs)) < 5_000_000:
        words = [rng.choice(vocabulary) for _ in range(rng.randint(60, 110))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    paragraphs.insert(len(paragraphs) // 2, copied)
    return "Title: Huge\nDate: 2024-12-01\n\n" + "\n\n".join(paragraphs) + "\n"


@pytest.fixture(scope="module")
def huge_site(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("huge"))
    source = root / "content/2024/content-moderation-appeals.md"
    body = source.read_text(encoding="utf-8").split("\n\n")
    copied = max(body, key=len)
    (root / HUGE).write_text(_huge_article(copied), encoding="utf-8")
    assert (root / HUGE).stat().st_size > 5_000_000
    return root, copied


def test_build_caps_the_work_and_names_the_file(huge_site):
    root, _ = huge_site
    out = io.StringIO()
    started = time.monotonic()
    assert build(root, out=out) == 0, out.getvalue()
    elapsed = time.monotonic() - started
    log = out.getvalue()
    assert f"WARNING: {HUGE}: " in log
    assert f"more than EDITORIAL_REPEATS_MAX_PARAGRAPHS ({LIMIT})" in log
    # Exact repeats are still found in the capped article.
    assert any(line.startswith(f"{HUGE}:") and "[exact 1.00]" in line for line in log.splitlines())
    assert elapsed < 300


def test_check_says_the_same_on_stderr(huge_site):
    root, _ = huge_site
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "check"], cwd=root, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"{HUGE}: " in result.stderr and "exact and near repeats only" in result.stderr
    assert "Traceback" not in result.stderr
    assert f"{HUGE}:" in result.stdout and "[exact 1.00]" in result.stdout


def test_long_embedding_runs_report_progress(tmp_path, caplog):
    rng = random.Random(7)
    paragraphs = tuple(
        ParagraphRecord(n, n * 2, " ".join(f"w{rng.randrange(10**6)}" for _ in range(12)))
        for n in range(1, 1201)
    )

    def encode(texts):  # unrelated texts: random unit vectors, no candidate pairs
        vectors = np.random.default_rng(len(texts)).normal(size=(len(texts), 384))
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype("float32")

    settings = RepeatSettings(cache_dir=None)
    with caplog.at_level(logging.INFO, logger="editorial.progress"):
        detect_repeats([Document("a.md", paragraphs)], settings, encoder=(encode, "fake"))
    lines = [r.getMessage() for r in caplog.records if r.name == "editorial.progress"]
    # Not a terminal (captured): a line every 512 texts and at the end, with the rate.
    counts = [re.match(r"editorial: embedded (\d+) of 1200 paragraphs \([\d.]+/s", line)
              for line in lines[:3]]  # fmt: skip
    assert [int(m[1]) for m in counts if m] == [512, 1024, 1200], lines
