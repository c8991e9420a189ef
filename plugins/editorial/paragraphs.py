"""Paragraph records from the Markdown tree, with their source line numbers.

Python-Markdown does not track source positions, so this extension records
them on the way through: a preprocessor keeps the original lines, a
paragraph block processor remembers the raw block each top-level ``<p>`` was
made from, and a tree processor (after inline processing, so the text is
final) turns them into :class:`ParagraphRecord` objects and locates each
block's first line in the source.

The records are stored in ``md.Meta`` under :data:`META_KEY`: Pelican copies
``Meta`` into the article's metadata, so they travel with the article
through Pelican's reader cache. ``invoke check`` runs the same conversion
without a Pelican build, so the build and the check see the same paragraphs.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Sequence
from dataclasses import dataclass

import markdown
from markdown.blockprocessors import ParagraphProcessor
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

META_KEY = "editorial_paragraphs"

# Raw HTML and character references that Python-Markdown stashes leave
# placeholders in the tree text until serialisation.
_PLACEHOLDER = re.compile("\x02wzxhzdk:(\\d+)\x03")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ParagraphRecord:
    """One top-level paragraph of an article.

    ``ordinal`` is 1-based among the article's paragraphs; ``line`` is the
    1-based line of the paragraph's first line in the source file.
    """

    ordinal: int
    line: int
    text: str


class _SourceLines(Preprocessor):
    """Keeps the untouched source lines before any other preprocessor runs."""

    def __init__(self, md: markdown.Markdown, extension: ParagraphExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        # A conversion starts a document, even without a reset() before it.
        self.extension.source_lines = list(lines)
        self.extension.blocks = []
        return lines


class _RecordingParagraphProcessor(ParagraphProcessor):
    """Python-Markdown's paragraph processor, remembering each top-level
    paragraph's raw block (the text its source line is found by)."""

    def __init__(self, parser, extension: ParagraphExtension) -> None:
        super().__init__(parser)
        self.extension = extension

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks[0]
        count = len(parent)
        super().run(parent, blocks)
        top_level = parent is self.parser.root
        if top_level and len(parent) > count and parent[-1].tag == "p":
            self.extension.blocks.append((parent[-1], block))


class _ParagraphCollector(Treeprocessor):
    def __init__(self, md: markdown.Markdown, extension: ParagraphExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        if "meta" not in self.md.preprocessors:
            # Pelican's reader converts formatted metadata (Summary) with the
            # article's own Markdown instance, after deregistering the meta
            # preprocessor: a fragment, not the article. Its paragraphs get
            # no anchors (they would repeat the article's ids on every
            # listing page) and no records.
            return
        doc = self.extension
        stash = self.md.htmlStash.rawHtmlBlocks
        records = collect_records(doc.blocks, doc.source_lines, self.md.tab_length, stash)
        meta = getattr(self.md, "Meta", None)
        if meta is None:
            meta = self.md.Meta = {}
        # A one-item list, like every value of the meta extension; Pelican
        # unwraps it to the tuple itself.
        meta[META_KEY] = [records]


def collect_records(
    blocks: Sequence[tuple[etree.Element, str]],
    source_lines: Sequence[str],
    tab_length: int = 4,
    stash: Sequence[str] = (),
) -> tuple[ParagraphRecord, ...]:
    """Turn (element, raw block) pairs into records with source line numbers.

    A cursor walks forward through the source, so a paragraph that repeats
    an earlier one word for word is located at its own line, not the first.
    """
    stripped = [line.expandtabs(tab_length).strip() for line in source_lines]
    cursor = 0
    records: list[ParagraphRecord] = []
    for element, block in blocks:
        text = paragraph_text(element, stash)
        if not text:
            continue  # a placeholder for raw HTML, not prose
        block_lines = [line.strip() for line in block.split("\n")]
        first = next((line for line in block_lines if line), "")
        line_index = _find_line(stripped, first, cursor)
        if line_index is None:
            line_index = min(cursor, max(len(stripped) - 1, 0))
        else:
            cursor = line_index + len(block_lines)
        records.append(ParagraphRecord(len(records) + 1, line_index + 1, text))
        if "id" not in element.attrib:
            # A stable anchor per paragraph: findings, the preview marks and
            # readers can link to "¶9" of an article.
            element.set("id", paragraph_anchor(len(records)))
    return tuple(records)


def paragraph_anchor(ordinal: int) -> str:
    """The HTML id of paragraph `ordinal` (1-based) in an article page."""
    return f"para-{ordinal}"


def _find_line(lines: list[str], wanted: str, start: int) -> int | None:
    try:
        return lines.index(wanted, start)
    except ValueError:
        return None


def paragraph_text(element: etree.Element, stash: Sequence[str] = ()) -> str:
    """The visible text of a paragraph element, whitespace collapsed.

    ``stash`` is Python-Markdown's list of stashed raw HTML: placeholders for
    character references (``&amp;``) become their character, inline tags vanish.
    """

    raw_text = "".join(element.itertext())
    if "\x02" not in raw_text:  # the common case: nothing stashed
        return " ".join(html.unescape(raw_text).split())
    if not _PLACEHOLDER.sub("", raw_text).strip():
        return ""  # only stashed raw HTML or fenced code: a block, not prose

    def unstash(match: re.Match[str]) -> str:
        index = int(match.group(1))
        raw = str(stash[index]) if index < len(stash) else ""
        return html.unescape(_TAG.sub("", raw))

    # Code spans keep their text escaped (``&lt;``) until serialisation.
    text = _PLACEHOLDER.sub(unstash, html.unescape(raw_text))
    return _SPACE.sub(" ", text).strip()


class ParagraphExtension(Extension):
    """Records top-level paragraphs and their source lines (see module docstring).

    The state of the document being converted lives here and is cleared by
    `reset()`, which Python-Markdown calls before each new document."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source_lines: list[str] = []
        self.blocks: list[tuple[etree.Element, str]] = []

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)
        self.reset()
        # Before normalize_whitespace (30) and meta (27): the lines as in the file.
        md.preprocessors.register(_SourceLines(md, self), "editorial_source_lines", 40)
        md.parser.blockprocessors.register(
            _RecordingParagraphProcessor(md.parser, self), "paragraph", 10
        )
        # After inline (20), attr_list (8), abbr (7), smarty (6) and toc (5),
        # so the text is what readers see; before unescape (0).
        md.treeprocessors.register(_ParagraphCollector(md, self), "editorial_paragraphs", 4)

    def reset(self) -> None:
        self.source_lines = []
        self.blocks = []


def paragraphs_from_metadata(metadata: dict) -> tuple[ParagraphRecord, ...]:
    """The records our extension left in an article's metadata (none if absent)."""
    value = metadata.get(META_KEY, ())
    if isinstance(value, list):  # Pelican keeps lists of several values as lists
        value = value[0] if len(value) == 1 else ()
    return tuple(value)
