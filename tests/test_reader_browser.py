"""The reader's site in headless Chromium: the pages load cleanly, search works
(and degrades to a link without JavaScript), keyboard navigation, no
horizontal scrolling, axe-core in both colour schemes, page weight.

The preview build (relative URLs, indexed by Pagefind as `invoke build` does)
is served on 127.0.0.1 by the fixtures in conftest.py.
"""

from __future__ import annotations

import pytest
from test_browser import SEED_URL

pytestmark = pytest.mark.browser

# The page types the issue names, then every other kind of page the theme writes.
MAIN_PAGES = {
    "home": "",
    "article": SEED_URL,
    "entity": "entities/nick-clegg/",
    "tag": "tag/meta/",
    "search": "search/",
}
OTHER_PAGES = {
    "page": "about/",
    "category": "category/platform-regulation/",
    "archives": "archives/",
    "tags": "tags/",
    "categories": "categories/",
    "authors": "authors/",
    "author": "author/amara-okafor/",
    "entities": "entities/",
    "index-page-2": "page/2/",
    "404": "404.html",
    "search-results": "search/?q=Clegg",
}
# A word of the seed article that no other article uses.
SEED_WORD = "Bilawal"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _watch(page) -> list[str]:
    """Console errors, page errors, failed requests and HTTP errors, as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)  # fmt: skip
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)  # fmt: skip
    return problems


def _wait_for_results(page) -> list[str]:
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15_000)
    return page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")


@pytest.mark.parametrize("name", list(MAIN_PAGES))
def test_page_loads_without_console_errors_or_failed_requests(new_page, base_url, name):
    page = new_page(viewport={"width": 1280, "height": 800})
    problems = _watch(page)
    response = page.goto(base_url + MAIN_PAGES[name], wait_until="networkidle")
    assert response.status == 200
    assert problems == []


def test_search_finds_the_seed_article(new_page, base_url):
    page = new_page(viewport={"width": 1280, "height": 800})
    problems = _watch(page)
    page.goto(base_url + "search/?q=" + SEED_WORD, wait_until="networkidle")
    links = _wait_for_results(page)
    assert any(link.endswith(SEED_URL) for link in links), links
    assert problems == []


def test_the_header_box_searches_from_any_page(new_page, base_url):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(base_url + "tag/meta/")
    box = page.get_by_role("searchbox", name="Search this site")
    box.fill(SEED_WORD)
    box.press("Enter")
    page.wait_for_url("**/search/?q=" + SEED_WORD)
    assert any(link.endswith(SEED_URL) for link in _wait_for_results(page))


def test_search_index_leaves_out_navigation_and_editorial_notes(new_page, base_url):
    """What Pagefind indexed for the seed article (its API's `content`): the
    article's text, without the site navigation, the byline's extras, the
    footer lists or the preview's notes on flagged paragraphs."""
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(base_url + SEED_URL)
    assert page.locator(".repeat-flag").count() > 0  # the notes are on the page
    page.goto(base_url + "search/", wait_until="networkidle")
    indexed = page.evaluate(
        """async (word) => {
            const pagefind = await import('../pagefind/pagefind.js');
            const search = await pagefind.search(word);
            const all = await Promise.all(search.results.map(r => r.data()));
            return all.map(d => [d.url, d.meta.title, d.content]);
        }""",
        SEED_WORD,
    )
    seed = [item for item in indexed if item[0].endswith(SEED_URL)]
    assert len(seed) == 1, indexed
    _, title, content = seed[0]
    assert title.startswith("Pakistan’s foreign minister")
    assert "Nick Clegg" in content
    for left_out in ("Skip to main content", "Archives", "Who & what", "Editorial check",
                     "In this article", "min read", "Related articles"):  # fmt: skip
        assert left_out not in content


def test_without_javascript_the_search_box_is_a_link(new_page, base_url):
    page = new_page(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page.goto(base_url + SEED_URL)
    assert not page.locator("form.site-search").is_visible()
    link = page.get_by_role("link", name="Search", exact=True)
    assert link.is_visible()
    link.click()
    page.wait_for_url("**/search/")
    # Rendered text (Playwright's text selectors skip <noscript>).
    assert "Search needs JavaScript" in page.inner_text("main")


def test_the_skip_link_takes_the_keyboard_to_the_article_body(new_page, base_url):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(base_url + SEED_URL)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    # The next Tab lands inside the article, past the whole header and its search box.
    page.keyboard.press("Tab")
    inside = page.evaluate(
        "() => !!document.activeElement.closest('main article') && "
        "!document.activeElement.closest('header.site-header')"
    )
    assert inside


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("name", list(MAIN_PAGES))
def test_no_horizontal_scrolling(new_page, base_url, tmp_path_factory, name, width):
    page = new_page(viewport={"width": width, "height": 800})
    url = base_url + MAIN_PAGES[name] + (f"?q={SEED_WORD}" if name == "search" else "")
    page.goto(url, wait_until="networkidle")
    if name == "search":
        _wait_for_results(page)
    scroll, client = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    shots = tmp_path_factory.getbasetemp() / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    assert scroll <= client, f"scrollWidth {scroll} > clientWidth {client}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", [*MAIN_PAGES, *OTHER_PAGES])
def test_axe_finds_no_violations(new_page, base_url, name, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = new_page(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    url = {**MAIN_PAGES, **OTHER_PAGES}[name]
    page.goto(base_url + url, wait_until="networkidle")
    if "?q=" in url:
        _wait_for_results(page)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, results.generate_report()


def test_an_article_page_weighs_under_50_kb_before_images(new_page, base_url):
    """HTML and CSS as transferred uncompressed, and no script at all."""
    page = new_page(viewport={"width": 1280, "height": 800})
    sizes: dict[str, int] = {}
    kinds: dict[str, str] = {}

    def on_response(response) -> None:
        kinds[response.url] = response.request.resource_type
        sizes[response.url] = len(response.body())

    page.on("response", on_response)
    page.goto(base_url + SEED_URL, wait_until="networkidle")
    assert "script" not in kinds.values()
    weight = sum(size for url, size in sizes.items() if kinds[url] in ("document", "stylesheet"))
    assert weight < 50 * 1024, f"{weight} bytes"
