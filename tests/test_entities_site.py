"""Entity linking in real builds of the repository's site: the seed article's
links, the entity pages and index, absolute URLs when publishing, JSON-LD,
and the content cache following the registry; and the entity generator as
Pelican drives it."""

from __future__ import annotations

import datetime
import gzip
import html
import json
import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import parse_html
from jinja2 import Environment
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from pelican.contents import Article
from pelican.settings import read_settings
from support import ROOT, copy_project

from editorial.entities.generator import EntityPagesGenerator
from editorial.entities.jsonld import Site, article_jsonld
from editorial.entities.linker import META_KEY
from editorial.entities.pages import EntityPage
from editorial.entities.registry import load_registry

SEED = "2022/pakistan-foreign-minister-urges-meta-to-open-office/"
SEED_LINKS = [
    ("bilawal-bhutto-zardari", "Bilawal Bhutto Zardari"),
    ("meta", "Meta"),
    ("pakistan", "Pakistan"),
    ("facebook", "Facebook"),
    ("united-nations-general-assembly", "United Nations General Assembly"),
    ("nick-clegg", "Nick Clegg"),
    ("pakistan-online-content-rules-2021",
     "Removal and Blocking of Unlawful Online Content (Procedure, Oversight and Safeguards) "
     "Rules, 2021"),
    ("pakistan-telecommunication-authority", "Pakistan Telecommunication Authority"),
]  # fmt: skip
REGISTRY = load_registry(ROOT / "content" / "entities.yml")


def _resolve(built_site, page: str, href: str) -> Path:
    target = (built_site.path(page).parent / href).resolve()
    return target / "index.html" if href.endswith("/") else target


def test_seed_article_links_the_first_mention_of_each_entity(soup, built_site):
    body = soup(SEED).select_one(".post__body")
    links = body.select("a.entity")
    assert [(a["data-entity"], a.get_text()) for a in links] == SEED_LINKS
    for link in links:
        entity = REGISTRY.get(link["data-entity"])
        assert link["class"] == ["entity", f"entity-{entity.type}"]
        assert link["title"] == entity.description
        assert _resolve(built_site, SEED, link["href"]).is_file(), link["href"]
    # The first paragraph has the first "Meta"; the later ones are plain text.
    first = body.find("p")
    assert first.select_one('a[data-entity="meta"]') is not None
    assert "Meta" in body.get_text().split("Meta", 1)[1]  # mentioned again, unlinked
    # "PTA" right after the full name is part of that mention, not a link.
    assert "Pakistan Telecommunication Authority</a> (PTA)" in str(body)


def test_in_this_article_lists_the_entities(soup):
    nav = soup(SEED).select_one("nav.entities")
    assert nav is not None
    assert [a.get_text() for a in nav.select("a")] == [name for _, name in SEED_LINKS]
    assert nav.select_one("a")["href"] == "../../entities/bilawal-bhutto-zardari/"


def test_no_links_in_summaries_headings_or_titles(built_site):
    for path in built_site.html_files():
        page = parse_html(path)
        for zone in page.select(".article-card__summary, h1, h2, h3, title, code, pre"):
            assert not zone.select("a.entity"), f"{path}: {zone}"
        for link in page.select("a.entity a, a a.entity"):
            raise AssertionError(f"nested link in {path}: {link}")


def test_every_link_resolves(built_site):
    for path in built_site.output.rglob("*"):
        if path.suffix in {".html", ".xml", ".json", ".txt"}:
            text = path.read_text(encoding="utf-8")
            assert "{filename}" not in text, f"link left unresolved in {path}"
    assert "Unable to find" not in built_site.log
    for path in built_site.html_files():
        for link in parse_html(path).select(".post__body a.entity"):
            target = (path.parent / link["href"]).resolve() / "index.html"
            assert target.is_file(), f"{path}: {link['href']}"


def test_entity_page(soup):
    page = soup("entities/nick-clegg/")
    assert page.select_one("h1").get_text() == "Nick Clegg"
    assert page.select_one(".listing-header__kind").get_text() == "Person"
    assert REGISTRY.get("nick-clegg").description in page.select_one(".lede").get_text()
    external = page.select_one("a.external")
    assert external["href"] == "https://en.wikipedia.org/wiki/Nick_Clegg"
    assert set(external["rel"]) == {"external", "noopener"}
    items = page.select("ol.entity-articles > li")
    assert [li.select_one("a")["href"] for li in items] == [
        "../../2022/what-pakistans-platform-rules-ask/",  # newest first
        "../../" + SEED,
    ]
    # The seed names him once in full and four times as "Clegg".
    assert [li.select_one(".count").get_text() for li in items] == ["(1 mention)", "(5 mentions)"]
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["@type"] == "Person" and data["name"] == "Nick Clegg"


def test_entity_pages_exist_for_mentioned_entities_only(built_site):
    mentioned = set()
    for path in built_site.html_files():
        if "/entities/" not in str(path):
            links = parse_html(path).select("a.entity[data-entity]")
            mentioned |= {a["data-entity"] for a in links}
    pages = {p.parent.name for p in (built_site.output / "entities").glob("*/index.html")}
    assert pages == mentioned
    assert {entity_id for entity_id, _ in SEED_LINKS} <= pages


def test_entity_articles_newest_first(soup):
    page = soup("entities/meta/")
    dates = [li.select_one("time")["datetime"] for li in page.select("ol.entity-articles > li")]
    assert len(dates) == 3
    assert dates == sorted(dates, reverse=True)


def test_entity_index_grouped_by_type(soup, built_site):
    page = soup("entities/")
    groups = {
        section.select_one("h2").get_text(): [a.get_text() for a in section.select("li > a")]
        for section in page.select("section.entity-group")
    }
    assert list(groups) == ["People", "Organisations", "Places", "Laws and regulations",
                            "Events", "Other"]  # fmt: skip
    assert groups["People"] == ["B. N. Srikrishna", "Bilawal Bhutto Zardari", "Nick Clegg"]
    listed = sum(len(names) for names in groups.values())
    assert listed == len(list((built_site.output / "entities").glob("*/index.html")))
    for link in page.select("section.entity-group li > a"):
        assert _resolve(built_site, "entities/", link["href"]).is_file()


def test_published_links_are_absolute(published_site):
    page = parse_html(published_site.path(SEED))
    hrefs = [a["href"] for a in page.select(".post__body a.entity")]
    assert hrefs and all(h.startswith("https://policy.example.org/entities/") for h in hrefs)
    entity = parse_html(published_site.path("entities/meta/"))
    assert entity.select_one("ol.entity-articles a")["href"].startswith(
        "https://policy.example.org/20"
    )


def test_article_json_ld_mentions(soup):
    scripts = soup(SEED).select('script[type="application/ld+json"]')
    data = [json.loads(s.string) for s in scripts]
    mentions = next(d["mentions"] for d in data if "mentions" in d)
    by_name = {m["name"]: m for m in mentions}
    assert list(by_name) == [name for _, name in SEED_LINKS]
    assert by_name["Meta"]["@type"] == "Organization"
    assert by_name["Meta"]["sameAs"] == [
        "https://en.wikipedia.org/wiki/Meta_Platforms",
        "https://www.wikidata.org/wiki/Q380",
    ]
    assert by_name["Nick Clegg"]["@type"] == "Person"


def test_article_json_ld_bytes(soup, built_site):
    """The article's JSON-LD is the theme's `|tojson` of the plugin's dict:
    keys sorted (Jinja's default policy), the mentions in first-mention order."""
    scripts = soup(SEED).select('script[type="application/ld+json"]')
    texts = [s.string for s in scripts if '"NewsArticle"' in s.string]
    assert len(texts) == 1
    data = json.loads(texts[0])
    assert list(data) == sorted(data)
    assert {"@context", "@type", "datePublished", "headline", "mentions"} <= set(data)
    assert texts[0] == str(htmlsafe_json_dumps(data, sort_keys=True))


TITLE = Markup("<em>Meta</em>’s &amp; the PTA's &lt;/script&gt;&lt;script&gt; ")


@pytest.mark.parametrize(
    "dumps_kwargs", [{"sort_keys": True}, {}, {"sort_keys": True, "indent": 2}]
)
def test_article_json_ld_is_safe_in_a_script(dumps_kwargs):
    """What the theme writes, `{{ article.jsonld|tojson }}`, escapes
    whatever the title and the registry hold, under any json policies."""
    tricky = load_registry(Path(__file__).parent / "data" / "entities" / "registry.yml")
    pages = [EntityPage(entity, f"entities/{entity.id}/", "") for entity in tricky]
    env = Environment(autoescape=True)
    env.policies["json.dumps_kwargs"] = dumps_kwargs
    template = env.from_string("<script>{{ article.jsonld|tojson }}</script>")
    site = Site(url="https://policy.example.org", name="Policy <Desk> & 'Co'",
                logo="theme/images/logo.png", image="theme/images/share.png")  # fmt: skip
    for number, entities in enumerate([pages, pages[:1], pages[::-1], pages[1:3]]):
        article = SimpleNamespace(
            title=TITLE + str(number), date=datetime.datetime(2022, 1, number + 1, 10, 30),
            url=f"2022/a-{number}/", summary=TITLE, authors=[],
        )  # fmt: skip
        article.jsonld = article_jsonld(article, [page.jsonld for page in entities], site)
        expected = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": f"Meta’s & the PTA's </script><script> {number}",
            "url": f"https://policy.example.org/2022/a-{number}/",
            "mainEntityOfPage": {
                "@type": "WebPage",
                "@id": f"https://policy.example.org/2022/a-{number}/",
            },
            "datePublished": f"2022-01-0{number + 1}T10:30:00",
            "dateModified": f"2022-01-0{number + 1}T10:30:00",
            "image": ["https://policy.example.org/theme/images/share.png"],
            "author": [],
            "publisher": {
                "@type": "Organization",
                "name": "Policy <Desk> & 'Co'",
                "url": "https://policy.example.org/",
                "logo": {
                    "@type": "ImageObject",
                    "url": "https://policy.example.org/theme/images/logo.png",
                },
            },
            "description": "Meta’s & the PTA's </script><script>",
            "mentions": [page.jsonld for page in entities],
        }
        assert article.jsonld == expected
        rendered = template.render(article=article)
        inner = rendered.removeprefix("<script>").removesuffix("</script>")
        assert inner == htmlsafe_json_dumps(expected, **dumps_kwargs)
        assert not {"<", ">", "&", "'"} & set(inner)
        assert json.loads(inner) == expected
    bare = SimpleNamespace(title="Nothing", date=datetime.datetime(2022, 1, 1), url="x/")
    assert "mentions" not in article_jsonld(bare, [], site)


def _build(project: Path, output: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output),
         "--fatal", "errors",
         "-e", "CACHE_CONTENT=true", "LOAD_CONTENT_CACHE=true", "CHECK_MODIFIED_METHOD=\"mtime\"",
         "EDITORIAL_FINDINGS_LEVEL=\"debug\""],
        cwd=project, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _reader_cache(project: Path) -> dict:
    """Pelican's reader cache of the articles: source path -> (stamp, (HTML, metadata))."""
    raw = (project / "cache" / "ArticlesGenerator-Readers").read_bytes()
    return pickle.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)


def test_registry_change_relinks_articles_read_from_the_content_cache(tmp_path):
    """Pelican's content cache keeps each article as read, unlinked: the build
    after a registry change reads the articles from the cache and links them
    against the new registry."""
    project = copy_project(tmp_path / "project")
    registry = project / "content" / "entities.yml"
    article = "2023/data-localisation-after-dpdp/index.html"
    _build(project, tmp_path / "one")
    first = parse_html(tmp_path / "one" / article)
    assert first.select_one('a[data-entity="mastercard"]')["title"] == "US payment card network."
    contents = [content for _, (content, _) in _reader_cache(project).values()]
    assert any("Mastercard" in content for content in contents)
    assert not any("data-entity" in content for content in contents)

    text = registry.read_text(encoding="utf-8")
    text = text.replace("description: US payment card network.", "description: Card scheme.")
    text = text.replace("  name: Reserve Bank of India\n", "  name: Reserve Bank Of India\n")
    registry.write_text(text, encoding="utf-8")
    _build(project, tmp_path / "two")
    second = parse_html(tmp_path / "two" / article)
    assert second.select_one('a[data-entity="mastercard"]')["title"] == "Card scheme."
    # The old name no longer matches, and nothing else names the bank there.
    assert second.select_one('a[data-entity="reserve-bank-of-india"]') is None
    assert "Reserve Bank of India’s" in second.select_one(".post__body").get_text()


def test_feeds_carry_absolute_links(published_site):
    """Feeds render content with the absolute SITEURL: Pelican resolves the
    entity links for it too."""
    for feed in sorted((published_site.output / "feeds").glob("*.xml")):
        text = feed.read_text(encoding="utf-8")
        assert "{filename}" not in text, feed
    feed = html.unescape((published_site.output / "feeds" / "all.atom.xml").read_text("utf-8"))
    assert 'data-entity="meta" href="https://policy.example.org/entities/meta/"' in feed


def test_links_in_a_summary_cut_from_the_body_and_from_the_cache(tmp_path):
    """An article without `Summary`: Pelican cuts one from the rendered body,
    links included; a second build reads the article from Pelican's content
    cache, links it again and writes the same page."""
    project = copy_project(tmp_path / "project")
    (project / "content" / "2024").mkdir(exist_ok=True)
    (project / "content" / "2024" / "no-summary.md").write_text(
        "Title: No summary here\nDate: 2030-01-01\nCategory: Tests\n\n"
        "Nick Clegg spoke for Meta in Pakistan about the rules.\n",
        encoding="utf-8",
    )
    _build(project, tmp_path / "one")
    _build(project, tmp_path / "two")
    for output in (tmp_path / "one", tmp_path / "two"):
        for path in output.rglob("*.html"):
            assert "{filename}" not in path.read_text(encoding="utf-8"), path
        home = output / "index.html"
        card = parse_html(home).select_one(".article-card")
        assert "No summary here" in card.get_text()
        links = card.select(".article-card__summary a.entity")
        assert [a["data-entity"] for a in links] == ["nick-clegg", "meta", "pakistan"]
        for link in links:
            assert (home.parent / link["href"] / "index.html").resolve().is_file(), link["href"]
    page = "2030/no-summary-here/index.html"
    assert (tmp_path / "one" / page).read_text("utf-8") == (tmp_path / "two" / page).read_text(
        "utf-8"
    )


SITEURL = "https://policy.example.org"


def _generator(tmp_path, **overrides) -> EntityPagesGenerator:
    """The entity generator as Pelican makes it, with the test registry."""
    (tmp_path / "content").mkdir(exist_ok=True)
    settings = read_settings(None, override={
        "PATH": str(tmp_path / "content"), "SITEURL": SITEURL, "CACHE_CONTENT": False,
        "ENTITIES_FILE": str(Path(__file__).parent / "data" / "entities" / "registry.yml"),
        "EDITORIAL_CACHE_DIR": None, **overrides,
    })  # fmt: skip
    context = {**settings, "generated_content": {}, "static_content": {}, "localsiteurl": ""}
    return EntityPagesGenerator(
        context=context, settings=settings, path=settings["PATH"], theme=settings["THEME"],
        output_path=str(tmp_path / "output"),
    )  # fmt: skip


def _article(generator: EntityPagesGenerator, text: str, slug: str = "linked") -> Article:
    return Article(
        text,
        metadata={"title": slug.title(), "date": datetime.datetime(2030, 1, 1), "slug": slug},
        settings=generator.settings,
        source_path=os.path.join(generator.path, f"{slug}.md"),
        context=generator.context,
    )


def test_the_generator_links_each_content_item_once(tmp_path):
    """Handed the same article twice, the generator links it once: linking
    its linked HTML again would count its mentions wrongly."""
    generator = _generator(tmp_path)
    article = _article(generator, "<p>Meta and Meta in Pakistan.</p>")
    html = generator.link(article)
    assert article._content == "<p>Meta and Meta in Pakistan.</p>"  # the caller writes it
    article._content = html
    assert generator.link(article) == html
    assert html.count('href="{filename}/entities/') == 2
    assert article.metadata[META_KEY] == (("meta", 2, True), ("pakistan", 1, True))


@pytest.mark.parametrize("relative", [True, False], ids=["preview", "publish"])
def test_pelican_resolves_the_links_for_each_site_url(tmp_path, caplog, relative):
    """Pelican renders content once per site URL (relative in previews,
    SITEURL when publishing) and resolves each entity link to the entity
    page that `describe` registered, as it joins any `{filename}` link."""
    generator = _generator(tmp_path, RELATIVE_URLS=relative)
    article = _article(generator, "<p>Meta in Pakistan. Meta again, and "
                                  "<a href='{filename}/x.md'>x</a>.</p>")  # fmt: skip
    other = _article(generator, "<p>Nick Clegg.</p>", slug="other")
    for item in (article, other):
        item._content = generator.link(item)
    generator.context["articles"] = [article]  # published; "other" is a draft, say
    generator.describe([article, other], [])
    registered = generator.context["generated_content"]
    assert {key for key in registered if key.startswith("entities/")} == {
        "entities/meta/index.html", "entities/pakistan/index.html",
        "entities/nick-clegg/index.html",
    }  # fmt: skip
    assert registered["entities/meta/index.html"].url == "entities/meta/"
    assert [page.id for page in article.entities] == ["meta", "pakistan"]
    assert [page.id for page in other.entities] == ["nick-clegg"]
    assert registered["entities/nick-clegg/index.html"].article_list == []  # drafts not listed
    assert [ref.content for ref in registered["entities/meta/index.html"].article_list] == [article]
    assert article.jsonld["mentions"][0]["name"] == "Meta"
    assert generator.context["ENTITIES_URL"] == "entities/"
    with caplog.at_level(logging.WARNING):
        for siteurl in ("../..", ".") if relative else (SITEURL,):
            page = BeautifulSoup(article.get_content(siteurl), "html.parser")
            join = os.path.join if relative else lambda a, b: urljoin(a + "/", b)
            assert [(a["data-entity"], a["href"]) for a in page.select("a.entity")] == [
                ("meta", join(siteurl, "entities/meta/")),
                ("pakistan", join(siteurl, "entities/pakistan/")),
            ]
            assert page.get_text() == "Meta in Pakistan. Meta again, and x."
    assert [r.getMessage() for r in caplog.records if "entities" in r.getMessage()] == []


def test_no_entity_pages_no_links(tmp_path):
    """With ENTITY_SAVE_AS empty there is no page to link to: mentions are
    counted (entity lists, JSON-LD) but nothing is linked."""
    generator = _generator(tmp_path, ENTITY_SAVE_AS="")
    article = _article(generator, "<p>Meta in Pakistan.</p>")
    article._content = generator.link(article)
    assert article._content == "<p>Meta in Pakistan.</p>"
    generator.describe([article], [])
    assert [page.id for page in article.entities] == ["meta", "pakistan"]
    assert article.metadata[META_KEY] == (("meta", 1, False), ("pakistan", 1, False))
    assert not any(key.startswith("entities/") for key in generator.context["generated_content"])


def test_a_broken_registry_stops_the_generator(tmp_path):
    """Pelican makes every generator before reading any article: the
    registry's problems stop the build there, with file and line."""
    from editorial.entities.registry import RegistryError

    registry = tmp_path / "entities.yml"
    registry.write_text("meta:\n  name: Meta\n  type: company\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"entities\.yml:3: entity 'meta': unknown type"):
        _generator(tmp_path, ENTITIES_FILE=str(registry))
