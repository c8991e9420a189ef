"""Pelican settings for preview builds (`invoke build`, `serve`, `livereload`).

`publishconf.py` imports these and overrides what differs when publishing.
"""

import os

AUTHOR = "Policy Desk"
SITENAME = "Policy Desk"
SITESUBTITLE = "Notes on digital policy, platforms and the law"
SITEURL = ""
# The published address, used by publishconf.py; `invoke publish --siteurl` overrides it.
PUBLISH_SITEURL = os.environ.get("PUBLISH_SITEURL", "https://example.github.io/policy-blog")
# Custom domain for GitHub Pages: written to output/CNAME when set.
GITHUB_PAGES_CNAME = os.environ.get("GITHUB_PAGES_CNAME", "")

PATH = "content"
STATIC_PATHS = ["images", "extra"]
PAGE_PATHS = ["pages"]
ARTICLE_EXCLUDES = ["pages", "extra", "images"]
EXTRA_PATH_METADATA = {}

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

THEME = "theme"

ARTICLE_URL = "{date:%Y}/{slug}/"
ARTICLE_SAVE_AS = "{date:%Y}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
TAG_URL = "tag/{slug}/"
TAG_SAVE_AS = "tag/{slug}/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
ARCHIVES_SAVE_AS = "archives/index.html"
CATEGORIES_SAVE_AS = "categories/index.html"
TAGS_SAVE_AS = "tags/index.html"
AUTHORS_SAVE_AS = "authors/index.html"
INDEX_SAVE_AS = "index.html"
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)
DEFAULT_PAGINATION = 5
# Pelican writes each DIRECT_TEMPLATES entry to NAME.html;
# 404.html is what GitHub Pages serves for a missing page.
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "archives", "404", "search"]
# The search page; `invoke build` and `invoke publish` index the built site
# with Pagefind into pagefind/ (README, "Search").
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"

# Previews are built with relative URLs, so that output/ works wherever it is served
# (links end in '/': browse it through `invoke serve`, not from disk).
RELATIVE_URLS = True

# Feeds are generated only when publishing (see publishconf.py).
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

PLUGIN_PATHS = ["plugins"]
# neighbors (official plugin): prev_article / next_article on each article.
PLUGINS = ["editorial", "pelican.plugins.neighbors"]

# Our plugin: see README "Editorial checks".
EDITORIAL_PREVIEW = True

# Entity linking (README, "Entity linking"): the registry, relative to this
# directory; which mentions are linked ("first" per article, "all", "none").
ENTITIES_FILE = "content/entities.yml"
ENTITY_LINK_MODE = "first"
ENTITY_URL = "entities/{id}/"
ENTITY_SAVE_AS = "entities/{id}/index.html"
ENTITIES_URL = "entities/"
ENTITIES_SAVE_AS = "entities/index.html"
