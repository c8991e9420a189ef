"""`invoke entities`: check the entity registry; `--suggest` lists names that
articles use but the registry lacks, most frequent first."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from editorial import project
from editorial.entities import loading
from editorial.entities.matcher import Matcher
from editorial.entities.pages import TYPE_LABELS
from editorial.entities.registry import TYPES, Registry, RegistryError
from editorial.entities.suggest import format_suggestions, html_texts, markdown_texts, suggest
from editorial.findings import InputError
from editorial.sources import parse_rst, read_source


def load(settings: dict[str, Any]) -> tuple[Registry, Matcher] | None:
    """The registry and matcher the build would use; None when ENTITIES_FILE
    is empty. A missing file is an error here (RegistryError), unlike in the
    build, which only turns linking off: this command is asked to check it."""
    path = loading.registry_path(settings)
    return None if path is None else loading.load(settings, path)


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


def article_texts(root: Path, settings: dict[str, Any], err: TextIO) -> list[tuple[str, list[str]]]:
    """(path as shown, body texts) of every article under the content folder,
    Markdown and reStructuredText, each read as the build reads it; a file
    that cannot be read is reported (`path:line: error: ...`) and skipped."""
    md = project.make_markdown(settings)
    rst_reader = None
    documents = []
    for path in project.article_files([Path(settings["PATH"])]):
        shown = project.display_path(path, root)
        text = read_source(path, shown)
        if isinstance(text, InputError):
            print(text.as_text(), file=err)
        elif not project.is_rst(path):
            documents.append((shown, markdown_texts(text, md)))
        elif text.strip():
            if rst_reader is None:
                from editorial.restructuredtext import ParagraphRstReader

                rst_reader = ParagraphRstReader(settings)
            read = parse_rst(path, shown, rst_reader, text)
            if isinstance(read, InputError):
                print(read.as_text(), file=err)
            else:
                documents.append((shown, html_texts(read[1].content)))
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
    settings = project.read_settings(root, settings_file)
    try:
        loaded = load(settings)
    except RegistryError as error:
        print(error, file=err)
        return 1
    if loaded is None:
        print("Entity linking is off (ENTITIES_FILE is empty).", file=out)
    else:
        print(summary(loaded[0]), file=out)
    if do_suggest:
        matcher = loaded[1] if loaded else Matcher(Registry({}))
        documents = article_texts(root, settings, err)
        suggestions = suggest(documents, matcher, min_count=min_count)
        print(f"\nNames in {len(documents)} files that the registry lacks:", file=out)
        print(format_suggestions(suggestions, limit), file=out)
    return 0
