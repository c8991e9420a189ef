"""The entity registry: one YAML file, loaded and validated with file:line errors.

Pure: no Pelican imports. :func:`load_registry` reads the file,
:func:`parse_registry` validates text already in memory. Every problem is
reported as ``path:line: message`` and all of them are collected before
:class:`RegistryError` is raised, so an editor sees everything to fix at once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

import yaml

# Capitalised words that are never names (the repeat check's fact extraction
# reads names with the same list).
from editorial.repeats.facts import COMMON_WORDS

try:  # libyaml is bundled with PyYAML's wheels; 5-10x faster on a big registry
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    _Loader = yaml.SafeLoader

TYPES = ("person", "organization", "place", "legislation", "event", "other")
FIELDS = ("name", "type", "aliases", "description", "url", "wikidata")
REQUIRED = ("name", "type")

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WIKIDATA = re.compile(r"^Q[1-9][0-9]*$")
_SPACE = re.compile(r"\s+")
# Characters Python-Markdown uses for its placeholders; never part of a name.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NULL_TAG = "tag:yaml.org,2002:null"
# Never in a registry url: they would end or confuse an HTML attribute.
_URL_UNSAFE = frozenset("\"'<>`\\")

FIX_HINT = "fix the registry and build again (format: README, 'Check 2: entity linking')"


def normalise_form(text: str) -> str:
    """A name or alias as the matcher compares it: whitespace runs become one
    space and the typographic apostrophe becomes the straight one."""
    return _SPACE.sub(" ", text.replace("\u2019", "'")).strip()


def is_acronym(form: str) -> bool:
    """One word with two or more capitals (PTA, UNGA, MeitY): always matched
    case-sensitively."""
    return " " not in form and sum(1 for ch in form if ch.isupper()) >= 2


class Entity(NamedTuple):
    """One registry entry. ``line`` is the 1-based line of its id in the file."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    url: str = ""
    wikidata: str = ""
    line: int = 0

    @property
    def forms(self) -> tuple[str, ...]:
        """The name and aliases, normalised, without duplicates."""
        seen: dict[str, None] = {}
        for text in (self.name, *self.aliases):
            seen.setdefault(normalise_form(text), None)
        return tuple(seen)

    @property
    def short_form(self) -> str | None:
        """For a person, the surname alone ("Clegg" for "Nick Clegg"): it counts
        as a mention only after the full name has appeared in the article."""
        if self.type != "person":
            return None
        words = normalise_form(self.name).split(" ")
        return words[-1] if len(words) > 1 else None

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata}" if self.wikidata else ""

    @property
    def same_as(self) -> list[str]:
        """The external pages that identify the entity (schema.org ``sameAs``)."""
        return [url for url in (self.url, self.wikidata_url) if url]


@dataclass(frozen=True)
class Registry:
    """All entities by id, in file order, plus what identifies this version of the file."""

    entities: dict[str, Entity]
    path: str = ""
    digest: str = ""  # sha256 of the file's bytes

    def __len__(self) -> int:
        return len(self.entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities.values())

    def get(self, entity_id: str) -> Entity | None:
        return self.entities.get(entity_id)

    @property
    def alias_count(self) -> int:
        return sum(len(e.forms) for e in self.entities.values())


@dataclass(eq=False)
class RegistryError(Exception):
    """The registry is unusable. ``problems`` holds (line, message) pairs."""

    path: str
    problems: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def lines(self) -> list[str]:
        return [f"{self.path}:{line}: {message}" for line, message in self.problems]

    def __str__(self) -> str:
        return "\n".join([*self.lines(), f"{self.path}: {FIX_HINT}"])


def read_registry_bytes(path: str | Path, display: str | None = None) -> bytes:
    """The registry file's bytes; RegistryError (line 1) when it cannot be read."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise RegistryError(
            display or str(path),
            [(1, f"cannot read the entity registry: {error.strerror or error}")],
        ) from None


def load_registry(path: str | Path, display: str | None = None) -> Registry:
    """Read and validate the registry at ``path``.

    ``display`` is how messages name the file (default: ``path`` as given).
    Raises :class:`RegistryError` for a missing file or any invalid entry.
    """
    return registry_from_bytes(read_registry_bytes(path, display), display or str(path))


def registry_from_bytes(data: bytes, shown: str) -> Registry:
    """Validate the registry file's ``data``; ``shown`` names it in messages."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RegistryError(shown, [(line, "not valid UTF-8; save the file as UTF-8")]) from None
    return parse_registry(text, shown, digest=hashlib.sha256(data).hexdigest())


def parse_registry(text: str, path: str = "entities.yml", digest: str | None = None) -> Registry:
    """Validate registry ``text``; ``path`` is only used in messages."""
    if digest is None:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(p for p in (error.context, error.problem) if p)
        raise RegistryError(path, [(line, f"invalid YAML: {problem}")]) from None
    except yaml.YAMLError as error:  # pragma: no cover - unmarked reader errors
        raise RegistryError(path, [(1, f"invalid YAML: {error}")]) from None

    problems: list[tuple[int, str]] = []
    entities: dict[str, Entity] = {}
    if root is None or (_is_null(root)):
        return Registry({}, path, digest)
    if not isinstance(root, yaml.MappingNode):
        raise RegistryError(
            path,
            [(_line(root), "the registry must be a mapping from entity id to its fields")],
        )

    id_lines: dict[str, int] = {}
    form_lines: dict[tuple[str, str], int] = {}  # (entity id, form) -> line
    for key_node, value_node in root.value:
        line = _line(key_node)
        entity_id = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(entity_id, str) or not SLUG.match(entity_id):
            shown = entity_id if isinstance(entity_id, str) else "(not a string)"
            problems.append(
                (line, f"entity id {shown!r} is not a slug: use lowercase letters, digits "
                       "and single hyphens, e.g. 'pakistan-telecommunication-authority'")
            )  # fmt: skip
            continue
        if entity_id in id_lines:
            problems.append(
                (line, f"entity id {entity_id!r} is defined twice (first on line "
                       f"{id_lines[entity_id]}); merge the two entries")
            )  # fmt: skip
            continue
        id_lines[entity_id] = line
        entity = _entity(entity_id, line, value_node, problems, form_lines)
        if entity is not None:
            entities[entity_id] = entity

    problems.extend(_alias_clashes(entities.values(), form_lines))
    problems.extend(_common_words(entities.values(), form_lines))
    if problems:
        raise RegistryError(path, sorted(problems))
    return Registry(entities, path, digest)


def _entity(
    entity_id: str,
    line: int,
    node: yaml.Node,
    problems: list[tuple[int, str]],
    form_lines: dict[tuple[str, str], int],
) -> Entity | None:
    """The entity at ``node``, or None after adding its problems to ``problems``."""
    if not isinstance(node, yaml.MappingNode):
        problems.append(
            (_line(node), f"entity {entity_id!r}: expected its fields (name:, type:, ...) "
                          "indented under the id")
        )  # fmt: skip
        return None
    before = len(problems)
    fields = _fields(entity_id, node, problems)
    values = {
        name: _scalar(entity_id, name, fields.get(name), problems)
        for name in ("name", "type", "description", "url", "wikidata")
    }
    _check_values(entity_id, line, fields, values, problems)
    aliases = _aliases(entity_id, fields.get("aliases"), problems, form_lines)
    if values["name"]:
        form_lines.setdefault((entity_id, normalise_form(values["name"])), _line(fields["name"]))
    if len(problems) > before:
        return None
    return Entity(
        id=entity_id,
        name=values["name"] or "",
        type=values["type"] or "",
        aliases=aliases,
        description=values["description"] or "",
        url=values["url"] or "",
        wikidata=values["wikidata"] or "",
        line=line,
    )


def _fields(
    entity_id: str, node: yaml.MappingNode, problems: list[tuple[int, str]]
) -> dict[str, yaml.Node]:
    """An entity's known fields, each given once."""
    fields: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key not in FIELDS:
            problems.append(
                (_line(key_node), f"entity {entity_id!r}: unknown field {key!r} "
                                  f"(known fields: {', '.join(FIELDS)})")
            )  # fmt: skip
        elif key in fields:
            problems.append((_line(key_node), f"entity {entity_id!r}: field {key!r} given twice"))
        else:
            fields[key] = value_node
    return fields


def _scalar(
    entity_id: str, name: str, node: yaml.Node | None, problems: list[tuple[int, str]]
) -> str | None:
    """A single-line text field (None when absent or invalid)."""
    if node is None or _is_null(node):
        return None
    value = node.value.strip() if isinstance(node, yaml.ScalarNode) else None
    if value is None or "\n" in value or _CONTROL.search(value):
        problems.append(
            (_line(node), f"entity {entity_id!r}: {name} must be a single line of text")
        )
        return None
    return value


def _check_values(
    entity_id: str,
    line: int,
    fields: dict[str, yaml.Node],
    values: dict[str, str | None],
    problems: list[tuple[int, str]],
) -> None:
    """Required fields, the type, the url and the Wikidata id."""
    for name in REQUIRED:
        if not values[name] and _is_blank(fields.get(name)):
            where = _line(fields[name]) if name in fields else line
            problems.append(
                (where, f"entity {entity_id!r}: missing required field {name!r}"
                        + (f" (one of: {', '.join(TYPES)})" if name == "type" else ""))
            )  # fmt: skip
    entity_type = values["type"]
    if entity_type and entity_type not in TYPES:
        problems.append(
            (_line(fields["type"]), f"entity {entity_id!r}: unknown type {entity_type!r}; "
                                    f"use one of: {', '.join(TYPES)}")
        )  # fmt: skip
    url = values["url"]
    if url and not is_web_url(url):
        problems.append(
            (_line(fields["url"]), f"entity {entity_id!r}: url {url!r} is not an http(s) "
                                   "address; give the full https://... link, with no spaces, "
                                   "quotes or angle brackets (write a space as %20)")
        )  # fmt: skip
    wikidata = values["wikidata"]
    if wikidata and not WIKIDATA.match(wikidata):
        problems.append(
            (_line(fields["wikidata"]), f"entity {entity_id!r}: wikidata {wikidata!r} is not a "
                                        "Wikidata id like 'Q380'")
        )  # fmt: skip


def is_web_url(url: str) -> bool:
    """An absolute http(s) address with a host, safe to put in an ``href``:
    no whitespace, quotes, angle brackets, backslashes or control characters
    (``javascript:``, ``data:`` and protocol-relative ``//host`` are refused)."""
    if any(ch.isspace() or ch in _URL_UNSAFE or not ch.isprintable() for ch in url):
        return False
    try:
        parsed = urlsplit(url)
        parsed.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    return parsed.scheme in ("http", "https") and bool(parsed.hostname)


def _aliases(
    entity_id: str,
    node: yaml.Node | None,
    problems: list[tuple[int, str]],
    form_lines: dict[tuple[str, str], int],
) -> tuple[str, ...]:
    if node is None or _is_null(node):
        return ()
    if not isinstance(node, yaml.SequenceNode):
        problems.append(
            (_line(node), f"entity {entity_id!r}: aliases must be a list, e.g. "
                          "aliases: [PTA, Telecom Authority]")
        )  # fmt: skip
        return ()
    aliases: list[str] = []
    for item in node.value:
        if not isinstance(item, yaml.ScalarNode) or _is_null(item):
            problems.append((_line(item), f"entity {entity_id!r}: an alias is empty; remove it"))
            continue
        alias = item.value.strip()
        if not alias:
            problems.append((_line(item), f"entity {entity_id!r}: an alias is empty; remove it"))
        elif "\n" in alias or _CONTROL.search(alias):
            problems.append(
                (_line(item), f"entity {entity_id!r}: alias {alias!r} must be a single line")
            )
        else:
            aliases.append(alias)
            form_lines.setdefault((entity_id, normalise_form(alias)), _line(item))
    return tuple(aliases)


def _alias_clashes(
    entities: Iterable[Entity], form_lines: dict[tuple[str, str], int]
) -> list[tuple[int, str]]:
    """A name or alias may belong to one entity only."""
    owner: dict[str, Entity] = {}
    problems = []
    for entity in entities:
        for form in entity.forms:
            other = owner.setdefault(form, entity)
            if other is not entity:
                line = form_lines.get((entity.id, form), entity.line)
                first = form_lines.get((other.id, form), other.line)
                problems.append(
                    (line, f"alias {form!r} of entity {entity.id!r} is already claimed by "
                           f"entity {other.id!r} (line {first}); a name or alias can refer "
                           "to one entity only: remove it from one of them")
                )  # fmt: skip
    return problems


def _common_words(
    entities: Iterable[Entity], form_lines: dict[tuple[str, str], int]
) -> list[tuple[int, str]]:
    """A name or alias may not be a common word ("The", "May"): every
    sentence that starts with it would link to the entity."""
    problems = []
    for entity in entities:
        for form in entity.forms:
            if " " in form or is_acronym(form) or form.rstrip(".").casefold() not in COMMON_WORDS:
                continue
            what = "name" if form == normalise_form(entity.name) else "alias"
            problems.append(
                (form_lines.get((entity.id, form), entity.line),
                 f"the {what} {form!r} of entity {entity.id!r} is a common word: every "
                 "sentence that starts with it would link to the entity; use a longer "
                 "form that only this entity goes by (e.g. the full name)")
            )  # fmt: skip
    return problems


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _is_blank(node: yaml.Node | None) -> bool:
    """Absent, null or empty: a value that is there but invalid is not blank."""
    return (
        node is None
        or _is_null(node)
        or (isinstance(node, yaml.ScalarNode) and not node.value.strip())
    )


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG
