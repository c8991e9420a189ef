"""absolute_feeds: every URL in a feed entry's HTML made absolute.

Pelican already resolves ``{filename}`` and ``{static}`` links against
SITEURL in feeds; what it leaves relative (in-article anchors such as
``#para-3``, links and images written as plain relative paths) would point
nowhere in a feed reader. This plugin rewrites them, against each entry's
own link, on the ``feed_generated`` signal (before the feed is written).
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from absolute_feeds.urls import absolutise


def absolutise_feed(context: Any, feed: Any) -> None:
    """For ``feed_generated``: absolute URLs in each item's content and description."""
    for item in feed.items:
        base = item.get("link") or ""
        for key in ("content", "description"):
            if item.get(key):
                item[key] = absolutise(str(item[key]), base)


def register() -> None:
    signals.feed_generated.connect(absolutise_feed)
