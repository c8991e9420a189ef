"""Site-wide review: the articles' paragraphs in, findings and preview marks out.

Nothing here imports Pelican: articles are duck-typed (`source_path`,
`relative_source_path`, `metadata`, `date`), so the same functions serve the
build and the tests.
"""

from __future__ import annotations

import os
import threading
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
from editorial.lint import field_lines
from editorial.paragraphs import paragraph_anchor, paragraphs_from_metadata
from editorial.repeats import Document, RepeatSettings, find_repeats
from editorial.repeats.database import SNAPSHOT_FILENAME


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
            line = field_lines(article.source_path).get(ACKNOWLEDGE_KEY, 0)
            errors.append(InputError(path, line, str(error)))
            acknowledged = frozenset()
        date = getattr(article, "date", None)
        document = Document(path, paragraphs_from_metadata(article.metadata))
        sort_key = (date.isoformat() if date else "", article.source_path)
        sources.append(Source(path, sort_key, document, acknowledged))
    findings = review_sources(sources, settings)
    texts = {(s.path, p.ordinal): p.text for s in sources for p in s.document.paragraphs}
    return Review(findings, errors, by_path, texts)


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


def warm_model(settings: Mapping[str, Any]) -> threading.Thread | None:
    """Start loading the embedding model in a thread of its own, before
    Pelican reads the articles, when the detection will probably need it: an
    article file is newer than the last semantic detection's snapshot, or
    there is none. Returns the thread, or None when not started.

    After an edit, the detection embeds the edited paragraphs, and creating
    onnxruntime's session (0.15-0.2 s of CPU) would otherwise wait until
    every article is read. onnxruntime creates it without holding the GIL,
    so here it overlaps Pelican's reading (rebuild after one edit, 1,000
    articles, bench.site's site: 6.52 -> 6.27 s, medians of 5). A wrong guess
    costs the other core's time and the session's memory, never a result:
    the detection uses the encoder whoever loaded it (embeddings.Encoder.load)."""
    if plugin_settings.validate(settings):
        return None  # the build says what is wrong
    detector = repeat_settings(settings)
    if not detector.semantic or detector.cache_dir is None:
        return None
    snapshot = Path(detector.cache_dir) / SNAPSHOT_FILENAME
    if not _articles_newer_than(snapshot, settings):
        return None
    thread = threading.Thread(target=_load_model, args=(detector.model,), name="editorial-model")
    thread.start()
    return thread


def _articles_newer_than(reference: Path, settings: Mapping[str, Any]) -> bool:
    """Whether an article file changed after `reference` was written (True if
    there is no `reference`), looking where Pelican looks for articles:
    ARTICLE_PATHS under PATH, without ARTICLE_EXCLUDES or hidden entries."""
    try:
        since = reference.stat().st_mtime
    except OSError:
        return True
    content = str(settings.get("PATH") or ".")
    excludes = project.path_list(settings, "ARTICLE_EXCLUDES")
    excluded = {os.path.normpath(os.path.join(content, e)) for e in excludes}
    for top in project.path_list(settings, "ARTICLE_PATHS") or [""]:
        for directory, subdirectories, names in os.walk(os.path.join(content, top)):
            subdirectories[:] = [
                d for d in subdirectories
                if not d.startswith(".")
                and os.path.normpath(os.path.join(directory, d)) not in excluded
            ]  # fmt: skip
            for name in names:
                suffix = os.path.splitext(name)[1].lower()
                if name.startswith(".") or suffix not in project.ARTICLE_SUFFIXES:
                    continue
                try:
                    if os.stat(os.path.join(directory, name)).st_mtime > since:
                        return True
                except OSError:
                    continue  # gone since listed: Pelican will say, if it matters
    return False


def _load_model(model: str) -> None:
    try:
        from editorial.repeats.embeddings import load_encoder

        load_encoder(model).load()
    except Exception:  # the detection loads it again, and says why it cannot
        return
