"""Rules on an article's Markdown: images without alt text, bare http://
links, skipped heading levels. Read from the source lines (fenced code and
code spans left out) so that each finding has its line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from editorial.rules.article import Article

if TYPE_CHECKING:
    from editorial.rules import Context

# ![alt](src) and ![alt][ref]; <img ...> with its attributes.
_MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\s*[(\[]")
_HTML_IMAGE = re.compile(r"<img\b(?P<attrs>[^>]*)>", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*(?:"(?P<d>[^"]*)"|'(?P<s>[^']*)'|(?P<u>[^\s>]+))""", re.I)
# http:// in a Markdown link, an autolink, a reference definition or an HTML attribute.
_HTTP = re.compile(
    r"""(?:\]\(\s*<?|<|^[ ]{0,3}\[[^\]]+\]:\s*<?|(?:href|src)\s*=\s*["']?)"""
    r"""(?P<url>http://[^\s)>"']+)""",
    re.IGNORECASE,
)
_LOCAL_HOSTS = re.compile(r"^http://(localhost|127\.0\.0\.1|\[::1\])(?=[:/]|$)", re.IGNORECASE)
_ATX = re.compile(r"^[ ]{0,3}(?P<hashes>#{1,6})(?:[ \t]+|$)")
_SETEXT = re.compile(r"^[ ]{0,3}(?P<bar>=+|-+)[ \t]*$")


def images_without_alt(
    article: Article, context: Context | None = None
) -> Iterator[tuple[int, str]]:
    for number, line in article.body:
        for match in _MD_IMAGE.finditer(line):
            if not match.group("alt").strip():
                yield number, "image without alt text"
        for match in _HTML_IMAGE.finditer(line):
            alt = _ALT.search(match.group("attrs"))
            text = (alt.group("d") or alt.group("s") or alt.group("u") or "") if alt else ""
            if not text.strip():
                yield number, "<img> without alt text"


def insecure_links(article: Article, context: Context | None = None) -> Iterator[tuple[int, str]]:
    for number, line in article.body:
        for match in _HTTP.finditer(line):
            url = match.group("url")
            if not _LOCAL_HOSTS.match(url):
                yield number, f"{url} is a bare http:// link"


def headings(article: Article) -> Iterator[tuple[int, int]]:
    """(line, level) of each heading in the body: ATX (`## x`) and setext
    (a line of = or - under a paragraph line)."""
    previous = ""
    for number, line in article.body:
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            yield number, len(atx.group("hashes"))
        elif setext and previous.strip() and not _ATX.match(previous):
            yield number - 1, 1 if setext.group("bar")[0] == "=" else 2
        previous = line


def skipped_heading_levels(
    article: Article, context: Context | None = None
) -> Iterator[tuple[int, str]]:
    level = 1  # the theme shows the article's title as the level-1 heading
    for number, current in headings(article):
        if current > level + 1:
            yield (
                number,
                (
                    f"heading level {current} after level {level}"
                    + (" (the title)" if level == 1 else "")
                ),
            )
        level = current
