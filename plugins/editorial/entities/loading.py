"""From Pelican's settings to a loaded registry and its matcher.

:func:`registry_path` reads ENTITIES_FILE; :func:`find_registry` says whether
linking is on (and logs why not); :func:`load` reads, validates and builds,
through an on-disk cache: a 20,000-alias registry takes over a second to
parse and validate, a small fraction of that to load from the cache.

The cache (under EDITORIAL_CACHE_DIR) is keyed by everything its content
depends on: the registry's bytes, the matching setting and the code of this
package. It is safe to delete, a damaged one is rebuilt, and concurrent
builds never read a half-written file.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any

from editorial import settings as plugin_settings
from editorial.entities.matcher import Matcher
from editorial.entities.registry import (
    Registry,
    RegistryError,
    read_registry_bytes,
    registry_from_bytes,
)
from editorial.findings import InputError
from editorial.project import display_path, resolve

# Under "pelican." so that Pelican's log handling (and --fatal) sees our messages.
logger = logging.getLogger("pelican.editorial.entities")

_PACKAGE = Path(__file__).resolve().parent
# The code a cached registry depends on: this package, and the words the
# registry refuses as names (repeats/facts.py: COMMON_WORDS).
_SOURCES = (*sorted(_PACKAGE.glob("*.py")), _PACKAGE.parent / "repeats" / "facts.py")
# The layout of a cache file: (version, registry digest, entities, matcher).
_CACHE_VERSION = 4


def registry_path(settings: Mapping[str, Any]) -> Path | None:
    """The registry file ENTITIES_FILE names (relative to the project
    directory), or None when it is empty: linking is off."""
    value = plugin_settings.get(settings, "ENTITIES_FILE")
    return resolve(settings, value) if value else None


def find_registry(settings: Mapping[str, Any]) -> Path | None:
    """The registry to link with, or None when linking is off: ENTITIES_FILE
    is empty, or the file does not exist. A missing file is logged, as a
    warning when ENTITIES_FILE was set explicitly (`invoke publish` makes
    warnings fatal), else for information: a site may have no registry."""
    path = registry_path(settings)
    if path is None or path.exists():
        return path
    logger.log(
        logging.WARNING if "ENTITIES_FILE" in settings else logging.INFO,
        "No entity registry at %s: entity linking is off (create it, or set ENTITIES_FILE = None)",
        display_path(path),
    )
    return None


def registry_problems(settings: Mapping[str, Any], root: Path | None = None) -> list[InputError]:
    """The registry's problems as `path:line` errors (paths relative to
    `root`); none when linking is off or the registry is valid. `invoke
    check`, `build` and `publish` all refuse a broken registry through this."""
    path = registry_path(settings)
    if path is None or not path.exists():
        return []
    try:
        load(settings, path)
    except RegistryError as error:
        shown = display_path(path, root)
        return [InputError(shown, line, message) for line, message in error.problems]
    return []


def load(settings: Mapping[str, Any], path: Path) -> tuple[Registry, Matcher]:
    """The registry at ``path`` and its matcher.

    Raises :class:`~editorial.entities.registry.RegistryError` (every
    problem as ``path:line: message``) for an unreadable or invalid file.
    """
    shown = display_path(path)
    data = read_registry_bytes(path, shown)
    ignore_case = bool(plugin_settings.get(settings, "ENTITY_IGNORE_CASE"))
    cache_file = _cache_file(settings, path, data, ignore_case)
    cached = _read_cache(cache_file, shown)
    if cached is not None:
        return cached
    registry = registry_from_bytes(data, shown)
    matcher = Matcher(registry, ignore_case=ignore_case)
    if cache_file is not None:
        _write_cache(cache_file, registry, matcher)
    return registry, matcher


def cache_key(data: bytes, ignore_case: bool) -> str:
    """Everything the cached registry and matcher depend on: the registry's
    bytes, the matching setting, the code that parses and builds them and the
    automaton's version (it pickles in its own format)."""
    digest = hashlib.sha256(data)
    digest.update(f"\0{ignore_case}\0{version('pyahocorasick')}\0".encode())
    for source in _SOURCES:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def _cache_file(
    settings: Mapping[str, Any], path: Path, data: bytes, ignore_case: bool
) -> Path | None:
    directory = plugin_settings.get(settings, "EDITORIAL_CACHE_DIR")
    if not directory:
        return None
    # One file per registry file (named by a hash of its path), so that a new
    # version of the registry replaces the old one's cache.
    which = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:8]
    name = f"registry-{which}-{cache_key(data, ignore_case)}.pickle"
    return resolve(settings, directory) / "entities" / name


def _read_cache(cache_file: Path | None, shown: str) -> tuple[Registry, Matcher] | None:
    if cache_file is None or not cache_file.exists():
        return None
    try:
        with open(cache_file, "rb") as stream:
            version, digest, entities, matcher = pickle.load(stream)
        if version != _CACHE_VERSION or not isinstance(matcher, Matcher):
            return None
        return Registry(entities, shown, digest), matcher
    except Exception as error:  # a damaged cache is rebuilt, never fatal
        logger.debug("Ignoring the entity cache %s: %s", cache_file, error)
        return None


def _write_cache(cache_file: Path, registry: Registry, matcher: Matcher) -> None:
    payload = (_CACHE_VERSION, registry.digest, registry.entities, matcher)
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a concurrent build reads the old file or
        # the new one, never half of one.
        temporary = cache_file.with_suffix(f".{os.getpid()}.tmp")
        with open(temporary, "wb") as stream:
            pickle.dump(payload, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, cache_file)
        prefix = cache_file.name.rsplit("-", 1)[0]
        for old in cache_file.parent.glob(f"{prefix}-*.pickle"):
            if old != cache_file:
                old.unlink(missing_ok=True)
    except OSError as error:  # a read-only checkout still builds
        logger.debug("Cannot write the entity cache %s: %s", cache_file, error)
