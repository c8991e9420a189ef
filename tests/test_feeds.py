"""Feeds of a publish build, read with feedparser as a feed reader would, and
the absolute_feeds plugin that makes their remaining relative URLs absolute."""

from __future__ import annotations

import io
import re

import feedparser
import pytest
from absolute_feeds import absolutise_feed
from absolute_feeds.urls import absolutise
from bs4 import BeautifulSoup
from conftest import PUBLISHED_URL, parse_html
from feedgenerator import Atom1Feed, Rss201rev2Feed
from test_published_site import source_articles

KINDS = {"atom": "atom10", "rss": "rss20"}


@pytest.fixture(scope="module")
def site(published_site):
    return published_site.output


def _parse(path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, f"{path.name}: {feed.get('bozo_exception')}"
    return feed


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_all_feed_has_every_article_with_full_content_and_absolute_urls(site, kind):
    feed = _parse(site / "feeds" / f"all.{kind}.xml")
    assert feed.version == KINDS[kind]
    links = {entry.link for entry in feed.entries}
    assert links == {f"{PUBLISHED_URL}/{path}" for path in source_articles()}
    for entry in feed.entries:
        html = entry.content[0].value if kind == "atom" else entry.description
        page = parse_html(site / entry.link.removeprefix(PUBLISHED_URL + "/") / "index.html")
        body = page.select_one(".post__body")
        # Full content: every paragraph of the page's body is in the entry.
        assert len(BeautifulSoup(html, "html.parser").find_all("p")) == len(body.find_all("p"))
        for url in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert re.match(r"^(https?:|mailto:)", url), f"{entry.link}: relative URL {url!r}"


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_a_feed_per_category_and_per_tag(site, kind):
    categories, tags = {}, {}
    for path, meta in source_articles().items():
        categories.setdefault(meta["category"].slug, set()).add(f"{PUBLISHED_URL}/{path}")
        for tag in meta.get("tags", []):
            tags.setdefault(tag.slug, set()).add(f"{PUBLISHED_URL}/{path}")
    for slug, expected in categories.items():
        feed = _parse(site / "feeds" / f"{slug}.{kind}.xml")
        assert {e.link for e in feed.entries} == expected, slug
    for slug, expected in tags.items():
        feed = _parse(site / "feeds" / "tag" / f"{slug}.{kind}.xml")
        assert {e.link for e in feed.entries} == expected, slug


def test_pages_link_their_feeds_in_the_head(site):
    tag = next(iter(source_articles().values()))["tags"][0]
    head = parse_html(site / "tag" / tag.slug / "index.html").head
    hrefs = {link["href"] for link in head.find_all("link", rel="alternate")}
    assert {f"{PUBLISHED_URL}/feeds/tag/{tag.slug}.atom.xml",
            f"{PUBLISHED_URL}/feeds/tag/{tag.slug}.rss.xml",
            f"{PUBLISHED_URL}/feeds/all.atom.xml"} <= hrefs  # fmt: skip
    for href in hrefs:
        assert (site / href.removeprefix(PUBLISHED_URL + "/")).is_file(), href


BASE = "https://policy.example.org/2024/an-article/"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="#para-3">3</a>', f'<a href="{BASE}#para-3">3</a>'),
        ("<img src='images/x.png' alt=''>", f"<img src='{BASE}images/x.png' alt=''>"),
        ('<a href="/about/">a</a>', '<a href="https://policy.example.org/about/">a</a>'),
        ('<a href="../../2023/b/">b</a>', '<a href="https://policy.example.org/2023/b/">b</a>'),
        ('<a href="https://other.org/x">x</a>', '<a href="https://other.org/x">x</a>'),
        ('<a href="mailto:desk@example.org">m</a>', '<a href="mailto:desk@example.org">m</a>'),
        ('<a href="//cdn.example.org/y">y</a>', '<a href="//cdn.example.org/y">y</a>'),
        (
            '<img srcset="a.png 1x, b.png 2x" src="a.png">',
            f'<img srcset="{BASE}a.png 1x, {BASE}b.png 2x" src="{BASE}a.png">',
        ),
        ('<p>href="#x" in text stays</p>', '<p>href="#x" in text stays</p>'),
    ],
)
def test_absolutise(html, expected):
    assert absolutise(html, BASE) == expected


@pytest.mark.parametrize("feed_class", [Atom1Feed, Rss201rev2Feed])
def test_the_plugin_rewrites_a_real_feed_before_it_is_written(feed_class):
    feed = feed_class(title="t", link="https://policy.example.org/", description="d")
    feed.add_item(title="a", link=BASE, description='<a href="#para-2">see</a>',
                  content='<p id="para-2">x <a href="#para-2">here</a></p>')  # fmt: skip
    absolutise_feed({}, feed)
    out = io.StringIO()
    feed.write(out, "utf-8")
    parsed = feedparser.parse(out.getvalue())
    assert not parsed.bozo
    entry = parsed.entries[0]
    text = entry.content[0].value if feed_class is Atom1Feed else entry.description
    assert f'href="{BASE}#para-2"' in text
