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

from editorial import site
from editorial.findings import (
    FORMATTERS,
    Finding,
    InputError,
    apply_acknowledgements,
    format_json,
)
from editorial.lint import lint_article
from editorial.repeats import Document
from editorial.sources import (
    ArticleSource,
    make_markdown,
    markdown_files,
    parse_article,
    read_source,
)

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


def load_settings(root: Path, settings_file: str = "pelicanconf.py") -> dict[str, Any]:
    from pelican.settings import read_settings

    return read_settings(str(root / settings_file))


def run_check(
    root: Path,
    paths: Sequence[str] = (),
    settings: dict[str, Any] | None = None,
    display_root: Path | None = None,
) -> CheckResult:
    """Read the articles (content/ by default) and compute the findings.

    Paths are shown relative to `display_root` (default: the current directory)."""
    shown_from = str(display_root) if display_root else None
    settings = settings if settings is not None else load_settings(root)
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
            errors.append(InputError(site.display_path(str(target), shown_from), 0, "no such file"))
    md = make_markdown(settings.get("MARKDOWN"))
    sources: list[ArticleSource] = []
    content_root = Path(settings["PATH"])
    for path in markdown_files(existing, excludes):
        display = site.display_path(str(path), shown_from)
        text = read_source(path, display)
        if isinstance(text, InputError):
            errors.append(text)
            continue
        errors.extend(lint_article(path, display, text, content_root))
        sources.append(parse_article(text, display, md))
    sources.sort(key=lambda s: s.sort_key)
    documents = [Document(s.path, s.paragraphs) for s in sources]
    findings = site.detect(documents, settings)
    findings = apply_acknowledgements(findings, {s.path: s.acknowledged for s in sources})
    return CheckResult(findings, errors, len(sources))


def lint_content(root: Path, settings: dict[str, Any]) -> list[InputError]:
    """Lint every Markdown file under the content directory (articles and pages);
    paths are shown relative to the project `root`."""
    content_root = Path(settings["PATH"])
    errors: list[InputError] = []
    for path in markdown_files([content_root]):
        display = site.display_path(str(path), str(root))
        text = read_source(path, display)
        if isinstance(text, InputError):
            errors.append(text)
        else:
            errors.extend(lint_article(path, display, text, content_root))
    return errors


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
    result = run_check(root, paths, load_settings(root, settings_file))
    for error in result.errors:
        print(error.as_text(), file=err)
    if output_format == "json":
        print(format_json(result.findings, result.articles, result.errors), file=out)
    else:
        print(FORMATTERS[output_format](result.findings, result.articles), file=out)
    return result.exit_code
