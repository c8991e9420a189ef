"""`invoke check`: the editorial checks without building the site.

The editorial rules (`editorial.rules`) and the repeated paragraphs, over
content/ or the files and folders given. Exit status: 0 when nothing fails,
1 on errors or unacknowledged repeats (and on warnings with `strict`),
2 on bad input or usage (the message names the file and line).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from editorial import progress, project, site
from editorial import settings as plugin_settings
from editorial.entities.loading import registry_problems
from editorial.findings import (
    ERROR,
    FORMATTERS,
    RULE_REPEATED_PARAGRAPH,
    WARNING,
    Diagnostic,
    Finding,
    InputError,
    format_json,
    sort_diagnostics,
)
from editorial.lint import (
    NO_DATE,
    RST,
    RST_EMPTY_FILE,
    in_markup,
    linked_folders,
    lint_article,
    lint_rst,
)
from editorial.rules import RULES, Context, describe_rules, run_rules
from editorial.rules.article import Article
from editorial.rules.links import missing_targets
from editorial.sources import parse_article, parse_rst, read_source

if TYPE_CHECKING:
    from markdown import Markdown

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


@dataclass
class CheckResult:
    findings: list[Finding]
    errors: list[InputError]
    articles: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    drafts: frozenset[str] = frozenset()  # the drafts' paths, as shown

    @property
    def unacknowledged(self) -> list[Finding]:
        return [f for f in self.findings if not f.acknowledged]

    def failing(self, *, strict: bool = False) -> list[Finding | Diagnostic]:
        """What fails the check: errors and unacknowledged repeats, and
        warnings too when `strict`."""
        levels = (ERROR, WARNING) if strict else (ERROR,)
        return [*self.unacknowledged, *(d for d in self.diagnostics if d.severity in levels)]

    def exit_code(self, *, strict: bool = False) -> int:
        if self.errors:
            return EXIT_BAD_INPUT
        return EXIT_FINDINGS if self.failing(strict=strict) else EXIT_CLEAN


def run_check(
    root: Path,
    paths: Sequence[str] = (),
    settings: dict[str, Any] | None = None,
    display_root: Path | None = None,
) -> CheckResult:
    """Read the articles (content/ by default) and compute the findings.

    Given files under the content folder are compared with the whole site,
    and only their findings reported; files outside it are compared among
    themselves. Paths are shown relative to `display_root` (default: the
    current directory)."""
    settings = settings if settings is not None else project.read_settings(root)
    errors: list[InputError] = []
    if paths:
        targets = [Path(p) for p in paths]
        excludes: list[str] = []
    else:
        targets = [Path(settings["PATH"])]
        excludes = list(settings.get("ARTICLE_EXCLUDES", []))
    existing = []
    for target in targets:
        if target.exists():
            existing.append(target)
        else:
            shown = project.display_path(target, display_root)
            errors.append(InputError(shown, 0, "no such file"))
    md = project.make_markdown(settings)
    sources: list[site.Source] = []
    articles: list[Article] = []
    parsed: list[Path] = []  # resolved, one per source
    site_content = Path(settings["PATH"])
    files = [
        (path, content_root_for(target, site_content))
        for target in existing
        for path in project.article_files([target], excludes)
    ]
    disabled = plugin_settings.get(settings, "EDITORIAL_DISABLED_RULES")
    # Paragraph records (a Markdown conversion per file) only when repeats are
    # compared: publish runs the rules alone, its build has the findings.
    compare = RULE_REPEATED_PARAGRAPH not in disabled
    reader = _RstReaders(settings)
    for path, content_root in files:
        display = project.display_path(path, display_root)
        source, article, problems = _read_article(
            path, display, content_root, reader, md if compare else None
        )
        errors.extend(problems)
        if article is None:
            continue
        if not problems:  # a file without readable metadata says so first
            errors.extend(undated(article, settings))
        if compare:
            sources.append(source)
        articles.append(article)
        parsed.append(path.resolve())
    if not paths:  # the whole site, as Pelican would read it
        shown = functools.partial(project.display_path, root=display_root)
        errors += linked_folders(site_content, shown, project.ARTICLE_SUFFIXES)
    errors.extend(registry_problems(settings, display_root))
    findings = []
    if compare:
        findings = _repeats(sources, parsed, bool(paths), settings, md, display_root)
    context = Context(project.site_now(settings).date(), settings)
    diagnostics = run_rules(articles, context, disabled, site_wide=not paths)
    drafts = frozenset(a.display for a in articles if a.is_draft)
    return CheckResult(findings, errors, len(articles), sort_diagnostics(diagnostics), drafts)


class _RstReaders:
    """Pelican's rST reader with paragraph records, made when first needed."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.reader = None

    def get(self):
        if self.reader is None:
            from editorial.restructuredtext import ParagraphRstReader

            self.reader = ParagraphRstReader(self.settings)
        return self.reader


def _read_article(
    path: Path, display: str, content_root: Path, rst: _RstReaders, md: Markdown | None
) -> tuple[site.Source | None, Article | None, list[InputError]]:
    """One article file as the check reads it: its source for the repeats
    (for Markdown, only when `md` is given to convert it), its `Article` for
    the rules (None when the file could not be read), and its lint errors."""
    text = read_source(path, display)
    if isinstance(text, InputError):
        return None, None, [text]
    if project.is_rst(path):
        read = _read_rst(path, display, text, content_root, rst.get())
        return (None, None, read) if isinstance(read, list) else read
    errors = lint_article(path, display, text, content_root)
    source = parse_article(text, display, md) if md is not None else None
    return source, Article(path, display, text, content_root), errors


def _read_rst(
    path: Path, display: str, text: str, content_root: Path, reader: Any
) -> tuple[site.Source, Article, list[InputError]] | list[InputError]:
    """An rST article read by Pelican's reader: its source for the repeats,
    its `Article` for the rules, its lint; or what stopped the reading."""
    if not text.strip():
        return [InputError(display, 0, RST_EMPTY_FILE)]
    read = parse_rst(path, display, reader, text)
    if isinstance(read, InputError):
        return [read]
    source, rst = read
    problems = lint_rst(display, text, rst.title, rst.fields)
    records = source.document.paragraphs
    article = Article(path, display, text, content_root, rst.fields, RST, records)
    return source, article, problems


def undated(article: Article, settings: dict[str, Any]) -> list[InputError]:
    """A published article without a date, which Pelican would skip ("could
    not find information about 'date'"). A draft is dated when it is built,
    a skipped file is not built, DEFAULT_DATE dates every article, and pages
    need no date."""
    if article.value("date") or settings.get("DEFAULT_DATE"):
        return []
    # Pelican reads any case for draft, but skips a file only on 'skip' as written.
    if article.is_draft or article.value("status") == "skip":
        return []
    if not project.read_as_article(article.path, settings):
        return []
    message = in_markup(NO_DATE, article.markup)
    return [InputError(article.display, article.line_of("date"), message)]


def content_root_for(target: Path, site_content: Path) -> Path:
    """Where root-relative `{filename}/...` links of the files at `target`
    resolve: the site's content folder when `target` is in it; else the
    content folder (PATH) of the nearest `pelicanconf.py` above `target`;
    else the nearest folder above a file named like ours (`content`); else
    the folder given (a file's own folder)."""
    target, site_content = target.resolve(), site_content.resolve()
    if target.is_relative_to(site_content):
        return site_content
    above = [target, *target.parents] if target.is_dir() else list(target.parents)
    for folder in above:
        if (folder / "pelicanconf.py").is_file():
            try:
                return Path(project.read_settings(folder)["PATH"])
            except Exception:  # another site's settings that do not load: guess
                break
    if target.is_file():
        named = next((f for f in above if f.name == site_content.name), None)
        if named is not None:
            return named
    return target if target.is_dir() else target.parent


def _repeats(
    sources: list[site.Source],
    parsed: list[Path],
    given: bool,
    settings: dict[str, Any],
    md: Any,
    display_root: Path | None,
) -> list[Finding]:
    """The repeats among `sources` (the site's articles), or, for `given`
    files, those of the files under the content folder compared with the
    whole site plus those among the files outside it."""
    if not given:
        return site.review_sources(sources, settings)
    content_root = Path(settings["PATH"]).resolve()
    inside: list[site.Source] = []
    outside: list[site.Source] = []
    for source, path in zip(sources, parsed, strict=True):
        (inside if path.is_relative_to(content_root) else outside).append(source)
    findings = site.review_sources(outside, settings) if outside else []
    if inside:
        findings += _against_the_site(inside, parsed, settings, md, display_root)
    return findings


def _against_the_site(
    given: list[site.Source],
    parsed: list[Path],
    settings: dict[str, Any],
    md: Any,
    display_root: Path | None,
) -> list[Finding]:
    """The findings about `given` (files of the site's content folder) when
    compared with every article of the site; the other articles' own
    findings and problems are not reported."""
    content_root = Path(settings["PATH"]).resolve()
    excludes = list(settings.get("ARTICLE_EXCLUDES", []))
    sources = list(given)
    reader = _RstReaders(settings)
    for path in project.article_files([content_root], excludes):
        if path.resolve() in parsed:
            continue
        display = project.display_path(path, display_root)
        text = read_source(path, display)
        if isinstance(text, InputError) or not text.strip():
            continue
        if project.is_rst(path):
            read = parse_rst(path, display, reader.get(), text)
            if not isinstance(read, InputError):
                sources.append(read[0])
        else:
            sources.append(parse_article(text, display, md))
    shown = {s.path for s in given}
    return [f for f in site.review_sources(sources, settings) if f.file in shown]


def lint_content(root: Path, settings: dict[str, Any]) -> list[InputError]:
    """What stops a build: lint every article file under the content
    directory (articles and pages; rST files read by Pelican's reader, so a
    docutils error is reported at its line), look for `{filename}` links to nothing,
    and check the entity registry; paths are shown relative to the project `root`."""
    rule_hint = next(r.hint for r in RULES if r.id == "link-target-missing")
    content_root = Path(settings["PATH"])
    # A draft's links matter only where drafts are written (previews): a
    # publish build leaves drafts out, and `invoke check` still reports them.
    drafts_written = bool(settings.get("DRAFT_SAVE_AS"))
    errors: list[InputError] = []
    reader = _RstReaders(settings)
    for path in project.article_files([content_root]):
        display = project.display_path(path, root)
        _, article, problems = _read_article(path, display, content_root, reader, None)
        errors.extend(problems)
        if article is None:
            continue
        if not problems:  # a file without readable metadata says so first
            errors.extend(undated(article, settings))
        if drafts_written or not article.is_draft:
            errors.extend(InputError(display, line, f"{message}; {rule_hint}")
                          for line, message in missing_targets(article))  # fmt: skip
    shown = functools.partial(project.display_path, root=root)
    errors += linked_folders(content_root, shown, project.ARTICLE_SUFFIXES)
    return errors + registry_problems(settings, root)


def check(
    root: Path,
    paths: Sequence[str] = (),
    *,
    output_format: str = "text",
    strict: bool = False,
    list_rules: bool = False,
    settings_file: str = "pelicanconf.py",
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Print the findings in `output_format` (text, json, github); return the
    exit status (warnings fail only when `strict`). `list_rules` prints the
    rules instead."""
    if list_rules:
        print(describe_rules(), file=out)
        return EXIT_CLEAN
    if output_format not in FORMATTERS:
        print(
            f"check: unknown format {output_format!r}; use one of: {', '.join(FORMATTERS)}",
            file=err,
        )
        return EXIT_BAD_INPUT
    settings = project.read_settings(root, settings_file)
    problems = plugin_settings.validate(settings)
    if problems:
        for _, message in problems:
            print(InputError(settings_file, 0, message).as_text(), file=err)
        return EXIT_BAD_INPUT
    with progress.shown(err):
        result = run_check(root, paths, settings)
    for error in result.errors:
        print(error.as_text(), file=err)
    if output_format == "json":
        text = format_json(result.findings, result.articles, result.errors, result.diagnostics)
    else:
        text = FORMATTERS[output_format](result.findings, result.articles, result.diagnostics)
    print(text, file=out)
    return result.exit_code(strict=strict)
