"""`invoke check`: the editorial checks without building the site.

Exit status: 0 when there are no unacknowledged findings, 1 when there are,
2 on bad input or usage (the message names the file and line).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from editorial import progress, project, site
from editorial.entities.loading import registry_problems
from editorial.findings import FORMATTERS, Finding, InputError, format_json
from editorial.lint import lint_article
from editorial.sources import parse_article, read_source

EXIT_CLEAN, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


@dataclass
class CheckResult:
    findings: list[Finding]
    errors: list[InputError]
    articles: int

    @property
    def unacknowledged(self) -> list[Finding]:
        return [f for f in self.findings if not f.acknowledged]

    @property
    def exit_code(self) -> int:
        if self.errors:
            return EXIT_BAD_INPUT
        return EXIT_FINDINGS if self.unacknowledged else EXIT_CLEAN


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
    parsed: list[Path] = []  # resolved, one per source
    content_root = Path(settings["PATH"])
    for path in project.markdown_files(existing, excludes):
        display = project.display_path(path, display_root)
        text = read_source(path, display)
        if isinstance(text, InputError):
            errors.append(text)
            continue
        errors.extend(lint_article(path, display, text, content_root))
        sources.append(parse_article(text, display, md))
        parsed.append(path.resolve())
    content_root = content_root.resolve()
    errors.extend(registry_problems(settings, display_root))
    if not paths:
        return CheckResult(site.review_sources(sources, settings), errors, len(sources))
    inside: list[site.Source] = []
    outside: list[site.Source] = []
    for source, path in zip(sources, parsed, strict=True):
        (inside if path.is_relative_to(content_root) else outside).append(source)
    findings = site.review_sources(outside, settings) if outside else []
    if inside:
        findings += _against_the_site(inside, parsed, settings, md, display_root)
    return CheckResult(findings, errors, len(sources))


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
    for path in project.markdown_files([content_root], excludes):
        if path.resolve() in parsed:
            continue
        display = project.display_path(path, display_root)
        text = read_source(path, display)
        if not isinstance(text, InputError) and text.strip():
            sources.append(parse_article(text, display, md))
    shown = {s.path for s in given}
    return [f for f in site.review_sources(sources, settings) if f.file in shown]


def lint_content(root: Path, settings: dict[str, Any]) -> list[InputError]:
    """Lint every Markdown file under the content directory (articles and
    pages) and the entity registry; paths are shown relative to the project `root`."""
    content_root = Path(settings["PATH"])
    errors: list[InputError] = []
    for path in project.markdown_files([content_root]):
        display = project.display_path(path, root)
        text = read_source(path, display)
        if isinstance(text, InputError):
            errors.append(text)
        else:
            errors.extend(lint_article(path, display, text, content_root))
    return errors + registry_problems(settings, root)


def check(
    root: Path,
    paths: Sequence[str] = (),
    *,
    output_format: str = "text",
    settings_file: str = "pelicanconf.py",
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Print the findings in `output_format` (text, json, github); return the exit status."""
    if output_format not in FORMATTERS:
        print(
            f"check: unknown format {output_format!r}; use one of: {', '.join(FORMATTERS)}",
            file=err,
        )
        return EXIT_BAD_INPUT
    with progress.shown(err):
        result = run_check(root, paths, project.read_settings(root, settings_file))
    for error in result.errors:
        print(error.as_text(), file=err)
    if output_format == "json":
        print(format_json(result.findings, result.articles, result.errors), file=out)
    else:
        print(FORMATTERS[output_format](result.findings, result.articles), file=out)
    return result.exit_code
