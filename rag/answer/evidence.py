"""What a sentence can answer: dates and times, numbers, reasons, places, and who is quoted.

These are rules over German news prose, not a model: each says whether a sentence holds the kind of
information a question type asks for (a "wann" question wants a date or time expression).

Example:
    >>> has_time("Trump und Putin telefonieren am Samstag.")
    True
    >>> attributed_to("Am Freitag gab Kreml-Sprecher Dmitri Peskow an, dass Trump anruft.", "Trump")
    False
"""

from __future__ import annotations

import re

from rag.answer.question import CONDITION, HOW_MANY, SAID, TOPIC, WHEN, WHERE, WHO, WHY
from rag.answer.quotes import _sentences

_MONTHS = (
    "januar|jänner|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    "january|february|march|may|june|july|october|december"
)
_DAYS = "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag"
# a date or time a reader can place: vague words ("bald", "zeitnah", "damals") do not count
_TIME = re.compile(
    rf"\b(?:{_MONTHS}|(?:{_DAYS})(?:abend|morgen|mittag|nachmittag|vormittag|nacht)?)s?\b|\b(?:1[0-9]|20)\d\d(?:ern?)?\b"
    r"|\b\d0er(?:n|-jahren?|\s+jahren?)?\b|\b\d{{1,2}}\.\d{{1,2}}\.(?:\d{{2,4}})?"
    r"|\b\d{1,2}(?:[.:]\d\d)? uhr\b|\b(?:gestern|vorgestern|morgen|übermorgen)\b"
    r"|\b(?:letzte[nmr]?|vergangene[nmr]?|nächste[nmr]?|kommende[nmr]?|vorige[nmr]?|diese[nmrs]?)\s+"
    r"(?:woche|monat|jahr|jahres|jahrzehnt|wochenende)s?\b"
    r"|\b(?:frühjahr|frühling|sommer|herbst|winter|jahrhundert\w*|jahrzehnt\w*|mittelalter\w*|antike)\b"
    r"|\bvor (?:gut |knapp |rund |etwa |ungefähr |über |mehr als )?(?:[\d.,]+ )?(?:\w+ )?"
    r"(?:tagen|wochen|monaten|jahren|jahrzehnten|jahrhunderten|jahrtausenden)\b"
    r"|\bseit (?:\w+ )?(?:tagen|wochen|monaten|jahren|jahrzehnten)\b"
    # "Fast zeitgleich trafen sich …": the time of another event the article has just told
    r"|\b(?:zeitgleich|gleichzeitig)\b"
    # "vor dem Ersten Weltkrieg", "seit der Pandemie", "nach der Wahl": a time told by the event it came before or after
    r"|\b(?:vor|nach|während|seit|bis zu[mr]) (?:dem|der|des|den) (?:\w+ )?"
    r"(?:welt)?(?:krieg|kriege|krieges|kriegs|wahl|wahlen|pandemie|wende|wiedervereinigung|revolution)\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = (
    "eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig|vierzig|fünfzig|hundert|"
    "tausend|million|millionen|milliarde|milliarden|prozent|hälfte|drittel|viertel|dutzend|dutzende"
)
_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\w*\b", re.IGNORECASE)
# connectives that give a reason inside the sentence ("Grund" alone often just restates the question)
_CONNECTIVES = r"weil|denn|da|wegen|aufgrund|angesichts|deshalb|deswegen|daher|darum|infolge|sodass|um\b.{1,80}\bzu"
_BECAUSE = re.compile(rf"\b(?:{_CONNECTIVES})\b", re.IGNORECASE)
# any sign of a reason: the connectives, and words that name a cause or a consequence
_REASON = re.compile(
    rf"\b(?:{_CONNECTIVES}|dadurch|dank|grund|gründe|ursache|ursachen|damit|führte|führten|zurückzuführen|"
    r"begründet\w*)\b",
    re.IGNORECASE,
)
# what something depends on: "abhängig", "hängt davon ab", "unter der Bedingung", "sofern", "wenn", "falls";
# English "if", "unless", "provided", "depends on"
_CONDITION = re.compile(
    r"\b(?:abhängig\w*|hängt|hängen|hing|hingen|bedingung\w*|voraussetzung\w*|vorausgesetzt|sofern|falls|"
    r"wenn|solange|es sei denn|if|unless|provided|depends?|depending|conditions?|as long as)\b",
    re.IGNORECASE,
)
# nouns that follow "in", "im", "vor" … in set phrases of time or manner, not of place ("in Zukunft", "im Januar")
_NOT_PLACES = (
    "Zukunft|Zeiten|Zeit|Kürze|Ordnung|Kraft|Frage|Betracht|Gefahr|Grund|Boden|Folge|Höhe|Richtung|Anspruch|"
    "Sicht|Hinblick|Bezug|Anbetracht|Form|Ruhe|Erwägung|Zuge|Fällen|Fall|Rahmen|Gespräch|Interview|Jahren|"
    "Jahr|Monaten|Monat|Wochen|Woche|Tagen|Tag|Stunden|Minuten|Januar|Februar|März|April|Mai|Juni|Juli|"
    "August|September|Oktober|November|Dezember|Frühjahr|Sommer|Herbst|Winter|Vergangenheit|Gegenwart|"
    "Anschluss|Absprache|Zusammenarbeit|Verbindung|Kontakt|Sachen|Wahrheit|Prinzip|Ergebnis|Auftrag|"
    # sources and manners of news prose: "nach Angaben der Polizei", "auf Nachfrage", "nach Einschätzung"
    "Angaben|Anfrage|Nachfrage|Ansicht|Meinung|Auffassung|Einschätzung|Informationen|Schätzungen|Berichten|"
    "Darstellung|Bedarf|Dauer|Basis|Grundlage|Wunsch"
)
# places that take an article ("in der Ukraine", "im Iran"); after "im"/"in der" other nouns are seldom places
# ("im Kampf", "in der Sitzung"), while a name right after the preposition usually is one ("in Istanbul")
_ARTICLE_PLACES = (
    "Ukraine|Schweiz|Türkei|Slowakei|Mongolei|Krim|Antarktis|Arktis|Karibik|Sahara|Toskana|Pfalz|Lausitz|"
    "Uckermark|Altmark|Eifel|Rhön|Normandie|Bretagne|Provence|Lombardei|USA|Niederlanden|Vereinigten|"
    "Emiraten|Philippinen|Iran|Irak|Libanon|Jemen|Sudan|Kosovo|Tschad|Vatikan|Kongo|Oman|Elsass|Saarland|"
    "Allgäu|Ruhrgebiet|Rheinland|Baltikum|Kaukasus|Balkan|Nahen|Mittleren|Fernen|Westen|Osten|Süden|Norden|"
    "Nordosten|Nordwesten|Südosten|Südwesten|Ausland|Inland|Bundestag|Landtag|Kanzleramt|Parlament|Senat|Kongress|Weißen|Kreml|Hafen|"
    "Stadion|Krankenhaus|Klinik|Rathaus|Hotel|Zentrum|Bezirk|Stadtteil|Landkreis|Kreis|Dorf|Stadt|Hauptstadt"
)
_PLACE_NOUNS = (
    "straße|strasse|platz|allee|gasse|ufer|viertel|bucht|insel|inseln|region|provinz|republik|stadt|dorf|"
    "hafen|kirche|dom|kathedrale|halle|arena|stadion|universität|museum|bibliothek|gebirge|küste|kreis|bezirk|"
    "grafschaft|see|tal|wald|park|markt|bahnhof|flughafen|palast|schloss|burg|kloster|gefängnis|lager|camp|"
    "klinik|krankenhaus|schule|zentrum|hotel|botschaft|ministerium"
)
_PLACE = re.compile(
    r"\b(?i:in|nach|aus|bei|auf|vor|nahe)\s+(?:ganz\s+)?(?!(?:" + _NOT_PLACES + r")\b)"
    # a noun of state or action after the preposition is no name of a place ("auf Normalstand", "in Bewegung")
    r"(?![\w-]*(?:ung|heit|keit|schaft|tion|ismus|stand)\b)[A-ZÄÖÜ][\w-]+"
    r"|\b(?i:im|in der|in den|aus der|aus dem|nach der|in die|auf der|auf dem)\s+(?:\w+en\s+)?(?:"
    + _ARTICLE_PLACES
    + r")\b"
    # "in der Konwiktorska-Straße", "am Alexanderplatz": a noun that names a kind of place, alone or at a compound's end
    r"|\b(?i:im|am|in der|in den|in die|aus der|aus dem|auf der|auf dem|an der)\s+(?:\w+en\s+)?[A-ZÄÖÜ][\w-]*(?i:"
    + _PLACE_NOUNS
    + r")\b"
    # "in der Kara Kitai", "in der Longwood Medical Area": a name of two or more capitalised words
    r"|\b(?i:in der|in den|in die|im|aus der|aus dem)\s+[A-ZÄÖÜ][\w-]+\s+[A-ZÄÖÜ][\w-]+"
)
_SPEECH = re.compile(
    r"\b(?:sagte|sagt|sagten|sagen|gesagt|erklärte|erklärt|erklärten|betonte|betont|äußerte|geäußert|meinte|"
    r"kündigte|angekündigt|teilte|mitgeteilt|gab|warnte|warnt|forderte|fordert|gefordert|verlangte|verlangt|"
    r"behauptete|behauptet|bekräftigte|sprach|sprachen|spricht|gesprochen|fragte|räumte|"
    r"zufolge|laut|wies|kritisierte|bezeichnete|nannte|versicherte|schrieb|twitterte|bestätigte|verwies|"
    r"unterstrich|ergänzte|hieß)\b",
    re.IGNORECASE,
)
# verbs of saying a question may use ("Wo sprach Putin?", "Where did Putin speak?"): any verb of saying in a
# sentence stands for them, as news reports vary the verb ("sagte Putin", "erklärte der Kremlchef")
SPEECH_VERBS = frozenset(
    {
        *("sagte", "sagt", "sagten", "sagen", "gesagt", "erklärte", "erklärt", "erklärten", "betonte", "betont"),
        *("äußerte", "äußerten", "geäußert", "meinte", "meinten", "warnte", "warnten", "forderte", "behauptete"),
        *("bekräftigte", "sprach", "sprachen", "gesprochen", "spricht", "sprechen", "redete", "redeten"),
        *("kritisierte", "versicherte"),
        *("say", "says", "said", "speak", "speaks", "spoke", "talk", "talked", "state", "stated", "warn", "warned"),
    }
)
# verbs a topic question asks with ("Worüber verhandelten sie?") that its answer need not repeat
TALK_VERBS = frozenset(
    {
        *("diskutierten", "diskutiert", "diskutieren", "berieten", "beraten", "besprachen", "besprochen"),
        *("verhandelten", "verhandelt", "verhandeln", "stritten", "gestritten", "ging", "geht"),
        *("discuss", "discussed", "negotiate", "negotiated", "about"),
    }
)
_CLAUSE = re.compile(r"[,;:–—]|\s-\s")


def has_time(sentence: str) -> bool:
    """A date or time expression: a month, weekday, year, clock time, or a relative one ("letzte Woche")."""
    return _TIME.search(sentence) is not None


# a sentence on whether a date is set answers "wann" too: "Einen Termin gibt es aber nicht."
_SCHEDULE = re.compile(r"\b(?:Termin|Termine|Termins|Zeitpunkt|Zeitplan|Datum)\b|\b(?:date|schedule)d?\b")


def names_schedule(sentence: str) -> bool:
    """Whether the sentence speaks of a date being set or not ("Einen Termin gibt es aber nicht.")."""
    return _SCHEDULE.search(sentence) is not None


def has_number(sentence: str) -> bool:
    """A number, in digits or words ("drei", "Millionen", "Prozent")."""
    return _NUMBER.search(sentence) is not None


# a sum of money: "29 Euro", "sechs Milliarden Euro", "1,8 Billionen Euro", "177 Milliarden Dollar", "€ 5"
_CURRENCY = r"Euro|Dollar|US-Dollar|Franken|Pfund|Yen|Rubel|Yuan|Cent|EUR|USD|GBP|CHF|JPY"
_AMOUNT = re.compile(
    rf"(?:\d[\d.,]*|\b(?:{_NUMBER_WORDS}|eine?|einen|einer)\b)\s*"
    rf"(?:(?:Millionen|Milliarden|Billionen|Mio\.|Mrd\.)\s+)?(?:{_CURRENCY})\b|\d\s*[€$£¥]|[€$£¥]\s*\d",
    re.IGNORECASE,
)


def names_amount(sentence: str) -> bool:
    """A sum of money ("450 Milliarden Euro", "sechs Milliarden Euro", "30 Mio. GBP", "£5"): what "Wie viel Geld …?"
    asks."""
    return _AMOUNT.search(sentence) is not None


_COUNT = re.compile(rf"(?:\d[\d.,]*|\b(?:{_NUMBER_WORDS})\w*)\s+((?:[\w-]+\s+){{0,2}})([\w-]+)", re.IGNORECASE)


def counted_words(sentence: str) -> list[str]:
    """The words a number in the sentence counts: "5.000 Stellen" -> "Stellen", "zwei erweiterten
    Metropolregionen" -> "erweiterten", "Metropolregionen" (the noun may follow up to two words)."""
    found = []
    for m in _COUNT.finditer(sentence):
        found.extend([*m.group(1).split(), m.group(2)])
    return found


def gives_reason(sentence: str) -> bool:
    """A causal or purpose connective ("weil", "wegen", "deshalb", "um … zu")."""
    return _REASON.search(sentence) is not None


def states_condition(sentence: str) -> bool:
    """A conditional connective or a word for a condition ("abhängig", "sofern", "wenn", "unter der Bedingung")."""
    return _CONDITION.search(sentence) is not None


def explains(sentence: str) -> bool:
    """A causal connective inside the sentence ("weil", "wegen", "deshalb", "um … zu")."""
    return _BECAUSE.search(sentence) is not None


# "über" before an article opens what a talk or report is about: a place inside that phrase is the topic's
_ABOUT = re.compile(r"\b(?i:über)\s+(?:die|den|das|dem|der|eine|einen|einem|einer|ein)\b")


def names_place(sentence: str) -> bool:
    """A preposition of place before a capitalised word ("in Istanbul", "nach Moskau"), not in what a talk
    is about ("Gesprochen werden soll über eine Beendigung des Krieges in der Ukraine": no place of the talk).

    Example:
        >>> names_place("Die Diplomaten trafen sich in Istanbul.")
        True
        >>> names_place("Gesprochen werden soll über eine Beendigung des Krieges in der Ukraine.")
        False
    """
    for match in _PLACE.finditer(sentence):
        clause = _CLAUSE.split(sentence[: match.start()])[-1]
        if not _ABOUT.search(clause):
            return True
    return False


# what someone said, as opposed to where they said it: a quotation, or a "dass"/"ob" clause to the sentence's end
_REPORTED = re.compile(r'"[^"]*"|„[^“"]*[“"]|»[^«]*«|«[^»]*»|,\s*(?:dass|ob)\b.*$', re.DOTALL)


# where words are said other than a town: an interview, a speech, a session ("in einem Interview mit Fox News",
# "bei einer Sitzung des FSB", "im Gespräch mit Sean Hannity", "gegenüber der BBC")
_VENUE = re.compile(
    r"\b(?i:in|bei|auf|während|vor)\s+(?i:einem|einer|eines|der|dem|des|seiner|seinem|ihrer|ihrem)\s+(?:\w+en\s+)?"
    r"|\b(?i:im|beim)\s+(?:\w+en\s+)?"
)
_VENUE_NOUNS = re.compile(
    r"[\w-]*(?i:interview|gespräch|pressekonferenz|rede|ansprache|sitzung|talkshow|sendung|parteitag|kongress|"
    r"gipfel|treffen|konferenz|versammlung|pressestatement|fernsehen|radio|bundestag|parlament|landtag|"
    r"plenum|podcast|zeitung)\b"
)
_TOLD = re.compile(r"\b(?i:gegenüber)\s+(?:(?i:der|dem|den)\s+)?[A-ZÄÖÜ]")


def names_speech_place(sentence: str) -> bool:
    """A place outside what is reported: where something was said ("…", sagte Putin in Moskau; in an
    interview, at a session), not a place the statement is about ("warnte der Kremlchef, dass es im Westen
    Eliten gebe").

    Example:
        >>> names_speech_place('"Wir sind bereit", sagte Putin in Moskau.')
        True
        >>> names_speech_place("In einem Interview mit Fox News hat Trump am Freitag geäußert, es sei gut.")
        True
        >>> names_speech_place("Zugleich warnte der Kremlchef, dass es im Westen Eliten gebe.")
        False
    """
    told = _REPORTED.sub(" ", sentence)
    venue = any(_VENUE_NOUNS.match(told, m.end()) for m in _VENUE.finditer(told))
    return venue or _TOLD.search(told) is not None or names_place(told)


def names_only_kind(sentence: str, noun: str) -> bool:
    """Whether ``sentence`` speaks of the thing a "welch-" question asks for only by the question's ``noun``
    with an article, so that it says there is one, not which ("… bekommt Draisaitl die prestigereiche
    Auszeichnung der US-Eishockeyliga." for "Welche Auszeichnung …?"): the noun, after an article and at most
    two adjectives, ends the sentence or is followed by a genitive alone; anything else after it may name it
    ("die Auszeichnung als „MVP“", "der Flughafen von San Diego", "ein Markt, der Metzgermarkt genannt wurde"),
    and it names none elsewhere ("Horniman-Museum", "Victoria and Albert Museum").

    Example:
        >>> names_only_kind("Er bekommt die begehrte Auszeichnung der Liga.", "Auszeichnung")
        True
        >>> names_only_kind("Er hat die Auszeichnung als „MVP“ erhalten.", "Auszeichnung")
        False
    """
    pattern = (
        r"\b(?i:der|die|das|den|dem|des|diese[mnrs]?|eine[mnrs]?|ein)\s+(?:[a-zäöüß][\w-]*\s+){0,2}"
        rf"{re.escape(noun)}\w{{0,2}}(?:\s+(?:der|des)\s+(?:[a-zäöüß][\w-]*\s+)?[A-ZÄÖÜ][\w-]*)?\s*[.!?]?\s*$"
    )
    # "Das Horniman-Museum …, und bekam … aus dem Museum.", "… mit dem Victoria and Albert Museum": named before
    named = rf"\w-{re.escape(noun)}\b|\b(?!(?:{_DETERMINERS})\b)[A-ZÄÖÜ][\w-]*\s+{re.escape(noun)}\b"
    return re.search(pattern, sentence) is not None and re.search(named, sentence) is None


_DETERMINERS = "Der|Die|Das|Den|Dem|Des|Ein|Eine|Einen|Einem|Einer|Eines|Diese|Dieser|Diesen|Diesem|Dieses"


def attributed_to(sentence: str, speaker: str) -> bool:
    """Whether a clause of ``sentence`` has a verb of saying and names ``speaker``.

    The clause test keeps "Peskow gab an, dass Trump …" from counting as something Trump said.
    """
    wanted = speaker.lower()

    def names(clause: str) -> bool:
        found = re.findall(r"[\w-]+", clause)
        for i, word in enumerate(found):
            forms = {word.lower(), word.lower().rstrip("s"), *word.lower().split("-")}
            if (wanted in forms or wanted.rstrip("s") in forms) and not _object_of_preposition(found, i):
                return True
        return False

    clauses = _CLAUSE.split(sentence)
    for i, clause in enumerate(clauses):
        if not _SPEECH.search(clause):
            continue
        # "…, sagte die Sprecherin des Ministeriums, Maria Sacharowa.": the name in a short apposition after it
        following = clauses[i + 1].strip() if i + 2 == len(clauses) else ""  # the sentence's last clause only
        if following[:1].islower():
            following = ""  # "…, dass Trump anruft." is what was said, not who said it
        if names(clause) or (len(following.split()) <= 4 and names(following)):
            return True
    return False


_PREPOSITIONS = frozenset(
    {
        *("mit", "von", "vom", "gegenüber", "über", "an", "am", "zu", "zum", "zur", "für", "bei", "beim"),
        *("gegen", "um", "ohne", "neben", "zwischen", "hinter"),
    }
)
_ARTICLES = frozenset({"der", "die", "das", "des", "dem", "den", "ein", "eine", "einem", "einen", "eines", "einer"})
# "nach Angaben des Kreml-Sprechers Peskow", "nach Worten von Peskow": the preposition names a source
_SOURCE_NOUNS = frozenset(
    {"angaben", "worten", "aussage", "aussagen", "darstellung", "einschätzung", "ansicht", "meinung", "auffassung"}
)


def _object_of_preposition(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` is governed by a preposition ("Im Gespräch mit Sean Hannity sagte Trump": Hannity
    is whom Trump spoke with), looking back over the titles, first names and articles before it."""
    j = i - 1
    while j >= 0 and words[j].lower() not in _PREPOSITIONS:
        if not (words[j][:1].isupper() or words[j].lower() in _ARTICLES) or words[j].lower() in _SOURCE_NOUNS:
            return False
        j -= 1
    return j >= 0


def has_speech_verb(sentence: str) -> bool:
    """A verb of saying ("sagte", "erklärte", "warnte"), whoever says it."""
    return _SPEECH.search(sentence) is not None


# "warnte der Kremlchef", "sagte die Kanzlerin": a verb of saying and a role noun with the definite article,
# or the other way round ("Der Kremlchef warnte"), the role noun followed by no name of its own
_ROLE_SPEAKER = re.compile(
    rf"\b(?i:{_SPEECH.pattern[5:-3]})\s+(?i:der|die)\s+(?P<a>[A-ZÄÖÜ][\w-]+)(?![\w-])(?!\s+[A-ZÄÖÜ])"
    rf"|\b(?i:der|die)\s+(?P<b>[A-ZÄÖÜ][\w-]+)\s+(?i:{_SPEECH.pattern[5:-3]})\b"
)
_ROLE_REACH = 600  # characters before the sentence in which the person must have been named


def role_refers_to(article_text: str, start: int, end: int, speaker: str) -> bool:
    """Whether the sentence at ``start:end`` quotes ``speaker`` by a role noun ("…, sagte der Kremlchef").

    News names a person once and then by role. The role noun counts as ``speaker`` when the last sentence
    before it (within ``_ROLE_REACH`` characters) that quotes someone by name quotes ``speaker``, the noun is
    not a spokesperson's (who speaks for someone else) and the article never puts it before another name
    ("Kreml-Sprecher Dmitri Peskow": the role is Peskow's). German capitalises every noun, so the last
    person named cannot be told by capitals alone; the last one quoted can.

    Example:
        >>> text = "Putin sprach in Moskau. Zugleich warnte der Kremlchef vor dem Westen."
        >>> role_refers_to(text, 24, len(text), "Putin"), role_refers_to(text, 24, len(text), "Trump")
        (True, False)
    """
    found = _ROLE_SPEAKER.search(article_text, start, end)
    if found is None:
        return False
    role = found.group("a") or found.group("b")
    if "sprecher" in role.lower() or re.search(rf"\b{re.escape(role)}\s+[A-ZÄÖÜ]\w+\s+[A-ZÄÖÜ]", article_text):
        return False
    for s, e in reversed(_sentences(article_text)):
        if e > start:
            continue
        if s < start - _ROLE_REACH:
            break
        sentence = article_text[s:e]
        if has_speech_verb(sentence) and not _ROLE_SPEAKER.search(sentence):
            return attributed_to(sentence, speaker)  # the person last quoted by name
    return False


# what a talk, a meeting or a report was about: "Dabei ging es um …", "berieten über", "Thema war …"
_TOPIC = re.compile(
    r"\b(?:ging|geht|gingen|gehen|gehe)\s+es\b[^.;]*?\bum\b|\bes\s+(?:ging|geht|gehe)\b[^.;]*?\bum\b"
    r"|\b(?:drehte|drehten|dreht|drehe)\s+sich\b[^.;]*?\bum\b|\bThem(?:a|en)\b|\bGegenstand\b"
    r"|\b(?:berieten|beraten|berät|besprachen|besprochen|diskutierten|diskutiert|diskutieren|verhandelten|"
    r"verhandelt|erörterten|erörtert)\b|\b(?:sprachen|sprach|redeten|sprechen|spricht)\b[^.;]*?\büber\b"
    r"|\büber\b[^.;]*?\b(?:gesprochen|geredet)\b|\b(?:gesprochen|geredet)\b[^.;]*?\büber\b|\b(?:im\s+Mittelpunkt|im\s+Zentrum|auf\s+der\s+Tagesordnung)\b"
    r"|\b(?:discuss\w*|talk\w*\s+about|spoke\s+about|focus\w*\s+on|on\s+the\s+agenda|topics?)\b",
    re.IGNORECASE,
)


def names_topic(sentence: str) -> bool:
    """The sentence says what a talk or meeting was about ("Dabei ging es zunächst um die Arbeit …")."""
    return _TOPIC.search(sentence) is not None


# who someone is by office or role ("Kreml-Sprecher", "US-Präsident", "Diplomaten"), or a person's full name
_ROLES = (
    "präsident|minister|kanzler|sprecher|chef|diplomat|botschafter|vertreter|delegation|könig|kaiser|papst|"
    "abgeordnete|senator|bürgermeister|gouverneur|direktor|leiter|gründer|erfinder|trainer"
)
_PERSON = re.compile(
    rf"(?i:{_ROLES})\w*|\b(?i:autor)(?:in|en|innen)?\b"
    r"|(?<=\w )[A-ZÄÖÜ][a-zäöüß]+ (?:[A-ZÄÖÜ]\. )?[A-ZÄÖÜ][a-zäöüß]+\b"
)


_ROLE_WORD = re.compile(rf"[\w-]*?(?i:{_ROLES})\w*$")


def is_role(word: str) -> bool:
    """Whether ``word`` names an office or role ("Gesamtmetall-Chef", "Kreml-Sprecher"), not a person's name."""
    return _ROLE_WORD.match(word) is not None


def names_person(sentence: str) -> bool:
    """A role noun or what looks like a full name: the sentence can say who."""
    return _PERSON.search(sentence) is not None


def reports_speech(sentence: str) -> bool:
    """A verb of saying, or a quotation mark: the sentence reports what someone said."""
    return _SPEECH.search(sentence) is not None or any(q in sentence for q in '"„“»«')


def matches_kind(kind: str, sentence: str, speaker: str | None = None) -> bool:
    """Whether ``sentence`` holds what a question of ``kind`` asks for (False for kinds without a rule)."""
    if kind == WHEN:
        return has_time(sentence) or names_schedule(sentence)
    if kind == HOW_MANY:
        return has_number(sentence)
    if kind == WHY:
        return gives_reason(sentence)
    if kind == CONDITION:
        return states_condition(sentence)
    if kind == WHERE:
        return names_place(sentence)
    if kind == SAID:
        return attributed_to(sentence, speaker) if speaker else reports_speech(sentence)
    if kind == TOPIC:
        return names_topic(sentence)
    if kind == WHO:
        return names_person(sentence)
    return False
