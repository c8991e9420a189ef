"""Progress of long steps (embedding thousands of paragraphs on a first
build), and warnings about work left undone (an article over the size limit).

The pure modules log to `logger`: progress at INFO, warnings at WARNING.
`invoke check` prints both (`shown`), `invoke build` and `publish` through
their build log (a warning fails a publish, like any); a plain `pelican` run
shows them as Pelican shows its own. On a terminal, a long count (`meter`) is
a bar on stderr instead of progress lines. Nothing here imports Pelican.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Iterator
from typing import TextIO

logger = logging.getLogger("editorial.progress")
logger.setLevel(logging.INFO)


@contextlib.contextmanager
def shown(stream: TextIO) -> Iterator[None]:
    """Print progress lines to `stream` while the block runs."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


# A long count (texts to embed): on a terminal, a bar on stderr with rate and
# ETA that appears once the work has taken BAR_DELAY seconds; elsewhere (a CI
# log, `invoke build`'s log, captured output) a line every LINE_EVERY items.
BAR_DELAY = 3.0
LINE_EVERY = 512


class Meter:
    """Counts the items of one long step done so far, and shows it."""

    def __init__(self, total: int, what: str, stream: TextIO | None = None) -> None:
        self.total, self.what, self.done = total, what, 0
        self.started = time.monotonic()
        stream = stream or sys.stderr
        self._bar = None
        if _is_terminal(stream):
            from tqdm import tqdm  # installed with tokenizers (huggingface_hub)

            self._bar = tqdm(
                total=total, desc=f"editorial: embedding {what}", unit=" texts",
                file=stream, delay=BAR_DELAY, dynamic_ncols=True,
            )  # fmt: skip

    def update(self, count: int) -> None:
        before, self.done = self.done, self.done + count
        if self._bar is not None:
            self._bar.update(count)
        elif before // LINE_EVERY < self.done // LINE_EVERY or self.done == self.total:
            logger.info("editorial: embedded %d of %d %s%s", self.done, self.total, self.what,
                        self._rate())  # fmt: skip

    def _rate(self) -> str:
        seconds = time.monotonic() - self.started
        if seconds <= 0 or self.done == 0:
            return ""
        rate = self.done / seconds
        left = (self.total - self.done) / rate
        return f" ({rate:.1f}/s, about {left:.0f} s left)" if left >= 1 else f" ({rate:.1f}/s)"

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


@contextlib.contextmanager
def meter(total: int, what: str, stream: TextIO | None = None) -> Iterator[Meter]:
    """A `Meter` for `total` items, closed (its bar finished) when the block ends."""
    counter = Meter(total, what, stream)
    try:
        yield counter
    finally:
        counter.close()
