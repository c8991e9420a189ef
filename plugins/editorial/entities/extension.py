"""The Python-Markdown extension that links entity mentions (like ``abbr``).

A tree processor runs after inline processing and after ``attr_list``,
``abbr``, ``smarty``, ``toc`` and the editorial paragraph collector
(priority 3), so it sees the final text and no later processor attaches
attributes to, or nests anything around, our links.

Each link is left in the text as a placeholder around the name
(:func:`~editorial.entities.linker.mark_link`); the serialiser escapes the
name and leaves the placeholder alone. With ``expand=True`` our
postprocessor turns the placeholders into ``<a>`` tags; the Pelican wiring
uses ``expand=False`` and expands them in each article's HTML when Pelican
renders it, with the href for that page's site URL, after Pelican's own
``{filename}`` pass (whose regular expression would otherwise backtrack
through every link's attributes). Inserting ``<a>`` elements into the tree
instead made the serialiser and the ``unescape`` tree processor spend some
30 Python calls on each link, more than the matching itself (``invoke bench``).

The tree processor stores what the article mentions in ``md.Meta`` under
:data:`META_KEY` (like the paragraphs extension): Pelican copies ``Meta``
into the article's metadata, so the mentions survive Pelican's reader cache
and reach the site-wide step without re-reading the HTML.

Pelican converts formatted metadata fields (``Summary``) with the same
Markdown instance after ``md.reset()`` and with the ``meta`` preprocessor
removed. Those conversions are left unlinked: a summary is shown on listing
pages next to other summaries, where "first mention" means nothing, and the
body's mention list must not be overwritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from editorial.entities.linker import (
    EntityMention,
    Linker,
    LinkState,
    StartTags,
    expand_links,
    mark_link,
)

META_KEY = "editorial_entities"
PRIORITY = 3  # after inline (20), attr_list (8), abbr (7), smarty (6), toc (5), paragraphs (4);
# before unescape (0)


class _EntityTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, linker: Linker) -> None:
        super().__init__(md)
        self.linker = linker

    def run(self, root) -> None:
        md = self.md
        has_meta = "meta" in md.preprocessors
        runs = getattr(md, "editorial_entity_runs", 0)
        md.editorial_entity_runs = runs + 1
        if runs and getattr(md, "editorial_entity_meta", False) and not has_meta:
            return  # Pelican converting Summary (or another formatted field)
        md.editorial_entity_meta = has_meta
        stash = md.htmlStash.rawHtmlBlocks
        state = self.linker.link_tree(
            root, LinkState(raw_html=stash.__getitem__), make_link=mark_link
        )
        meta = getattr(md, "Meta", None)
        if meta is None:
            meta = md.Meta = {}
        # A one-item list, like every value of the meta extension; Pelican
        # unwraps it to the tuple itself.
        meta[META_KEY] = [state.rows()]


class _LinkExpander(Postprocessor):
    """Turns the tree processor's placeholders into ``<a>`` tags."""

    def __init__(self, md: markdown.Markdown, start_tags: StartTags) -> None:
        super().__init__(md)
        self.start_tags = start_tags

    def run(self, text: str) -> str:
        return expand_links(text, self.start_tags.__getitem__)


class EntityExtension(Extension):
    """Links the entities of ``linker``'s registry (see module docstring)."""

    def __init__(self, linker: Linker, *, expand: bool = True, **kwargs: Any) -> None:
        self.linker = linker
        self.expand = expand
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.registerExtension(self)
        md.treeprocessors.register(_EntityTreeprocessor(md, self.linker), META_KEY, PRIORITY)
        if self.expand:
            # After raw_html (30): a link holds no stash placeholder.
            start_tags = StartTags(self.linker.registry, self.linker.make_link)
            md.postprocessors.register(_LinkExpander(md, start_tags), META_KEY, 25)

    def reset(self) -> None:
        pass

    def __reduce__(self):
        # Pelican pickles its settings (which hold this extension) inside
        # Author/Category/Tag objects in its content cache. The registry and
        # automaton have no place there: a pickled copy is inert.
        return (InertEntityExtension, ())


class InertEntityExtension(Extension):
    """What an :class:`EntityExtension` becomes when pickled: links nothing."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        pass


def mention_rows(metadata: Mapping[str, Any]) -> tuple[tuple[str, int, bool], ...]:
    """The ``(id, count, linked)`` rows our extension left in an article's
    metadata (none if absent)."""
    value = metadata.get(META_KEY, ())
    if isinstance(value, list):  # Pelican keeps lists of several values as lists
        value = value[0] if len(value) == 1 else ()
    return tuple(value or ())


def mentions_from_metadata(metadata: Mapping[str, Any]) -> tuple[EntityMention, ...]:
    """The mentions our extension left in an article's metadata (none if absent)."""
    return tuple(map(EntityMention._make, mention_rows(metadata)))


def render(
    source: str, linker: Linker, extensions: Iterable[object] = ("extra", "meta")
) -> tuple[str, tuple[EntityMention, ...]]:
    """Convert Markdown ``source`` with linking; return (HTML, mentions)."""
    md = markdown.Markdown(extensions=[*extensions, EntityExtension(linker)])
    html = md.convert(source)
    return html, mentions_from_metadata(getattr(md, "Meta", {}) or {})
