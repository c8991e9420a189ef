"""The editorial plugin: flags repeated paragraphs and links named entities.

This module only connects receivers to Pelican's signals; the work is done by
plain functions in the sibling modules (see README, "Architecture").
"""

from __future__ import annotations

import logging
import sys

from pelican import signals

from editorial import settings as plugin_settings
from editorial import site
from editorial.entities import wiring as entity_wiring
from editorial.findings import format_json, summary_line
from editorial.paragraphs import ParagraphExtension

logger = logging.getLogger(__name__)


class _ErrorCollector(logging.Handler):
    """Remembers the errors logged during a build (Pelican logs a skipped
    article as an error and still exits 0), so `invoke build` can fail."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # Pelican logs "Could not process x.md" without the reason unless
        # DEBUG is on; the handler runs inside its `except`, so ask sys.
        error = (record.exc_info or sys.exc_info())[1]
        if error is not None:
            message += f": {type(error).__name__}: {error}"
        self.messages.append(message)


_errors = _ErrorCollector()


def collect_errors(pelican) -> None:
    root = logging.getLogger()
    if not [h for h in root.handlers if h is not _errors]:
        # `pelican --log-handler plain` installs no handler and relies on
        # logging's last resort, which our collector would switch off.
        plain = logging.StreamHandler()
        plain.setLevel(logging.WARNING)
        plain.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        root.addHandler(plain)
    _errors.messages.clear()
    if _errors not in root.handlers:
        root.addHandler(_errors)


def add_markdown_extensions(pelican) -> None:
    """Let Pelican's Markdown reader record paragraphs (one parse per article)."""
    markdown_settings = pelican.settings.setdefault("MARKDOWN", {})
    extensions = markdown_settings.setdefault("extensions", [])
    if not any(isinstance(e, ParagraphExtension) for e in extensions):
        extensions.append(ParagraphExtension())


def add_generators(pelican):
    from editorial.generators import EditorialReportGenerator

    return EditorialReportGenerator


def review_repeats(generators) -> None:
    """Site-wide: compare every article's paragraphs, log the findings, mark previews."""
    articles_generator = next((g for g in generators if hasattr(g, "articles")), None)
    if articles_generator is None:
        return
    settings = articles_generator.settings
    articles = [
        *articles_generator.articles,
        *articles_generator.translations,
        *articles_generator.drafts,
        *articles_generator.drafts_translations,
    ]
    review = site.review_articles(articles, settings)
    for error in review.errors:
        logger.error("%s", error.as_text())
    level = plugin_settings.log_level(settings)
    for finding in review.findings:
        # Acknowledged findings are listed but are not a warning any more.
        logger.log(
            min(level, logging.INFO) if finding.acknowledged else level, "%s", finding.as_text()
        )
    summary = summary_line(review.findings, len(articles))
    unacknowledged = any(not f.acknowledged for f in review.findings)
    logger.log(level if unacknowledged else min(level, logging.INFO), "%s", summary)
    if plugin_settings.get(settings, "EDITORIAL_PREVIEW"):
        site.mark_flagged_paragraphs(review)
    articles_generator.context["editorial_review"] = review
    findings_file = plugin_settings.get(settings, "EDITORIAL_FINDINGS_FILE")
    if findings_file:
        with open(findings_file, "w", encoding="utf-8") as stream:
            stream.write(format_json(review.findings, len(articles), errors=_errors.messages))


def register() -> None:
    signals.initialized.connect(collect_errors)
    signals.initialized.connect(add_markdown_extensions)
    # Entity linking: loads the registry (a broken one stops the build before
    # anything is read); the entity generator links the articles once read.
    signals.initialized.connect(entity_wiring.load_entities)
    signals.get_generators.connect(add_generators)
    signals.get_generators.connect(entity_wiring.get_generators)
    signals.all_generators_finalized.connect(review_repeats)
