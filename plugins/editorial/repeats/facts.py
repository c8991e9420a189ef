"""Facts a paragraph states: numbers and names, and whether two paragraphs conflict.

Spun copy keeps the facts (the 64% and the 30, Clegg and Meta) while rewording
everything else; two different statements about one subject change them
("within 36 hours" in India, "within 4 hours" in Indonesia). So facts are used
as a *veto*: a pair whose numbers or names were *substituted* (each side has
one the other lacks) is not a repeat, however similar it reads. Facts earn no
credit: paragraphs without numbers or names would "agree" trivially, and names
shared by every paragraph on one topic (Pakistan, Congress) prove nothing.

A fact present on one side only is not a conflict: copies add or drop a
sentence. Facts have kinds, and only a substitution within one kind is a
conflict: amounts (``1,500`` = ``1500`` = ``1.5 million`` / 1000,
``thirty-six`` = ``36``, ``three`` = ``3``, ``64%`` = ``64 per cent``),
ranks (``third`` = ``3rd``: "the third in a series" is not "the second of
three"), months, and days of a month (``1 July`` = ``July 1st`` = ``the
first of July``). Names are compared case-insensitively without a possessive
's, allowing one typo in a long name. Quoted phrases are deliberately not
compared: spun copy rewrites quotations too (seed paragraphs 5 and 10).

A capitalised word that starts a sentence ("Considering", "Authors") is not
taken for a name unless its document also writes it capitalised in the
middle of a sentence (Pakistan, Clegg): names recur, sentence openers do not.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from editorial.repeats.text import sentences

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
    rf"|({_NUMBER_WORDS})|(?:a|one)(?=\s+(?:hundred|thousand|million|billion)\b))\b"
    r"(?:\s+(hundred|thousand|million|billion)\b)?",
    re.IGNORECASE,
)
# Ordinals ("the seventh passage", "Secondly,") and months ("January 16" vs
# "February 16") are facts too: they tell list items and dates apart.
_ORDINAL = re.compile(rf"\b({'|'.join(_ORDINALS)})(?:ly)?\b", re.IGNORECASE)
_MONTH = re.compile(
    rf"\b({'|'.join(m.capitalize() for m in _MONTHS)}|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b\.?"
)
_MONTH_WORDS = (
    rf"(?:{'|'.join(m.capitalize() for m in _MONTHS)}|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_AND_A_HALF = re.compile(r" and a half\b(?:\s+(hundred|thousand|million|billion)\b)?", re.I)
_ORDINAL_SUFFIX = re.compile(r"\d(?:st|nd|rd|th)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# The number of a date ("1 July", "July 1st", "the first of July"): a day.
_DAY = re.compile(
    rf"\b(\d{{1,2}}(?:st|nd|rd|th)?|{'|'.join(_ORDINALS)})\s+(?:of\s+)?{_MONTH_WORDS}"
    rf"|{_MONTH_WORDS}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(r"[^\W\d_][\w’'&.\-]*", re.UNICODE)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")

# Capitalised words that are never names: function words that start
# sentences, titles (the name follows them), and days and months (dates are
# facts of their own kind).
_COMMON_WORDS_TEXT = """
a an the this that these those there then thus it its in on at of for to from by with
without within into onto upon about above after before below between during over under and
or but nor so yet if when while where whereas although though because since unless as he
she they we you i his her their our your my him them us me who whom whose which what why
how all any each every some many much more most few no not none one other such both either
neither according however therefore moreover furthermore meanwhile also indeed still even
only just here now today yesterday tomorrow last next first second third finally later
earlier speaking talking asked said says told let may might must shall should will would
can could do does did has have had is are was were be been being dear sir
mr mrs ms miss dr prof dame lord lady madam
monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
"""
COMMON_WORDS = frozenset(_COMMON_WORDS_TEXT.split())


@dataclass(frozen=True)
class Facts:
    numbers: frozenset[float | str]
    names: frozenset[str]
    # Capitalised sentence openers not known to be names: they never make a
    # conflict, but one that the other side names is a shared name.
    openers: frozenset[str] = frozenset()


def _scale(word: str | None) -> float:
    if not word:
        return 1.0
    word = word.lower()
    return {"bn": 1e9, "m": 1e6}.get(word, _SCALES.get(word, 1.0))


def numbers(text: str) -> set[float | str]:
    """The numeric facts of `text`, each of its kind: amounts as their value,
    ranks as "rank:N", months as "month:<name>", days of a month as "day:N"."""
    found: set[float | str] = set()
    days = _day_spans(text, found)

    def add(match: re.Match[str], value: float | str) -> None:
        if not any(start <= match.start() < end for start, end in days):
            found.add(value)

    for match in _ORDINAL.finditer(text):
        add(match, f"rank:{_ORDINALS[match.group(1).lower()]}")
    for match in _MONTH.finditer(text):
        name = match.group(1).lower()[:3]
        if match.group(1) == "May" and not re.match(r"May\s+\d", text[match.start() :]):
            continue  # the modal verb at a sentence start, not the month
        found.add(f"month:{name}")
    for match in _NUMBER.finditer(text):
        value = float(match.group(1).replace(",", "")) * _scale(match.group(2))
        if _ORDINAL_SUFFIX.search(match.group(0).rstrip("ly")) and not match.group(2):
            add(match, f"rank:{int(value)}")  # 3rd, 21st
        else:
            add(match, round(value, 6))
    for match in _WORD_NUMBER.finditer(text):
        tens, unit, single, scale = match.groups()
        if tens:
            value = _TENS[tens.lower()] + (_UNITS[unit.lower()] if unit else 0)
        elif single:
            value = _UNITS[single.lower()]
        else:
            value = 1  # "a hundred", "one million"
        half = _AND_A_HALF.match(text, match.end())
        if half and not scale:  # "two and a half years", "... and a half million"
            value, scale = value + 0.5, half.group(1)
        add(match, float(value) * _scale(scale))
    return found


def _day_spans(text: str, found: set[float | str]) -> list[tuple[int, int]]:
    """Adds the days of dates in `text` to `found` (with the month and year
    of an ISO date, 2025-07-01); returns where their numbers stand (they are
    dates, not amounts or ranks)."""
    spans = []
    for match in _ISO_DATE.finditer(text):
        year, month, day = (int(part) for part in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.update({float(year), f"month:{_MONTHS[month - 1][:3]}", f"day:{day}"})
            spans.append(match.span())
    for match in _DAY.finditer(text):
        group = 1 if match.group(1) else 2
        raw = match.group(group).lower()
        digits = raw.rstrip("stndrh")
        found.add(f"day:{int(digits) if digits.isdigit() else _ORDINALS[raw]}")
        spans.append(match.span(group))
    return spans


def name_parts(text: str) -> tuple[set[str], set[str]]:
    """Capitalised words and acronyms: (names inside sentences, and acronyms
    anywhere; capitalised sentence openers). An opener is a name only if its
    document writes it inside a sentence too (FactParts.resolve)."""
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
            elif token[0].isupper() and key not in COMMON_WORDS:
                (sentence_starts if first else anywhere).add(key)
            first = False
    return anywhere, sentence_starts


@dataclass(frozen=True)
class FactParts:
    """A paragraph's facts before its document's names are known (see
    :func:`name_parts`): what the feature cache keeps per text."""

    numbers: frozenset[float | str]
    names: frozenset[str]
    sentence_starts: frozenset[str]

    def resolve(self, document_names: set[str] | frozenset[str]) -> Facts:
        """The facts, its openers that `document_names` (the names its
        document writes inside sentences) holds counted as names."""
        named = self.sentence_starts & document_names
        return Facts(self.numbers, self.names | named, self.sentence_starts - named)

    def to_json(self) -> str:
        return json.dumps([list(self.numbers), sorted(self.names), sorted(self.sentence_starts)])

    @classmethod
    def from_json(cls, data: str) -> FactParts:
        values, anywhere, starts = json.loads(data)
        return cls(frozenset(values), frozenset(anywhere), frozenset(starts))


def fact_parts(text: str) -> FactParts:
    """What `text` states; `.resolve(document_names)` gives its Facts."""
    anywhere, starts = name_parts(text)
    return FactParts(frozenset(numbers(text)), frozenset(anywhere), frozenset(starts))


def conflict(a: Facts, b: Facts) -> str | None:
    """Why two paragraphs state different facts, or None.

    Numbers conflict when they were substituted: each side has a fact of one
    kind that the other lacks (36 vs 4 hours; the third vs the second; 1 vs
    2 July), but a day is no substitute for an amount. Names are weaker
    evidence (a paraphrase may write "the company" for "Meta", "VBA" for
    "Visual Basic for Applications"; on MRPC a name substitution is no
    evidence against a paraphrase at all), so names conflict only when both
    sides name someone or something and they share no name (India vs
    Indonesia).
    """

    def shown(values) -> str:
        return ", ".join(sorted(_fmt(x) for x in values)[:3])

    for kind in {_kind(x) for x in a.numbers ^ b.numbers}:
        only_a = {x for x in a.numbers - b.numbers if _kind(x) == kind}
        only_b = {x for x in b.numbers - a.numbers if _kind(x) == kind}
        if only_a and only_b:
            return f"numbers differ ({shown(only_a)} vs {shown(only_b)})"
    # A name of one side may open a sentence of the other ("Meta said" /
    # "said Meta"); an opener of both sides ("Signed by") is no name.
    shared = _share_a_name(a.names, b.names | b.openers) or _share_a_name(a.openers, b.names)
    if a.names and b.names and not shared:
        return f"names differ ({shown(a.names)} vs {shown(b.names)})"
    return None


def _kind(value: float | str) -> str:
    return value.split(":", 1)[0] if isinstance(value, str) else "amount"


def _share_a_name(a: frozenset[str], b: frozenset[str]) -> bool:
    """Equal names, one the other's stem (India / Indian, Pakistan /
    Pakistani), or long names one typo apart (Macron / Macorn)."""
    if a & b:
        return True
    return any(_same_name(x, y) for x in a for y in b)


def _same_name(x: str, y: str) -> bool:
    if (x.startswith(y) or y.startswith(x)) and min(len(x), len(y)) >= 4:
        return True
    return min(len(x), len(y)) >= 5 and _one_edit_apart(x, y)


def _one_edit_apart(x: str, y: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped."""
    if abs(len(x) - len(y)) > 1:
        return False
    head = next(
        (i for i, (p, q) in enumerate(zip(x, y, strict=False)) if p != q), min(len(x), len(y))
    )
    if len(x) == len(y):
        swapped = x[head + 2 :] == y[head + 2 :] and x[head : head + 2] == y[head : head + 2][::-1]
        return x[head + 1 :] == y[head + 1 :] or swapped
    longer, shorter = (x, y) if len(x) > len(y) else (y, x)
    return longer[head + 1 :] == shorter[head:]


_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def _fmt(value: float | str) -> str:
    """A fact as messages show it: 36, 3rd, day 1, jul."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    kind, _, shown = value.partition(":")
    if kind == "rank":
        n = int(shown)
        return f"{n}{'th' if 10 <= n % 100 <= 20 else _SUFFIXES.get(n % 10, 'th')}"
    return f"day {shown}" if kind == "day" else shown
