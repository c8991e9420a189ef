"""Progress of long steps (embedding thousands of paragraphs on a first
build), and warnings about work left undone (an article over the size limit).

The pure modules log to `logger`: progress at INFO, warnings at WARNING.
`invoke check` prints both (`shown`), `invoke build` and `publish` through
their build log (a warning fails a publish, like any); a plain `pelican` run
shows them as Pelican shows its own. Nothing here imports Pelican.
"""

from __future__ import annotations

import contextlib
import logging
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
