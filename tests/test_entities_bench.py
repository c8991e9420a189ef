"""The entity benchmark measures what it says: each configuration it times
really does (or does not do) the entity work its name claims.

A benchmark is a script, not a timed test; what is tested here is only that
its builds are the right builds (a receiver that blinker drops, for one,
would make "links-only" time a build that links nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from editorial.commands import bench_entities

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("bench") / "site"
    bench_entities.make_site(ROOT, site, articles=6, aliases=200)
    return site


def _pages(output: Path) -> dict[str, str]:
    return {
        str(path.relative_to(output)): path.read_text(encoding="utf-8")
        for path in output.rglob("*.html")
    }


def _entity_links(pages: dict[str, str]) -> int:
    return sum(len(re.findall(r'<a class="entity entity-', text)) for text in pages.values())


@pytest.mark.parametrize(
    ("config", "links", "entity_pages"),
    [
        ("stock", False, False),
        ("plugin-only", False, False),
        ("links-only", True, False),
        ("linked", True, True),
    ],
)
def test_each_configuration_does_what_its_name_says(bench_site, config, links, entity_pages):
    output = bench_site / f"out-{config}"
    seconds = bench_entities.build(ROOT, bench_site, config, output)
    pages = _pages(output)
    assert seconds > 0
    assert any(name.startswith("bench/") or "synthetic" in name for name in pages), sorted(pages)
    assert (_entity_links(pages) > 0) is links
    assert all("\x02" not in text and "\x03" not in text for text in pages.values())
    assert any(name.startswith("entities/") for name in pages) is entity_pages
