"""The synthetic site of ``invoke bench.site``: articles and an entity registry.

Deterministic: the same arguments write the same bytes. The registry depends
only on ``aliases`` and each article only on its number, so the first 1,000
articles of a 5,000-article site are those of the 1,000-article site (one
embedding cache serves both sizes).

* Prose: sentences of the project's ``content/`` articles and, when present,
  of ``../shared/benchmarks/real-writing/paine-works/*.md`` (when that folder
  is absent, :func:`sentence_pool` says so and uses ``content/`` alone, whose
  few hundred sentences then recur far more often).
* Articles: 8-12 paragraphs of 60-80 words each (now and then a few more),
  3-7 tags out of 200, one of 8 categories and 5 authors; four paragraphs
  in five carry a sentence naming one or two registry entities.
* Entities: the project's ``content/entities.yml`` padded with invented
  entities (a name and an acronym each) up to ``aliases`` names and aliases.
  Mentions follow Zipf's law over the first ``MENTIONED`` entities (the
  project's own first): a few recur across the site, most are mentioned a few
  times. A registry lists far more names than an archive uses (the rest are
  there for the matcher to search); every entity mentioned gets a page, and
  each such page costs a build about what any other page costs.
* Planted repeats: every 100th article (numbers 99, 199, ...) repeats an
  earlier paragraph, in turn exactly from an earlier article, nearly (one word
  changed) from an earlier article, and exactly from itself.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import yaml

SEED = 20240611
PARAGRAPH_WORDS = (60, 80)
PARAGRAPHS = (8, 12)
# How many entities the articles mention (and so how many entity pages a
# site gets): about as many as a policy desk follows closely.
MENTIONED = 500
SENTENCE_WORDS = (8, 28)
PLANT_EVERY = 100
PAINE = Path("benchmarks/real-writing/paine-works")

_SYLLABLES = (
    "ka", "lo", "mi", "ra", "tu", "ve", "xo", "zan", "bel", "dor", "fin", "gul",
    "hap", "jer", "kos", "lum", "nar", "pim", "qua", "rov", "sil", "tek",
)  # fmt: skip
_TYPES = ("person", "organization", "place", "legislation", "event", "other")
_MENTIONS = (
    "{a} has said as much in public.",
    "Officials close to {a} declined to comment.",
    "The record of {a} on this point is mixed.",
    "Critics point to {a} as the clearest example.",
    "A statement from {a} followed within days.",
    "{a} and {b} took different views of it.",
    "Both {a} and {b} were asked about the change.",
    "The dispute between {a} and {b} has not ended.",
)
_CATEGORIES = ("Platforms", "Privacy", "Speech", "Transparency", "Courts", "Trade",
               "Elections", "Infrastructure")  # fmt: skip
_AUTHORS = ("Amara Okafor", "Policy Desk", "Lin Wei", "Tomás Ferreira", "Priya Natarajan")


@dataclass
class Corpus:
    """What :func:`make_site` wrote: the article files, the planted repeats
    (later file, its paragraph, earlier file, its paragraph, kind; paragraphs
    counted from 1) and where the prose came from."""

    articles: list[Path] = field(default_factory=list)
    planted: list[tuple[str, int, str, int, str]] = field(default_factory=list)
    forms: int = 0  # names and aliases in the registry
    entities: int = 0
    sources: str = ""


# ---------------------------------------------------------------- prose


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])|(?<=[.!?][”\"’])\s+(?=[A-Z“\"])")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Messrs|Dr|St|Gen|Col|Capt|Gov|No|Esq|Hon)|\b[A-Z])\.$")
_SKIP_PARAGRAPH = re.compile(r"^(#|>|\||[-*+] |\d+\. |    |```|<)")
_UNSAFE = re.compile(r"[<>\[\]{}|\\`_#*]|https?:|&(?!mdash;)")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences, not split after an abbreviation or an initial ("Mr.", "B.")."""
    pieces: list[str] = []
    for piece in _SENTENCE_END.split(paragraph):
        if pieces and _ABBREVIATION.search(pieces[-1]):
            pieces[-1] += " " + piece
        else:
            pieces.append(piece)
    return pieces


def _body(text: str) -> str:
    """A Markdown file without its metadata header (``Key: value`` lines)."""
    head, _, rest = text.partition("\n\n")
    return rest if re.match(r"^[A-Za-z][\w ]*:", head) else text


def sentences_of(text: str) -> list[str]:
    """The prose sentences of one Markdown file that can go into an article
    as they are: 8-28 words, no markup, no headings, lists or quotes."""
    found = []
    for paragraph in _body(text).split("\n\n"):
        paragraph = paragraph.strip()
        if not paragraph or _SKIP_PARAGRAPH.match(paragraph):
            continue
        paragraph = " ".join(paragraph.replace("*", "").split()).replace("&mdash;", "—")
        for sentence in split_sentences(paragraph):
            words = len(sentence.split())
            if not SENTENCE_WORDS[0] <= words <= SENTENCE_WORDS[1] or _UNSAFE.search(sentence):
                continue
            if sentence[0].isupper() and sentence.rstrip('”"’)')[-1:] in ".!?":
                found.append(sentence)
    return found


@functools.cache
def sentence_pool(root: Path) -> tuple[list[str], str]:
    """Sentences to build articles from, and a line saying where they came from
    (read once per process; callers must not change the list)."""
    articles = sorted(p for p in (root / "content").rglob("*.md") if "pages" not in p.parts)
    pool = [s for path in articles for s in sentences_of(path.read_text(encoding="utf-8"))]
    note = f"content/ ({len(articles)} articles)"
    shared = root.parent / "shared"
    paine = shared / PAINE
    if paine.is_dir():
        files = sorted(paine.glob("*.md"))
        pool += [s for path in files for s in sentences_of(path.read_text(encoding="utf-8"))]
        note += f" + {paine} ({len(files)} files)"
    elif not (shared / "benchmarks").is_dir():
        note += f"; ABSENT: {shared / 'benchmarks'} not found, so content/ only"
    else:
        note += f"; ABSENT: {paine} not found, so content/ only"
    pool = list(dict.fromkeys(pool))  # no duplicates, order kept
    return pool, f"{len(pool)} sentences from {note}"


# ---------------------------------------------------------------- registry


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def registry(base: str, aliases: int, rng: random.Random) -> tuple[str, list[list[str]], int]:
    """The registry's text (``base`` plus invented entities up to ``aliases``
    names and aliases), each entity's forms as articles mention them (the
    project's entities first), and the number of names and aliases."""
    entries = yaml.safe_load(base) or {}
    mentions = [[e["name"], *e.get("aliases", [])] for e in entries.values()]
    used = {form.casefold() for forms in mentions for form in forms}
    count = sum(len(forms) for forms in mentions)
    lines = [base.rstrip(), "", "# --- invented entities (bench.corpus) ---"]
    for index in itertools.count(1):
        if count >= aliases:
            break
        words = [_word(rng) for _ in range(rng.randint(1, 3))]
        name = " ".join(words)
        initials = "".join(w[0] for w in words) if len(words) > 1 else words[0][:2].upper()
        acronym = f"{initials}{index}"
        if name.casefold() in used:
            continue
        used.update((name.casefold(), acronym.casefold()))
        lines += [
            f"bench-{index}:",
            f"  name: {name}",
            f"  type: {_TYPES[index % len(_TYPES)]}",
            f"  aliases: [{acronym}]",
            f"  description: Invented entity number {index} of the bench's registry.",
            f"  url: https://example.org/entity/{index}",
        ]
        mentions.append([name, acronym])
        count += 2
    return "\n".join(lines) + "\n", mentions, count


# ---------------------------------------------------------------- articles


class _Deck:
    """The pool's sentences in a seeded order, each dealt once per pass.

    Real articles rarely share a sentence, but a site needs more sentences
    than the pool holds (about 40 per article). After the first pass every
    third word of a sentence is replaced (which words changes with the pass),
    so that later passes share no word 3-gram with earlier ones: without
    that, paragraphs assembled from the same sentences would be flagged as
    repeats by the hundred."""

    def __init__(self, pool: list[str], seed: int) -> None:
        rng = random.Random(f"{seed}/deck")
        self.order = list(pool)
        rng.shuffle(self.order)
        words = sorted({w for s in pool for w in s.split() if w.isalpha() and w.islower()})
        self.vocabulary = words or ["the"]
        self.dealt = 0
        self.held: list[str] = []  # dealt but too long for the paragraph that drew them

    def _next(self) -> str:
        turn, index = divmod(self.dealt, len(self.order))
        self.dealt += 1
        sentence = self.order[index]
        if not turn:
            return sentence
        rng = random.Random(f"{turn}/{index}")
        words = sentence.split()
        for i in range(turn % 3, len(words), 3):
            words[i] = rng.choice(self.vocabulary)
        return " ".join(words)

    def draw(self, most: int) -> str:
        """The next sentence of at most ``most`` words within a few tries, else
        the oldest one held back (a paragraph then runs a few words long)."""
        for i, sentence in enumerate(self.held):
            if len(sentence.split()) <= most:
                return self.held.pop(i)
        for _ in range(4):
            sentence = self._next()
            if len(sentence.split()) <= most:
                return sentence
            self.held.append(sentence)
        return self.held.pop(0)


class _Writer:
    """Paragraphs and articles from the sentence pool and the entity forms."""

    def __init__(self, pool: list[str], mentions: list[list[str]], seed: int) -> None:
        self.seed = seed
        self.deck = _Deck(pool, seed)
        self.mentions = mentions[:MENTIONED]
        # Zipf's law: the entity of rank r is mentioned in proportion to 1/r.
        self.weights = list(itertools.accumulate(1 / r for r in range(1, len(self.mentions) + 1)))
        tag_rng = random.Random(seed - 1)
        self.tags = [f"{_word(tag_rng).lower()} {_word(tag_rng).lower()}" for _ in range(200)]
        self.tag_weights = list(itertools.accumulate(1 / r for r in range(1, 201)))

    def _entity(self, rng: random.Random) -> str:
        forms = rng.choices(self.mentions, cum_weights=self.weights)[0]
        return forms[0] if len(forms) == 1 or rng.random() < 0.8 else rng.choice(forms[1:])

    def paragraph(self, rng: random.Random) -> str:
        parts: list[str] = []
        if rng.random() < 0.8:
            parts.append(rng.choice(_MENTIONS).format(a=self._entity(rng), b=self._entity(rng)))
        low, high = PARAGRAPH_WORDS
        words = sum(len(p.split()) for p in parts)
        while words < low:
            sentence = self.deck.draw(high - words)
            parts.append(sentence)
            words += len(sentence.split())
        rng.shuffle(parts)
        return " ".join(parts)

    def article(self, number: int) -> tuple[str, list[str]]:
        """The header and paragraphs of article ``number``."""
        rng = random.Random(f"{self.seed}/{number}")
        paragraphs = [self.paragraph(rng) for _ in range(rng.randint(*PARAGRAPHS))]
        tags: list[str] = []
        wanted = rng.randint(3, 7)
        while len(tags) < wanted:
            tag = rng.choices(self.tags, cum_weights=self.tag_weights)[0]
            if tag not in tags:
                tags.append(tag)
        date = datetime(2015, 1, 1) + timedelta(hours=7 * number)
        header = (
            f"Title: {tags[0].title()}, note {number}\n"
            f"Date: {date:%Y-%m-%d %H:%M}\n"
            f"Author: {_AUTHORS[number % len(_AUTHORS)]}\n"
            f"Category: {_CATEGORIES[rng.randrange(len(_CATEGORIES))]}\n"
            f"Tags: {', '.join(tags)}\n"
            f"Slug: note-{number:05d}\n"
            f"Summary: Synthetic article {number} of the bench's site.\n"
        )
        return header, paragraphs


def _plant(number: int, paragraphs: list[str], written: list[list[str]], names: list[str]):
    """Repeat an earlier paragraph in article ``number`` (every PLANT_EVERY-th
    one): returns the planted repeat as Corpus.planted lists it, or None."""
    if number % PLANT_EVERY != PLANT_EVERY - 1:
        return None
    rng = random.Random(f"plant/{number}")
    kind = ("exact", "near", "within")[(number // PLANT_EVERY) % 3]
    target = rng.randrange(1, len(paragraphs))
    if kind == "within":
        source, index = number, rng.randrange(target)
        paragraphs[target] = paragraphs[index]
    else:
        source = rng.randrange(number)
        index = rng.randrange(len(written[source]))
        copy = written[source][index]
        if kind == "near":
            words = copy.split(" ")
            words[len(words) // 2] = "notably"
            copy = " ".join(words)
        paragraphs[target] = copy
    return (names[number], target + 1, names[source], index + 1, kind)


def make_site(root: Path, site: Path, *, articles: int, aliases: int, seed: int = SEED) -> Corpus:
    """Write ``site/content/`` (``articles`` Markdown articles) and
    ``site/entities.yml``; an existing ``site/content/`` is replaced."""
    content = site / "content"
    if content.exists():
        for old in content.glob("*.md"):
            old.unlink()
    content.mkdir(parents=True, exist_ok=True)
    base = (root / "content" / "entities.yml").read_text(encoding="utf-8")
    text, mentions, forms = registry(base, aliases, random.Random(seed))
    (site / "entities.yml").write_text(text, encoding="utf-8")
    pool, sources = sentence_pool(root)
    writer = _Writer(pool, mentions, seed)
    corpus = Corpus(forms=forms, entities=len(mentions), sources=sources)
    names = [f"note-{n:05d}.md" for n in range(articles)]
    written: list[list[str]] = []
    for number in range(articles):
        header, paragraphs = writer.article(number)
        planted = _plant(number, paragraphs, written, names)
        if planted:
            corpus.planted.append(planted)
        written.append(paragraphs)
        path = content / names[number]
        path.write_text(header + "\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        corpus.articles.append(path)
    return corpus
