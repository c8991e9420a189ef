"""Names that articles use but the registry lacks (``invoke entities --suggest``).

Pure: give it each article's body text (:func:`markdown_texts` for a
Markdown source, :func:`html_texts` for the HTML another reader made) and a
:class:`Matcher`. Text is taken from the same zones the linker links in (not
headings, links or code); whatever
the registry already matches is masked out; what remains is scanned for
capitalised phrases ("Digital Services Coordinator", "Ministry of X and Y")
and acronyms ("MeitY", "GACs"). A capitalised word that starts a sentence
is only suggested if it also appears capitalised mid-sentence somewhere.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import markdown
from bs4 import BeautifulSoup, Comment
from markdown.treeprocessors import Treeprocessor

from editorial.entities.linker import NO_LINK_TAGS
from editorial.entities.matcher import Matcher

_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")
_WORD = r"[A-Z][\w\u2019'&.-]*\w|[A-Z]"
_CONNECTOR = r"(?:of the|of|and|for|de|du|da|der|von|van|na|la|le|del|y|&)"
_PHRASE = re.compile(rf"(?<![\w\u2019'])(?:{_WORD})(?:[ ](?:{_CONNECTOR}[ ])?(?:{_WORD}))*")
_SENTENCE_END = re.compile(r"[.!?:;\u201c\"(\[][\s\u201d\u2019\"')\]]*$")
_POSSESSIVE = re.compile(r"[\u2019']s$")


# Words that start sentences; dropped from the front of a phrase found there.
def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STARTERS = _wordset(
    """a an the in on at by for from of to as if it its his her their our we
    they he she this that these those there here when where while what which who
    why how after before since until under over each every other some many most
    one two three four five six seven eight nine ten both all any no not but and
    or so yet also according speaking however although though because earlier
    later staff short grievance industry sectoral firms users until then once
    """
)
_NEVER = _wordset(
    """I January February March April May June July August September October
    November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    Article Articles Chapter Section"""
)


@dataclass(frozen=True)
class Suggestion:
    name: str
    count: int
    files: tuple[str, ...]


class _TextCollector(Treeprocessor):
    """Keeps the text of the document just converted, outside the no-link zones."""

    texts: list[str]

    def run(self, root: etree.Element) -> None:
        self.texts = list(_texts_outside_zones(root))


def _texts_outside_zones(root: etree.Element) -> Iterator[str]:
    """Text and tails in document order, outside the no-link zones."""
    if root.tag in NO_LINK_TAGS:
        return
    if root.text:
        yield root.text
    for child in root:
        if isinstance(child.tag, str):
            yield from _texts_outside_zones(child)
        if child.tail:
            yield child.tail


def markdown_texts(source: str, md: markdown.Markdown) -> list[str]:
    """The body text of a Markdown document outside the no-link elements;
    ``md`` is configured as the site's reader is
    (``editorial.project.make_markdown``)."""
    collector = _TextCollector(md)
    # After Python-Markdown's own tree processors (inline, prettify), as the
    # article's HTML is when it is linked; same name, so it replaces itself.
    md.treeprocessors.register(collector, "editorial_suggest", 4)
    md.reset()
    md.convert(source)
    return collector.texts


def html_texts(html: str) -> list[str]:
    """The text of an article's HTML (an rST article's, as Pelican's reader
    made it) outside the no-link elements."""
    soup = BeautifulSoup(html, "html.parser")
    return [
        str(text)
        for text in soup.find_all(string=True)
        if not isinstance(text, Comment)
        and not any(parent.name in NO_LINK_TAGS for parent in text.parents)
    ]


def _phrases(text: str, matcher: Matcher | None) -> Iterator[tuple[str, bool]]:
    """(phrase, at sentence start) for each capitalised phrase not in the registry."""
    text = _PLACEHOLDER.sub(" \x00 ", text)
    if matcher is not None:
        pieces, position = [], 0
        for candidate in matcher.candidates(text):
            if candidate.start < position:
                continue
            pieces.append(text[position : candidate.start])
            pieces.append(" \x00 ")
            position = candidate.end
        pieces.append(text[position:])
        text = "".join(pieces)
    text = re.sub(r"\s+", " ", text)
    for match in _PHRASE.finditer(text):
        start = match.start()
        at_start = start == 0 or bool(_SENTENCE_END.search(text[max(0, start - 8) : start]))
        for part in _split_and(match.group(0)):
            yield from _phrase(part, at_start)
            at_start = False


def _split_and(phrase: str) -> list[str]:
    """ "Ministry of Electronics and Information Technology" is one name;
    "Bolo Bhi and Digital Rights Foundation" are two."""
    if " and " not in phrase or " of " in phrase.split(" and ", 1)[0]:
        return [phrase]
    return phrase.split(" and ")


def _phrase(phrase: str, at_start: bool) -> Iterator[tuple[str, bool]]:
    phrase = _POSSESSIVE.sub("", phrase.rstrip(".-"))
    words = phrase.split(" ")
    if at_start:
        while words and words[0].lower() in _STARTERS:
            words.pop(0)
            at_start = False  # what remains was not the sentence's first word
        if not words:
            return
    while words and words[-1].lower() in _CONNECTOR_WORDS:
        words.pop()
    phrase = " ".join(words)
    if not phrase or phrase in _NEVER or len(phrase) < 2:
        return
    yield phrase, at_start and len(words) == 1


_CONNECTOR_WORDS = frozenset(("of", "the", "and", "for", "de", "du", "da", "der", "von", "van",
                              "na", "la", "le", "del", "y", "&"))  # fmt: skip


def suggest(
    documents: Iterable[tuple[str, list[str]]],
    matcher: Matcher | None,
    min_count: int = 1,
) -> list[Suggestion]:
    """``documents``: (display path, body texts). Most frequent first."""
    counts: Counter[str] = Counter()
    files: dict[str, set[str]] = defaultdict(set)
    mid_sentence: set[str] = set()
    for path, texts in documents:
        for text in texts:
            for phrase, at_start in _phrases(text, matcher):
                counts[phrase] += 1
                files[phrase].add(path)
                if not at_start:
                    mid_sentence.add(phrase)
    result = [
        Suggestion(name, count, tuple(sorted(files[name])))
        for name, count in counts.items()
        if count >= min_count and (name in mid_sentence or _looks_like_name(name))
    ]
    result.sort(key=lambda s: (-s.count, s.name.casefold()))
    return result


def _looks_like_name(phrase: str) -> bool:
    """A single word seen only at sentence starts: keep acronyms only."""
    return sum(1 for ch in phrase if ch.isupper()) >= 2


def format_suggestions(suggestions: list[Suggestion], limit: int | None = None) -> str:
    if not suggestions:
        return "No names missing from the registry."
    shown = suggestions[:limit] if limit else suggestions
    width = max(len(s.name) for s in shown)
    lines = [f"{'count':>5}  {'name':<{width}}  files"]
    for s in shown:
        lines.append(f"{s.count:>5}  {s.name:<{width}}  {', '.join(s.files)}")
    if len(shown) < len(suggestions):
        lines.append(f"... and {len(suggestions) - len(shown)} more (use --limit 0 for all)")
    return "\n".join(lines)
