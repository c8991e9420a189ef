"""Pelican settings for publishing (`invoke publish`): absolute URLs, feeds on,
no editorial preview marks."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("PUBLISH_SITEURL", PUBLISH_SITEURL)  # noqa: F405
RELATIVE_URLS = False

FEED_ALL_ATOM = "feeds/all.atom.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"

DELETE_OUTPUT_DIRECTORY = True

EDITORIAL_PREVIEW = False

# Pelican's warnings are fatal when publishing; the publish command gates on
# repeat findings itself, so the build logs them at info level.
EDITORIAL_FINDINGS_LEVEL = "info"
