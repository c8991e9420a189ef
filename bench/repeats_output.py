"""How the repeats benchmark writes its report: one line at a time."""

from __future__ import annotations

from typing import TextIO


def write_line(out: TextIO, text: str = "") -> None:
    """Write one report line, flushed so a long run shows progress as it goes."""
    out.write(text + "\n")
    out.flush()
