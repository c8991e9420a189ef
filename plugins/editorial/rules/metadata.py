"""Rules on an article's metadata: summary, category, tags, stale drafts,
acknowledgements of paragraphs the article does not have."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from editorial import project
from editorial import settings as plugin_settings
from editorial.findings import ACKNOWLEDGE_KEY, AcknowledgementError, parse_acknowledgements
from editorial.rules.article import Article

if TYPE_CHECKING:
    from editorial.rules import Context

# What `invoke new` writes as the Summary; any summary starting with the
# marker counts as a placeholder.
PLACEHOLDER_MARK = "TODO"
SUMMARY_PLACEHOLDER = f"{PLACEHOLDER_MARK}: one or two sentences for article lists and feeds."


# The metadata Pelican, the theme and the plugin read (README, "Writing an
# article"), as their keys are spelt; any other key is kept, unused.
KNOWN_FIELDS = (
    "Title", "Date", "Modified", "Author", "Authors", "Category", "Tags", "Keywords",
    "Slug", "Summary", "Status", "Lang", "Translation", "Template", "Save_as", "URL",
    ACKNOWLEDGE_KEY.title(), "Editorial_Note", "Image",
)  # fmt: skip
_KNOWN_KEYS = {field.lower(): field for field in KNOWN_FIELDS}


def misspelt_field(article: Article, context: Context) -> Iterator[tuple[int, str]]:
    """A key one slip away from a known field ("Tag:", "Catgory:"): Pelican
    keeps it as metadata of its own and nothing reads it."""
    for key, (line, _) in article.meta.items():
        if key in _KNOWN_KEYS:
            continue
        # 0.85: one letter off a short key (Tag), a few off a long one
        # (Editor_Note), but not a key of its own that starts like one (Category_Id).
        close = difflib.get_close_matches(key, list(_KNOWN_KEYS), n=1, cutoff=0.85)
        if close:
            meant = _KNOWN_KEYS[close[0]]
            yield line, f"{key.title()}: is read by nothing; did you mean {meant}:?"


def summary_placeholder(article: Article, context: Context) -> Iterator[tuple[int, str]]:
    summary = article.value("summary")
    if summary.upper().startswith(PLACEHOLDER_MARK):
        yield article.line_of("summary"), f"Summary: is a placeholder ({summary!r})"


def summary_missing(article: Article, context: Context) -> Iterator[tuple[int, str]]:
    if not article.value("summary"):
        yield article.line_of("summary"), "no Summary:"


def category_missing(article: Article, context: Context) -> Iterator[tuple[int, str]]:
    if not article.value("category"):
        yield article.line_of("category"), "no Category:"


def tags_missing(article: Article, context: Context) -> Iterator[tuple[int, str]]:
    if not article.value("tags").strip(" ,;"):
        yield article.line_of("tags"), "no Tags:"


def stale_draft(article: Article, context: Context) -> Iterator[tuple[int, str]]:
    days = int(plugin_settings.get(context.settings, "EDITORIAL_STALE_DRAFT_DAYS"))
    written = article.date
    if article.is_draft and written is not None and (context.today - written).days > days:
        age = (context.today - written).days
        yield article.line_of("status"), f"a draft dated {written} ({age} days ago, over {days})"


def acknowledged_missing(article: Article, context: Context) -> Iterator[tuple[int, str]]:
    """Acknowledge_Repeats names a paragraph past the article's last one."""
    if ACKNOWLEDGE_KEY not in article.meta:
        return
    line, value = article.meta[ACKNOWLEDGE_KEY]
    try:
        wanted = parse_acknowledgements(value)
    except AcknowledgementError:
        return  # lint.py reports it as an error
    if not wanted:
        return
    if article.paragraphs is not None:
        count = len(article.paragraphs)
    else:
        from editorial.sources import parse_article

        markdown = _markdown(context)
        count = len(parse_article(article.text, article.display, markdown).document.paragraphs)
    beyond = sorted(n for n in wanted if n > count)
    if beyond:
        shown = ", ".join(str(n) for n in beyond[:5]) + (", ..." if len(beyond) > 5 else "")
        yield (
            line,
            (
                f"Acknowledge_Repeats names paragraph(s) {shown}, but the article has {count} "
                "paragraph(s)"
            ),
        )


_MARKDOWN: dict[int, tuple[Context, object]] = {}


def _markdown(context: Context):
    """One Markdown converter per check run (configured like Pelican's reader)."""
    cached = _MARKDOWN.get(id(context))
    if cached is None or cached[0] is not context:
        _MARKDOWN.clear()
        cached = _MARKDOWN[id(context)] = (context, project.make_markdown(context.settings))
    return cached[1]
