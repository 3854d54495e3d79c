"""Answer generation: a protocol, and the offline extractive default that quotes cited sentences.

The extractive generator never writes a word of its own about the news: it picks the retrieved
sentences that best match the question, quotes them verbatim and puts the passage number after
each. When even the best sentence is weak evidence it declines instead of guessing.

Example:
    >>> answer = generator.generate("Wann telefonierten Trump und Putin?", hits)  # doctest: +SKIP
    >>> answer.text  # doctest: +SKIP
    'Am Freitag gab der Kreml-Sprecher Dmitri Peskow an, dass Trump und Putin am Samstag ... [1]'
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Protocol

from rag.chunking import split_sentences
from rag.embedding import Embedder
from rag.lexical import GermanAnalyzer
from rag.retrieval import Hit

DECLINE_DE = "Dazu steht nichts in den Artikeln."
DECLINE_EN = "The articles do not say."
_ENGLISH_HINTS = frozenset(
    [
        "the",
        "what",
        "who",
        "when",
        "where",
        "why",
        "how",
        "which",
        "did",
        "does",
        "is",
        "are",
        "was",
        "were",
        "with",
        "of",
        "and",
        "to",
    ]
)
_GERMAN_HINTS = frozenset(
    [
        "der",
        "die",
        "das",
        "wer",
        "wann",
        "wo",
        "warum",
        "wie",
        "welche",
        "welcher",
        "hat",
        "ist",
        "sind",
        "war",
        "mit",
        "und",
        "zu",
        "den",
        "dem",
    ]
)


@dataclass(frozen=True)
class Citation:
    """A quoted sentence: passage ``number`` (1-based, as shown) and its offsets in the article."""

    number: int
    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Answer:
    """What the assistant says, the sentences it cites, the passages it read and how long it took."""

    text: str
    citations: list[Citation]
    passages: list[Hit]
    timings: dict[str, float] = field(default_factory=dict)
    declined: bool = False


class Generator(Protocol):
    """Writes an answer to ``question`` from retrieved ``hits``."""

    def generate(self, question: str, hits: list[Hit]) -> Answer: ...


def is_english(question: str) -> bool:
    words = re.findall(r"\w+", question.lower())
    return sum(w in _ENGLISH_HINTS for w in words) > sum(w in _GERMAN_HINTS for w in words)


@dataclass(frozen=True)
class _Candidate:
    number: int
    hit: Hit
    start: int
    end: int
    score: float


class ExtractiveGenerator:
    """Quotes the best-matching retrieved sentences with citations, or declines.

    A sentence's score is ``0.5 * cosine(question, sentence) + 0.5 * coverage``, where coverage is the
    share of the question's stemmed content words that occur in the sentence or its article's title.

    Args:
        embedder: the index's embedder, used for the cosine part.
        min_score: below this best-sentence score the generator declines. Calibrated with
            ``evals/calibrate_refusal.py`` on 400 XQuAD-de questions with the default embedder and k=5:
            answerable questions score p5/p50 = 0.29/0.51; the same questions with their own article
            removed score p50/p95 = 0.23/0.37. 0.37 declines about 95% of those unanswerable cases
            (the balanced optimum, 0.32, would decline only 88.5%): a wrong quote costs a reader more
            than a refusal that still lists the nearest passages.
        max_sentences: at most this many sentences are quoted.
        relative: further sentences must score at least this share of the best one.
    """

    def __init__(
        self,
        embedder: Embedder,
        analyzer: GermanAnalyzer | None = None,
        min_score: float = 0.37,
        max_sentences: int = 3,
        relative: float = 0.85,
    ) -> None:
        self.embedder = embedder
        self.analyzer = analyzer or GermanAnalyzer()
        self.min_score = min_score
        self.max_sentences = max_sentences
        self.relative = relative

    def score_sentences(self, question: str, hits: list[Hit]) -> list[_Candidate]:
        """Every sentence of every hit with its evidence score, best first."""
        spans: list[tuple[int, Hit, int, int]] = []
        for number, hit in enumerate(hits, start=1):
            for s, e in split_sentences(hit.chunk.text):
                spans.append((number, hit, hit.chunk.start + s, hit.chunk.start + e))
        if not spans:
            return []
        texts = [hit.article.text[s:e] for _, hit, s, e in spans]
        vectors = self.embedder.embed([question, *texts])
        cosine = vectors[1:] @ vectors[0]
        wanted = set(self.analyzer.tokens(question))
        scored = []
        for (number, hit, s, e), text, cos in zip(spans, texts, cosine.tolist(), strict=True):
            found = set(self.analyzer.tokens(f"{hit.article.title} {text}"))
            coverage = len(wanted & found) / len(wanted) if wanted else 0.0
            scored.append(_Candidate(number, hit, s, e, 0.5 * max(cos, 0.0) + 0.5 * coverage))
        return sorted(scored, key=lambda c: (-c.score, c.number, c.start))

    def generate(self, question: str, hits: list[Hit]) -> Answer:
        started = time.perf_counter()
        ranked = self.score_sentences(question, hits)
        if not ranked or ranked[0].score < self.min_score:
            text = DECLINE_EN if is_english(question) else DECLINE_DE
            return Answer(text, [], hits, {"generate_ms": _ms(started)}, declined=True)
        chosen: list[_Candidate] = []
        seen_text: set[str] = set()
        for cand in ranked:
            if len(chosen) == self.max_sentences or cand.score < self.relative * ranked[0].score:
                break
            quoted = " ".join(cand.hit.article.text[cand.start : cand.end].split())
            if quoted in seen_text:
                continue  # overlapping chunks repeat sentences; quote each once
            seen_text.add(quoted)
            chosen.append(cand)
        chosen.sort(key=lambda c: (c.number, c.start))
        citations = [
            Citation(c.number, c.hit.article.id, c.start, c.end, c.hit.article.text[c.start : c.end]) for c in chosen
        ]
        text = " ".join(f"{' '.join(c.text.split())} [{c.number}]" for c in citations)
        return Answer(text, citations, hits, {"generate_ms": _ms(started)})


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def best_evidence(generator: ExtractiveGenerator, question: str, hits: list[Hit]) -> float:
    """The score the decline decision is made on (0 when nothing was retrieved)."""
    ranked = generator.score_sentences(question, hits)
    return ranked[0].score if ranked else 0.0
