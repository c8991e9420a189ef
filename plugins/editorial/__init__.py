"""The editorial plugin: flags repeated paragraphs and links named entities.

`register()` connects the receivers below to Pelican's documented signals;
the work is done by plain functions in the sibling modules
(docs/architecture.md). The site-wide receiver sends `review_ready` with the
findings, so `invoke build` and `invoke publish` get them from the build
itself instead of computing them again.
"""

from __future__ import annotations

import logging

from blinker import signal
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator

from editorial import outputs, preview, project, site
from editorial import settings as plugin_settings
from editorial.entities.generator import EntityPagesGenerator, entity_generator
from editorial.findings import summary_line
from editorial.report import REPORT_SAVE_AS, EditorialReportGenerator

# Under "pelican." so that Pelican's log handling sees our messages.
logger = logging.getLogger("pelican.editorial")

# Sent once per build with the site's `site.Review`, after the findings are known.
review_ready = signal("editorial.review-ready")


def add_paragraph_extension(pelican) -> None:
    """Signal `initialized`: Pelican's Markdown reader records paragraphs."""
    project.add_paragraph_extension(pelican.settings)


def warm_model(pelican) -> None:
    """Signal `initialized`: the embedding model loads while Pelican reads,
    if an article changed since the last detection (site.warm_model)."""
    site.warm_model(pelican.settings)


def add_rst_reader(readers) -> None:
    """Signal `readers_init`: Pelican's rST reader records paragraphs too
    (unless the site configured a reader of its own for .rst)."""
    from pelican.readers import RstReader

    from editorial.restructuredtext import ParagraphRstReader

    for suffix in project.RST_SUFFIXES:
        extension = suffix.lstrip(".")
        if readers.reader_classes.get(extension) is RstReader:
            readers.reader_classes[extension] = ParagraphRstReader


def add_generators(pelican) -> list[type]:
    """Signal `get_generators`: entity pages (when a registry is configured)
    and, in previews, the editorial report."""
    generators: list[type] = []
    entities = entity_generator(pelican.settings)
    if entities is not None:
        generators.append(entities)
    if plugin_settings.get(pelican.settings, "EDITORIAL_PREVIEW"):
        generators.append(EditorialReportGenerator)
    return generators


def finalize_site(generators) -> None:
    """Signal `all_generators_finalized`: every article and page has been read.

    Stops the build when two items would be written to one file; reviews
    the articles for repeats, links entities, marks flagged
    paragraphs in previews (the one place that writes `_content`), then
    describes the entities for the theme."""
    articles, pages = contents(generators)
    if not articles and not pages:
        return
    settings = generators[0].settings
    check_outputs([*articles, *pages], generators)
    review = site.review_articles(articles, settings)
    log_review(review, settings)
    entities = next((g for g in generators if isinstance(g, EntityPagesGenerator)), None)
    notes = site.preview_notes(review) if plugin_settings.get(settings, "EDITORIAL_PREVIEW") else {}
    for content in (*articles, *pages):
        html = entities.link(content) if entities is not None else content._content
        marks = notes.get(id(content))
        content._content = preview.mark_paragraphs(html, marks) if marks else html
    if entities is not None:
        entities.describe(articles, pages)
    generators[0].context["editorial_review"] = review
    review_ready.send(review)


def check_outputs(items: list, generators) -> None:
    """Raise OutputCollision, before Pelican writes over one of them, when two
    items or an item and one of the site's own pages share an output file."""
    settings = generators[0].settings
    generated: dict[str, str] = {}  # the plugin's own pages
    for generator in generators:
        if isinstance(generator, EditorialReportGenerator):
            generated[REPORT_SAVE_AS] = "the editorial report"
        elif isinstance(generator, EntityPagesGenerator):
            index = plugin_settings.get(settings, "ENTITIES_SAVE_AS")
            generated[index] = "the index of entities"
    root = project.project_dir(settings)
    clashes = outputs.collisions(
        items,
        lambda p: project.display_path(p, root),
        outputs.reserved_outputs(settings, generated),
    )
    if clashes:
        raise outputs.OutputCollision(clashes)


# Every article and page Pelican read, whatever its status or language.
ARTICLE_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations",
                 "drafts", "drafts_translations")  # fmt: skip
PAGE_LISTS = ("pages", "translations", "hidden_pages", "hidden_translations",
              "draft_pages", "draft_translations")  # fmt: skip


def contents(generators) -> tuple[list, list]:
    """(articles, pages) of the build, each item once."""
    found: dict[str, dict[int, object]] = {"articles": {}, "pages": {}}
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            kind, lists = "articles", ARTICLE_LISTS
        elif isinstance(generator, PagesGenerator):
            kind, lists = "pages", PAGE_LISTS
        else:
            continue
        for name in lists:
            for item in getattr(generator, name, ()):
                found[kind].setdefault(id(item), item)
    return list(found["articles"].values()), list(found["pages"].values())


def log_review(review: site.Review, settings) -> None:
    for error in review.errors:
        logger.error("%s", error.as_text())
    level = plugin_settings.log_level(settings)
    quiet = min(level, logging.INFO)
    for finding in review.findings:
        # Acknowledged findings are listed but are not a warning any more.
        logger.log(quiet if finding.acknowledged else level, "%s", finding.as_text())
    unacknowledged = any(not f.acknowledged for f in review.findings)
    line = summary_line(review.findings, len(review.articles))
    logger.log(level if unacknowledged else quiet, "%s", line)


def register() -> None:
    signals.initialized.connect(add_paragraph_extension)
    signals.initialized.connect(warm_model)
    signals.readers_init.connect(add_rst_reader)
    signals.get_generators.connect(add_generators)
    signals.all_generators_finalized.connect(finalize_site)
