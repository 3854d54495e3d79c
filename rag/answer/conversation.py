"""A chat's memory: which earlier question a follow-up leans on, who "er" is, and what was quoted.

Example:
    >>> chat = Conversation()
    >>> chat.context("Und wann?", content_words=1).topic
    ''
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rag.answer.base import Answer, AskContext
from rag.answer.question import SAID, also_asked, person, read_question

FOLLOW_UP_MAX_WORDS = 2  # a question with at most this many content words cannot stand alone


@dataclass(frozen=True)
class Turn:
    """One exchange: the question, the topic it was answered under, and the answer."""

    question: str
    context: AskContext
    answer: Answer


@dataclass
class Conversation:
    """The turns of one chat, oldest first."""

    turns: list[Turn] = field(default_factory=list)

    def context(self, question: str, content_words: int) -> AskContext:
        """What the conversation adds to ``question``.

        A follow-up ("Und wann?", "Was sagte er dazu?", "Wer war noch dabei?") has few content words
        or refers back without naming anything new; it is read under the earlier topic, its pronoun
        speaker is the person that topic named, and sentences quoted before are not quoted again. A
        question that names its own topic starts afresh.
        """
        if not self.turns:
            return AskContext()
        last = self.turns[-1]
        topic = last.context.topic or last.question
        info = read_question(question)
        topic_words = {w.lower().strip("?,.!") for w in topic.split()}
        new_names = [n for n in info.names if n.lower() not in topic_words]
        follows = content_words <= FOLLOW_UP_MAX_WORDS or (info.anaphoric and not new_names)
        if not follows:
            said = " ".join([topic, *(c.text for c in last.answer.citations)])
            follows = refers_to(question, info.names, said)
        if not follows:
            return AskContext()
        earlier = read_question(topic)
        speaker = last.context.speaker or person(earlier)
        quoted = frozenset((c.article_id, c.start) for turn in self.turns for c in turn.answer.citations)
        other = also_asked(question)
        if other and earlier.kind == SAID and earlier.speaker and not earlier.pronoun_speaker:
            # "Und Söder?" after "Was sagte Merkel über …?" asks "Was sagte Söder über …?", and "er" is Söder now
            topic = re.sub(rf"\b{re.escape(earlier.speaker)}\b", other, topic)
            return AskContext(topic=topic, speaker=other, quoted=quoted, fresh=True)
        last_quoted = tuple((c.article_id, c.start, c.end) for c in last.answer.citations)
        return AskContext(topic=topic, speaker=speaker, quoted=quoted, last_quoted=last_quoted)

    def cited_articles(self) -> list[str]:
        """Article ids the last answer cited, in citation order (a follow-up reads these first)."""
        if not self.turns:
            return []
        return list(dict.fromkeys(c.article_id for c in self.turns[-1].answer.citations))

    def add(self, question: str, context: AskContext, answer: Answer) -> None:
        self.turns.append(Turn(question, context, kept(answer)))


_DEFINITE = re.compile(r"\b(?:der|die|das|den|dem|des)\s+(?P<noun>[A-ZÄÖÜ][\w-]+)")
_NOUN_ENDINGS = ("en", "es", "n", "e", "s")


def _noun_stem(word: str) -> str:
    """A noun without its plural or case ending, to find it inside a compound ("Beschränkungen" in
    "Kontaktbeschränkungen", "Treffen" in "Expertentreffen")."""
    low = word.lower()
    for ending in _NOUN_ENDINGS:
        if low.endswith(ending) and len(low) - len(ending) >= 4:
            return low[: -len(ending)]
    return low


def refers_to(question: str, names: tuple[str, ...], said: str) -> bool:
    """Whether ``question`` takes up what was just said by a definite noun ("Wie lange gelten die
    Beschränkungen?" after an answer on "Kontaktbeschränkungen") and names nothing else that is new:
    every one of its ``names`` (``QuestionInfo.names``, its capitalised words after the first) is in
    ``said`` (the topic and the last answer's quotes).

    Example:
        >>> said = "Günther beschließt Kontaktbeschränkungen."
        >>> refers_to("Wie lange gelten die Beschränkungen?", ("Beschränkungen",), said)
        True
        >>> refers_to("Wie lange gelten die Beschränkungen in Bayern?", ("Beschränkungen", "Bayern"), said)
        False
    """
    text = said.lower()
    definite = [m.group("noun") for m in _DEFINITE.finditer(question)]
    return bool(definite) and all(_noun_stem(n) in text for n in (*definite, *names))


def kept(answer: Answer) -> Answer:
    """What a conversation keeps of an answer: all of it but the full text of the passages' articles
    (quotes, passages, headlines and dates stay; a source card fetches its article when opened), so a
    server holding a thousand conversations does not hold thousands of articles."""
    passages = [replace(h, article=replace(h.article, text="")) for h in answer.passages]
    return replace(answer, passages=passages)
