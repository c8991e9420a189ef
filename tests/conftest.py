"""Shared fixtures: real Pelican builds of the repository's site, and HTML parsing.

The builds run Pelican in a subprocess exactly as a developer would, with the
repository's settings files, so the tests see the same output as `invoke build`.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from editorial.commands.audit import serving

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
PUBLISHED_URL = "https://policy.example.org"


@dataclass(frozen=True)
class BuiltSite:
    """The result of one Pelican build."""

    output: Path
    log: str

    def path(self, relative: str) -> Path:
        """The file behind a site-relative URL path ("2022/slug/" -> .../index.html)."""
        relative = relative.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        return self.output / relative

    def html_files(self) -> list[Path]:
        return sorted(self.output.rglob("*.html"))


def run_pelican(
    output: Path,
    settings_file: str = "pelicanconf.py",
    content: Path = CONTENT,
    extra_env: dict[str, str] | None = None,
) -> BuiltSite:
    """Build `content` with `settings_file` into `output`; fail the test if Pelican fails."""
    env = {**os.environ, **(extra_env or {})}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican",
            str(content),
            "-s",
            settings_file,
            "-o",
            str(output),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"pelican exited with {result.returncode}:\n{log}"
    return BuiltSite(output=output, log=log)


def parse_html(path: Path) -> BeautifulSoup:
    """Parse one HTML file of the built site."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def index_search(site: BuiltSite) -> BuiltSite:
    """Index `site` for search as `invoke build` and `invoke publish` do after Pelican."""
    from editorial.commands.build import index_search as index

    out = io.StringIO()
    assert index(site.output, out), out.getvalue()
    return BuiltSite(output=site.output, log=site.log + out.getvalue())


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The preview build: content/ with pelicanconf.py (relative URLs, no
    feeds), then its search index."""
    return index_search(run_pelican(tmp_path_factory.mktemp("site") / "output"))


@pytest.fixture(scope="session")
def published_site(tmp_path_factory) -> BuiltSite:
    """The publish build: content/ with publishconf.py (absolute URLs, feeds,
    sitemap), then its search index."""
    return index_search(
        run_pelican(
            tmp_path_factory.mktemp("published") / "output",
            settings_file="publishconf.py",
            extra_env={"PUBLISH_SITEURL": PUBLISHED_URL},
        )
    )


@pytest.fixture(scope="session")
def soup(built_site):
    """`soup("2022/slug/")` parses a page of the preview build (URL path or file path)."""

    def _soup(relative: str) -> BeautifulSoup:
        path = built_site.path(relative)
        assert path.is_file(), f"{relative} was not built ({path})"
        return parse_html(path)

    return _soup


# --- Browser tests: the preview build served on 127.0.0.1, headless Chromium ---

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def base_url(built_site):
    with serving(built_site.output) as url:
        yield f"{url}/"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def _new_page(**context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()
