"""Entity linking rules: a table of Markdown input -> expected HTML, and
property tests (hypothesis) that linking only ever inserts tags."""

from __future__ import annotations

import html.parser
import re
import xml.etree.ElementTree as etree
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown.serializers import to_html_string

from editorial.entities.linker import (
    META_KEY,
    EntityMention,
    Linker,
    LinkState,
    escape_attribute,
    mentions_from_metadata,
    start_tag,
)
from editorial.entities.matcher import Matcher
from editorial.entities.registry import Entity, load_registry, parse_registry

DATA = Path(__file__).parent / "data" / "entities"
REGISTRY = load_registry(DATA / "registry.yml")
MATCHER = Matcher(REGISTRY)


def href(entity: Entity) -> str:
    return f"/entities/{entity.id}/"


def linker(mode: str = "first") -> Linker:
    return Linker(REGISTRY, MATCHER, href, mode=mode)


def render(source: str, mode: str = "first") -> tuple[str, tuple[EntityMention, ...]]:
    """Markdown ``source`` converted as Pelican's reader does, then linked."""
    converted = markdown.Markdown(extensions=["extra", "meta"]).convert(source)
    linked, state = linker(mode).link_html(converted)
    return linked, state.mentions()


def convert(source: str, mode: str = "first") -> str:
    return render(source, mode)[0]


def A(entity_id: str, text: str | None = None) -> str:
    """The link the linker makes for `entity_id` (test registry: no descriptions but Meta's)."""
    entity = REGISTRY.get(entity_id)
    title = ' title="Owner of Facebook &amp; Instagram, &quot;the metaverse company&quot;."'
    return (
        f'<a class="entity entity-{entity.type}" data-entity="{entity_id}" '
        f'href="/entities/{entity_id}/"{title if entity.description else ""}>'
        f"{entity.name if text is None else text}</a>"
    )


# (id, Markdown source, expected HTML)
CASES = [
    ("first-mention", "Meta met Pakistan. Meta left Pakistan.",
     f"<p>{A('meta')} met {A('pakistan')}. Meta left Pakistan.</p>"),
    ("later-paragraphs-plain", "Meta.\n\nMeta again.",
     f"<p>{A('meta')}.</p>\n<p>Meta again.</p>"),
    ("longest-match", "The Pakistan Telecommunication Authority of Pakistan.",
     f"<p>The {A('pta')} of {A('pakistan')}.</p>"),
    ("part-of-word", "Metaverse, metadata, DSAs, Pakistani and UNGAs.",
     "<p>Metaverse, metadata, DSAs, Pakistani and UNGAs.</p>"),
    ("acronym-case-sensitive", "The pta, Pta and dsa.", "<p>The pta, Pta and dsa.</p>"),
    ("name-case-sensitive", "meta and META.", "<p>meta and META.</p>"),
    ("mixed-case-acronym", "The MeitY said.", f"<p>The {A('meity', 'MeitY')} said.</p>"),
    ("possessive-curly", "Meta’s plan.", f"<p>{A('meta')}’s plan.</p>"),
    ("possessive-straight", "The PTA's order.", f"<p>The {A('pta', 'PTA')}'s order.</p>"),
    ("apostrophe-inside-word", "Meta'verse is not Meta.", f"<p>Meta'verse is not {A('meta')}.</p>"),
    ("full-name-then-acronym",
     "The Pakistan Telecommunication Authority (PTA) said the PTA would act.",
     f"<p>The {A('pta')} (PTA) said the PTA would act.</p>"),
    ("possessive-full-name-then-acronym",
     "The United Nations General Assembly’s (UNGA) 77th session.",
     f"<p>The {A('unga')}’s (UNGA) 77th session.</p>"),
    ("acronym-first", "The PTA, or Pakistan Telecommunication Authority.",
     f"<p>The {A('pta', 'PTA')}, or Pakistan Telecommunication Authority.</p>"),
    ("overlap-longest-wins", "The EU–US Data Privacy Framework and the EU.",
     f"<p>The {A('dpf')} and the {A('eu', 'EU')}.</p>"),
    ("hyphen-is-a-boundary", "Meta-owned apps.", f"<p>{A('meta')}-owned apps.</p>"),
    ("line-break-in-name", "Minister Bilawal Bhutto\nZardari met Nick\nClegg.",
     f"<p>Minister {A('bilawal-bhutto-zardari', 'Bilawal Bhutto' + chr(10) + 'Zardari')} "
     f"met {A('nick-clegg', 'Nick' + chr(10) + 'Clegg')}.</p>"),
    ("surname-after-full-name", "Nick Clegg spoke. Clegg added more.",
     f"<p>{A('nick-clegg')} spoke. Clegg added more.</p>"),
    ("surname-before-full-name", "Clegg spoke. Then Nick Clegg left.",
     f"<p>Clegg spoke. Then {A('nick-clegg')} left.</p>"),
    ("heading", "# Meta in Pakistan\n\nMeta.",
     f"<h1>Meta in Pakistan</h1>\n<p>{A('meta')}.</p>"),
    ("existing-link", "[Meta](https://meta.com) and Meta.",
     f'<p><a href="https://meta.com">Meta</a> and {A("meta")}.</p>'),
    ("inline-code", "`Meta` and Meta.", f"<p><code>Meta</code> and {A('meta')}.</p>"),
    ("code-block", "    Meta in code\n\nMeta.",
     f"<pre><code>Meta in code\n</code></pre>\n<p>{A('meta')}.</p>"),
    ("image-alt", "![Meta logo](m.png) Meta.",
     f'<p><img alt="Meta logo" src="m.png" /> {A("meta")}.</p>'),
    ("raw-html-attribute", '<span title="Meta">x</span> Pakistan.',
     f'<p><span title="Meta">x</span> {A("pakistan")}.</p>'),
    ("raw-html-link", '<a href="/x">Meta and **Pakistan**</a> Meta.',
     f'<p><a href="/x">Meta and <strong>Pakistan</strong></a> {A("meta")}.</p>'),
    ("raw-html-code", "<code>Meta</code> Meta.", f"<p><code>Meta</code> {A('meta')}.</p>"),
    ("raw-html-block", "<div>Meta</div>\n\nMeta.", f"<div>{A('meta')}</div>\n\n<p>Meta.</p>"),
    ("raw-html-block-no-link-zone", "<pre>Meta</pre>\n\nMeta.",
     f"<pre>Meta</pre>\n\n<p>{A('meta')}.</p>"),
    ("emphasis", "*Meta* and **Pakistan**.",
     f"<p><em>{A('meta')}</em> and <strong>{A('pakistan')}</strong>.</p>"),
    ("html-entities", "AT&amp;T, AT&T, Meta &amp; Pakistan &lt;3",
     f"<p>{A('att', 'AT&amp;T')}, AT&amp;T, {A('meta')} &amp; {A('pakistan')} &lt;3</p>"),
    ("raw-html-attribute-with-angle-bracket", '<span title="x > Meta">y</span> Meta.',
     f'<p><span title="x > Meta">y</span> {A("meta")}.</p>'),
    ("html-comment", "<!-- Meta -->\nMeta.", f"<!-- Meta -->\n<p>{A('meta')}.</p>"),
    ("inline-html-comment", "Pakistan <!-- Meta --> Meta.",
     f"<p>{A('pakistan')} <!-- Meta --> {A('meta')}.</p>"),
    ("lists-and-tables", "* Meta\n\n| Pakistan |\n|---|\n| Meta |",
     f"<ul>\n<li>{A('meta')}</li>\n</ul>\n<table>\n<thead>\n<tr>\n<th>{A('pakistan')}</th>\n"
     "</tr>\n</thead>\n<tbody>\n<tr>\n<td>Meta</td>\n</tr>\n</tbody>\n</table>"),
    ("two-spaces", "Nick  Clegg spoke.", f"<p>{A('nick-clegg', 'Nick  Clegg')} spoke.</p>"),
]  # fmt: skip


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_linking_rules(source, expected):
    assert convert(source) == expected


# (id, HTML as Markdown or an author's raw HTML has it, the same HTML linked)
HTML_CASES = [
    ("nested-links", '<p><a href="/x"><a href="/y">x</a> Meta</a> Pakistan</p>',
     f'<p><a href="/x"><a href="/y">x</a> Meta</a> {A("pakistan")}</p>'),
    ("code-in-link", '<p><a href="/x"><code>x</code> Meta</a> Meta</p>',
     f'<p><a href="/x"><code>x</code> Meta</a> {A("meta")}</p>'),
    ("unclosed-no-link-element", "<p>Pakistan <code>Meta</p><p>Meta</p>",
     f"<p>{A('pakistan')} <code>Meta</p><p>Meta</p>"),
    ("quoted-angle-bracket", "<p title='a > Meta' data-x=\"b > Pakistan\">Meta</p>",
     f"<p title='a > Meta' data-x=\"b > Pakistan\">{A('meta')}</p>"),
    # Invalid HTML (Markdown escapes it): taken as a tag up to the next ">".
    ("bare-less-than", "<p>x < Meta</p><p>Meta</p>", f"<p>x < Meta</p><p>{A('meta')}</p>"),
    ("comment", "<!-- Meta <b> --><p>Pakistan</p>", f"<!-- Meta <b> --><p>{A('pakistan')}</p>"),
    ("script-holding-tags", '<script>var a = "</a> Meta";</script><p>Meta</p>',
     f'<script>var a = "</a> Meta";</script><p>{A("meta")}</p>'),
    ("comment-holding-tags", "<!-- <code> --><p>Meta</p>", f"<!-- <code> --><p>{A('meta')}</p>"),
    ("upper-case-tags", "<H2>Meta</H2><P>Pakistan <CODE>Meta</CODE></P>",
     f"<H2>Meta</H2><P>{A('pakistan')} <CODE>Meta</CODE></P>"),
    ("mixed-case-raw-text", "<Script>Meta</SCRIPT><p>Meta</p>",
     f"<Script>Meta</SCRIPT><p>{A('meta')}</p>"),
    ("end-tag-then-name", "<p><b>x</b>Meta</p>", f"<p><b>x</b>{A('meta')}</p>"),
]  # fmt: skip


@pytest.mark.parametrize(("html", "expected"), [c[1:] for c in HTML_CASES],
                         ids=[c[0] for c in HTML_CASES])  # fmt: skip
def test_no_link_zones_in_any_html(html, expected):
    assert linker().link_html(html)[0] == expected


def test_every_mention_mode():
    html = convert("The Pakistan Telecommunication Authority (PTA) said the PTA would.", "all")
    assert html == f"<p>The {A('pta')} (PTA) said the {A('pta', 'PTA')} would.</p>"
    html = convert("Nick Clegg spoke. Clegg added.", "all")
    assert html == f"<p>{A('nick-clegg')} spoke. {A('nick-clegg', 'Clegg')} added.</p>"


def test_no_link_mode_still_counts_mentions():
    html, mentions = render("Meta met Meta in Pakistan.", "none")
    assert html == "<p>Meta met Meta in Pakistan.</p>"
    assert mentions == (("meta", 2, False), ("pakistan", 1, False))


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="use one of first, all, none"):
        linker("some")


def test_mentions_count_surnames_and_merge_acronym_after_full_name():
    source = (
        "Nick Clegg met the Pakistan Telecommunication Authority (PTA).\n\n"
        "Clegg said the PTA's rules were clear. Clegg left.\n\n# Clegg\n\n`Clegg`"
    )
    _, mentions = render(source)
    assert [(m.id, m.count, m.linked) for m in mentions] == [
        ("nick-clegg", 3, True),
        ("pta", 2, True),
    ]


def test_surname_alone_is_not_a_mention():
    assert render("Clegg said so.")[1] == ()


def test_shared_surname_names_the_latest_full_name():
    registry_text = (DATA / "registry.yml").read_text(encoding="utf-8") + (
        "ann-clegg:\n  name: Ann Clegg\n  type: person\n"
    )
    registry = parse_registry(registry_text)
    shared = Linker(registry, Matcher(registry), href, mode="all")
    text = "<p>Nick Clegg met Ann Clegg. Clegg spoke. Nick Clegg left. Clegg too.</p>"
    html, state = shared.link_html(text)
    assert re.findall(r'data-entity="([a-z-]+)"[^>]*>([^<]*)', html) == [
        ("nick-clegg", "Nick Clegg"), ("ann-clegg", "Ann Clegg"), ("ann-clegg", "Clegg"),
        ("nick-clegg", "Nick Clegg"), ("nick-clegg", "Clegg"),
    ]  # fmt: skip
    assert state.mentions() == (("nick-clegg", 3, True), ("ann-clegg", 2, True))


def test_one_state_counts_across_documents():
    """The state is per article; handing the same one on counts across calls."""
    state = LinkState()
    first, _ = linker().link_html("<p>Meta in Pakistan.</p>", state)
    second, _ = linker().link_html("<p>Meta again.</p>", state)
    assert first == f"<p>{A('meta')} in {A('pakistan')}.</p>"
    assert second == "<p>Meta again.</p>"
    assert state.mentions() == (("meta", 2, True), ("pakistan", 1, True))
    assert mentions_from_metadata({META_KEY: state.mentions()}) == state.mentions()
    assert [m.id for m in mentions_from_metadata({META_KEY: state.mentions()})] == [
        "meta",
        "pakistan",
    ]
    assert mentions_from_metadata({}) == ()


def test_link_title_and_attribute_order():
    html = convert("Meta.")
    assert html.startswith(
        '<p><a class="entity entity-organization" data-entity="meta" href="/entities/meta/" '
        'title="Owner of Facebook &amp; Instagram, &quot;the metaverse company&quot;.">Meta</a>'
    )


def test_links_keep_pelican_intrasite_hrefs_as_given():
    """The build links with Pelican's `{filename}` syntax; the linker writes
    the href it is given, escaped as an attribute value."""
    pelican_style = Linker(REGISTRY, MATCHER, lambda e: f"{{filename}}/entities/{e.id}/index.html")
    html, _ = pelican_style.link_html("<p>Pakistan &amp; Meta</p>")
    assert html == (
        '<p><a class="entity entity-place" data-entity="pakistan" '
        'href="{filename}/entities/pakistan/index.html">Pakistan</a> &amp; '
        '<a class="entity entity-organization" data-entity="meta" '
        'href="{filename}/entities/meta/index.html" title="Owner of Facebook &amp; Instagram, '
        '&quot;the metaverse company&quot;.">Meta</a></p>'
    )


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ('Facebook & "Meta" <3', "Facebook &amp; &quot;Meta&quot; &lt;3"),
        ("AT&amp;T, &#169; &#xA9; R&D", "AT&amp;T, &#169; &#xA9; R&amp;D"),
        ("Pakistan's ‘rules’", "Pakistan's ‘rules’"),
    ],
)
def test_attributes_are_escaped_as_markdown_escapes_them(value, escaped):
    """As Python-Markdown's serialiser does: a character reference stays as
    it is; apostrophes are left alone (our links look like Markdown's)."""
    assert escape_attribute(value) == escaped


def test_start_tags_are_what_markdown_would_serialise():
    """Our links are spelt exactly as Python-Markdown writes an <a> element."""
    for entity in [*REGISTRY, Entity("x", "X", "other", description="<b> & 'c' \"d\" &amp;")]:
        element = etree.Element("a")
        for name, value in [("class", f"entity entity-{entity.type}"), ("data-entity", entity.id),
                            ("href", href(entity)), ("title", entity.description)]:  # fmt: skip
            if value:
                element.set(name, value)
        assert start_tag(entity, href(entity)) + "</a>" == to_html_string(element)


# --- properties ------------------------------------------------------------

NAMES = [form for entity in REGISTRY for form in entity.forms] + ["Clegg"]
WORDS = ["the", "Metaverse", "metadata", "DSAs", "Pakistani", "said", "x", "A", "Q", "2021"]
PUNCT = [" ", " ", " ", ", ", ". ", "’s ", "'s ", " (", ") ", "\n", "-", " & ", " &amp; ", " < "]

token = st.one_of(st.sampled_from(NAMES), st.sampled_from(WORDS), st.sampled_from(PUNCT))
plain = st.lists(token, max_size=12).map("".join)


WRAPPERS = [
    "*{}*", "**{}**", "`{}`", "[{}](https://example.org/)", "<b>{}</b>",
    '<a href="/x">{}</a>', '<span title="Meta Pakistan">{}</span>', "<code>{}</code>",
    "<em>{}</em>", "![{}](i.png)", '<span title="Meta > Pakistan">{}</span>',
    "<!-- Meta {} -->", "<kbd>{}</kbd>",
]  # fmt: skip


def _wrap(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(WRAPPERS), inner).map(
        lambda pair: pair[0].format(pair[1].strip() or "x")
    )


inline = st.recursive(plain, lambda inner: st.lists(st.one_of(plain, _wrap(inner)), max_size=4)
                      .map(" ".join), max_leaves=12)  # fmt: skip
documents = st.lists(
    st.one_of(inline, inline.map(lambda s: "## " + s.replace("\n", " ")), st.just("")),
    min_size=1,
    max_size=4,
).map("\n\n".join)

OUR_LINK = re.compile(
    r'<a class="entity entity-[a-z]+" data-entity="[a-z0-9-]+" href="[^"]*"'
    r'(?: title="[^"]*")?>([^<]*)</a>'
)


class _LinkDepth(html.parser.HTMLParser):
    """Records how many links enclose each entity link (and each link in one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = 0
        self.entity_depths: list[int] = []
        self.inside_entity = 0

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            if self.inside_entity:
                self.entity_depths.append(-1)  # a link inside our link
            if dict(attrs).get("data-entity"):
                self.entity_depths.append(self.depth)
                self.inside_entity = self.depth + 1
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "a":
            self.depth -= 1
            if self.inside_entity and self.depth == self.inside_entity - 1:
                self.inside_entity = 0


PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(documents, st.sampled_from(["first", "all"]))
def test_linking_only_inserts_tags(source, mode):
    """Removing our <a> tags gives exactly what Markdown makes without linking:
    not one character outside the inserted tags changed."""
    plain_html = markdown.Markdown(extensions=["extra", "meta"]).convert(source)
    linked_html, mentions = render(source, mode)
    assert OUR_LINK.sub(r"\1", linked_html) == plain_html
    if mode == "first":
        ids = re.findall(r'data-entity="([a-z0-9-]+)"', linked_html)
        assert len(ids) == len(set(ids))
        assert {m.id for m in mentions if m.linked} == set(ids)


@PROPERTY_SETTINGS
@given(documents)
def test_links_never_nest(source):
    """An entity link is never inside a link (Markdown or raw HTML), nor holds one
    (links the author nested themselves are theirs)."""
    linked_html, _ = render(source, "all")
    parser = _LinkDepth()
    parser.feed(linked_html)
    assert all(depth == 0 for depth in parser.entity_depths), linked_html
