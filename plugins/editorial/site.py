"""Site-wide review: the articles' paragraphs in, findings and preview marks out.

Nothing here imports Pelican: articles are duck-typed (`source_path`,
`relative_source_path`, `metadata`, `date`), so the same functions serve the
build and the tests.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from editorial import preview, progress, project
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


def repeat_settings(settings: Mapping[str, Any]) -> RepeatSettings:
    """The detector's settings from Pelican's (paths resolved against the project)."""

    def get(name: str) -> Any:
        return plugin_settings.get(settings, name)

    cache_dir = get("EDITORIAL_CACHE_DIR")
    model = get("EDITORIAL_REPEATS_MODEL") or "packaged"
    return RepeatSettings(
        min_words=int(get("EDITORIAL_MIN_WORDS")),
        semantic=bool(get("EDITORIAL_REPEATS_SEMANTIC")),
        model=model if model == "packaged" else str(project.resolve(settings, model)),
        cache_dir=str(project.resolve(settings, cache_dir) / "repeats") if cache_dir else None,
        near_threshold=float(get("EDITORIAL_REPEATS_NEAR")),
        paraphrase_threshold=float(get("EDITORIAL_REPEATS_PARAPHRASE")),
        same_facts_threshold=float(get("EDITORIAL_REPEATS_SAME_FACTS")),
        corroborated_threshold=float(get("EDITORIAL_REPEATS_CORROBORATED")),
        tokens_threshold=float(get("EDITORIAL_REPEATS_TOKENS")),
        learned_rule=bool(get("EDITORIAL_REPEATS_LEARNED")),
    )


@dataclass(frozen=True)
class Source:
    """What the review needs of one article: where it is, its paragraphs, and
    which findings about it are acknowledged."""

    path: str  # as messages show it
    sort_key: tuple[str, str]
    document: Document
    acknowledged: frozenset[int]


def review_sources(sources: Iterable[Source], settings: Mapping[str, Any]) -> list[Finding]:
    """The findings over `sources`, oldest article first (a later article is
    the one that repeats an earlier one), acknowledgements applied."""
    ordered = sorted(sources, key=lambda s: s.sort_key)
    documents = [s.document for s in ordered]
    detector = repeat_settings(settings)
    limit = plugin_settings.get(settings, "EDITORIAL_REPEATS_MAX_PARAGRAPHS")
    big = {d.path for d in documents if len(d.paragraphs) > limit} if detector.semantic else set()
    if not big:
        findings = find_repeats(documents, detector)
    else:
        findings = _capped_review(documents, detector, big, limit)
    return apply_acknowledgements(findings, {s.path: s.acknowledged for s in ordered})


def _capped_review(
    documents: list[Document], detector: RepeatSettings, big: set[str], limit: int
) -> list[Finding]:
    """Articles over the paragraph limit are compared for exact and near
    repeats only (the semantic stage grows with their size: a 5 MB article
    took 14 minutes and 2.4 GB); the others as usual."""
    for document in documents:
        if document.path in big:
            progress.logger.warning(
                "%s: %d paragraphs, more than EDITORIAL_REPEATS_MAX_PARAGRAPHS (%d): "
                "checked for exact and near repeats only, not paraphrases; split the "
                "article, or raise the setting",
                document.path, len(document.paragraphs), limit,
            )  # fmt: skip
    semantic = find_repeats([d for d in documents if d.path not in big], detector)
    lexical = find_repeats(documents, replace(detector, semantic=False))
    seen = {(f.file, f.paragraph) for f in semantic}
    extra = [
        f
        for f in lexical
        if (f.file in big or f.repeats.file in big) and (f.file, f.paragraph) not in seen
    ]
    order = {d.path: n for n, d in enumerate(documents)}
    return sorted([*semantic, *extra], key=lambda f: (order[f.file], f.paragraph))


@dataclass
class Review:
    """What the build learnt about the site's articles."""

    findings: list[Finding]
    errors: list[InputError]
    articles: dict[str, Any]  # display path -> article
    texts: dict[tuple[str, int], str]  # (display path, ordinal) -> paragraph text


def review_articles(articles: Sequence[Any], settings: Mapping[str, Any]) -> Review:
    """Detect repeats across Pelican's `articles` (paths shown relative to the
    project); a malformed acknowledgement is an error at its line."""
    sources: list[Source] = []
    errors: list[InputError] = []
    by_path: dict[str, Any] = {}
    root = project.project_dir(settings)  # findings name files as content/x.md
    for article in articles:
        path = project.display_path(article.source_path, root)
        by_path[path] = article
        try:
            acknowledged = parse_acknowledgements(article.metadata.get(ACKNOWLEDGE_KEY))
        except AcknowledgementError as error:
            errors.append(InputError(path, _metadata_line(article.source_path), str(error)))
            acknowledged = frozenset()
        date = getattr(article, "date", None)
        document = Document(path, paragraphs_from_metadata(article.metadata))
        sort_key = (date.isoformat() if date else "", article.source_path)
        sources.append(Source(path, sort_key, document, acknowledged))
    findings = review_sources(sources, settings)
    texts = {(s.path, p.ordinal): p.text for s in sources for p in s.document.paragraphs}
    return Review(findings, errors, by_path, texts)


def _metadata_line(source_path: str) -> int:
    try:
        lines = Path(source_path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    # "Acknowledge_Repeats: 9" in Markdown, ":acknowledge_repeats: 9" in rST.
    key = ACKNOWLEDGE_KEY + ":"
    found = (n for n, line in enumerate(lines, 1) if line.lower().removeprefix(":").startswith(key))
    return next(found, 0)


def preview_notes(review: Review) -> dict[int, dict[int, str]]:
    """Preview only: id(article) -> {paragraph ordinal: the note that marks it}.

    A note links the paragraph repeated: an anchor in the same article, or
    Pelican's `{filename}` syntax for another article, which Pelican
    resolves to that article's URL when it renders the content."""
    notes: dict[int, dict[int, str]] = {}
    for finding in review.findings:
        other = finding.repeats
        anchor = paragraph_anchor(other.paragraph)
        if other.file == finding.file:
            href = f"#{anchor}"
        else:
            target = review.articles[other.file].relative_source_path.replace(os.sep, "/")
            href = f"{{filename}}/{target}#{anchor}"
        article = review.articles[finding.file]
        notes.setdefault(id(article), {})[finding.paragraph] = preview.flag_note(finding, href)
    return notes
