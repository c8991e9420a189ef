"""Pelican settings for publishing (`invoke publish`): absolute URLs, feeds on,
no editorial preview marks. Everything else comes from pelicanconf.py."""

from pathlib import Path

from pelican.settings import get_settings_from_file

# This directory's pelicanconf.py, by path: whatever the working directory
# and whichever settings module was read before in this process.
globals().update(get_settings_from_file(str(Path(__file__).with_name("pelicanconf.py"))))

SITEURL = PUBLISH_SITEURL  # noqa: F821 (from pelicanconf.py)
RELATIVE_URLS = False

# Atom and RSS: every article, per category, per tag (full content; the
# absolute_feeds plugin makes the remaining relative links absolute).
FEED_ALL_ATOM = "feeds/all.atom.xml"
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
TAG_FEED_ATOM = "feeds/tag/{slug}.atom.xml"
TAG_FEED_RSS = "feeds/tag/{slug}.rss.xml"
RSS_FEED_SUMMARY_ONLY = False  # full content in RSS too

# sitemap.xml (the official pelican-sitemap plugin) and a robots.txt naming it.
PLUGINS = [*PLUGINS, "pelican.plugins.sitemap", "absolute_feeds"]  # noqa: F821
SITEMAP = {
    "format": "xml",
    # Not pages for search engines: the error page, the search page, robots.txt.
    "exclude": [r"^404\.html$", r"^search/$", r"^robots\.txt$"],
    "changefreqs": {"articles": "monthly", "pages": "monthly", "indexes": "daily"},
}
DIRECT_TEMPLATES = [*DIRECT_TEMPLATES, "robots"]  # noqa: F821
ROBOTS_SAVE_AS = "robots.txt"

DELETE_OUTPUT_DIRECTORY = True

EDITORIAL_PREVIEW = False

# Drafts are checked, never published: Pelican would otherwise write each one
# to drafts/ at an unlisted but public URL.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
