"""Words and sentences of a paragraph, as every scorer sees them."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) and
# whitespace, before something that can start a sentence. Abbreviations that
# end in a full stop but rarely end a sentence are protected.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "st", "sr", "jr", "no", "nos", "vs", "v", "etc",
    "e.g", "i.e", "u.s", "u.k", "u.n", "inc", "ltd", "co", "corp", "art", "sec",
    "para", "gen", "col", "capt", "gov", "hon", "rev", "fig", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "ult", "inst",
}  # fmt: skip
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*", re.UNICODE)


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (rule-based; good enough for alignment)."""
    text = " ".join(text.split())
    parts: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        candidate = text[start : match.start()]
        last = candidate.rstrip("\"'”’)]").rstrip(".!?").split()
        last_word = last[-1].lower() if last else ""
        if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
            continue
        parts.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        parts.append(tail)
    # Fragments of one or two words ("Sir." "No.") join the previous sentence.
    merged: list[str] = []
    for part in parts:
        if merged and len(part.split()) < 3:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged or [text]


def normalised_words(normalised: str) -> list[str]:
    """Word tokens of a normalised text (lower-cased, punctuation dropped)."""
    return _WORD.findall(normalised)
