"""The thin layer between Pelican and the pure entity modules.

* :func:`load_entities` (signal ``initialized``): load and validate the
  registry (a broken one stops the build with ``file:line: message``) and
  build the matcher once per build (both cached on disk, keyed by the
  registry's bytes, the settings and this package's code).
* :class:`EntitiesGenerator` (signal ``get_generators``): after the articles
  and pages are read (plugin generators run after Pelican's own), links
  every content item's HTML in one pass (:meth:`Linker.link_html
  <editorial.entities.linker.Linker.link_html>`) and keeps its mentions in
  its metadata; collects the mentions, gives each article its ``entities``
  list, and writes the entity pages and the index with the theme's
  ``entity.html`` and ``entities.html`` through Pelican's writer (so
  relative and absolute URLs both work).

Linking leaves each link in the article's HTML as a placeholder naming the
entity (``linker.mark_link``). The generator gives each content item that
has any an :class:`EntityLinks` expander, which runs right after Pelican's
own ``{filename}`` replacement in ``get_content``, with the same site URL,
so the links come out relative in previews and absolute when publishing.
Two things this avoids, each several percent of a build of 1,000 articles:
Pelican's ``{filename}`` machinery resolving ~10 entity links per article
(URL parsing, path lookups), and its link regular expression backtracking
through every attribute of every entity link.

Linking after reading, rather than inside Pelican's Markdown reader, also
means Pelican's content cache holds unlinked HTML: a registry change needs
no cache invalidation, the next build links against the new registry.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from pelican.generators import Generator

from editorial import settings as plugin_settings
from editorial.entities.automata import UnknownAutomatonError, automaton_class
from editorial.entities.linker import (
    LINK_MARK,
    META_KEY,
    MODES,
    Linker,
    LinkFactory,
    StartTags,
    expand_links,
)
from editorial.entities.matcher import Matcher
from editorial.entities.pages import EntityIndex, EntityPage, add_refs, build_index
from editorial.entities.registry import (
    PackedEntities,
    Registry,
    RegistryError,
    read_registry_bytes,
    registry_from_bytes,
)

# Under "pelican." so Pelican's own log handler (and --fatal) sees our messages:
# a plugin loaded from PLUGIN_PATHS is not under the "pelican" logger otherwise.
logger = logging.getLogger("pelican.editorial.entities")

STATE_KEY = "EDITORIAL_ENTITIES"  # in Pelican's settings: the loaded EntitiesState
_SOURCES = Path(__file__).resolve().parent
_CACHE_VERSION = 3


@dataclass
class EntitiesState:
    registry: Registry
    matcher: Matcher
    linker: Linker

    def __reduce__(self):
        # Kept in Pelican's settings, which Pelican pickles into its content
        # cache (inside Author/Category/Tag objects): nothing to keep there.
        return (_inert_state, ())


def _inert_state() -> None:
    return None


class RegistryAbort(SystemExit):
    """Stops Pelican with exit status 1, printing every registry problem.

    A SystemExit carrying the message, rather than a logged error: Python
    prints it on stderr whatever logging is configured (``--log-handler
    plain`` installs no handler), Pelican's ``main()`` does not turn it into
    a traceback, and no generator has run, so nothing is half-linked.
    """

    def __init__(self, error: RegistryError) -> None:
        super().__init__(f"ERROR: the entity registry is invalid; nothing was built.\n{error}")
        self.error = error


def registry_path(settings: dict[str, Any]) -> tuple[Path | None, bool]:
    """(path of the registry or None when disabled, whether it was set explicitly).

    A relative ENTITIES_FILE is resolved against the project directory: the
    parent of PATH, so the default ``content/entities.yml`` sits in PATH.
    """
    explicit = "ENTITIES_FILE" in settings
    value = plugin_settings.get(settings, "ENTITIES_FILE")
    if not value:
        return None, explicit
    path = Path(os.path.expanduser(str(value)))
    if not path.is_absolute():
        project = Path(settings.get("PATH") or os.getcwd()).resolve().parent
        path = project / path
    return path, explicit


def display_path(path: Path) -> str:
    """``content/entities.yml`` when under the current directory, else absolute."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_state(settings: dict[str, Any]) -> EntitiesState | None:
    """Registry, matcher and linker for these settings (None when disabled).

    Raises RegistryError (the messages name the file and line). The parsed
    registry and the built matcher are cached on disk (ENTITY_CACHE_DIR),
    keyed by the registry's bytes, the matching settings and this package's
    code: a 20,000-alias registry takes over a second to parse and
    validate, and some 50 ms to load from the cache.
    """
    path, explicit = registry_path(settings)
    if path is None:
        return None
    if not path.exists():
        # A site without a registry builds, unlinked (a warning if one was
        # configured: `invoke publish` makes warnings fatal).
        logger.log(
            logging.WARNING if explicit else logging.INFO,
            "No entity registry at %s: entity linking is off (create it, or set "
            "ENTITIES_FILE = None)",
            display_path(path),
        )
        return None
    shown = display_path(path)
    data = read_registry_bytes(path, shown)
    mode = link_mode(settings)
    ignore_case = bool(plugin_settings.get(settings, "ENTITY_IGNORE_CASE"))
    registry_digest = hashlib.sha256(data).hexdigest()
    cache_file = _cache_dir(settings)
    if cache_file is not None:
        # One cache file per registry file: a new version replaces the old one.
        which = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
        key = cache_key(registry_digest, ignore_case, automaton_class().name)
        cache_file = cache_file / f"registry-{which}-{key}.pickle"
    loaded = _load_cache(cache_file, shown)
    if loaded is None:
        registry = registry_from_bytes(data, shown)
        matcher = Matcher(registry, ignore_case=ignore_case)
        _store_cache(cache_file, registry, matcher)
    else:
        registry, matcher = loaded
    linker = Linker(matcher, mode=mode)
    return EntitiesState(registry, matcher, linker)


def _cache_dir(settings: dict[str, Any]) -> Path | None:
    value = plugin_settings.get(settings, "ENTITY_CACHE_DIR")
    if not value:
        return None
    path = Path(os.path.expanduser(str(value)))
    if not path.is_absolute():
        path = Path(settings.get("PATH") or os.getcwd()).resolve().parent / path
    return path / "entities"


def _load_cache(cache_file: Path | None, shown: str) -> tuple[Registry, Matcher] | None:
    if cache_file is None or not cache_file.exists():
        return None
    try:
        with open(cache_file, "rb") as stream:
            version, digest, entities, matcher = pickle.load(stream)
        if version != _CACHE_VERSION:
            return None
        return Registry(entities, shown, digest), matcher
    except Exception as error:  # a damaged cache is rebuilt, never fatal
        logger.debug("Ignoring the entity cache %s: %s", cache_file, error)
        return None


def _store_cache(cache_file: Path | None, registry: Registry, matcher: Matcher) -> None:
    if cache_file is None:
        return
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        payload = (_CACHE_VERSION, registry.digest, PackedEntities.pack(registry), matcher)
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as stream:
            pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache_file)
        which = cache_file.name.split("-")[1]
        for old in cache_file.parent.glob(f"registry-{which}-*.pickle"):
            if old != cache_file:
                old.unlink(missing_ok=True)
    except OSError as error:  # a read-only checkout still builds
        logger.debug("Cannot write the entity cache %s: %s", cache_file, error)


def link_mode(settings: dict[str, Any]) -> str:
    mode = str(plugin_settings.get(settings, "ENTITY_LINK_MODE")).lower()
    if mode not in MODES:
        raise ValueError(f"ENTITY_LINK_MODE = {mode!r}: use one of {', '.join(MODES)}")
    return mode


def cache_key(registry_digest: str, ignore_case: bool, automaton: str) -> str:
    """Everything that changes the cached registry and matcher: the
    registry's bytes, the matching setting, which automaton searches (a
    machine with daachorse and one without keep their own) and this
    package's code."""
    digest = hashlib.sha256()
    digest.update(f"{registry_digest}\0{ignore_case}\0{automaton}\0".encode())
    for source in sorted(_SOURCES.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def load_entities(pelican: Any) -> None:
    """Signal ``initialized``: see module docstring."""
    settings = pelican.settings
    try:
        link_mode(settings)
        state = load_state(settings)
    except RegistryError as error:
        fail(error)
    except UnknownAutomatonError as error:
        raise SystemExit(f"ERROR: {error}; nothing was built.") from error
    except ValueError as error:
        fail(RegistryError("pelicanconf.py", [(1, str(error))]))
    if state is None:
        return
    # The registry lives as long as the build: keep its (for a large registry,
    # hundreds of thousands of) objects out of every later garbage collection.
    gc.freeze()
    settings[STATE_KEY] = state
    if logger.isEnabledFor(logging.DEBUG):  # alias_count walks every entity (~20 ms at 10,000)
        logger.debug(
            "Entity registry %s: %d entities, %d names and aliases",
            state.registry.path, len(state.registry), state.registry.alias_count,
        )  # fmt: skip


def fail(error: RegistryError) -> None:
    """Stop the build, naming every problem as ``file:line: message``."""
    raise RegistryAbort(error) from error


def get_generators(pelican: Any):
    """Signal ``get_generators``."""
    return EntitiesGenerator if STATE_KEY in pelican.settings else None


class EntityLinks:
    """Turns the linker's placeholders into ``<a>`` tags whose href is
    the entity page's URL (``url(entity_id)``, from ENTITY_URL) joined to the
    site URL exactly as Pelican joins a ``{filename}`` link's (so relative
    in previews, absolute when publishing)."""

    def __init__(self, registry: Registry, url: Callable[[str], str], relative_urls: bool) -> None:
        self.registry = registry
        self.url = url
        self.relative_urls = relative_urls
        # site URL -> entity id -> start tag, filled as links are expanded: a
        # handful of site URLs per build (one per output depth in previews,
        # SITEURL when publishing).
        self._by_siteurl: dict[str, StartTags] = {}

    def href(self, entity_id: str, siteurl: str) -> str:
        """The href of ``entity_id``'s page from content rendered with ``siteurl``."""
        url = self.url(entity_id)
        if self.relative_urls:
            href = os.path.join(siteurl, url)
        else:
            href = urljoin(siteurl if siteurl.endswith("/") else siteurl + "/", url)
        return href.replace("\\", "/")

    def resolve(self, html: str, siteurl: str) -> str:
        """``html`` with every link placeholder turned into a link."""
        if not html:
            return html
        start_tags = self._by_siteurl.get(siteurl)
        if start_tags is None:
            factory = LinkFactory(lambda entity: self.href(entity.id, siteurl))
            start_tags = self._by_siteurl[siteurl] = StartTags(self.registry, factory)
        return expand_links(html, start_tags.__getitem__)


def expand_entity_links(contents: Iterable[Any], entity_links: EntityLinks) -> None:
    """Make each of ``contents`` expand its link placeholders with ``entity_links``
    whenever Pelican renders it: Pelican's ``get_content(siteurl)`` (memoised
    per site URL, and used for pages, listings and feeds alike) goes through
    ``_update_content``, which each item gets its own of (an instance
    attribute), right after Pelican's.

    Per item rather than through a subclass swapped in as the item's class:
    a class made at run time slowed every attribute lookup on articles (the
    theme makes some 55,000), about 90M instructions at 1,000 articles. Runs
    after the article and page generators have saved their content caches,
    so no cached copy holds it.
    """
    for content in contents:
        content._update_content = partial(_update_content_and_links, content, entity_links)


def _update_content_and_links(
    content: Any, entity_links: EntityLinks, html: str, siteurl: str
) -> str:
    html = type(content)._update_content(content, html, siteurl)
    return entity_links.resolve(html, siteurl)


class EntitiesGenerator(Generator):
    """Entity pages, the entity index, and ``entities`` on every article."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("readers_cache_name", "EntitiesGenerator-Readers")
        super().__init__(*args, **kwargs)
        self.state: EntitiesState = self.settings[STATE_KEY]
        self.index: EntityIndex | None = None

    def generate_context(self) -> None:
        """Runs after the article and page generators (plugin generators come later)."""
        context = self.context
        articles = _with_translations(
            [*context.get("articles", ()), *context.get("hidden_articles", ()),
             *context.get("drafts", ())]
        )  # fmt: skip
        pages = _with_translations(
            [*context.get("pages", ()), *context.get("hidden_pages", ()),
             *context.get("draft_pages", ())]
        )  # fmt: skip
        self.link([*articles, *pages])
        self.expand_links([*articles, *pages])
        self.describe(articles, pages)

    def link(self, contents: list[Any]) -> None:
        """Link every content item's HTML and keep what it mentions in its
        metadata (``META_KEY``), all in one pass: see :mod:`editorial.entities.linker`."""
        link_html = self.state.linker.link_html
        with collector_paused():
            for content in contents:
                html = getattr(content, "_content", None)
                # Already linked (the same object handed over twice): linking
                # again would nest placeholders.
                if html and LINK_MARK not in html:
                    content._content, state = link_html(html)
                    content.metadata[META_KEY] = state.rows()

    def expand_links(self, contents: list[Any]) -> None:
        """Give the content items that link entities an :class:`EntityLinks`
        (before anything renders content). A linked entity is a mentioned
        one, and every mentioned entity gets its page (:meth:`describe`)."""
        url_template = plugin_settings.get(self.settings, "ENTITY_URL")
        entity_links = EntityLinks(
            self.state.registry,
            lambda entity_id: url_template.format(id=entity_id),
            relative_urls=bool(self.settings["RELATIVE_URLS"]),
        )
        expand_entity_links((c for c in contents if _links_entities(c)), entity_links)

    def describe(self, articles: list[Any], pages: list[Any]) -> None:
        """The entity pages (the index of mentions) and what the theme shows
        about entities: ``entities`` (and, on articles, ``entities_jsonld``)
        on each content item, the entity pages' article lists, the index's
        groups."""
        context = self.context
        self.index = build_index(
            self.state.registry,
            articles,
            pages,
            url=plugin_settings.get(self.settings, "ENTITY_URL"),
            save_as=plugin_settings.get(self.settings, "ENTITY_SAVE_AS"),
        )
        for content in (*articles, *pages):
            content.entities = self.index.for_content(content)
        jsonld = ArticleJsonLd(self.env.policies)
        for article in articles:
            article.entities_jsonld = jsonld(article)
        # Only published articles are listed on entity pages.
        published = {id(a) for a in _with_translations(context.get("articles", ()))}
        add_refs(self.index, keep=lambda article: id(article) in published)
        context["entity_pages"] = list(self.index.pages.values())
        context["entity_groups"] = self.index.grouped()
        index_save_as = plugin_settings.get(self.settings, "ENTITIES_SAVE_AS")
        context["ENTITIES_URL"] = (
            plugin_settings.get(self.settings, "ENTITIES_URL") if index_save_as else ""
        )

    def generate_output(self, writer: Any) -> None:
        if self.index is None:
            return
        relative = self.settings["RELATIVE_URLS"]
        template = self.get_template("entity")
        for page in self.index.pages.values():
            if not page.save_as:
                continue
            writer.write_file(
                page.save_as, template, self.context, relative_urls=relative,
                url=page.url, entity=page, page_name="entity",
            )  # fmt: skip
        save_as = plugin_settings.get(self.settings, "ENTITIES_SAVE_AS")
        if save_as:
            writer.write_file(
                save_as, self.get_template("entities"), self.context, relative_urls=relative,
                url=plugin_settings.get(self.settings, "ENTITIES_URL"), page_name="entities",
            )  # fmt: skip


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for a while. The linking pass
    makes some 50 short-lived tuples and lists per article, none in a
    reference cycle: collections meanwhile would only walk Pelican's objects
    again (at 1,000 articles, an extra full collection and 50M instructions)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _links_entities(content: Any) -> bool:
    return LINK_MARK in (getattr(content, "_content", None) or "")


class ArticleJsonLd:
    """The schema.org JSON-LD of each article (what it mentions), ready for a
    ``<script>``, serialised as Jinja's ``tojson`` filter would with the
    environment's ``policies``.

    Built here rather than in article.html: the same expression there
    (``map``, ``striptags``, ``tojson`` over ~10 entities per article) cost
    about 2% of a build of 1,000 articles. Each entity's item is serialised
    once and spliced into every article that mentions it (serialising ten
    items per article cost another 0.7%), when the policies are Jinja's
    defaults; other policies get the whole document serialised per article.
    """

    def __init__(self, policies: Mapping[str, Any]) -> None:
        self.dumps = policies["json.dumps_function"]
        self.dumps_kwargs = dict(policies["json.dumps_kwargs"])
        # json.dumps with sort_keys or nothing: "mentions" comes last, items
        # are separated by ", " and each serialises the same on its own.
        self.splices = self.dumps in (None, json.dumps) and set(self.dumps_kwargs) <= {"sort_keys"}
        self._items: dict[int, str] = {}  # id(EntityPage) -> its item, serialised

    def __call__(self, article: Any) -> Markup | str:
        """The JSON-LD of ``article``; "" when it mentions nothing."""
        entities = getattr(article, "entities", None)
        if not entities:
            return ""
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": Markup(str(article.title)).striptags(),
            "datePublished": article.date.isoformat(),
            "mentions": [],
        }
        if self.splices:
            head = str(htmlsafe_json_dumps(data, **self.dumps_kwargs))
            if head.endswith("[]}"):
                items = ", ".join(map(self._item, entities))
                return Markup(f"{head[:-2]}{items}]}}")
        data["mentions"] = [page.jsonld for page in entities]
        return htmlsafe_json_dumps(data, dumps=self.dumps, **self.dumps_kwargs)

    def _item(self, page: EntityPage) -> str:
        item = self._items.get(id(page))
        if item is None:
            item = self._items[id(page)] = str(
                htmlsafe_json_dumps(page.jsonld, **self.dumps_kwargs)
            )
        return item


def _with_translations(items: list[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for item in items:
        seen.setdefault(id(item), item)
        for translation in getattr(item, "translations", ()) or ():
            seen.setdefault(id(translation), translation)
    return list(seen.values())
