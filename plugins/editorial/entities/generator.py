"""Pelican's side of entity linking: the entity generator.

The plugin returns :class:`EntityPagesGenerator` from the ``get_generators``
signal (:func:`entity_generator`) when linking is on. Pelican makes every
generator before reading anything, so the registry is loaded (and a broken
one stops the build, with every problem as ``path:line: message``) before
any article is read. The registry, matcher and linker live on the generator.

Once every article and page is read (signal ``all_generators_finalized``),
the plugin hands each to :meth:`~EntityPagesGenerator.link`, writes the HTML
it returns into the item, then calls :meth:`~EntityPagesGenerator.describe`
once. Pelican then writes the entity pages through
:meth:`~EntityPagesGenerator.generate_output`.

The links are Pelican's own intrasite links, ``{filename}/<ENTITY_SAVE_AS>``:
:meth:`~EntityPagesGenerator.describe` registers each entity page in the
context's ``generated_content`` under its ``save_as``, and Pelican resolves
the links whenever it renders the content, relative in previews and
absolute when publishing, in pages and feeds alike. When ENTITY_SAVE_AS is
empty there are no entity pages to link to: mentions are still counted
(entity lists, JSON-LD) but nothing is linked.

Linking after reading, rather than inside Pelican's Markdown reader, also
means Pelican's content cache holds unlinked HTML: a registry change needs
no cache invalidation, the next build links against the new registry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from pelican.generators import Generator

from editorial import settings as plugin_settings
from editorial.entities import loading
from editorial.entities.jsonld import Site, article_jsonld, entity_page_jsonld, share_image
from editorial.entities.linker import META_KEY, Linker
from editorial.entities.pages import (
    ArticleRef,
    EntityIndex,
    add_refs,
    article_ref,
    build_index,
    related_articles,
)
from editorial.entities.registry import Entity

logger = logging.getLogger("pelican.editorial.entities")


def entity_generator(settings: dict[str, Any]) -> type[EntityPagesGenerator] | None:
    """For the ``get_generators`` signal: the entity generator, or None when
    linking is off (ENTITIES_FILE empty, or the file missing: logged)."""
    return EntityPagesGenerator if loading.find_registry(settings) is not None else None


class EntityPagesGenerator(Generator):
    """Links entities in content, and writes the entity pages and index.

    Raises :class:`~editorial.entities.registry.RegistryError` when made
    with a broken registry.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A reader cache of its own, should content caching be on (this
        # generator reads no files, but every generator gets a Readers).
        kwargs.setdefault("readers_cache_name", "EntityPagesGenerator-Readers")
        super().__init__(*args, **kwargs)
        path = loading.registry_path(self.settings)
        if path is None:
            raise ValueError("ENTITIES_FILE is empty: entity linking is off")
        self.registry, self.matcher = loading.load(self.settings, path)
        self.save_as = plugin_settings.get(self.settings, "ENTITY_SAVE_AS")
        mode = plugin_settings.get(self.settings, "ENTITY_LINK_MODE") if self.save_as else "none"
        self.linker = Linker(self.registry, self.matcher, self.href, mode=mode)
        self.index: EntityIndex | None = None
        # id(item) -> (item, its linked HTML): an item handed over twice is
        # linked once (linking linked HTML would count its mentions wrongly).
        self._linked: dict[int, tuple[Any, str]] = {}
        logger.debug(
            "Entity registry %s: %d entities, %d search keys",
            self.registry.path, len(self.registry), self.matcher.size,
        )  # fmt: skip

    def href(self, entity: Entity) -> str:
        """Where ``entity``'s links point: its page, as a Pelican intrasite link."""
        return "{filename}/" + self.save_as.format(id=entity.id)

    def generate_context(self) -> None:
        """Nothing to do here: the articles are linked site-wide, once all are read."""

    def link(self, content: Any) -> str:
        """The HTML of ``content._content`` with its entity mentions linked.

        Records the mentions in ``content.metadata[META_KEY]`` (see
        :class:`~editorial.entities.linker.EntityMention`); does not change
        ``_content``, the caller writes the result there.
        """
        done = self._linked.get(id(content))
        if done is not None and done[0] is content:
            return done[1]
        html = content._content
        if html:
            html, state = self.linker.link_html(html)
            content.metadata[META_KEY] = state.mentions()
        else:
            content.metadata[META_KEY] = ()
        self._linked[id(content)] = (content, html)
        return html

    def describe(self, articles: Iterable[Any], pages: Iterable[Any]) -> None:
        """Once every article and page is linked: the entity pages (registered
        so that the links resolve), ``entities`` on each item, ``jsonld``
        (a ``NewsArticle``), ``share_image`` and ``related_articles`` (as
        :class:`~editorial.entities.pages.ArticleRef`) on each article, and
        the theme's context variables ``entity_pages``, ``entity_groups``,
        ``ENTITIES_URL`` and ``SITE_IMAGE_URL``.

        ``articles`` and ``pages``: every item linked, drafts and hidden ones
        included (an entity linked only in a draft needs its page, for the
        draft's preview); their translations are added. Entity pages list
        published articles only.
        """
        articles, pages = _with_translations(articles), _with_translations(pages)
        settings = self.settings
        self.index = build_index(
            self.registry, articles, pages,
            url=plugin_settings.get(settings, "ENTITY_URL"), save_as=self.save_as,
        )  # fmt: skip
        for content in (*articles, *pages):
            content.entities = self.index.for_content(content)
        published_articles = _with_translations(self.context.get("articles", ()))
        published = {id(a) for a in published_articles}
        refs: dict[int, ArticleRef] = {}  # each listed article's fields, read once
        add_refs(
            self.index, keep=lambda article: id(article) in published, html_of=self._html, refs=refs
        )  # fmt: skip
        site = self.site()
        related = related_articles(published_articles, self.index)
        for article in articles:
            others = related.get(id(article), [])
            article.related_articles = [article_ref(refs, other) for other in others]
        generated = self.context["generated_content"]
        for page in self.index.pages.values():
            page.page_jsonld = entity_page_jsonld(page.jsonld, site.absolute(page.url))
            if page.save_as:
                generated[page.save_as] = page  # what "{filename}/<save_as>" links resolve to
        # After the pages are registered: the description is the summary,
        # whose links Pelican resolves when it is first read.
        for article in articles:
            article.jsonld = article_jsonld(article, [p.jsonld for p in article.entities], site)
            article.share_image = share_image(article, site)
        self.context["SITE_IMAGE_URL"] = site.absolute(site.image)  # share cards' default
        self.context["entity_pages"] = list(self.index.pages.values())
        self.context["entity_groups"] = self.index.grouped()
        index_save_as = plugin_settings.get(settings, "ENTITIES_SAVE_AS")
        self.context["ENTITIES_URL"] = (
            plugin_settings.get(settings, "ENTITIES_URL") if index_save_as else ""
        )

    def site(self) -> Site:
        """The site as the JSON-LD describes it, from the settings."""
        settings = self.settings
        return Site(
            url=str(settings.get("SITEURL") or ""),
            name=str(settings.get("SITENAME") or ""),
            logo=str(plugin_settings.get(settings, "SITE_LOGO") or ""),
            image=str(plugin_settings.get(settings, "SITE_IMAGE") or ""),
        )

    def _html(self, content: Any) -> str:
        """The linked HTML of ``content`` ("" if it was not linked)."""
        done = self._linked.get(id(content))
        return done[1] if done is not None and done[0] is content else ""

    def generate_output(self, writer: Any) -> None:
        """Write each entity page (``entity.html``) and the index (``entities.html``)."""
        if self.index is None:
            return
        relative = self.settings["RELATIVE_URLS"]
        template = self.get_template("entity")
        for page in self.index.pages.values():
            if page.save_as:
                writer.write_file(
                    page.save_as, template, self.context, relative_urls=relative,
                    url=page.url, entity=page, page_name="entity",
                    # `page` as well: sitemap plugins take lastmod from
                    # the written context's article or page.
                    page=page,
                )  # fmt: skip
        save_as = plugin_settings.get(self.settings, "ENTITIES_SAVE_AS")
        if save_as:
            writer.write_file(
                save_as, self.get_template("entities"), self.context, relative_urls=relative,
                url=plugin_settings.get(self.settings, "ENTITIES_URL"), page_name="entities",
            )  # fmt: skip


def _with_translations(items: Iterable[Any]) -> list[Any]:
    """``items`` and their translations, each once."""
    seen: dict[int, Any] = {}
    for item in items:
        seen.setdefault(id(item), item)
        for translation in getattr(item, "translations", ()) or ():
            seen.setdefault(id(translation), translation)
    return list(seen.values())
