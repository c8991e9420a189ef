"""Making the URLs in an HTML fragment absolute (pure; no Pelican imports)."""

from __future__ import annotations

import re
from urllib.parse import urljoin

# href="..." / src="..." (either quote); srcset is a list, handled apart.
_URL_ATTRIBUTE = re.compile(
    r"""(?P<before>\s(?:href|src|poster|cite)\s*=\s*)(?P<quote>["'])(?P<url>.*?)(?P=quote)""",
    re.IGNORECASE | re.DOTALL,
)
_SRCSET = re.compile(
    r"""(?P<before>\ssrcset\s*=\s*)(?P<quote>["'])(?P<url>.*?)(?P=quote)""",
    re.IGNORECASE | re.DOTALL,
)
# Already absolute: a scheme (https:, mailto:, data:), or protocol-relative.
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def absolute_url(url: str, base: str) -> str:
    """``url`` resolved against ``base`` (absolute URLs are kept as they are)."""
    stripped = url.strip()
    if not stripped or _ABSOLUTE.match(stripped):
        return url
    return urljoin(base, stripped)


def absolutise(html: str, base: str) -> str:
    """``html`` with every ``href``, ``src``, ``poster``, ``cite`` and
    ``srcset`` URL resolved against ``base`` (the page the HTML comes from)."""

    def one(match: re.Match[str]) -> str:
        url = absolute_url(match["url"], base)
        return f"{match['before']}{match['quote']}{url}{match['quote']}"

    def srcset(match: re.Match[str]) -> str:
        parts = []
        for candidate in match["url"].split(","):
            words = candidate.split()
            if words:
                words[0] = absolute_url(words[0], base)
            parts.append(" ".join(words))
        return f"{match['before']}{match['quote']}{', '.join(parts)}{match['quote']}"

    return _SRCSET.sub(srcset, _URL_ATTRIBUTE.sub(one, html))
