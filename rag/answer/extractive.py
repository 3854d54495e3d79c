"""The offline default answerer: quotes the retrieved sentences that answer what was asked, or declines.

It never writes a word of its own about the news. It reads the question's type (``rag.answer.question``),
scores every sentence of the retrieved passages by how well it matches the question and whether it
holds what that type asks for (a date for "wann", a reason for "warum", a statement by the person a
"was sagte X" question names), quotes the best ones verbatim with their passage number, and frames
them with the article's date ("Laut dem Artikel vom Februar 2025: …"). When the evidence is weak, or
the question names a full name or speaker that the index never mentions, it declines; a number of the
question that no retrieved passage has lowers every sentence's score.

Example:
    >>> answer = generator.generate("Wann telefonierten Trump und Putin?", hits)  # doctest: +SKIP
    >>> answer.text  # doctest: +SKIP
    'Laut dem Artikel vom Januar 2017: Am Freitag gab der Kreml-Sprecher Dmitri Peskow an, ... [1]'
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rag.answer.answerable import (
    SURE_SCORE,
    THRESHOLD,
    Evidence,
    TermWeights,
    answer_probability,
    features,
    idf_share,
    pair_share,
)
from rag.answer.base import DECLINE_DE, DECLINE_EN, Answer, AskContext, CheckedSentence, Citation, Part
from rag.answer.evidence import (
    SPEECH_VERBS,
    TALK_VERBS,
    attributed_to,
    counted_words,
    explains,
    has_speech_verb,
    is_role,
    matches_kind,
    names_amount,
    names_only_kind,
    names_speech_place,
    role_refers_to,
    states_condition,
)
from rag.answer.question import (
    CONDITION,
    HOW_MANY,
    OTHER,
    SAID,
    SUMMARY,
    TOPIC,
    WHEN,
    WHERE,
    WHO,
    WHY,
    QuestionInfo,
    asked_noun,
    asks_amount,
    content_words,
    full_names,
    is_pronoun,
    read_question,
    said_topic,
)
from rag.answer.quotes import passage_sentences, shown
from rag.chunking import is_heading
from rag.dates import without_dates
from rag.embedding import Embedder
from rag.lexical import GermanAnalyzer
from rag.retrieval import Hit

# the question types a bare follow-up ("Und wo?", "Unter welcher Bedingung?") asks only a fact of
_FACT_KINDS = frozenset({WHEN, WHERE, HOW_MANY, CONDITION})
# a bare follow-up declines below this best-sentence score (the single-score rule's threshold, chosen on
# half of XQuAD-de's articles as declining at most 8% of answerable questions)
BARE_MIN_SCORE = 0.32
COUNT_BONUS = 0.5  # share of fit_bonus added when a number counts what "wie viele" asks about
BARE_MAX_SENTENCES = 2  # quotes for a bare follow-up that asks one fact ("Und wo?")
_WORD = re.compile(r"[^\W\d_][\w-]*")
_HOW_LONG = re.compile(r"\b(?:wie lange|how long)\b", re.I)
# a talk with someone: "sprach mit Putin", "sprachen miteinander", "spoke with Putin"
_WITH = re.compile(r"\b(?:mit|miteinander|with)\b", re.I)
_NEAR_CHARS = 800  # for a bare follow-up, sentences this close to an earlier quote count as the same event

# stems of the words that ask for news without naming a topic ("Was geschah?", "What was reported?")
_NEWS_WORDS = frozenset(
    [
        "geschah",
        "passiert",
        "bericht",
        "los",
        "neu",
        "gab",
        "gibt",
        "wurd",
        "word",
        "werd",
        "happen",
        "happened",
        "report",
        "reported",
        "new",
        # the words of a summary request ("Fasse den Artikel über … zusammen", "Worum geht es in dem Artikel …")
        *("artikel", "beitrag", "geht", "ging", "fass", "zusamm", "zusammenfass"),
        *("articl", "summary", "summariz", "summaris"),
    ]
)

MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
KnownTerm = Callable[[list[str]], set[str]]  # of these stemmed terms, the ones the whole index holds


@dataclass(frozen=True)
class Scored:
    """A question read against its passages: every sentence scored, and what the decline decision needs."""

    info: QuestionInfo
    ranked: list[Candidate]  # best first
    terms: list[str]  # the question's stemmed content words in order (with a follow-up's topic)
    cos_top: float  # cosine of the question to the first passage
    bare: bool = False  # a follow-up that asks only for a fact or a reason ("Und wo?") of the topic
    unheld: tuple[str, ...] = ()  # the question's nouns and names that the index never holds ("nato")
    unmet: bool = False  # a follow-up with words of its own ("Wer folgt ihm nach?") none of which a passage holds

    @property
    def one_fact(self) -> bool:
        """A bare follow-up that asks one fact of the topic: its place, time, number or condition ("Und wo?")."""
        return self.bare and self.info.kind in _FACT_KINDS


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage with its evidence score."""

    number: int
    hit: Hit
    start: int
    end: int
    score: float
    fits: bool  # holds what the question type asks for
    cosine: float = 0.0  # of the question to this sentence
    coverage: float = 0.0  # share of the question's content words in the sentence or its headline

    @property
    def text(self) -> str:
        return self.hit.article.text[self.start : self.end]


def article_date(date: str | None, english: bool) -> str | None:
    """ "2025-02" -> "Februar 2025", "2020-04-24" -> "24. April 2020" (English: "February 2025", "24 April 2020")."""
    if not date:
        return None
    months = MONTHS_EN if english else MONTHS_DE
    month = months[int(date[5:7]) - 1]
    if len(date) == 7:
        return f"{month} {date[:4]}"
    day = int(date[8:10])
    return f"{day} {month} {date[:4]}" if english else f"{day}. {month} {date[:4]}"


# a bare follow-up ("Und wo?") that the articles quoted so far give no answer to: what they do not name
MISSING_DE = {
    WHERE: "Einen Ort dafür nennen die bisher zitierten Artikel nicht.",
    WHEN: "Einen Zeitpunkt dafür nennen die bisher zitierten Artikel nicht.",
    HOW_MANY: "Eine Zahl dafür nennen die bisher zitierten Artikel nicht.",
    CONDITION: "Eine Bedingung dafür nennen die bisher zitierten Artikel nicht.",
}
MISSING_EN = {
    WHERE: "The articles quoted so far name no place for it.",
    WHEN: "The articles quoted so far give no time for it.",
    HOW_MANY: "The articles quoted so far give no number for it.",
    CONDITION: "The articles quoted so far name no condition for it.",
}
# before the quotes of an answer to "Wie viel Geld …?" none of which names a sum
NO_AMOUNT_DE = "Einen Geldbetrag dafür nennen die gefundenen Artikel nicht. Sie berichten:"
NO_AMOUNT_EN = "The articles found give no sum of money for it. What they report:"
AGAIN_DE = "Wie oben schon zitiert."  # before quotes a follow-up repeats from an earlier answer
AGAIN_EN = "As quoted above."


def off_topic_de(speaker: str, topic: str) -> str:
    """Said before quotes of ``speaker`` none of which is about the ``topic`` asked ("über den Westen")."""
    return f"Eine Äußerung von {speaker} {topic} geben die Artikel nicht wieder. Sie zitieren {speaker} so:"


def off_topic_en(speaker: str, topic: str, certain: bool = True) -> str:
    if not certain:  # "about Russia": the German articles may say it in their own words ("Russland")
        return f"The articles may quote nothing {speaker} said {topic}. What they quote {speaker} saying:"
    return f"The articles quote nothing {speaker} said {topic}. What they quote {speaker} saying:"


def framing(date: str | None, english: bool) -> str | None:
    """The words of its own an answer may say: of when the article is that the quotes come from."""
    when = article_date(date, english)
    if when is None:
        return None
    return f"According to the article of {when}:" if english else f"Laut dem Artikel vom {when}:"


class ExtractiveGenerator:
    """Quotes the retrieved sentences that answer the question, with citations, or declines.

    A sentence scores ``0.5 * cosine(question, sentence) + 0.5 * coverage + fit_bonus * fits``:
    coverage is the share of the question's content words (stemmed) in the sentence or its headline;
    ``fits`` says whether it holds what the question type asks for.

    Args:
        embedder: the index's embedder, for the cosine part.
        analyzer: stems words for coverage (content words only).
        min_probability: below this probability that the passages answer the question
            (``rag.answer.answerable``) the generator declines; 0 answers whatever it can.
        max_sentences: at most this many sentences are quoted.
        relative: further sentences must score at least this share of the best one.
        fit_bonus: added to the score of a sentence that holds what the question type asks for.
        known_terms: tells which stemmed terms occur anywhere in the index; a question naming
            something the index never mentions is declined.
        term_weights: the idf of stemmed terms in the index, for coverage and the decline decision (all 1
            without it).
    """

    def __init__(
        self,
        embedder: Embedder,
        analyzer: GermanAnalyzer | None = None,
        min_probability: float = THRESHOLD,
        max_sentences: int = 3,
        relative: float = 0.75,
        fit_bonus: float = 0.15,
        known_terms: KnownTerm | None = None,
        term_weights: TermWeights | None = None,
    ) -> None:
        self.embedder = embedder
        self.analyzer = analyzer or GermanAnalyzer()
        self.min_probability = min_probability
        self.max_sentences = max_sentences
        self.relative = relative
        self.fit_bonus = fit_bonus
        self.known_terms = known_terms
        self.term_weights = term_weights
        # the stems of the verbs of saying, and of talking, which a question's own verb may stand for
        self._speech_stems = frozenset(self.analyzer.tokens(" ".join(sorted(SPEECH_VERBS))))
        self._talk_stems = self._speech_stems | set(self.analyzer.tokens(" ".join(sorted(TALK_VERBS))))

    # ---- scoring --------------------------------------------------------------------------------
    def _topic_words(self, question: str, info: QuestionInfo) -> list[str]:
        """The question's content words other than its dates and the words that ask for news as such."""
        tokens = self.analyzer.tokens(without_dates(question))
        return [t for t in content_words(info, tokens) if t not in _NEWS_WORDS]

    def _on_topic(self, wanted: set[str], hit: Hit) -> bool:
        """Whether the best passage's article is about what an overview question asks for: at least half
        of its topic words (``_topic_words``) occur in the article (a question that names no topic, only a
        period, always is)."""
        if not wanted:
            return True
        found = wanted & set(self.analyzer.tokens(f"{hit.article.title} {hit.article.text}"))
        return 2 * len(found) >= len(wanted)

    def score_sentences(self, question: str, hits: list[Hit], context: AskContext | None = None) -> Scored:
        """The question read, and every not yet quoted sentence of every hit with its score, best first."""
        context = context or AskContext()
        info = read_question(question)
        if context.fresh:
            # "Und Söder?", its topic now "Was sagte Söder über …?", asks what the topic asks: only his words answer
            info = replace(read_question(context.topic), names=info.names)
        speaker = _asked_speaker(info, context)
        spans: list[tuple[int, Hit, int, int]] = []
        seen: set[tuple[str, int]] = set(context.quoted)
        for number, hit in enumerate(hits, start=1):
            for s, e in passage_sentences(hit.article.text, hit.chunk.start, hit.chunk.end):
                if is_heading(hit.article.text, s, e):
                    continue  # a subheading names a topic and answers nothing
                if (hit.article.id, s) not in seen:  # overlapping chunks repeat sentences; quote each once
                    seen.add((hit.article.id, s))
                    spans.append((number, hit, s, e))
        query = f"{context.topic} {question}".strip()
        if not spans:
            return Scored(info, [], [], 0.0)
        numbers = info.numbers
        if context.dated:  # the period named is what retrieval searched in, not words a sentence must repeat
            query = without_dates(query)
            numbers = tuple(n for n in numbers if n in without_dates(question))
        texts = [hit.article.text[s:e] for _, hit, s, e in spans]
        vectors = self.embedder.embed([query, hits[0].chunk.text, *texts])
        cos_top = float(vectors[1] @ vectors[0])
        cosine = np.clip(vectors[2:] @ vectors[0], 0.0, None)
        terms = content_words(info, self.analyzer.tokens(query))
        own_words = self.analyzer.tokens(question)  # the question's stems, without a follow-up's topic
        # "Wann sprach Trump mit Putin?", "… sprachen sie miteinander?" asks when they talked: a report of one's
        # words ("sagte Trump über Putin") is no answer, and the talk's answer need not repeat the verb ("Telefonat")
        talk = info.kind in (WHERE, WHEN) and _WITH.search(question) is not None
        talk = talk and bool(self._speech_stems & set(own_words))
        # "Worüber sprachen die Diplomaten?": the verb asks for a topic, as "worüber" does
        if info.kind == TOPIC or talk:
            terms = [t for t in terms if t not in self._talk_stems]
        wanted = set(terms)
        # "Wo/Wann sprach Putin?" asks about his words, which any verb of saying reports; "Worüber sprachen die
        # Diplomaten?" asks what a talk was about, which a verb of saying elsewhere does not answer
        speech_terms = self._speech_stems if info.kind in _SPOKEN and not talk else frozenset()
        speech = wanted & speech_terms
        # "Wo sagte Putin das?" asks where he spoke ("sagte" is no content word, but it says what is asked)
        asks_where_said = info.kind == WHERE and bool(speech_terms & set(own_words))
        money = asks_amount(info)
        read = " ".join(f"{h.article.title} {h.chunk.text}" for h in hits)
        # a number the question names that no passage has is evidence the passages are about something else
        missing_penalty = self.fit_bonus * sum(n not in read for n in numbers)
        # a bare follow-up ("Und wann?", "Warum?") asks about the event just quoted: sentences near an
        # earlier quote of the same article tell more of it than sentences elsewhere that hold a date
        bare = _bare(info, own_words, context, (*_FACT_KINDS, WHY))
        asked = set(self.analyzer.tokens(speaker)) if info.kind == SAID and speaker else set()
        # a bare follow-up's words are the topic's, which every earlier quote shares: each counts once; so do
        # an English question's, of which the German articles hold only names and numbers (weighed by idf, a
        # name outweighed the rest: answer_has_gold on XQuAD's English questions fell 0.696 -> 0.666)
        weighed = not bare and not info.english
        known = self.known_terms(sorted(wanted)) if weighed and self.known_terms is not None and wanted else None
        if known is not None:
            # "Welcher Sender interviewte Trump?": the noun naming the kind of answer asked for need not be in it
            # ("… mit Fox News"); when no article holds that noun, its absence says nothing of whether they answer
            kind_noun = asked_noun(question)
            dropped = set(self.analyzer.tokens(kind_noun)) - known if kind_noun else set()
            if dropped and wanted - dropped:
                terms = [t for t in terms if t not in dropped]
                wanted -= dropped
        weights = self._coverage_weights(wanted, known, asked) if weighed else None
        # "Was hält Trump von der Nato?" over articles that never name the Nato: a noun or name of the question
        # that no article holds says the articles are about something else, however well the rest matches (not
        # so in English: "Peskov" is "Peskow" in German articles, and English capitalises few nouns; a bare
        # follow-up is decided by its score alone)
        named = self._capitalised(context.topic, question) if known else set()
        unheld = tuple(sorted(named & wanted - known)) if known and named else ()
        quoted_at: dict[str, list[int]] = {}
        for article_id, at in context.quoted if bare else ():
            quoted_at.setdefault(article_id, []).append(at)
        # "Wer folgt ihm nach?" after "Wann trat Hogan zurück?": the topic's words are in every sentence on Hogan,
        # so only the follow-up's own words ("folgt") tell whether any passage says what it asks (not in English,
        # whose words the German articles do not share)
        own = (wanted & set(own_words)) - set(self.analyzer.tokens(context.topic)) if context.topic else set()
        unmet = bool(own) and not bare and not info.english
        scored = []
        for (number, hit, s, e), text, cos in zip(spans, texts, cosine.tolist(), strict=True):
            found = set(self.analyzer.tokens(f"{hit.article.title} {text}"))
            found |= _other_verb_forms(wanted, text, found)
            if _points_back(text, info):  # "Er hatte …", "Abhängig sei das vom …": the sentence before says who or what
                found |= set(self.analyzer.tokens(_previous_sentence(hit.article.text, s)))
            if speech and has_speech_verb(text):
                found |= speech  # "Wo sprach Putin?" is met by "…, sagte Putin in Moskau."
            unmet = unmet and not own & found
            coverage = _coverage(wanted, found, weights)
            # where someone spoke is a place outside their words, not one they spoke about
            if asks_where_said:
                fits = has_speech_verb(text) and names_speech_place(text)
                # "Wo äußerte sich Trump über Putin?" asks where Trump spoke: where Putin spoke is no answer
                if fits and speaker and not is_pronoun(speaker):
                    fits = attributed_to(text, speaker) or role_refers_to(hit.article.text, s, e, speaker)
            elif money:
                fits = names_amount(text)  # "Wie viel Geld …?" is not met by "40.000 neue Fälle"
            else:
                fits = matches_kind(info.kind, text, speaker)
            if not fits and info.kind == SAID and speaker and role_refers_to(hit.article.text, s, e, speaker):
                fits = True  # "…, warnte der Kremlchef" a sentence after one that named Putin
                found |= asked
                coverage = _coverage(wanted, found, weights)
            if _asks(text) and not (fits and info.kind == SAID):
                continue  # "Hat Hamburg ein Müllproblem?": a question the article asks (not quotes) answers nothing
            score = 0.5 * cos + 0.5 * coverage + (self.fit_bonus if fits else 0.0) - missing_penalty
            if fits and info.kind == HOW_MANY and self._counts(wanted, text):
                score += COUNT_BONUS * self.fit_bonus  # "Wie viele Stellen …?" is met by "5.000 Stellen"
            if quoted_at.get(hit.article.id):
                distance = min(abs(s - at) for at in quoted_at[hit.article.id])
                score += self.fit_bonus * max(0.0, 1.0 - distance / _NEAR_CHARS)
            scored.append(Candidate(number, hit, s, e, score, fits, cos, coverage))
        if info.kind == SAID and speaker:
            # only what that person said; anyone else's words are no answer. A role or a thing ("Was fordert
            # der Gesamtmetall-Chef?", "Was verlangt die Richtlinie?") that the articles name another way
            # ("Chef des Arbeitgeberverbands Gesamtmetall, Rainer Dulger") or that speaks through no verb of
            # saying keeps every sentence when none attributes speech to it by that word
            fitting = [c for c in scored if c.fits]
            scored = fitting if fitting or not _described(info, speaker) else scored
        elif bare and info.kind in _FACT_KINDS:
            # "Und wo?", "Und wann?": a bare follow-up asks only for the place or time of the topic, and a
            # sentence without one cannot answer it (the articles may not say: then the answer declines); the
            # event is the one quoted, so another article's date or place is not its answer
            scored = [c for c in scored if c.fits and (not quoted_at or c.hit.article.id in quoted_at)]
        ranked = sorted(scored, key=lambda c: (-c.score, c.number, c.start))
        return Scored(info, ranked, terms, cos_top, bare, unheld, unmet)

    def _coverage_weights(self, wanted: set[str], known: set[str] | None, speaker: set[str]) -> dict[str, float] | None:
        """How much each question word counts in a sentence's coverage: its idf in the index, so that the rare
        word of "Wer war bei dem Treffen in Istanbul?" outweighs the common one ("Istanbul" over "Treffen"); a
        word the index never holds ("telefonierten" where the articles say "Telefonat") weighs nothing, as no
        sentence can hold it. The words of the asked ``speaker`` weigh as the rarest word: "Was sagte Trump
        über den Westen?" asks for Trump's words however often the articles name him. None (every word counts
        once) without an index or when it holds none of them (``known``: the words it holds)."""
        if not wanted or self.term_weights is None or not known:
            return None
        idf = self.term_weights(sorted(known))
        weights = {t: idf[t] if t in known else 0.0 for t in wanted}
        rarest = max(weights.values())
        return {t: rarest if t in speaker and t in known else w for t, w in weights.items()}

    def _capitalised(self, *texts: str) -> set[str]:
        """The stems of the capitalised words of each text after its first word: a German question's nouns
        and names ("Nato" in "Was hält Trump von der Nato?")."""
        words = [w for text in texts for w in _WORD.findall(text)[1:] if w[0].isupper()]
        return set(self.analyzer.tokens(" ".join(words)))

    def _counts(self, wanted: set[str], sentence: str) -> bool:
        """Whether a number in the sentence counts a word of the question ("5.000 Stellen" for "Wie viele Stellen")."""
        return bool(wanted & set(self.analyzer.tokens(" ".join(counted_words(sentence)))))

    def evidence(self, scored: Scored, hits: list[Hit]) -> Evidence:
        """The measurements the decline decision reads (``rag.answer.answerable``); needs a ranked sentence."""
        best = scored.ranked[0]
        second = scored.ranked[1].score if len(scored.ranked) > 1 else 0.0
        wanted = set(scored.terms)
        weights = self.term_weights(sorted(wanted)) if self.term_weights else {}
        best_passage = set(self.analyzer.tokens(f"{best.hit.article.title} {best.hit.chunk.text}"))
        top_tokens = self.analyzer.tokens(f"{hits[0].article.title} {hits[0].chunk.text}")
        return Evidence(
            score=best.score,
            idf_best=idf_share(wanted, weights, best_passage),
            gap=best.score - second,
            idf_top=idf_share(wanted, weights, set(top_tokens)),
            pairs_top=pair_share(scored.terms, top_tokens),
            cos_top=scored.cos_top,
            cos_best=best.cosine,
            n_terms=len(wanted),
        )

    def answers(self, scored: Scored, hits: list[Hit]) -> float:
        """The probability that the passages answer the question (0 when no sentence is left to quote)."""
        if not scored.ranked:
            return 0.0
        if scored.bare:
            # the model was fitted on questions that stand alone; for "Und wo?" the passages are the topic's
            # anyway, and what matters is whether the best sentence holding a place is close enough to it
            return 1.0 if scored.ranked[0].score >= BARE_MIN_SCORE else 0.0
        if self.sure(scored):
            return 1.0
        return answer_probability(features(self.evidence(scored, hits)), english=scored.info.english)

    def sure(self, scored: Scored) -> bool:
        """Whether the best sentence matches so well that it answers whatever the decline model says: its score
        is ``SURE_SCORE`` or more and the question names nothing the index never holds (else the model decides,
        whose measurements weigh such a word as the rarest)."""
        return scored.ranked[0].score >= SURE_SCORE and not scored.unheld

    def unknown_names(self, info: QuestionInfo, hits: list[Hit]) -> list[str]:
        """Full names ("Angela Merkel") and the asked-about speaker that no retrieved passage mentions
        and the whole index never holds: the articles cannot be about them.

        Single capitalised words do not count (German capitalises every noun, and a noun the articles
        phrase differently is no reason to decline); missing numbers lower the score in ``score_sentences``.
        """
        read = " ".join(f"{h.article.title} {h.chunk.text}" for h in hits)
        present = set(self.analyzer.tokens(read))
        candidates = [*full_names(info.text), *([info.speaker] if info.speaker and not info.pronoun_speaker else [])]
        names = {w: self.analyzer.tokens(w) for w in candidates}
        absent = {w: terms for w, terms in names.items() if terms and not set(terms) <= present}
        if not absent or self.known_terms is None:
            return []
        known = self.known_terms(sorted({t for terms in absent.values() for t in terms}))
        return [w for w, terms in absent.items() if not set(terms) <= known]

    # ---- answering ------------------------------------------------------------------------------
    def generate(self, question: str, hits: list[Hit], context: AskContext | None = None) -> Answer:
        started = time.perf_counter()
        context = context or AskContext()
        answer = self._quoted_fact(question, hits, context) or self._answer(question, hits, context)
        if answer.declined and context.quoted:
            # a follow-up that only sentences quoted before answer ("Und was sagte Peskow dazu?" after an
            # answer that quoted him): quote them again, said as such, rather than claim the articles are silent
            again = self._answer(question, hits, replace(context, quoted=frozenset()))
            # only what was quoted before may be said to be quoted again (without the earlier quotes, a bare
            # "Und wann?" would no longer keep to their articles and could quote a new sentence from another)
            if not again.declined and all((c.article_id, c.start) in context.quoted for c in again.citations):
                frame = Part(AGAIN_EN if read_question(question).english else AGAIN_DE)
                parts = [frame, *again.parts]
                answer = replace(again, text=_text(parts), parts=parts)
        return replace(answer, timings={**answer.timings, "generate_ms": _ms(started)})

    def _quoted_fact(self, question: str, hits: list[Hit], context: AskContext) -> Answer | None:
        """For a bare "Und wann?", "Wann war das?" whose answer the last answer already quoted ("Letzte Woche gab
        Kreml-Sprecher Dmitri Peskow … an"): those quotes again, said as such; another sentence with a time
        would tell of another event. None when no sentence of the last answer holds what is asked."""
        info = read_question(question)
        # not "Unter welcher Bedingung?": a condition is often stated in the sentence after the one it is of
        # ("… die Sanktionen … aufzuheben." "Abhängig sei das vom russischen Beitrag …"), which the last answer
        # may not have quoted, and the "wenn" of a quoted sentence is a weaker answer than that sentence
        kinds = _FACT_KINDS - {CONDITION}
        if not context.last_quoted or not _bare(info, self.analyzer.tokens(question), context, kinds):
            return None  # "Und wann trat er zurück?" asks about something of its own
        chosen: list[Candidate] = []
        for article_id, start, end in context.last_quoted:
            found = next(
                (
                    (number, hit)
                    for number, hit in enumerate(hits, start=1)
                    if hit.article.id == article_id and hit.chunk.start <= start and end <= hit.chunk.end
                ),
                None,
            )
            if found and matches_kind(info.kind, found[1].article.text[start:end]):
                chosen.append(Candidate(*found, start, end, 0.0, True))
        if not chosen:
            return None
        chosen = chosen[:BARE_MAX_SENTENCES]
        return _quoting(
            [Part(AGAIN_EN if info.english else AGAIN_DE), *_parts(chosen, info.english)], chosen, hits, info
        )

    def _answer(self, question: str, hits: list[Hit], context: AskContext) -> Answer:
        scored = self.score_sentences(question, hits, context)
        info = scored.info
        topic = set(self._topic_words(question, info)) if info.kind == SUMMARY else set()
        if info.kind == SUMMARY and hits and self._on_topic(topic, hits[0]):
            chosen = self._summary(hits, context, topic)
        elif (
            scored.unmet  # declined whatever the threshold: no passage says anything of what is new in it
            or not scored.ranked
            or self.answers(scored, hits) < self.min_probability
            or self.unknown_names(info, hits)
        ):
            chosen = []
        else:
            chosen = self._choose(info, scored.ranked, scored.one_fact)
        if not chosen:
            text = DECLINE_EN if info.english else DECLINE_DE
            if scored.one_fact and context.quoted:  # "Und wo?": what the quoted lack
                text = (MISSING_EN if info.english else MISSING_DE)[info.kind]
            return Answer(text, [], hits, {}, True, [Part(text)], info.kind)
        parts = _parts(chosen, info.english)
        off_topic = self._off_topic(info, context, chosen)
        if off_topic:
            parts = [Part(off_topic), *parts]
        elif asks_amount(info) and not any(names_amount(c.text) for c in chosen):
            # "Wie viel Geld zahlen die USA an die WHO?" over articles that report the stop of the payments but no
            # sum: the quotes are what they say on it, and the reader is told that no sum is among them
            parts = [Part(NO_AMOUNT_EN if info.english else NO_AMOUNT_DE), *parts]
        return _quoting(parts, chosen, hits, info)

    def _off_topic(self, info: QuestionInfo, context: AskContext, chosen: list[Candidate]) -> str | None:
        """For "Was sagte Trump über den Westen?" whose quotes of Trump all speak of other things: the
        sentence that says so, so that the reader does not take them for his words on the West."""
        speaker = _asked_speaker(info, context)
        topic = said_topic(info)
        if not speaker or not topic or is_pronoun(speaker):
            return None
        terms = set(content_words(info, self.analyzer.tokens(topic.split(maxsplit=1)[1]))) - set(
            self.analyzer.tokens(speaker)
        )
        if not terms or any(_mentions(terms, set(self.analyzer.tokens(c.text))) for c in chosen):
            return None
        if not info.english:
            return off_topic_de(speaker, topic)
        # "about Russia" in an English question is no word of the German articles ("Russland"): whether they
        # quote him on it cannot be told by their words, only that they may not
        known = self.known_terms is None or bool(self.known_terms(sorted(terms)))
        return off_topic_en(speaker, topic, certain=known)

    def _choose(self, info: QuestionInfo, ranked: list[Candidate], one_fact: bool = False) -> list[Candidate]:
        best = ranked[0]
        chosen = [best]
        # "Und wann?" asks for one fact of the event just quoted: the best sentence holding it and one more
        most = min(self.max_sentences, BARE_MAX_SENTENCES) if one_fact else self.max_sentences
        # "Wo …?", "Wann …?", "Wie viele …?": once the best sentence holds the place, time or number asked for,
        # a sentence without one adds words but no answer
        # ("Wie lange …?" is told by "bis zum Ende …" as often as by a number, so it keeps the rest)
        only_fitting = (
            info.kind in (WHERE, TOPIC, WHEN, HOW_MANY, CONDITION) and best.fits and not _HOW_LONG.search(info.text)
        )
        if _REFERS_BACK.match(best.text) and not (only_fitting and info.kind == WHERE):
            # "Sie schlugen daraufhin …", "Dabei ging es um …": the sentence before says who "sie" or what
            # "dabei" is, and is quoted with it (not for a "wo" answer, whose quotes are the sentences that
            # name the place); it counts among the quotes, so that a follow-up still has sentences left
            before = [c for c in ranked if _follows(best, c)]
            # only a sentence that names someone or something can say who "er" is ("Womöglich kommen bald noch
            # mehr." before "Er gilt als Kandidat …" cannot)
            chosen = [*[c for c in before[:1] if _names_something(c.text)], best]
        for cand in ranked[1:]:
            if len(chosen) >= most or cand.score < self.relative * best.score:
                break
            if only_fitting and not cand.fits:
                continue
            if not any(_near_duplicate(cand.text, c.text) for c in chosen):
                chosen.append(cand)
        noun = asked_noun(info.text) if not info.english else None
        if noun is not None and names_only_kind(best.text, noun):
            # "Welche Auszeichnung bekam Draisaitl?": "… bekommt Draisaitl die prestigereiche Auszeichnung der
            # US-Eishockeyliga" says that he got one, not which; the best sentence that names it is quoted too
            naming = next((c for c in ranked[1:10] if c.score >= 0.6 * best.score and _names_kind(c.text, noun)), None)
            if naming is not None and all(naming.start != c.start or naming.number != c.number for c in chosen):
                chosen = [*chosen[: most - 1], naming]
        if info.kind == WHERE and not best.fits:
            # "Wo sprach Putin über die Eliten?": the sentence on the Eliten names no place, and the article names
            # the place of his speech once ("…, sagte Putin bei einer Sitzung … in Moskau."): a "wo" answer holds one
            placed = next((c for c in ranked if c.fits and c.hit.article.id == best.hit.article.id), None)
            if placed is not None and all(placed.start != c.start for c in chosen):
                chosen = [*chosen[: most - 1], placed]
        if info.kind == CONDITION:
            # "Abhängig sei das vom …" states the condition of the sentence before, which says what "das" is
            for cand in list(chosen):
                antecedent = next((c for c in ranked if _leans_on(cand, c, info)), None)
                if antecedent is not None and all(antecedent.start != c.start for c in chosen):
                    chosen.append(antecedent)
        following = self._continuation(info, best, ranked) if info.kind in (OTHER, WHO) else None
        if following is not None and all(following.start != c.start for c in chosen):
            chosen = [*chosen, following]  # quoted with it, as the sentence a pronoun points to, beyond the limit
        if info.kind == WHY and not explains(best.text):
            # a sentence that restates a "warum" question is usually followed by its explanation
            following = _next_sentence(best)
            if following is not None and all(following.start != c.start for c in chosen):
                chosen = [*chosen[: self.max_sentences - 1], following]
        return sorted(chosen, key=lambda c: (c.number, c.start))

    def _continuation(self, info: QuestionInfo, best: Candidate, ranked: list[Candidate]) -> Candidate | None:
        """The sentence right after ``best`` when it goes on with what ``best`` began ("Dass die Pest durch
        schlechte Luft verursacht wurde, entwickelte sich zur … Theorie." "Heute ist dies bekannt als die
        Miasma-Theorie."): it points back within its first words and holds a word of the question that
        ``best`` (with its headline) lacks, so the answer is spread over the two."""
        following = next((c for c in ranked if _follows(c, best)), None)
        if following is None or not _CONTINUES.match(following.text):
            return None
        wanted = set(content_words(info, self.analyzer.tokens(info.text)))
        missing = wanted - set(self.analyzer.tokens(f"{best.hit.article.title} {best.text}"))
        return following if missing & set(self.analyzer.tokens(following.text)) else None

    def _summary(self, hits: list[Hit], context: AskContext, wanted: set[str]) -> list[Candidate]:
        """The top article's first sentence among the retrieved passages and the sentences most central to
        them, in reading order; each cites the passage it stands in.

        Only passages whose own text has a topic word of the question (``wanted``) count, when any has: every
        passage of an article carries its headline, so a newsletter's passage on another story is retrieved
        by the headline alone ("Worum geht es im Streit um die Sternbrücke?" is not about a hotel's insolvency
        in the same issue)."""
        top = hits[0]
        text = top.article.text
        own = [(number, hit) for number, hit in enumerate(hits, start=1) if hit.article.id == top.article.id]
        on_topic = [
            (number, hit) for number, hit in own if _coverage(wanted, set(self.analyzer.tokens(hit.chunk.text))) > 0
        ]
        owner: dict[tuple[int, int], tuple[int, Hit]] = {}
        for number, hit in on_topic or own:
            for span in passage_sentences(text, hit.chunk.start, hit.chunk.end):
                owner.setdefault(span, (number, hit))
        spans = [
            (s, e)
            for s, e in sorted(owner)
            if (top.article.id, s) not in context.quoted
            and len(text[s:e].split()) >= 4
            and not is_heading(text, s, e)
            and not _asks(text[s:e])
        ]
        if not spans:
            return []
        vectors = self.embedder.embed([text[s:e] for s, e in spans])
        centre = vectors.mean(axis=0)
        central = np.argsort(-(vectors @ centre), kind="stable").tolist()
        order = [0, *[i for i in central if i != 0]]
        picked: list[int] = []
        for i in order:
            if len(picked) == self.max_sentences:
                break
            if not any(
                _near_duplicate(text[spans[i][0] : spans[i][1]], text[spans[j][0] : spans[j][1]]) for j in picked
            ):
                picked.append(i)
        return [Candidate(*owner[spans[i]], *spans[i], 0.0, True) for i in sorted(picked)]


_SPOKEN = (WHERE, WHEN, SAID)
_BACK_WORDS = r"er|sie|dies|diese[rsmn]?|dabei|damit|dort|dazu|daher|deshalb|zudem"  # words that point back
_ANAPHORIC_START = re.compile(rf"^\W*(?:es|{_BACK_WORDS})\b", re.I)
# the same words opening a sentence of the report itself: not in a quotation ('"Sie haben …' may address someone)
# and not "es", which as often stands for nothing ("Es gibt …")
_REFERS_BACK = re.compile(rf"(?:{_BACK_WORDS})\b", re.I)
# a sentence that states a condition of the one before: "das" or a word pointing back among its first four,
# not as the article of a noun ("Abhängig sei das vom russischen Beitrag …", "Dafür müsse …")
_STATES_BACK = re.compile(rf"^\W*(?:\S+\s+){{0,3}}?(?:das|dies|dafür|davon|{_BACK_WORDS})\b(?!\s+(?-i:[A-ZÄÖÜ]))", re.I)
# a sentence that goes on with the one before: a word pointing back among its first five ("Heute ist dies …")
_CONTINUES = re.compile(rf"^\W*(?:\S+\s+){{0,4}}?(?:{_BACK_WORDS}|deren|dessen|denn|so)\b", re.I)


def _names_kind(sentence: str, noun: str) -> bool:
    """Whether ``sentence`` holds the ``noun`` asked about ("Auszeichnung", also in "MVP-Auszeichnung") with
    what names it, not only with an article."""
    return re.search(rf"{re.escape(noun)}\w{{0,2}}\b", sentence) is not None and not names_only_kind(sentence, noun)


def _described(info: QuestionInfo, speaker: str) -> bool:
    """Whether the asked speaker is a role or a thing rather than a name: a role noun ("Kremlchef"), or a
    word the question puts an article before ("die Richtlinie"; names stand alone: "Was sagte Trump?")."""
    return is_role(speaker) or re.search(rf"\b(?:der|die|das)\s+{re.escape(speaker)}\b", info.text, re.I) is not None


def _asks(sentence: str) -> bool:
    """Whether the sentence is a question ("Wie steht Jens Spahn zu den Lockerungen?"), quoted or not."""
    return sentence.rstrip(" \"'“”„»«)").endswith("?")


def _coverage(wanted: set[str], found: set[str], weights: dict[str, float] | None = None) -> float:
    """Share of ``wanted`` stems in ``found``, each counted by its weight in ``weights`` (once without them);
    a stem of five or more letters also counts inside a German compound that starts or ends with it
    ("gesprach" in "telefongesprach", "flughaf" in "grossflughaf"), as a compound names a kind of its head word."""
    held = {term for term in wanted if term in found or (len(term) >= 5 and any(_compound_of(f, term) for f in found))}
    return idf_share(wanted, weights or {}, held)


def _asked_speaker(info: QuestionInfo, context: AskContext) -> str | None:
    """Whose words a question asks for: its speaker, or for "er"/"sie" the person of the conversation's topic
    (the pronoun itself when there is none)."""
    return info.speaker if not info.pronoun_speaker else (context.speaker or info.speaker)


def _mentions(terms: set[str], found: set[str]) -> bool:
    """Whether ``found`` holds one of ``terms`` or a word of its family: what ``_coverage`` counts, or a word
    that shares its first seven letters ("telefonat" and "telefongesprach")."""
    return _coverage(terms, found) > 0 or any(_shared_prefix(f, t) >= 7 for t in terms for f in found)


def _shared_prefix(a: str, b: str) -> int:
    """How many letters ``a`` and ``b`` share from the start."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _compound_of(word: str, part: str) -> bool:
    """Whether stemmed ``word`` starts with ``part`` or is a compound that ends with it ("telefongesprach",
    "gesprach").

    A word that starts with the part is a compound or an ending the stemmer left ("grosst" of "größten").
    Before an ending part must stand a word of its own or a hyphen, not the prefix "ge": "gesprach" is no
    compound of "sprach", nor is "telefongesprach", so "Telefongespräch" does not count as the verb
    "sprach" of a question.
    """
    if len(word) <= len(part):
        return False
    if word.startswith(part):
        return True
    if not word.endswith(part):
        return False
    rest = word[: -len(part)].rsplit("-", 1)[-1]
    if rest.endswith("ge") and len(rest) != 4:  # "telefon|ge|sprach", "ge|sprach"; but "lage|bericht"
        return False
    return not rest or len(rest) >= 3


# particles of German separable verbs as they open a participle's stem ("zurückgegeben" is "zuruckgegeb"), and
# as the analyzer stems them standing alone ("zurück" is "zuruck", "weiter" is "weit")
_PARTICLES = (
    {"zusammen": "zusamm", "zuruck": "zuruck", "weiter": "weit", "wieder": "wied"}
    | {p: p for p in ["vorbei", "statt", "fest", "fort", "teil", "heim", "auf", "aus", "bei", "ein", "her", "hin"]}
    | {p: p for p in ["los", "mit", "nach", "vor", "weg", "ab", "an", "um", "zu"]}
)
_BY_LENGTH = "|".join(sorted(_PARTICLES, key=len, reverse=True))
# prefixes of inseparable verbs, as stemmed: they make another verb of a strong one ("bekam" is not "kam",
# "versprach" not "sprach") and keep to every form of it ("bekommen", "bekam"; "übernahm", "übernommen")
_INSEPARABLE = ("hinter", "wider", "unter", "miss", "uber", "zer", "ver", "ent", "emp", "be", "er")
_SEPARATED = re.compile(rf"^(?P<p>{_BY_LENGTH})(?:ge|zu)(?P<core>\w{{3,}})$")
_JOINED = re.compile(rf"^(?P<p>{_BY_LENGTH})(?P<core>\w{{3,}})$")


# strong and mixed verbs of news reports, whose vowel changes ("tritt", "trat", "getreten"): each line one verb's
# forms. Left out are verbs with a form that is also a common noun's stem ("Lage", "Weise", "Wende", "Gebot"),
# and the participle "gehalten", whose stem is the noun "Gehalt"
_STRONG_VERBS = """
treten tritt trat traten getreten
geben gibt gab gaben gegeben
nehmen nimmt nahm nahmen genommen
kommen kommt kam kamen gekommen
stehen steht stand standen gestanden
gehen geht ging gingen gegangen
finden findet fand fanden gefunden
sprechen spricht sprach sprachen gesprochen
treffen trifft traf trafen getroffen
schließen schließt schloss schlossen geschlossen
ziehen zieht zog zogen gezogen
bringen bringt brachte brachten gebracht
schlagen schlägt schlug schlugen geschlagen
rufen ruft rief riefen gerufen
greifen greift griff griffen gegriffen
sehen sieht sah sahen gesehen
schreiben schreibt schrieb schrieben geschrieben
steigen steigt stieg stiegen gestiegen
tragen trägt trug trugen getragen
werfen wirft warf warfen geworfen
sterben stirbt starb starben gestorben
gewinnen gewinnt gewann gewannen gewonnen
beginnen beginnt begann begannen begonnen
verlieren verliert verlor verloren
bleiben bleibt blieb blieben geblieben
fahren fährt fuhr fuhren gefahren
sitzen sitzt saß saßen gesessen
helfen hilft half halfen geholfen
fliegen fliegt flog flogen geflogen
fliehen flieht floh flohen geflohen
heben hebt hob hoben gehoben
scheiden scheidet schied schieden geschieden
streiten streitet stritt stritten gestritten
werben wirbt warb warben geworben
nennen nennt nannte nannten genannt
halten hält hielt hielten
brechen bricht brach brachen gebrochen
kennen kennt kannte kannten gekannt
denken denkt dachte dachten gedacht
"""


@functools.cache
def _verb_family() -> dict[str, int]:
    """Each stem of a strong verb's forms -> the number of its verb; the participle (each line's last form) also
    without its "ge" ("tret" of "zurück|ge|tret"), but no other form ("gewann" is no "ge-" form of "wann")."""
    stems = _all_words().tokens
    family: dict[str, int] = {}
    for number, line in enumerate(_STRONG_VERBS.strip().splitlines()):
        for stem in stems(line):
            family[stem] = number
        participle = stems(line.split()[-1])[0]
        if participle.startswith("ge") and len(participle) > 5:
            family.setdefault(participle[2:], number)
    return family


def _verb_of(stem: str) -> tuple[str, int] | None:
    """The strong verb a stem is a form of, also as a participle or zu-infinitive with a particle, as its
    inseparable prefix ("" for none) and number: ("be", n) for "bekam" and "bekommen", ("", n) for "kam"."""
    family = _verb_family()
    if stem in family:
        return "", family[stem]
    split = _SEPARATED.match(stem) or _JOINED.match(stem)
    if split is not None:
        number = family.get(split.group("core"))
        return ("", number) if number is not None else None
    for prefix in _INSEPARABLE:
        if stem.startswith(prefix) and stem[len(prefix) :] in family and len(stem) - len(prefix) >= 3:
            return prefix, family[stem[len(prefix) :]]
    return None


def _other_verb_forms(wanted: set[str], sentence: str, found: set[str]) -> set[str]:
    """The question's verbs that the sentence holds in another form: a separable verb split or joined
    ("angekündigt" in "kündigte … an", "eingeführt" in "führte … ein", "aufheben" in "aufzuheben" and back),
    and a strong verb in another tense ("gewann" for "gewonnen", "zurückgetreten" in "tritt … zurück").

    A split verb's core (four letters or more) must stand in the sentence with its particle as a word of
    its own, and a strong verb's form with the question's particle, if it has one."""
    words: set[str] | None = None
    held = set()
    for term in wanted - found:
        split = _SEPARATED.match(term)
        joined = _JOINED.match(term)
        verb = _verb_of(term)
        if split is not None and split.group("p") + split.group("core") in found:
            held.add(term)  # "aufzuheben" for "aufheben"
        elif joined is not None and {f"{joined['p']}{infix}{joined['core']}" for infix in ("zu", "ge")} & found:
            held.add(term)  # "aufheben" for "aufzuheben", "ankündigen" for "angekündigt"
        elif split is not None and (len(split.group("core")) >= 4 or verb is not None):
            words = words if words is not None else set(_all_words().tokens(sentence))
            core = split.group("core")
            if _PARTICLES[split.group("p")] in words and any(
                f == core
                or (f.startswith(core) and len(f) - len(core) <= 2)
                or (verb is not None and _verb_of(f) == verb)
                for f in found
            ):
                held.add(term)  # "angekündigt" for "kündigte … an", "zurückgetreten" for "tritt … zurück"
        elif verb is not None and split is None and any(_verb_of(f) == verb for f in found):
            held.add(term)  # "gewonnen" for "gewann", "trat" for "zurückgetreten"
    return held


@functools.cache
def _all_words() -> GermanAnalyzer:
    """An analyzer that keeps stop words, among which are the particles of separable verbs ("an", "auf")."""
    return GermanAnalyzer(drop_stop_words=False)


def _points_back(sentence: str, info: QuestionInfo) -> bool:
    """Whether the sentence's words for someone or something are in the sentence before: it opens with "Er",
    "Dabei" …, or, asked for a condition, states one of what the sentence before says ("Abhängig sei das …")."""
    if _ANAPHORIC_START.match(sentence):
        return True
    return info.kind == CONDITION and _STATES_BACK.match(sentence) is not None and states_condition(sentence)


def _follows(cand: Candidate, other: Candidate) -> bool:
    """Whether ``cand`` is the sentence right after ``other`` in the same article."""
    return cand.hit.article.id == other.hit.article.id and 0 <= cand.start - other.end <= 3


def _leans_on(cand: Candidate, other: Candidate, info: QuestionInfo) -> bool:
    """Whether ``cand`` is the sentence right after ``other`` in its article and points back to it."""
    return _follows(cand, other) and _points_back(cand.text, info)


def _previous_sentence(text: str, start: int) -> str:
    before = passage_sentences(text, max(0, start - 600), start)
    return text[before[-1][0] : before[-1][1]] if before else ""


def _next_sentence(cand: Candidate) -> Candidate | None:
    """The sentence after ``cand``, unless it is a subheading or a question the article asks ("Werden sie
    nicht gebraucht?"): neither explains anything."""
    text = cand.hit.article.text
    for s, e in passage_sentences(text, cand.end, len(text)):
        if is_heading(text, s, e) or _asks(text[s:e]):
            return None
        return Candidate(cand.number, cand.hit, s, e, cand.score, True)
    return None


def _near_duplicate(a: str, b: str) -> bool:
    """Two sentences that share most of their words (a lead repeated in a later paragraph, a syndicated copy)."""
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) > 0.8


def _parts(chosen: list[Candidate], english: bool) -> list[Part]:
    """Quotes grouped by article in the order cited, each group after one framing sentence with its date."""
    parts: list[Part] = []
    previous: str | None = None
    for c in chosen:
        if c.hit.article.id != previous:
            frame = framing(c.hit.article.date, english)
            if frame:
                parts.append(Part(frame))
            previous = c.hit.article.id
        parts.append(Part(shown(c.text), c.number))
    return parts


def _bare(info: QuestionInfo, tokens: list[str], context: AskContext, kinds: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether the question is a follow-up of one of ``kinds`` with no content words of its own ("Und wann?"):
    it asks that of the topic. ``tokens`` are the question's stems."""
    return bool(context.topic) and info.kind in kinds and not content_words(info, tokens)


def _names_something(sentence: str) -> bool:
    """Whether a capitalised word (a noun or a name) follows the sentence's first word."""
    return any(w[0].isupper() for w in _WORD.findall(sentence)[1:])


def _quoting(parts: list[Part], chosen: list[Candidate], hits: list[Hit], info: QuestionInfo) -> Answer:
    """The answer that says ``parts``, citing the ``chosen`` sentences."""
    citations = [Citation(c.number, c.hit.article.id, c.start, c.end, c.text) for c in chosen]
    # every quote is its passage's own words: supported by construction (framing sentences claim nothing)
    verified = tuple(CheckedSentence(p.text, (p.number,), True) for p in parts if p.number)
    return Answer(_text(parts), citations, hits, {}, False, parts, info.kind, verification=verified)


def _text(parts: list[Part]) -> str:
    return " ".join(f"{p.text} [{p.number}]" if p.number else p.text for p in parts)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)
