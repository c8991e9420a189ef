"""`invoke entities`: check the entity registry; `--suggest` lists names that
articles use but the registry lacks, most frequent first."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from editorial.entities import wiring
from editorial.entities.matcher import Matcher
from editorial.entities.pages import TYPE_LABELS
from editorial.entities.registry import TYPES, Registry, RegistryError, load_registry
from editorial.entities.suggest import format_suggestions, suggest

MARKDOWN_SUFFIXES = {".md", ".markdown", ".mkd", ".mdown"}


def read_settings(root: Path, settings_file: str = "pelicanconf.py") -> dict[str, Any]:
    from pelican.settings import read_settings as pelican_read_settings

    return pelican_read_settings(str(root / settings_file))


def load(settings: dict[str, Any]) -> Registry | None:
    path, _explicit = wiring.registry_path(settings)
    if path is None:
        return None
    return load_registry(path, wiring.display_path(path))


def summary(registry: Registry) -> str:
    by_type = Counter(e.type for e in registry)
    parts = [
        f"{by_type[t]} {TYPE_LABELS[t][0 if by_type[t] == 1 else 1].lower()}"
        for t in TYPES
        if by_type[t]
    ]
    return (
        f"{registry.path}: {len(registry)} entities ({', '.join(parts)}), "
        f"{registry.alias_count} names and aliases: OK"
    )


def markdown_documents(root: Path, content: Path) -> list[tuple[str, str]]:
    documents = []
    for path in sorted(content.rglob("*")):
        if path.suffix.lower() in MARKDOWN_SUFFIXES and path.is_file():
            try:
                shown = str(path.relative_to(root))
            except ValueError:
                shown = str(path)
            documents.append((shown, path.read_text(encoding="utf-8")))
    return documents


def run(
    root: Path,
    *,
    do_suggest: bool = False,
    min_count: int = 1,
    limit: int | None = None,
    settings_file: str = "pelicanconf.py",
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """Returns 0 when the registry is valid (and suggestions were printed), 1 otherwise."""
    settings = read_settings(root, settings_file)
    try:
        registry = load(settings)
    except RegistryError as error:
        print(error, file=err)
        return 1
    if registry is None:
        print("Entity linking is off (ENTITIES_FILE is empty).", file=out)
    else:
        print(summary(registry), file=out)
    if do_suggest:
        matcher = Matcher(
            registry or Registry({}),
            ignore_case=bool(settings.get("ENTITY_IGNORE_CASE", False)),
        )
        extensions = list(settings.get("MARKDOWN", {}).get("extensions", ["extra"]))
        extensions = [e for e in extensions if isinstance(e, str)] + ["markdown.extensions.meta"]
        documents = markdown_documents(root, Path(settings["PATH"]))
        suggestions = suggest(documents, matcher, extensions, min_count=min_count)
        print(f"\nNames in {len(documents)} files that the registry lacks:", file=out)
        print(format_suggestions(suggestions, limit), file=out)
    return 0
