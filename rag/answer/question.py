"""What a question asks: its language, its type (wer, wann, wo, warum, wie viele, was sagte X …), the
speaker it asks about, and the names and numbers it mentions.

Example:
    >>> q = read_question("Was sagte Peskow über das Telefonat?")
    >>> q.kind, q.speaker, q.english
    ('said', 'Peskow', False)
    >>> read_question("When did Trump and Putin talk?").kind
    'when'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

WHEN, WHERE, WHO, WHY, CONDITION, HOW_MANY, SAID, TOPIC, SUMMARY, OTHER = (
    "when",
    "where",
    "who",
    "why",
    "condition",
    "how_many",
    "said",
    "topic",
    "summary",
    "other",
)

_WORD = re.compile(r"[\w-]+", re.UNICODE)
_SPEECH_DE = (
    r"(?:sagte|sagt|sagten|gesagt|äußerte|äußert|geäußert|erklärte|erklärt|meinte|meint|betonte|betont|kündigte|"
    r"forderte|fordert|verlangte|verlangt|warnte|warnt|behauptete|behauptet|berichtete|kritisierte|kritisiert)"
)
# "Unter welcher Bedingung will Trump die Sanktionen aufheben?", "Wovon hängt das ab?", "Was sind die
# Voraussetzungen dafür?": what something depends on
_CONDITION_DE = re.compile(
    r"\bunter\s+welche[mnr]?\s+(?:bedingung|voraussetzung|umst[aä]nd)\w*"
    r"|\bwovon\s+(?:hängt|hängen|hing|hingen)\b.*\bab\b|\bwovon\s+(?:ist|sind|war|waren)\b.*\babhängig\b"
    r"|\b(?:welche|was\s+(?:ist|sind|war|waren)(?:\s+die)?)\s+(?:bedingung|voraussetzung)\w*",
    re.I,
)
_CONDITION_EN = re.compile(
    r"\b(?:under|on)\s+(?:what|which)\s+(?:conditions?|circumstances|terms)\b|\bwhat\b.*\bdepends?\s+on\b"
    r"|\bwhat\s+(?:are|were|is|was)\s+the\s+(?:conditions?|preconditions?|requirements?)\b",
    re.I,
)
# words that ask for a condition, which the sentence stating it need not repeat ("Abhängig sei das vom …")
_CONDITION_WORDS = "Bedingung Bedingungen Voraussetzung Voraussetzungen Umstand Umständen hängt hängen hing ab abhängig"
_CONDITION_WORDS_EN = "condition conditions circumstances terms depend depends precondition requirement"
# the order matters: "was sagte X" before the plain "was", "wie viele" before "wie"
_KINDS_DE: list[tuple[str, re.Pattern[str]]] = [
    (SUMMARY, re.compile(r"\b(fass\w*\b.*\bzusammen|zusammenfassung|worum geht es)\b", re.I)),
    # "Was geschah im Januar 2017?", "Was wurde im November 2020 über Impfstoffe berichtet?": an overview
    (
        SUMMARY,
        re.compile(
            r"^\s*(?:und\s+)?was\s+(?:geschah|passierte|ist\s+passiert|war\s+los|gab\s+es\s+neues)\b"
            r"|^\s*(?:und\s+)?(?:was|worüber)\s+wurde\b.*\bberichtet\b",
            re.I,
        ),
    ),
    # "Worüber sprachen die Diplomaten?", "Worum ging es bei dem Treffen?": what a talk was about
    (TOPIC, re.compile(r"^\s*(?:und\s+)?(?:worüber|worum)\b", re.I)),
    (SAID, re.compile(rf"^\s*(?:und\s+)?(?:was|wie)\s+(?:hat|haben\s+)?\s*{_SPEECH_DE}\b|\bwie äußert\w*", re.I)),
    (SAID, re.compile(rf"^\s*(?:und\s+)?was\s+(?:hat|haben)\s+.+\s+{_SPEECH_DE}\s*\??\s*$", re.I)),
    (
        HOW_MANY,
        re.compile(r"\b(wie\s*viele?\w*|wieviel\w*|wie (hoch|groß|alt|lange|weit|oft|schwer|teuer|stark))\b", re.I),
    ),
    (WHEN, re.compile(r"\b(wann|seit wann|bis wann|in welchem jahr|an welchem tag|welches datum)\b", re.I)),
    (WHERE, re.compile(r"\b(wo|wohin|woher|in welche[mnr]? (land|stadt|ort|region))\b", re.I)),
    (WHY, re.compile(r"\b(warum|wieso|weshalb|weswegen|wozu|aus welchem grund)\b", re.I)),
    (CONDITION, _CONDITION_DE),
    (WHO, re.compile(r"\b(wer|wen|wem|wessen|welche person)\b", re.I)),
]
_KINDS_EN: list[tuple[str, re.Pattern[str]]] = [
    (SUMMARY, re.compile(r"\b(summari[sz]e|summary|what is .* about)\b", re.I)),
    (SUMMARY, re.compile(r"^\s*(?:and\s+)?what\s+(?:happened|was\s+reported|is\s+new)\b", re.I)),
    (
        TOPIC,
        re.compile(
            r"\bwhat (?:did|do|does|have|has|were|was) .+ (?:talk\w*|spe\w*k\w*|discuss\w*) about\b|"
            r"\bwhat (?:did|do|does|have|has) .+ discuss\b",
            re.I,
        ),
    ),
    (SAID, re.compile(r"\bwhat (did|does|has|have) .+ (say|said|state|claim)\b", re.I)),
    (HOW_MANY, re.compile(r"\bhow (many|much|long|old|often|far|big|large|high)\b", re.I)),
    (WHEN, re.compile(r"\b(when|what year|what date|which year|since when)\b", re.I)),
    (WHERE, re.compile(r"\b(where)\b", re.I)),
    (WHY, re.compile(r"\b(why|for what reason)\b", re.I)),
    (CONDITION, _CONDITION_EN),
    (WHO, re.compile(r"\b(who|whom|whose)\b", re.I)),
]
_SPEAKER_DE = re.compile(
    rf"(?:was|wie)\s+(?:hat|haben)?\s*(?:{_SPEECH_DE})\s+(?:der|die|das)?\s*(?P<a>[\w-]+(?:\s+[A-ZÄÖÜ][\w-]+)*)"
    rf"|was\s+(?:hat|haben)\s+(?:der|die)?\s*(?P<b>[\w-]+(?:\s+[A-ZÄÖÜ][\w-]+)*)\s+.*?{_SPEECH_DE}",
    re.I,
)
_SPEAKER_EN = re.compile(
    r"(?i:what) (?i:did|does|has|have) (?:the )?(?P<a>[\w-]+(?: [A-Z][\w-]+)*) (?i:say|said|state)"
)
_PRONOUNS_DE = frozenset(["er", "sie", "ihm", "ihr", "ihn", "ihnen", "es"])
_PRONOUNS_EN = frozenset(["he", "she", "him", "her", "they", "them", "it"])
_PRONOUNS = _PRONOUNS_DE | _PRONOUNS_EN
_ANAPHORA = frozenset(
    [
        "er",
        "sie",
        "ihm",
        "ihn",
        "ihr",
        "ihnen",
        "dazu",
        "dabei",
        "darüber",
        "davon",
        "daran",
        "damals",
        "dort",
        "dorthin",
        "dies",
        "diese",
        "dieser",
        "dieses",
        "noch",
        "ebenfalls",
        "außerdem",
        "he",
        "she",
        "him",
        "her",
        "they",
        "them",
        "there",
        "then",
        "that",
        "this",
        "also",
        "else",
    ]
)
_QUESTION_WORDS = frozenset(
    [
        "was",
        "wer",
        "wen",
        "wem",
        "wessen",
        "wann",
        "wo",
        "wohin",
        "woher",
        "warum",
        "wieso",
        "weshalb",
        "weswegen",
        "wozu",
        "worüber",
        "worum",
        "wovon",
        "womit",
        "wofür",
        "woran",
        "worauf",
        "woraus",
        "worin",
        "wodurch",
        "wobei",
        "inwiefern",
        "wieviel",
        "wieviele",
        "viel",  # of "wie viel(e)": how many is asked, "viele" is no word a sentence must hold
        "viele",
        "many",
        "wie",
        "welche",
        "welcher",
        "welches",
        "welchen",
        "welchem",
        "und",
        "what",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "which",
        "and",
        "did",
        "does",
        "do",
        "is",
        "are",
        "was",
        "were",
    ]
)
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
        "about",
        "say",
        "said",
        *("do", "has", "have", "had", "a", "on", "for", "from", "they", "he", "she", "it", "this", "will"),
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
        "über",
        "sagte",
        "im",
        "am",
        "ein",
        "eine",
        "von",
        "auf",
        "nach",
        "für",
        "bei",
        "sich",
        "nicht",
        "es",
        "wurde",
        "geschah",
        "passierte",
        "gibt",
        # "Was will Putin?": "was" is a word of both languages, and German's verbs and articles decide
        *("was", "als", "kann", "können", "konnte", "will", "soll", "sollte", "wollte", "muss", "wird"),
        *("werden", "macht", "man", "uns", "ihm", "ihn", "sein", "seine", "seiner", "einer", "eines"),
        *("einem", "des", "zum", "zur", "unter", "welches", "welchen", "welchem", "wenn", "dass"),
    ]
)
_NUMBER = re.compile(r"\b\d[\d.,]*\b")


@dataclass(frozen=True)
class QuestionInfo:
    """A question read for answering.

    Attributes:
        text: the question as asked.
        kind: one of ``when where who why condition how_many said topic summary other``.
        english: asked in English (the framing sentence and a refusal are then English).
        speaker: for ``said`` questions and ``where`` questions about someone's words ("Wo sprach Putin?"),
            the person asked about ("Peskow"); a pronoun when the question says "er"/"he" (a conversation
            resolves it).
        names: capitalised words after the first (names, places and, in German, nouns).
        numbers: numbers written with digits.
        anaphoric: it refers back ("dazu", "er", "noch", "Und wann?").
    """

    text: str
    kind: str
    english: bool
    speaker: str | None
    names: tuple[str, ...]
    numbers: tuple[str, ...]
    anaphoric: bool

    @property
    def pronoun_speaker(self) -> bool:
        return self.speaker is not None and is_pronoun(self.speaker)


def is_pronoun(word: str) -> bool:
    """Whether ``word`` is a personal pronoun ("er", "sie", "he"), which names no one by itself."""
    return word.lower() in _PRONOUNS


def is_english(question: str) -> bool:
    """Whether the question is English rather than German, by counting function words of each (an
    umlaut or ß counts as one more German word; a name such as "Doctor Who" can hold an English one)."""
    lowered = question.lower()
    words = re.findall(r"\w+", lowered)
    german = sum(w in _GERMAN_HINTS for w in words) + bool(re.search(r"[äöüß]", lowered))
    return sum(w in _ENGLISH_HINTS for w in words) > german


def read_question(question: str) -> QuestionInfo:
    """Read a question's language, type, speaker, names, numbers and whether it refers back."""
    english = is_english(question)
    kind = next((k for k, pattern in (_KINDS_EN if english else _KINDS_DE) if pattern.search(question)), OTHER)
    speaker = _speaker(question, english) if kind == SAID else _where_speaker(question) if kind == WHERE else None
    words = _WORD.findall(question)
    lowered = [w.lower() for w in words]
    names = tuple(w for i, w in enumerate(words) if i > 0 and w[:1].isupper() and w.lower() not in _QUESTION_WORDS)
    anaphoric = (lowered[:1] == ["und"] or lowered[:1] == ["and"]) or any(w in _ANAPHORA for w in lowered[1:])
    # "Wann wurde das bekannt?": "das" before no noun is a pronoun for what was just said ("das Gesetz" is not)
    anaphoric = anaphoric or any(
        w == "das" and (i + 1 == len(words) or not words[i + 1][:1].isupper()) for i, w in enumerate(lowered) if i > 0
    )
    return QuestionInfo(question, kind, english, speaker, names, tuple(_NUMBER.findall(question)), anaphoric)


# "Und Söder?", "Und was ist mit Markus Söder?", "And Söder?", "What about Söder?": the same question of another
_ALSO = re.compile(
    r"^\s*(?:(?:und|and)\s+(?:(?:was\s+ist\s+mit|what\s+about)\s+)?|what\s+about\s+)"
    r"(?P<name>[A-ZÄÖÜ][\w-]+(?:\s+[A-ZÄÖÜ][\w-]+){0,2})\s*\??\s*$",
    re.I,
)


def also_asked(question: str) -> str | None:
    """For "Und Söder?" after "Was sagte Merkel …?": whom the same question is now asked of ("Söder"), by the
    last word of the name; None for any other question ("Und in Bayern?" names a place after a preposition).

    Example:
        >>> also_asked("Und Markus Söder?"), also_asked("Und wann?")
        ('Söder', None)
    """
    found = _ALSO.match(question)
    if found is None or not found.group("name")[:1].isupper():
        return None
    last = found.group("name").split()[-1]
    return None if last.lower() in _QUESTION_WORDS else last


def _speaker(question: str, english: bool) -> str | None:
    found = (_SPEAKER_EN if english else _SPEAKER_DE).search(question)
    if not found:
        return None
    name = found.group("a") or found.group("b") or ""
    words = name.split()
    if words and is_pronoun(words[0]):
        return words[0]
    # "Was sagte der Kreml-Sprecher Peskow über …": the run of capitalised words, its last one the name
    run = []
    for word in words:
        if not word[:1].isupper():
            break
        run.append(word)
    return run[-1] if run else None


# "Wo äußerte sich Trump über Putin?", "Where did Putin say that?": a question for the place of someone's words
_SPOKE = re.compile(
    rf"\b(?:{_SPEECH_DE}|sprach|sprachen|spricht|gesprochen|redete|redeten|geredet)\b"
    r"|\b(?:say|said|speak|spoke|spoken|talk|talked)\b",
    re.I,
)
_GOVERNING = frozenset(
    {"über", "mit", "zu", "zum", "zur", "von", "vom", "gegenüber", "an", "für", "about", "with", "to", "of"}
)

_ARTICLES = frozenset({"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "the", "a"})


def _where_speaker(question: str) -> str | None:
    """For a question where someone spoke, the one who spoke: the first pronoun or run of capitalised words
    after the question word that no preposition governs ("Trump" in "Wo äußerte sich Trump über Putin?",
    "Kremlchef" in "Wo sprach der Kremlchef?"); None for other questions of place."""
    if not _SPOKE.search(question):
        return None
    words = re.findall(r"[\w-]+", question)
    start = 2 if words[:1] and words[0].lower() in ("und", "and") else 1
    for i in range(start, len(words)):
        # "über Putin", "über das Gesetz": the one spoken about, not the one speaking
        if words[i - 1].lower() in _GOVERNING or (
            i >= 2 and words[i - 1].lower() in _ARTICLES and words[i - 2].lower() in _GOVERNING
        ):
            continue
        if is_pronoun(words[i]):
            return words[i]
        if words[i][:1].isupper():
            end = i
            while end + 1 < len(words) and words[end + 1][:1].isupper():
                end += 1
            return words[end]
    return None


_FULL_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-ZÄÖÜ][a-zäöüß]+(?:[ -][A-ZÄÖÜ][a-zäöüß]+)+")


def full_names(question: str) -> list[str]:
    """Runs of two or more capitalised words that do not open the question: "Angela Merkel", "Olaf Scholz"."""
    return [m.group() for m in _FULL_NAME.finditer(question.strip())]


# "Welcher Sender …?", "In welcher deutschen Stadt …?": the noun after "welch-" (an adjective may come between)
_ASKED_NOUN = re.compile(r"\b(?i:welche[mnrs]?)\s+(?:[a-zäöüß][\w-]*\s+)?(?P<noun>[A-ZÄÖÜ][\w-]*)")


def asked_noun(question: str) -> str | None:
    """The noun that names what kind of thing a German "welch-" question asks for ("Sender" in "Welcher Sender
    interviewte Trump?"), which its answer need not repeat ("… mit Fox News"); None for other questions.

    Example:
        >>> asked_noun("Welcher Sender interviewte Trump?"), asked_noun("In welcher deutschen Stadt?")
        ('Sender', 'Stadt')
    """
    found = _ASKED_NOUN.search(question)
    return found.group("noun") if found else None


def person(info: QuestionInfo) -> str | None:
    """The person a question is about, for a later "er"/"sie": its speaker, else the last word of its
    first full name ("Leon Draisaitl" -> "Draisaitl"), else its first capitalised word (German
    capitalises nouns too, so a full name is the better sign of a person)."""
    if info.speaker and not info.pronoun_speaker:
        return info.speaker
    names = full_names(info.text)
    if names:
        return names[0].replace("-", " ").split()[-1]
    return info.names[0] if info.names else None


# "Wie viel Geld …?", "Wie teuer …?", "Was kostet …?", "Wie hoch ist das Budget …?": a sum of money is asked for
_AMOUNT_DE = re.compile(
    r"\bwie\s*viele?\s+(?:geld|euro|dollar|franken|pfund)\b|\bwie\s+teuer\b|\b(?:was|wie\s*viel)\s+(?:kostet|kosten|kostete)"
    r"|\bwie\s+hoch\s+(?:ist|war|sind|waren|liegt|lag|fällt|fiel)\s+(?:der|die|das)\s+(?:\w+en\s+)?[\w-]*(?:kosten|betrag|"
    r"summe|preis|budget|etat|schulden|defizit|umsatz|gewinn|verlust|einnahmen|ausgaben|gehalt|miete|strafe|hilfe|"
    r"paket|zuschuss|kredit|steuer|gebühr|honorar|lohn|rente|bußgeld|schaden)\w*\b",
    re.I,
)
_AMOUNT_EN = re.compile(
    r"\bhow\s+much\s+(?:money|did\b.*\bcost|does\b.*\bcost|is\b.*\bworth)|\bhow\s+expensive\b", re.I
)


def asks_amount(info: QuestionInfo) -> bool:
    """Whether a "how many" question asks for a sum of money ("Wie viel Geld bekommt Alitalia?").

    Example:
        >>> asks_amount(read_question("Wie viel Geld zahlen die USA an die WHO?"))
        True
    """
    return info.kind == HOW_MANY and (_AMOUNT_EN if info.english else _AMOUNT_DE).search(info.text) is not None


def content_words(info: QuestionInfo, tokens: list[str]) -> list[str]:
    """``tokens`` (stemmed words of the question) without question words, words that point back ("dabei",
    "darüber") and, for English, English function words; a word in capitals stays ("WHO")."""
    from bm25s.stopwords import STOPWORDS_EN

    drop = {*_question_stems(), *(STOPWORDS_EN if info.english else ()), "say", "said", "sagt", "sagte"}
    if info.kind == CONDITION:
        drop |= _condition_stems()
    # "die WHO", "the US": a word in capitals is a name, whatever word it spells lower-cased ("who", "us")
    drop -= {w.lower() for w in re.findall(r"\b[A-ZÄÖÜ]{2,}\b", info.text)}
    return [t for t in tokens if t not in drop]


@functools.cache
def _condition_stems() -> frozenset[str]:
    """The words that ask for a condition, as written and as the analyzer stems them."""
    from rag.lexical import GermanAnalyzer

    words = f"{_CONDITION_WORDS} {_CONDITION_WORDS_EN}".lower()
    return frozenset([*words.split(), *GermanAnalyzer(drop_stop_words=False).tokens(words)])


@functools.cache
def _question_stems() -> frozenset[str]:
    """The question words and the pointing words, and their stems as the analyzer makes them ("worüber" is
    "worub", "wessen" is "wess")."""
    from rag.lexical import GermanAnalyzer

    words = sorted(_QUESTION_WORDS | _POINTING_WORDS)
    return frozenset([*words, *GermanAnalyzer(drop_stop_words=False).tokens(" ".join(words))])


# "Wer war bei dem Treffen dabei?", "Was sagte er darüber?": a word that points to something named elsewhere
# is no word an answer must hold (a sentence "Dabei ging es um …" is not about the meeting for saying "dabei");
# the stop list already has "da", "damit" and "dazu"; "dort" is one too: "Was geschah dort?" names no place;
# so is "miteinander" and its kin, which point to the people the question has named ("Wann sprachen Trump und
# Putin miteinander?" is not answered by a sentence for saying "wenn man miteinander zurechtkommt")
_POINTING_WORDS = frozenset(
    [
        "aneinander",
        "dabei",
        "dadurch",
        "dafür",
        "dagegen",
        "daher",
        "dahinter",
        "danach",
        "daneben",
        "daran",
        "darauf",
        "daraus",
        "darin",
        "darüber",
        "darum",
        "darunter",
        "davon",
        "davor",
        "dazwischen",
        "dort",
        "einander",
        "gegeneinander",
        "hierbei",
        "hierfür",
        "hierzu",
        "miteinander",
        "nebeneinander",
        "untereinander",
        "voneinander",
        "zueinander",
    ]
)


# "Was sagte Trump über den Westen?", "… zu den Sanktionen?", "What did Trump say about Putin?": the topic
# of the words asked for, with its preposition; "zu Beginn", "zum Schluss" say when, not about what
_TOPIC_DE = re.compile(r"\s(?P<t>(?:über|zu|zum|zur)\s+[^?]+?)\s*\??\s*$", re.I)
_TOPIC_EN = re.compile(r"\s(?P<t>(?:about|regarding)\s+[^?]+?)\s*\??\s*$", re.I)
_NOT_TOPIC = re.compile(r"^(?:zu|zum|zur)\s+(?:beginn|schluss|ende|abschluss|auftakt|anfang)\b", re.I)


def said_topic(info: QuestionInfo) -> str | None:
    """For a ``said`` question, what the words were about, as asked: "über den Westen" (None for none)."""
    if info.kind != SAID:
        return None
    found = (_TOPIC_EN if info.english else _TOPIC_DE).search(info.text)
    if not found or _NOT_TOPIC.match(found.group("t")):
        return None
    # "Was hat Trump zu den Sanktionen gesagt?": the verb at the end is not part of the topic
    topic = re.sub(rf"\s+(?:{_SPEECH_DE}|said|say)$", "", found.group("t"), flags=re.I)
    return topic if len(topic.split()) > 1 else None
