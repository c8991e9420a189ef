"""What the detector is given: the documents, and the settings and thresholds
it runs with.

Kept apart from the stages (and free of numpy) so that a build whose findings
are already known (results.py) never imports the detector itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from editorial.paragraphs import ParagraphRecord


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds. Each was chosen on data other than the seed and
    the Paine corpus, and `invoke bench.repeats` re-derives and prints them:

    * ``near`` = 0.80: by definition of a lightly edited copy (at least 80% of
      the words kept in order, or 80% of word 3-grams kept when the two have
      comparable length), checked on the project's labelled articles
      (tests/data/repeats): their near copies score 0.80-0.91, and the
      same-template paragraphs that score as high are caught by the fact veto.
    * ``paraphrase`` = 0.89: the lowest semantic score at which precision (the
      share of true pairs among those scoring at least that) reaches 0.90 on
      MRPC test + the STS-B subset pooled, fact veto applied (measured 0.890).
      Repeats are rare in real articles, so a pair judged on its own evidence
      must be a paraphrase with high precision.
    * ``same_facts`` = 0.77: the same rule among the pairs that state the same,
      non-empty set of numbers (measured 0.767): spun copy keeps the facts,
      and on MRPC equal numbers raise precision at a given score (0.82 -> 0.90
      at 0.80). Pairs without numbers get no credit, and shared names earn
      none (they do not raise precision on MRPC).
    * ``corroborated`` = 0.65: MRPC's best-accuracy threshold (measured
      0.647). MRPC pairs are two sentences of one news story, two thirds of
      them paraphrases: about the odds that a neighbour of a repeated pair in
      a repeated block is itself repeated. Used only next to an accepted pair.
    * ``tokens`` = 0.81: token alignment (tokens.py), the same rule as
      ``paraphrase`` on that score: the lowest threshold at which precision
      reaches 0.90 on MRPC test + the STS-B subset pooled, fact veto applied
      (measured 0.806, recall 0.42; the paragraph cosine reaches the same
      precision only from 0.89, recall 0.37). Asked only of pairs whose
      paragraph cosine reaches the lowest threshold above and that no other
      rule accepts.
    * ``learned`` = True: below ``tokens``, such a pair is still a paraphrase
      when the learned rule accepts it (learned.py: a logistic regression on
      the token alignment and the alignment of the word pieces the other
      paragraph lacks, its cut chosen as ``tokens`` is); False turns it off.
    """

    near: float = 0.80
    paraphrase: float = 0.89
    same_facts: float = 0.77
    corroborated: float = 0.65
    tokens: float = 0.81
    learned: bool = True


@dataclass(frozen=True)
class Document:
    """An article's paragraphs; `path` is how findings name it (e.g. content/x.md)."""

    path: str
    paragraphs: tuple[ParagraphRecord, ...]


@dataclass(frozen=True)
class RepeatSettings:
    # Paragraphs shorter than this ("Here is why.") are never compared: short
    # lines recur legitimately and carry too little to judge a repeat by.
    min_words: int = 8
    # Use the sentence-embedding model (paraphrases); False = lexical only
    # (exact and near).
    semantic: bool = True
    # "packaged" (all-MiniLM-L6-v2 from the installed packages) or a directory
    # with model.onnx, tokenizer.json and SHA256SUMS (see embeddings.py).
    model: str = "packaged"
    # Where embeddings and text features are cached (sqlite); None = no disk cache.
    cache_dir: str | None = ".editorial-cache"
    near_threshold: float = Thresholds.near
    paraphrase_threshold: float = Thresholds.paraphrase
    same_facts_threshold: float = Thresholds.same_facts
    corroborated_threshold: float = Thresholds.corroborated
    tokens_threshold: float = Thresholds.tokens
    learned_rule: bool = Thresholds.learned

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(
            near=self.near_threshold,
            paraphrase=self.paraphrase_threshold,
            same_facts=self.same_facts_threshold,
            corroborated=self.corroborated_threshold,
            tokens=self.tokens_threshold,
            learned=self.learned_rule,
        )
