"""The embedding backend's cold path: batches of similar length run in
parallel give the same vectors as one text at a time, Ctrl-C stops it
promptly, and a long embedding shows its progress (a bar on a terminal)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from editorial.repeats import embeddings, model_files
from editorial.repeats.normalise import normalise
from editorial.repeats.text import sentences

ROOT = Path(__file__).resolve().parent.parent


def real_texts() -> list[str]:
    """Paragraphs and sentences of the project's labelled articles, short and long."""
    paragraphs = []
    for path in sorted((ROOT / "tests/data/repeats").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n\n")
        paragraphs += [normalise(p) for p in body if len(p.split()) >= 8 and ":" not in p[:20]]
    texts = paragraphs + [normalise(s) for p in paragraphs[:10] for s in sentences(p)]
    texts.append(" ".join(paragraphs))  # longer than the model reads: truncated alike
    return texts


@pytest.fixture(scope="module")
def files():
    return model_files.resolve_model(model_files.PACKAGED)


def test_parallel_batches_give_the_vectors_of_one_text_at_a_time(files):
    texts = real_texts()
    assert len(texts) > 40
    parallel = embeddings.Encoder(files, workers=2).encode(texts)
    serial = embeddings.Encoder(files, workers=1)
    alone = np.stack([serial.encode([t])[0] for t in texts])
    assert parallel.shape == (len(texts), 384)
    # Row i is text i's vector whatever batch or thread embedded it.
    assert (parallel * alone).sum(axis=1).min() >= 0.9999
    assert np.allclose(np.linalg.norm(parallel, axis=1), 1.0, atol=1e-5)
    # Distinct texts stay distinct (the rows are not shuffled duplicates).
    assert (parallel[:-1] * parallel[1:]).sum(axis=1).min() < 0.99


@given(st.lists(st.integers(min_value=1, max_value=300), max_size=200))
def test_length_batches_cover_every_text_once_within_the_budget(lengths):
    batches = embeddings.length_batches(lengths)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= embeddings.BATCH_SIZE
        width = max(lengths[i] for i in batch)
        assert len(batch) == 1 or width * len(batch) <= embeddings.BATCH_TOKENS


def test_ctrl_c_stops_embedding_without_running_the_queued_batches(files, monkeypatch):
    encoder = embeddings.Encoder(files, workers=2)
    texts = [f"Paragraph number {n} says something about platform rules." for n in range(400)]
    batches = len(embeddings.length_batches([12] * len(texts)))
    calls = []
    real_run = embeddings.Encoder._hidden

    def interrupted(self, ids, batch):
        calls.append(len(batch))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_run(self, ids, batch)

    monkeypatch.setattr(embeddings.Encoder, "_hidden", interrupted)
    with pytest.raises(KeyboardInterrupt):
        encoder.encode(texts)
    # The other worker may start a few batches before the main thread sees
    # the interrupt (6 on a loaded machine); the queued dozens never run.
    assert batches >= 50 and len(calls) <= 10


PROGRESS_SCRIPT = """
import sys
import numpy as np
from editorial import progress
from editorial.repeats.vectors import Vectors

progress.BAR_DELAY = 0  # the bar waits for a few seconds of work; shown at once here

def encode(texts):
    rows = np.ones((len(texts), 8), dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)

texts = [f"paragraph {n} " * (n % 7 + 1) for n in range(1000)]
vectors = Vectors(encode, "fake", None).encode(texts)
print(vectors.shape, file=sys.stdout)
"""


def run_with_terminal_stderr(script: str) -> tuple[str, str]:
    """Run `script` with stderr on a pseudo-terminal; (stdout, what the terminal got)."""
    leader, follower = pty.openpty()
    # A terminal has a size (tqdm fits its bar to it); a fresh pty's is 0 x 0.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "plugins"), str(ROOT)])}
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=follower, text=True,
        env=env,
    )  # fmt: skip
    os.close(follower)
    received = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        received += chunk
    stdout, _ = process.communicate(timeout=60)
    os.close(leader)
    assert process.returncode == 0, received.decode(errors="replace")
    return stdout, received.decode("utf-8", errors="replace")


def test_a_long_embedding_shows_a_bar_with_rate_and_eta_on_a_terminal():
    stdout, terminal = run_with_terminal_stderr(PROGRESS_SCRIPT)
    assert stdout.strip() == "(1000, 8)"
    assert "editorial: embedding paragraphs" in terminal
    assert "1000/1000" in terminal  # the bar reaches the total
    # tqdm's "[elapsed<remaining, rate]": an ETA and a rate in texts per second.
    assert re.search(r"\[\d\d:\d\d<\d\d:\d\d, +[\d.]+ texts/s\]", terminal), terminal
    assert "editorial: embedded" not in terminal  # no log lines as well as the bar


def test_a_short_embedding_shows_nothing():
    short = PROGRESS_SCRIPT.replace("range(1000)", "range(100)")
    stdout, terminal = run_with_terminal_stderr(short)
    assert stdout.strip() == "(100, 8)"
    assert terminal == ""


def test_a_process_on_one_cpu_makes_one_model_call_at_a_time(files):
    script = (
        "import os\n"
        "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})\n"
        "from editorial.repeats import embeddings, model_files\n"
        "encoder = embeddings.load_encoder(model_files.PACKAGED)\n"
        "print(encoder.workers, encoder.encode(['one text', 'and another one']).shape)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "plugins"), str(ROOT)])}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == "1 (2, 384)"
