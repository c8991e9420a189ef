"""Browser checks of the built theme in headless Chromium (Debian's /usr/bin/chromium).

The preview build is served over HTTP on 127.0.0.1 from a thread; Playwright drives
Chromium with networking features that would reach the internet switched off
(the fixtures `base_url`, `browser` and `new_page` are in conftest.py).
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

SEED_URL = "2022/pakistan-foreign-minister-urges-meta-to-open-office/"
SEED_TITLE = "Pakistan’s foreign minister urges Meta to open an office in Pakistan"
PAGES = ["", SEED_URL, "2023/dsa-transparency-reports/", "archives/", "about/", "page/2/"]


@pytest.mark.parametrize("url", PAGES)
def test_no_horizontal_scroll_on_a_small_phone(new_page, base_url, url):
    page = new_page(viewport={"width": 375, "height": 740})
    page.goto(base_url + url)
    widths = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"scrollWidth {widths[0]} > clientWidth {widths[1]}"


def test_skip_link_is_first_focusable_and_visible_on_focus(new_page, base_url):
    page = new_page(viewport={"width": 1280, "height": 800})
    page.goto(base_url + SEED_URL)
    skip = page.locator("a.skip-link")

    def on_screen() -> bool:
        box = skip.bounding_box()
        return box is not None and box["width"] > 0 and box["height"] > 0 and box["y"] >= 0

    assert not on_screen(), "the skip link should be off screen until focused"
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => [document.activeElement.className, document.activeElement.getAttribute('href')]"
    )
    assert focused == ["skip-link", "#main"]
    assert on_screen()
    assert skip.is_visible()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_article_renders_without_javascript(new_page, base_url):
    page = new_page(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page.goto(base_url + SEED_URL)
    h1 = page.locator("h1")
    assert h1.count() == 1
    assert h1.is_visible()
    assert h1.inner_text().strip() == SEED_TITLE
    assert page.locator(".post__body p").count() == 13


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _rgb(css: str) -> tuple[float, float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    assert len(numbers) in (3, 4), css
    alpha = numbers[3] if len(numbers) == 4 else 1.0
    return numbers[0], numbers[1], numbers[2], alpha


def contrast(foreground: str, background: str) -> float:
    *fg, _ = _rgb(foreground)
    *bg, bg_alpha = _rgb(background)
    assert bg_alpha == 1.0, f"background is not opaque: {background}"
    lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_body_text_contrast_meets_wcag_aa(new_page, base_url, scheme):
    page = new_page(color_scheme=scheme, viewport={"width": 1280, "height": 800})
    page.goto(base_url + SEED_URL)
    colours = page.evaluate(
        """() => {
            const body = getComputedStyle(document.body);
            const p = getComputedStyle(document.querySelector('.post__body p'));
            const link = getComputedStyle(document.querySelector('.site-footer a'));
            const byline = getComputedStyle(document.querySelector('.byline'));
            return {bg: body.backgroundColor, body: body.color, p: p.color,
                    footer: link.color, byline: byline.color};
        }"""
    )
    for name in ("body", "p", "footer", "byline"):
        ratio = contrast(colours[name], colours["bg"])
        assert ratio >= 4.5, f"{scheme} {name}: {colours[name]} on {colours['bg']} is {ratio:.2f}"


def test_body_uses_a_readable_measure(new_page, base_url):
    page = new_page(viewport={"width": 1600, "height": 900})
    page.goto(base_url + SEED_URL)
    chars = page.evaluate(
        """() => {
            const p = document.querySelector('.post__body p');
            const probe = document.createElement('span');
            probe.textContent = '0'.repeat(100);
            probe.style.whiteSpace = 'nowrap';
            p.appendChild(probe);
            const per = probe.getBoundingClientRect().width / 100;
            probe.remove();
            return p.getBoundingClientRect().width / per;
        }"""
    )
    assert 45 <= chars <= 80
