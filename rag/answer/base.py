"""The answer step's values and its seam: ``Generator.generate(question, hits, context) -> Answer``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from rag.dates import DateScope
from rag.retrieval import Hit

DECLINE_DE = "Dazu steht nichts in den Artikeln."
DECLINE_EN = "The articles do not say."


@dataclass(frozen=True)
class Citation:
    """A quoted sentence: passage ``number`` (1-based, as shown) and its exact offsets in the article."""

    number: int
    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Part:
    """A piece of an answer's text: a quote with its passage number, or (``number`` None) framing words."""

    text: str
    number: int | None = None


@dataclass(frozen=True)
class CheckedSentence:
    """One sentence of an answer, without its markers, and whether the passages it cites support it.

    ``cited`` are valid passage numbers. A sentence that named no passage, or a wrong one, but that
    another passage supports is attributed to that passage (``reason`` says so).
    """

    text: str
    cited: tuple[int, ...]
    supported: bool
    reason: str = ""  # "no citation", "passage 7 does not exist", "number 42 not in [2]", "attributed to [3]" …


@dataclass(frozen=True)
class Answer:
    """What the assistant says, the sentences it cites, the passages it read and how long it took.

    ``parts`` is ``text`` in pieces (framing sentences and cited quotes), so that a renderer can link
    each ``[n]`` without parsing the text.
    """

    text: str
    citations: list[Citation]
    passages: list[Hit]
    timings: dict[str, float] = field(default_factory=dict)
    declined: bool = False
    parts: list[Part] = field(default_factory=list)
    question_type: str = "other"
    date_range: DateScope | None = None  # the period searched, when the question or a filter named one
    generator: str = "extractive"  # what wrote the answer: "extractive" or the language model's name
    note: str = ""  # said to the reader beside the answer (a language model that failed, …)
    unsupported: int = 0  # written sentences whose citations the check did not accept (marked in the text)
    partial: bool = False  # still being written: shown as it streams, replaced by the final answer
    standalone: str = ""  # the follow-up as the language model rewrote it (what was searched and answered)
    verification: tuple[CheckedSentence, ...] = ()  # each sentence about the news and whether its citations hold


@dataclass(frozen=True)
class AskContext:
    """What a conversation adds to a question.

    Attributes:
        topic: the earlier question a follow-up leans on ("" for a question that stands alone).
        speaker: the person a pronoun in the question stands for ("er" -> "Trump").
        quoted: ``(article_id, start)`` of sentences already quoted in this conversation; not repeated.
        dated: the passages come from the period the question (or its topic) named, so words such as
            "im September 2020" are not matched against sentences.
        fresh: the follow-up asks its topic of someone new ("Und Söder?" after "Was sagte Merkel über …?",
            whose topic is then "Was sagte Söder über …?"): retrieved without the earlier answer's articles first.
        last_quoted: ``(article_id, start, end)`` of the sentences the last answer quoted, in its order.
    """

    topic: str = ""
    speaker: str | None = None
    quoted: frozenset[tuple[str, int]] = frozenset()
    dated: bool = False  # retrieval searched the period the question named: its date words are not content
    standalone: str = ""  # a follow-up rewritten by the language model as a question of its own
    fresh: bool = False  # "Und Söder?": the topic asked of someone new, without the earlier answer's articles first
    last_quoted: tuple[tuple[str, int, int], ...] = ()


class Generator(Protocol):
    """Writes an answer to ``question`` from retrieved ``hits``."""

    def generate(self, question: str, hits: list[Hit], context: AskContext | None = None) -> Answer: ...
