"""Facts a paragraph states: numbers and names, and whether two paragraphs conflict.

Spun copy keeps the facts (the 64% and the 30, Clegg and Meta) while rewording
everything else; two different statements about one subject change them
("within 36 hours" in India, "within 4 hours" in Indonesia). So facts are used
as a *veto*: a pair whose numbers or names were *substituted* (each side has
one the other lacks) is not a repeat, however similar it reads. Facts earn no
credit: paragraphs without numbers or names would "agree" trivially, and names
shared by every paragraph on one topic (Pakistan, Congress) prove nothing.

A fact present on one side only is not a conflict: copies add or drop a
sentence. Numbers are compared by value (``1,500`` = ``1500`` = ``1.5
million`` / 1000, ``thirty-six`` = ``36``, ``64%`` = ``64 per cent``), names
case-insensitively without a possessive 's. Quoted phrases are deliberately
not compared: spun copy rewrites quotations too (seed paragraphs 5 and 10).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from editorial.repeats.text import raw_words, sentences

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_NUMBER_WORDS = "|".join([*_TENS, *_UNITS])
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:st|nd|rd|th|d)?(?:ly)?"
    r"(?:\s*(hundred|thousand|million|billion|bn|m)\b)?",
    re.IGNORECASE,
)
_WORD_NUMBER = re.compile(
    rf"\b(?:({'|'.join(_TENS)})(?:[\s-]({'|'.join(k for k in _UNITS if _UNITS[k] < 10)}))?"
    rf"|({_NUMBER_WORDS}))\b(?:\s+(hundred|thousand|million|billion)\b)?",
    re.IGNORECASE,
)
# Ordinals ("the seventh passage", "Secondly,") and months ("January 16" vs
# "February 16") are facts too: they tell list items and dates apart.
_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINALS)})(?:ly)?\b", re.IGNORECASE)
_MONTH = re.compile(
    rf"\b({'|'.join(m.capitalize() for m in _MONTHS)}|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?"
)
_CAPITALISED = re.compile(r"[^\W\d_][\w’'&.\-]*", re.UNICODE)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")

# Function words that start sentences; a capitalised word at the start of a
# sentence is a name only if it is neither one of these nor seen in lower case.
_COMMON_WORDS = """
a an the this that these those there then thus it its in on at of for to from by with
without within into onto upon about above after before below between during over under and
or but nor so yet if when while where whereas although though because since unless as he
she they we you i his her their our your my him them us me who whom whose which what why
how all any each every some many much more most few no not none one other such both either
neither according however therefore moreover furthermore meanwhile also indeed still even
only just here now today yesterday tomorrow last next first second third finally later
earlier speaking talking asked said says told let may might must shall should will would
can could do does did has have had is are was were be been being dear sir
"""
_COMMON = frozenset(_COMMON_WORDS.split())


@dataclass(frozen=True)
class Facts:
    numbers: frozenset[float | str]
    names: frozenset[str]


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    word = word.lower()
    return {"bn": 1e9, "m": 1e6}.get(word, _SCALES.get(word, 1.0))


def numbers(text: str) -> set[float | str]:
    """Numeric values, ordinals (as their value) and months (as "month:<name>")."""
    found: set[float | str] = set()
    for match in _ORDINAL.finditer(text):
        found.add(float(_ORDINALS[match.group(1).lower()]))
    for match in _MONTH.finditer(text):
        name = match.group(1).lower()[:3]
        if match.group(1) == "May" and not re.match(r"May\s+\d", text[match.start() :]):
            continue  # the modal verb at a sentence start, not the month
        found.add(f"month:{name}")
    for match in _NUMBER.finditer(text):
        value = float(match.group(1).replace(",", "")) * _scale(match.group(2))
        found.add(round(value, 6))
    for match in _WORD_NUMBER.finditer(text):
        tens, unit, single, scale = match.groups()
        if tens:
            value = _TENS[tens.lower()] + (_UNITS[unit.lower()] if unit else 0)
        else:
            value = _UNITS[single.lower()]
        found.add(float(value) * _scale(scale))
    return found


def name_parts(text: str) -> tuple[set[str], set[str]]:
    """Capitalised words and acronyms: (names wherever they stand, sentence
    starts). A sentence's first word is a name only if it is not a common
    word (checked here) and the corpus never uses it in lower case (checked
    by FactParts.resolve, once the corpus is known): split so that the costly
    part is computed once per text."""
    anywhere: set[str] = set()
    sentence_starts: set[str] = set()
    for sentence in sentences(text):
        first = True
        for match in _CAPITALISED.finditer(sentence):
            token = _POSSESSIVE.sub("", match.group(0).strip(".-’'"))
            if len(token) > 1 and "." in token and token.replace(".", "").isupper():
                token = token.replace(".", "")  # U.S. = US
            if len(token) > 2 and token[-1] == "s" and token[:-1].isupper():
                token = token[:-1]  # CDs = CD
            if not token:
                first = False
                continue
            key = token.lower()
            if len(token) >= 2 and token.isupper():  # an acronym
                anywhere.add(key)
            elif token[0].isupper() and key not in _COMMON:
                (sentence_starts if first else anywhere).add(key)
            first = False
    return anywhere, sentence_starts


@dataclass(frozen=True)
class FactParts:
    """A paragraph's facts before the corpus's lower-case vocabulary is known
    (see :func:`name_parts`): what the feature cache keeps per text."""

    numbers: frozenset[float | str]
    names: frozenset[str]
    sentence_starts: frozenset[str]

    def resolve(self, lowercase_vocabulary: set[str] | frozenset[str]) -> Facts:
        starts = {key for key in self.sentence_starts if key not in lowercase_vocabulary}
        return Facts(self.numbers, self.names | starts)

    def to_json(self) -> str:
        return json.dumps([list(self.numbers), sorted(self.names), sorted(self.sentence_starts)])

    @classmethod
    def from_json(cls, data: str) -> FactParts:
        values, anywhere, starts = json.loads(data)
        return cls(frozenset(values), frozenset(anywhere), frozenset(starts))


def vocabulary_words(text: str) -> list[str]:
    """The distinct words `text` writes in lower case, less the common words:
    the corpus's vocabulary (FactParts.resolve) is their union, and it is
    asked only about sentence starts that are not common words."""
    return list(dict.fromkeys(w for w in raw_words(text) if w.islower() and w not in _COMMON))


def fact_parts(text: str) -> FactParts:
    """What `text` states; `.resolve(vocabulary)` gives its Facts."""
    anywhere, starts = name_parts(text)
    return FactParts(frozenset(numbers(text)), frozenset(anywhere), frozenset(starts))


def conflict(a: Facts, b: Facts) -> str | None:
    """Why two paragraphs state different facts, or None.

    Numbers conflict when they were substituted: each side has a number the
    other lacks (36 vs 4 hours). Names are weaker evidence (a paraphrase may
    write "the company" for "Meta", "VBA" for "Visual Basic for
    Applications"; on MRPC a name substitution is no evidence against a
    paraphrase at all), so names conflict only when both sides name someone
    or something and they share no name (India vs Indonesia).
    """

    def shown(values) -> str:
        return ", ".join(sorted(_fmt(x) for x in values)[:3])

    only_a, only_b = a.numbers - b.numbers, b.numbers - a.numbers
    if only_a and only_b:
        return f"numbers differ ({shown(only_a)} vs {shown(only_b)})"
    if a.names and b.names and not _share_a_name(a.names, b.names):
        return f"names differ ({shown(a.names)} vs {shown(b.names)})"
    return None


def _share_a_name(a: frozenset[str], b: frozenset[str]) -> bool:
    """Equal names, or one the other's stem (India / Indian, Pakistan / Pakistani)."""
    if a & b:
        return True
    return any(
        (x.startswith(y) or y.startswith(x)) and min(len(x), len(y)) >= 4 for x in a for y in b
    )


def _fmt(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
