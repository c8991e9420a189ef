"""Reading aids: reading time, machine-readable dates, previous/next, related
articles, and the sentence each entity page quotes from each article."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from test_published_site import source_articles

from editorial.entities.pages import build_index, first_links, related_articles, sentence_at
from editorial.entities.registry import Entity

SEED = "2022/pakistan-foreign-minister-urges-meta-to-open-office/"
SEED_SOURCE = "content/2022/pakistan-foreign-minister-urges-meta-to-open-office.md"


def _by_date() -> list[str]:
    """Article URL paths, oldest first, from the sources."""
    return [path for path, _ in sorted(source_articles().items(), key=lambda kv: kv[1]["date"])]


def test_reading_time_and_published_time(soup):
    from conftest import ROOT

    text = (ROOT / SEED_SOURCE).read_text(encoding="utf-8").split("\n\n", 1)[1]
    words = len(re.findall(r"\S+", text))
    page = soup(SEED)
    minutes = int(page.select_one(".reading-time").get_text().split()[0])
    assert abs(minutes - words / 230) <= 1
    published = page.select_one(".post__header time[datetime]")["datetime"]
    assert published.startswith(source_articles()[SEED]["date"].strftime("%Y-%m-%dT%H:%M"))


def test_previous_and_next_follow_the_dates(soup):
    ordered = _by_date()
    befores, afters = [None, *ordered[:-1]], [*ordered[1:], None]
    for before, current, after in zip(befores, ordered, afters, strict=True):
        nav = soup(current).select_one("nav.post-nav")
        prev = nav.select_one('a[rel="prev"]')
        nxt = nav.select_one('a[rel="next"]')
        assert prev["href"].rstrip("/").endswith(before.rstrip("/")) if before else prev is None
        assert nxt["href"].rstrip("/").endswith(after.rstrip("/")) if after else nxt is None


def test_related_articles_on_the_page(soup):
    links = [a["href"] for a in soup(SEED).select("nav.related a")]
    assert 1 <= len(links) <= 3
    # The follow-up names the same people and law: it comes first.
    assert links[0].endswith("2022/what-pakistans-platform-rules-ask/")
    assert not any(link.endswith(SEED) for link in links)


def _article(title: str, day: int, tags: tuple[str, ...], mentions: tuple[str, ...]):
    return SimpleNamespace(
        title=title, date=datetime.datetime(2024, 1, day), tags=list(tags),
        metadata={"entity_mentions": tuple((m, 1, True) for m in mentions)},
    )  # fmt: skip


def test_related_ranks_shared_entities_then_tags_then_newest():
    from editorial.entities.linker import META_KEY
    from editorial.entities.registry import Registry

    entities = {key: Entity(id=key, name=key.title(), type="organization")
                for key in ("meta", "pta", "un")}  # fmt: skip
    registry = Registry(entities=entities)
    a = _article("a", 1, ("x",), ("meta", "pta"))
    b = _article("b", 2, ("y",), ("meta", "pta"))  # two shared entities
    c = _article("c", 3, ("x",), ("meta",))  # one entity, one tag
    d = _article("d", 4, ("y",), ("meta",))  # one entity, newer than c, no tag
    e = _article("e", 5, ("x",), ())  # a tag only
    f = _article("f", 6, ("z",), ("un",))  # nothing shared
    g = _article("g", 7, ("x",), ("meta",))  # a draft: not a candidate
    for item in (a, b, c, d, e, f, g):
        item.metadata[META_KEY] = item.metadata.pop("entity_mentions")
    published = [a, b, c, d, e, f]
    index = build_index(registry, [*published, g])
    related = related_articles(published, index)
    assert related[id(a)] == [b, c, d]
    assert related[id(a)][:3] == related_articles(published, index, limit=3)[id(a)]
    assert related[id(e)] == [c, a]  # tags only, newest first
    assert related[id(f)] == []
    assert related_articles(published, index, limit=1)[id(a)] == [b]


LINK = '<a class="entity entity-person" data-entity="nick-clegg" href="x">Nick Clegg</a>'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            f"<p>First one. He met {LINK} in New York. Then left.</p>",
            "He met Nick Clegg in New York.",
        ),
        (f"<p>{LINK} said “yes.” Later he said no.</p>", "Nick Clegg said “yes.”"),
        (f"<p>One.</p><p>Two &amp; {LINK}!</p><p>Three.</p>", "Two & Nick Clegg!"),
        (f"<ul><li>A list item with {LINK}</li></ul>", "A list item with Nick Clegg"),
        # The nearest paragraph or list item around the link, whichever is inside.
        (f"<p>Intro.</p><ul><li>Item with {LINK}. More.</li></ul>", "Item with Nick Clegg."),
        (f"<ul><li>One.</li><li>Two, {LINK}.</li></ul>", "Two, Nick Clegg."),
        (f"<ul><li><p>Loose item, {LINK} here.</p></li></ul>", "Loose item, Nick Clegg here."),
        (
            f"<p>A list follows; {LINK} spoke. After.</p><ul><li>Item.</li></ul>",
            "A list follows; Nick Clegg spoke.",
        ),
        ("<p>No link to Nick Clegg here.</p>", ""),
        (f"<p>{'Long words. ' * 2}{'word ' * 100}{LINK}.</p>", None),
    ],
)
def test_mention_sentence(html, expected):
    at = first_links(html).get("nick-clegg")
    sentence = "" if at is None else sentence_at(html, at)
    if expected is None:
        assert len(sentence) <= 320 and sentence.endswith("…")
    else:
        assert sentence == expected


def test_entity_page_quotes_the_mentioning_sentence(soup):
    quotes = [q.get_text() for q in soup("entities/nick-clegg/").select("ol.entity-articles q")]
    assert quotes[-1] == (  # the seed, the older of the two
        "On the fringes of the United Nations General Assembly’s (UNGA) 77th session, where he "
        "is a member of the delegation representing Pakistan, the foreign minister met Meta’s "
        "Global Affairs President Nick Clegg."
    )
    assert quotes[0].startswith("When Bilawal Bhutto Zardari asked Nick Clegg")
