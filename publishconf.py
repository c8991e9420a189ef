"""Pelican settings for publishing (`invoke publish`): absolute URLs, feeds on,
no editorial preview marks. Everything else comes from pelicanconf.py."""

from pathlib import Path

from pelican.settings import get_settings_from_file

# This directory's pelicanconf.py, by path: whatever the working directory
# and whichever settings module was read before in this process.
globals().update(get_settings_from_file(str(Path(__file__).with_name("pelicanconf.py"))))

SITEURL = PUBLISH_SITEURL  # noqa: F821 (from pelicanconf.py)
RELATIVE_URLS = False

FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"

DELETE_OUTPUT_DIRECTORY = True

EDITORIAL_PREVIEW = False

# Drafts are checked, never published: Pelican would otherwise write each one
# to drafts/ at an unlisted but public URL.
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
