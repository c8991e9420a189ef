"""Repeated-paragraph detection: pure functions, no Pelican imports.

`find_repeats` takes documents (a path and its paragraph records) and returns
findings, each naming the later paragraph and the earlier one it repeats; the
findings of an unchanged input are read back from the cache (results.py).
`detect.detect_repeats` returns the same findings with how they were computed
(backend, embedding counts) for the benchmark and the build log. The stages
are described in detect.py.
"""

from editorial.repeats.inputs import Document, RepeatSettings
from editorial.repeats.results import find_repeats

__all__ = ["Document", "RepeatSettings", "find_repeats"]
