"""`invoke new "Title"`: start an article with complete metadata.

Writes `content/<year>/<slug>.md` (the content folder is the PATH setting)
with Title, Slug, Date (now, in the site's TIMEZONE, unless given), Category,
Tags, Author (default: the AUTHOR setting), a placeholder Summary that
`invoke check` reports until it is replaced (rule summary-placeholder), and
`Status: draft`. The slug is Pelican's, transliterated to ASCII (Unidecode,
which Pelican installs): "Données à caractère personnel" becomes
`donnees-a-caractere-personnel`. An existing file is never overwritten.

Exit status: 0 when the file was written (its path is printed), 2 on bad
input (empty title, malformed date, the file exists).
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from editorial import project
from editorial.rules.metadata import SUMMARY_PLACEHOLDER

EXIT_CREATED, EXIT_BAD_INPUT = 0, 2

BODY = "Start writing here. Headings inside the article start at ##.\n"


class NewArticleError(ValueError):
    """Why the article was not written; the message says what to do."""


def slug_for(title: str, settings: dict[str, Any]) -> str:
    """The slug Pelican makes of `title`, always ASCII (a file name and a URL)."""
    from pelican.utils import slugify

    return slugify(
        title,
        regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", ()),
        preserve_case=bool(settings.get("SLUGIFY_PRESERVE_CASE", False)),
        use_unicode=False,
    )


def article_date(given: str | None, settings: dict[str, Any]) -> tuple[str, int]:
    """(the Date: value, its year): `given` as YYYY-MM-DD, else now in the site's TIMEZONE."""
    if not given:
        now: datetime = project.site_now(settings)
        return now.strftime("%Y-%m-%d %H:%M"), now.year
    try:
        day = date.fromisoformat(given.strip())
    except ValueError:
        raise NewArticleError(f"--date {given!r} is not a date; write it as YYYY-MM-DD") from None
    return day.isoformat(), day.year


def split_tags(tags: str | None) -> list[str]:
    return [tag.strip() for tag in (tags or "").split(",") if tag.strip()]


def render(title: str, slug: str, when: str, category: str, tags: list[str], author: str) -> str:
    """The new article's text: the metadata block, a blank line, a body to replace."""
    lines = [
        f"Title: {title}",
        f"Slug: {slug}",
        f"Date: {when}",
        f"Category: {category}".rstrip(),
        f"Tags: {', '.join(tags)}".rstrip(),
        f"Author: {author}".rstrip(),
        f"Summary: {SUMMARY_PLACEHOLDER}",
        "Status: draft",
    ]
    return "\n".join(lines) + "\n\n" + BODY


def create_article(
    root: Path,
    title: str,
    *,
    category: str | None = None,
    tags: str | None = None,
    author: str | None = None,
    when: str | None = None,
    settings: dict[str, Any] | None = None,
) -> Path:
    """Write the new article and return its path; raises NewArticleError."""
    settings = settings if settings is not None else project.read_settings(root)
    title = " ".join(title.split())
    if not title:
        raise NewArticleError('give the article a title: invoke new "Article title"')
    slug = slug_for(title, settings)
    if not slug:
        raise NewArticleError(
            f"the title {title!r} gives an empty file name; use words with letters or digits"
        )
    value, year = article_date(when, settings)
    author = author if author is not None else str(settings.get("AUTHOR") or "")
    text = render(title, slug, value, (category or "").strip(), split_tags(tags), author.strip())
    path = Path(settings["PATH"]) / str(year) / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise NewArticleError(
            f"{project.display_path(path)} already exists: it was left as it is; "
            "choose another title, or edit that file"
        ) from None
    return path


def new(
    root: Path,
    title: str,
    *,
    category: str | None = None,
    tags: str | None = None,
    author: str | None = None,
    when: str | None = None,
    settings_file: str = "pelicanconf.py",
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
) -> int:
    """`invoke new`: print the new file's path; return the exit status."""
    settings = project.read_settings(root, settings_file)
    try:
        path = create_article(
            root, title, category=category, tags=tags, author=author, when=when, settings=settings
        )
    except NewArticleError as error:
        print(f"new: error: {error}", file=err)
        return EXIT_BAD_INPUT
    print(project.display_path(path), file=out)
    return EXIT_CREATED
