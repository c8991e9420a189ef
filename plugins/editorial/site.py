"""Site-wide steps of a build, between Pelican's objects and the pure logic.

Nothing here imports Pelican: articles are duck-typed (`source_path`,
`relative_source_path`, `metadata`, `url`, `title`, `_content`), so the same
functions serve the build, `invoke check` and the tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editorial import preview
from editorial import settings as plugin_settings
from editorial.findings import (
    ACKNOWLEDGE_KEY,
    AcknowledgementError,
    Finding,
    InputError,
    apply_acknowledgements,
    parse_acknowledgements,
)
from editorial.paragraphs import paragraph_anchor, paragraphs_from_metadata
from editorial.repeats import Document, RepeatSettings, find_repeats


def display_path(path: str, root: str | None = None) -> str:
    """A path as findings show it: relative to `root` (default: the current
    directory) when inside it, so messages read `content/x.md:12: ...`."""
    root = os.path.abspath(root or os.getcwd())
    path = os.path.abspath(path)
    if os.path.commonpath([root, path]) == root:
        return os.path.relpath(path, root)
    return path


def _oldest_first(article: Any) -> tuple:
    date = getattr(article, "date", None)
    return (date.isoformat() if date else "", article.source_path)


def documents_from_articles(articles: Iterable[Any]) -> list[Document]:
    """Documents in the order the detector wants: oldest article first, so a
    later article is the one that repeats an earlier one."""
    return [
        Document(display_path(a.source_path), paragraphs_from_metadata(a.metadata))
        for a in sorted(articles, key=_oldest_first)
    ]


def repeat_settings(settings: Mapping[str, Any]) -> RepeatSettings:
    def get(name: str) -> Any:
        return plugin_settings.get(settings, name)

    cache_dir = get("EDITORIAL_CACHE_DIR")
    if cache_dir:
        path = Path(os.path.expanduser(str(cache_dir)))
        if not path.is_absolute():
            path = Path(settings.get("PATH") or os.getcwd()).resolve().parent / path
        cache_dir = str(path / "repeats")
    model = get("EDITORIAL_REPEATS_MODEL") or "packaged"
    if model != "packaged":
        model_path = Path(os.path.expanduser(str(model)))
        if not model_path.is_absolute():
            model_path = Path(settings.get("PATH") or os.getcwd()).resolve().parent / model_path
        model = str(model_path)
    return RepeatSettings(
        min_words=int(get("EDITORIAL_MIN_WORDS")),
        semantic=bool(get("EDITORIAL_REPEATS_SEMANTIC")),
        model=model,
        cache_dir=cache_dir or None,
        near_threshold=float(get("EDITORIAL_REPEATS_NEAR")),
        paraphrase_threshold=float(get("EDITORIAL_REPEATS_PARAPHRASE")),
        same_facts_threshold=float(get("EDITORIAL_REPEATS_SAME_FACTS")),
        corroborated_threshold=float(get("EDITORIAL_REPEATS_CORROBORATED")),
    )


def detect(documents: Sequence[Document], settings: Mapping[str, Any]) -> list[Finding]:
    return find_repeats(documents, repeat_settings(settings))


@dataclass
class Review:
    """What the build learnt about the site's articles."""

    findings: list[Finding]
    errors: list[InputError]
    articles: dict[str, Any]  # display path -> article
    texts: dict[tuple[str, int], str]  # (display path, ordinal) -> paragraph text


def review_articles(articles: Sequence[Any], settings: Mapping[str, Any]) -> Review:
    """Detect repeats across `articles` and apply each article's acknowledgements."""
    documents = documents_from_articles(articles)
    by_path = {display_path(a.source_path): a for a in articles}
    acknowledged: dict[str, frozenset[int]] = {}
    errors: list[InputError] = []
    for path, article in by_path.items():
        try:
            acknowledged[path] = parse_acknowledgements(article.metadata.get(ACKNOWLEDGE_KEY))
        except AcknowledgementError as error:
            errors.append(InputError(path, _metadata_line(article.source_path), str(error)))
    findings = apply_acknowledgements(detect(documents, settings), acknowledged)
    texts = {(d.path, p.ordinal): p.text for d in documents for p in d.paragraphs}
    return Review(findings, errors, by_path, texts)


def _metadata_line(source_path: str) -> int:
    try:
        lines = Path(source_path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    return next(
        (n for n, line in enumerate(lines, 1) if line.lower().startswith(ACKNOWLEDGE_KEY + ":")),
        0,
    )


def mark_flagged_paragraphs(review: Review) -> None:
    """Preview only: edit each flagged article's `_content` (before anything
    reads `.content`, which Pelican memoizes) to mark its flagged paragraphs.

    Links to another article use Pelican's `{filename}` syntax, which Pelican
    resolves to that article's URL when it renders the content."""
    notes: dict[str, dict[int, str]] = {}
    for finding in review.findings:
        other = finding.repeats
        if other.file == finding.file:
            href = f"#{paragraph_anchor(other.paragraph)}"
        else:
            target = review.articles[other.file].relative_source_path.replace(os.sep, "/")
            href = f"{{filename}}/{target}#{paragraph_anchor(other.paragraph)}"
        notes.setdefault(finding.file, {})[finding.paragraph] = preview.flag_note(finding, href)
    for path, article_notes in notes.items():
        article = review.articles[path]
        article._content = preview.mark_paragraphs(article._content, article_notes)


def report_rows(review: Review) -> list[preview.ReportRow]:
    titles = {path: str(a.title) for path, a in review.articles.items()}
    urls = {path: a.url for path, a in review.articles.items()}
    return preview.report_rows(review.findings, review.texts, titles, urls)
