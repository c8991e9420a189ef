"""Reading the project as Pelican reads it: settings, Markdown, paths.

The build, `invoke check`, `invoke entities` and `invoke publish` all read
the project through these functions, so they agree on what an article says,
where a file is and how a path is shown. No Pelican imports at module level:
the pure modules can use the path helpers without loading Pelican.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import markdown

from editorial.paragraphs import ParagraphExtension

# The suffixes Pelican's MarkdownReader reads (`MarkdownReader.file_extensions`).
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mkd", ".mdown")
# The suffixes Pelican's RstReader reads (`RstReader.file_extensions`).
RST_SUFFIXES = (".rst",)
ARTICLE_SUFFIXES = MARKDOWN_SUFFIXES + RST_SUFFIXES
META_EXTENSION = "markdown.extensions.meta"


def read_settings(
    root: Path, settings_file: str = "pelicanconf.py", override: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Pelican's settings from `root/settings_file`, as `pelican -s` reads them.

    Raises whatever the settings module raises (SyntaxError, NameError, ...):
    callers report it with the file and line (see `commands.build`).
    """
    from pelican.settings import read_settings as pelican_read_settings

    return pelican_read_settings(str(Path(root) / settings_file), override=dict(override or {}))


def site_now(settings: Mapping[str, Any]) -> datetime:
    """The current time in the site's TIMEZONE (Pelican's default: UTC)."""
    return datetime.now(ZoneInfo(str(settings.get("TIMEZONE") or "UTC")))


def project_dir(settings: Mapping[str, Any]) -> Path:
    """The project directory: the parent of the content directory (PATH)."""
    return Path(settings.get("PATH") or os.getcwd()).resolve().parent


def resolve(settings: Mapping[str, Any], value: str | os.PathLike) -> Path:
    """A path from a setting: `~` expanded, relative ones against the project."""
    path = Path(os.path.expanduser(str(value)))
    return path if path.is_absolute() else project_dir(settings) / path


def display_path(path: str | os.PathLike, root: str | os.PathLike | None = None) -> str:
    """A path as messages show it: relative to `root` (default: the current
    directory) when inside it, so findings read `content/x.md:12: ...`."""
    base = os.path.join(os.path.abspath(root or os.getcwd()), "")
    absolute = os.path.abspath(path)
    return absolute[len(base) :] if absolute.startswith(base) else absolute


def is_markdown(path: Path) -> bool:
    return path.suffix.lower() in MARKDOWN_SUFFIXES


def is_rst(path: Path) -> bool:
    return path.suffix.lower() in RST_SUFFIXES


def article_files(
    paths: Iterable[Path],
    excludes: Iterable[str] = (),
    suffixes: tuple[str, ...] = ARTICLE_SUFFIXES,
) -> list[Path]:
    """The article files (Markdown and reStructuredText) named, or found below
    the directories named, in order.

    `excludes` are directory names relative to a named directory, like
    Pelican's ARTICLE_EXCLUDES."""
    excludes = list(excludes)
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        skip = [path / name for name in excludes]
        for candidate in sorted(path.rglob("*")):
            # Not is_file(): a dangling link or an unreadable entry must be
            # reported when it is read, not skipped in silence.
            if candidate.suffix.lower() not in suffixes or candidate.is_dir():
                continue
            if not any(candidate.is_relative_to(s) for s in skip):
                found.append(candidate)
    return found


def read_as_article(path: Path, settings: Mapping[str, Any]) -> bool:
    """Whether Pelican reads `path` as an article: it is under one of
    ARTICLE_PATHS in the content folder (PATH) and not under ARTICLE_EXCLUDES
    (pages are). A file outside the content folder (`invoke check` on another
    folder) counts as an article."""
    content = Path(settings.get("PATH") or ".").resolve()
    try:
        relative = path.resolve().relative_to(content)
    except ValueError:
        return True
    excludes = path_list(settings, "ARTICLE_EXCLUDES")
    if any(relative.is_relative_to(excluded) for excluded in excludes):
        return False
    return any(relative.is_relative_to(top) for top in path_list(settings, "ARTICLE_PATHS") or [""])


def path_list(settings: Mapping[str, Any], name: str) -> list[str]:
    """A setting that lists paths (ARTICLE_PATHS, ARTICLE_EXCLUDES), as a
    list even when a site wrote one string."""
    value = settings.get(name) or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def markdown_config(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments of Pelican's `Markdown(...)` for these settings:
    MARKDOWN, with every configured extension listed and the meta extension
    added, as `pelican.readers.MarkdownReader` does."""
    config = copy.deepcopy(dict(settings.get("MARKDOWN") or {}))
    extensions = list(config.get("extensions") or [])
    configs = dict(config.get("extension_configs") or {})
    extensions += [name for name in configs if name not in extensions]
    if META_EXTENSION not in extensions:
        extensions.append(META_EXTENSION)
    config["extensions"] = extensions
    config["extension_configs"] = configs
    return config


def add_paragraph_extension(settings: dict[str, Any]) -> None:
    """Let Pelican's Markdown reader record paragraphs (one parse per article)."""
    extensions = settings.setdefault("MARKDOWN", {}).setdefault("extensions", [])
    if not any(isinstance(e, ParagraphExtension) for e in extensions):
        extensions.append(ParagraphExtension())


def make_markdown(settings: Mapping[str, Any] | None = None) -> markdown.Markdown:
    """A Markdown converter configured like Pelican's reader, with our
    extension; without `settings`, as Pelican's defaults configure it."""
    if settings is None:
        from pelican.settings import DEFAULT_CONFIG

        settings = DEFAULT_CONFIG
    config = markdown_config(settings)
    config["extensions"] = [
        e for e in config["extensions"] if not isinstance(e, ParagraphExtension)
    ] + [ParagraphExtension()]
    return markdown.Markdown(**config)
