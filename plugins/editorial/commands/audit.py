"""`invoke audit`: Lighthouse on a publish build served locally.

The site is built with publishconf.py (as `invoke publish` builds it, search
index included) into a temporary directory, with SITEURL set to a local
address on 127.0.0.1, and served from a thread. Lighthouse (npm, pinned:
LIGHTHOUSE_VERSION, installed on first use into .editorial-cache/lighthouse/)
drives Debian's Chromium (CHROME_PATH) over the home page, the newest
article, an entity page and the search page, and the four category scores
of each are printed.

Accessibility and SEO scores are deterministic for a given site: below 100
they fail the audit (exit 1). Performance and best practices depend on the
machine and are reported only.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from bs4 import BeautifulSoup

from editorial.commands import build as build_cmd

LIGHTHOUSE_VERSION = "12.2.3"  # the last release that runs on Node.js 20
CHROME = "/usr/bin/chromium"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")  # fmt: skip
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
REQUIRED = {"accessibility": 100, "seo": 100}  # fail the audit below these


class AuditError(Exception):
    """The audit could not run; the message says why and what to do."""


def lighthouse(root: Path, out: TextIO) -> Path:
    """The Lighthouse executable, installed with npm into the cache on first use."""
    prefix = root / build_cmd.CACHE_DIRS[1] / "lighthouse"
    executable = prefix / "node_modules" / ".bin" / "lighthouse"
    package = prefix / "node_modules" / "lighthouse" / "package.json"
    if package.is_file() and json.loads(package.read_text())["version"] == LIGHTHOUSE_VERSION:
        return executable
    npm = shutil.which("npm")
    if npm is None:
        raise AuditError("npm is not installed: install Node.js 20 and npm (apt-get install npm)")
    print(f"Installing lighthouse@{LIGHTHOUSE_VERSION} into {prefix} ...", file=out, flush=True)
    prefix.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--save-exact", "--no-audit", "--no-fund",
         "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if result.returncode != 0 or not executable.exists():
        raise AuditError(f"npm could not install lighthouse:\n{result.stdout}{result.stderr}")
    return executable


@contextmanager
def serving(directory: Path, port: int = 0) -> Iterator[str]:
    """`directory` served on http://127.0.0.1:PORT from a thread (port 0:
    any free one); yields the base URL, without a trailing slash."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=directory))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pages_to_audit(site: Path) -> dict[str, str]:
    """Name -> site path: the home page, its newest article, an entity page
    (the first of the entity index) and the search page, as the build wrote them."""
    pages = {"home": ""}
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = home.select_one(".article-card__title a, main article a[href]")
    if article is not None:
        pages["article"] = article["href"]
    entities = site / "entities" / "index.html"
    if entities.is_file():
        index = BeautifulSoup(entities.read_text(encoding="utf-8"), "html.parser")
        entity = index.select_one('main a[href*="entities/"]')
        if entity is not None:
            pages["entity"] = entity["href"]
    if (site / "search" / "index.html").is_file():
        pages["search"] = "search/"
    return pages


def run_lighthouse(executable: Path, url: str) -> dict[str, int]:
    """The four category scores (0-100) of `url`."""
    result = subprocess.run(
        [str(executable), url, "--output=json", "--output-path=stdout", "--quiet",
         f"--chrome-flags={CHROME_FLAGS}", f"--only-categories={','.join(CATEGORIES)}"],
        capture_output=True, text=True, check=False, env={**os.environ, "CHROME_PATH": CHROME},
    )  # fmt: skip
    if result.returncode != 0:
        raise AuditError(f"lighthouse failed on {url}:\n{result.stderr.strip()[-2000:]}")
    report = json.loads(result.stdout)
    return {key: round(100 * (report["categories"][key]["score"] or 0)) for key in CATEGORIES}


def audit(root: Path, out: TextIO = sys.stdout) -> int:
    """Build, serve and audit; print a score table. 0 when accessibility and
    SEO are 100 everywhere, 1 otherwise or when the audit could not run."""
    try:
        if not Path(CHROME).exists():
            raise AuditError(f"{CHROME} is not installed (apt-get install chromium)")
        executable = lighthouse(root, out)
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="audit-") as tmp:
            site = Path(tmp) / "site"
            base = f"http://127.0.0.1:{port}"
            settings = build_cmd.prepare(root, "publishconf.py", out, {"SITEURL": base})
            if settings is None:
                raise AuditError("fix the error(s) above first")
            result = build_cmd.run_pelican({**settings, "OUTPUT_PATH": str(site)}, out)
            if not result.ok or not build_cmd.index_search(site, out):
                raise AuditError("the publish build failed (see above)")
            with serving(site, port):
                scores = {}
                for name, path in pages_to_audit(site).items():
                    url = path if path.startswith("http") else f"{base}/{path}"
                    print(f"Lighthouse: {name} ({url}) ...", file=out, flush=True)
                    scores[name] = run_lighthouse(executable, url)
    except AuditError as error:
        print(f"audit: {error}", file=out)
        return 1
    print(format_scores(scores), file=out)
    below = [f"{name} {key} {row[key]}" for name, row in scores.items()
             for key, minimum in REQUIRED.items() if row[key] < minimum]  # fmt: skip
    if below:
        print("audit: below 100: " + ", ".join(below), file=out)
        return 1
    return 0


def format_scores(scores: dict[str, dict[str, int]]) -> str:
    """A plain table: one row per page, one column per category."""
    header = f"{'page':<10}" + "".join(f"{key:>16}" for key in CATEGORIES)
    rows = [f"{name:<10}" + "".join(f"{row[key]:>16}" for key in CATEGORIES)
            for name, row in scores.items()]  # fmt: skip
    return "\n".join([header, *rows])
