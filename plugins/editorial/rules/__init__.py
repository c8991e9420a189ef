"""Editorial rules: what `invoke check` reports besides repeated paragraphs.

Each rule has an id, a severity (error, warning, info), a one-line
explanation and a fix hint (`Rule`); each lives in a small module of this
package as a plain function over one article (`Article`) or, for a
site-wide rule, over all of them. No Pelican imports.

`RULES` is the catalogue, in the order `invoke check --rules` lists it; a
site turns rules off with EDITORIAL_DISABLED_RULES (settings.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from editorial.findings import ERROR, INFO, RULE_REPEATED_PARAGRAPH, WARNING, Diagnostic
from editorial.lint import MARKDOWN, in_markup
from editorial.rules.article import Article


@dataclass(frozen=True)
class Context:
    """What rules may need besides the article: today's date in the site's
    timezone, and the plugin's settings."""

    today: date
    settings: Mapping[str, Any]


# A rule's check: each (line, message) it finds in one article.
ArticleCheck = Callable[[Article, Context], Iterable[tuple[int, str]]]
# A site-wide rule's check: each (file, line, message) over all articles.
SiteCheck = Callable[[Sequence[Article], Context], Iterable[tuple[str, int, str]]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    explanation: str
    hint: str
    check: ArticleCheck | None = None
    site_check: SiteCheck | None = None
    # Rules on Markdown syntax skip reStructuredText articles (docs/checks.md).
    markdown_only: bool = False

    def diagnostic(self, file: str, line: int, message: str, markup: str = MARKDOWN) -> Diagnostic:
        """A finding in `file`; fields named as the article's `markup` writes them."""
        return Diagnostic(
            file, line, self.id, self.severity, in_markup(message, markup),
            in_markup(self.hint, markup),
        )  # fmt: skip


def _catalogue() -> tuple[Rule, ...]:
    from editorial.rules import entities, links, markup, metadata

    return (
        Rule("metadata-key-misspelt", WARNING,
             "a metadata key one slip away from a field Pelican, the theme or the plugin "
             "reads (Tag:, Catgory:): it is kept, and nothing uses it",
             "spell it as the field it was meant to be (README, 'Writing an article')",
             metadata.misspelt_field),
        Rule("summary-placeholder", ERROR,
             "the Summary: is still the placeholder `invoke new` wrote",
             "write one or two sentences that say what the article is about",
             metadata.summary_placeholder),
        Rule("summary-missing", WARNING,
             "no Summary: (Pelican then cuts one from the first paragraph)",
             "add 'Summary: ...' to the metadata: one or two sentences",
             metadata.summary_missing),
        Rule("category-missing", WARNING,
             "no Category: (Pelican files the article under its default category)",
             "add 'Category: ...', one of the site's categories",
             metadata.category_missing),
        Rule("tags-missing", WARNING,
             "no Tags: (the article is in no tag's list)",
             "add 'Tags: a, b' to the metadata",
             metadata.tags_missing),
        Rule("stale-draft", WARNING,
             "a draft dated more than EDITORIAL_STALE_DRAFT_DAYS days ago",
             "publish it (remove 'Status: draft' and update Date:), or delete it",
             metadata.stale_draft),
        Rule("acknowledged-paragraph-missing", WARNING,
             "Acknowledge_Repeats names a paragraph number past the article's last paragraph",
             "use the numbers `invoke check` gives in its findings ('paragraph 13 repeats ...')",
             metadata.acknowledged_missing),
        Rule("link-target-missing", ERROR,
             "a {filename}, {static} or {attach} link to a file that does not exist",
             "correct the path: relative to this file, or to the content folder if it starts /",
             links.missing_targets),
        Rule("image-alt-missing", WARNING,
             "an image without alt text (screen readers have nothing to say)",
             "describe the image between the brackets: ![what it shows](...)",
             markup.images_without_alt, markdown_only=True),
        Rule("insecure-link", WARNING,
             "an external link with a bare http:// address",
             "use https:// (most sites serve it; check the page still opens)",
             markup.insecure_links, markdown_only=True),
        Rule("heading-level-skipped", WARNING,
             "a heading more than one level below the one before it (the title is level 1)",
             "use the next level down: ## after the title, ### inside a ## section",
             markup.skipped_heading_levels, markdown_only=True),
        Rule("entity-unmentioned", INFO,
             "a registry entity that no article mentions (checked when the whole site is)",
             "mention it in an article, or remove it from the registry",
             site_check=entities.unmentioned),
        Rule(RULE_REPEATED_PARAGRAPH, ERROR,
             "a paragraph that repeats an earlier one (exact, near or paraphrase)",
             "rewrite it, or acknowledge it: 'Acknowledge_Repeats: 9, 12-13'"),
    )  # fmt: skip


RULES: tuple[Rule, ...] = _catalogue()
RULE_IDS = frozenset(rule.id for rule in RULES)


def enabled_rules(disabled: Iterable[str] = ()) -> list[Rule]:
    off = set(disabled)
    return [rule for rule in RULES if rule.id not in off]


def run_rules(
    articles: Sequence[Article],
    context: Context,
    disabled: Iterable[str] = (),
    *,
    site_wide: bool = True,
) -> list[Diagnostic]:
    """Every enabled rule over `articles`; site-wide rules only when
    `site_wide` (the articles are the whole site)."""
    found: list[Diagnostic] = []
    for rule in enabled_rules(disabled):
        if rule.check is not None:
            for article in articles:
                if rule.markdown_only and article.markup != MARKDOWN:
                    continue
                found += [rule.diagnostic(article.display, line, message, article.markup)
                          for line, message in rule.check(article, context)]  # fmt: skip
        elif rule.site_check is not None and site_wide:
            found += [rule.diagnostic(file, line, message)
                      for file, line, message in rule.site_check(articles, context)]  # fmt: skip
    return found


def describe_rules() -> str:
    """The catalogue as `invoke check --rules` prints it."""
    width = max(len(rule.id) for rule in RULES)
    return "\n".join(
        f"{rule.id:<{width}}  {rule.severity:<7}  {rule.explanation}"
        f"{' (Markdown articles only)' if rule.markdown_only else ''}\n"
        f"{'':<{width}}           fix: {rule.hint}"
        for rule in RULES
    )
