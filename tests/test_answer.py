"""The answer step with the fake embedder: question reading, evidence rules, clean quotes, the
extractive answerer's choices and refusals, and conversations."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answer import DECLINE_DE, DECLINE_EN, AskContext, ExtractiveGenerator, is_english
from rag.answer.conversation import Conversation
from rag.answer.evidence import (
    attributed_to,
    explains,
    has_number,
    has_time,
    matches_kind,
    names_person,
    names_place,
    names_topic,
    role_refers_to,
)
from rag.answer.extractive import _compound_of, _coverage, _mentions, article_date, framing
from rag.answer.question import read_question, said_topic
from rag.answer.quotes import clean_span, passage_sentences
from rag.chunking import Chunk
from rag.corpus import Article
from rag.embedding import HashEmbedder
from rag.errors import QuestionError
from rag.pipeline import Pipeline
from rag.retrieval import Hit
from rag.settings import Settings


def _whole(article_id: str, text: str, title: str, date: str, source: str, score: float = 0.9) -> Hit:
    """A retrieved passage that is its article's whole text."""
    return Hit(Chunk(article_id, text, 0, len(text)), score, Article(article_id, title, text, date, source))


def _cited(question: str, text: str, title: str, date: str, source: str) -> list[str]:
    """The sentences the offline answerer (never declining) quotes for ``question`` from one whole article."""
    hit = _whole("a", text, title, date, source)
    answer = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0).generate(question, [hit])
    return [c.text for c in answer.citations]


@pytest.mark.parametrize(
    ("question", "kind", "speaker"),
    [
        ("Wann telefonierten Trump und Putin?", "when", None),
        ("Und wo?", "where", None),
        ("Wer war noch dabei?", "who", None),
        ("Warum hofft Putin auf bessere Beziehungen?", "why", None),
        ("Wie viele Schiffe kamen im April?", "how_many", None),
        ("Was sagte Peskow über das Telefonat?", "said", "Peskow"),
        ("Was sagte der Kreml-Sprecher Dmitri Peskow?", "said", "Peskow"),
        ("Was hat Trump über Russland gesagt?", "said", "Trump"),
        ("Was sagte er dazu?", "said", "er"),
        ("Fasse den Artikel über Trump und Russland zusammen.", "summary", None),
        ("What did Trump say about Putin?", "said", "Trump"),
        ("When did Trump and Putin talk?", "when", None),
        ("Why did the port report fewer ships?", "why", None),
        ("Was eröffnete der Ministerpräsident in Kiel?", "other", None),
        ("Worüber sprachen die Diplomaten?", "topic", None),
        ("Worum ging es bei dem Treffen?", "topic", None),
        ("What did the diplomats talk about?", "topic", None),
        ("Worum geht es in dem Artikel?", "summary", None),
        ("Unter welchen Bedingungen öffnen die Schulen?", "condition", None),
        ("Unter welcher Voraussetzung?", "condition", None),
        ("Wovon hängt das ab?", "condition", None),
        ("Was sind die Voraussetzungen dafür?", "condition", None),
        ("Under what conditions would Trump lift the sanctions?", "condition", None),
        ("What does the reopening depend on?", "condition", None),
        # where someone spoke: the one who spoke, not the one spoken about or with
        ("Wo äußerte sich Trump über Putin?", "where", "Trump"),
        ("Wo sprach der Kremlchef?", "where", "Kremlchef"),
        ("Wo hat Peskow das gesagt?", "where", "Peskow"),
        ("Und wo sagte er das?", "where", "er"),
        ("Where did Putin say that?", "where", "Putin"),
        ("Wo trafen sich Trump und Putin?", "where", None),
        ("Wo wurde über das Gesetz gesprochen?", "where", None),
    ],
)
def test_question_type_and_speaker(question: str, kind: str, speaker: str | None):
    info = read_question(question)
    assert (info.kind, info.speaker) == (kind, speaker)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Was sagte Trump über den Westen?", "über den Westen"),
        ("Was hat Trump zu den Sanktionen gesagt?", "zu den Sanktionen"),
        ("What did Trump say about Putin?", "about Putin"),
        ("Was sagte Putin zu Beginn der Sitzung?", None),  # when, not about what
        ("Was sagte Peskow?", None),
        ("Wann sprach Putin über den Westen?", None),  # a "wann" question, not one for his words
    ],
)
def test_the_topic_of_the_words_asked_for(question: str, topic: str | None):
    assert said_topic(read_question(question)) == topic


def test_a_topic_is_met_by_a_word_of_its_family():
    assert _mentions({"telefonat"}, {"peskow", "telefongesprach"})  # seven letters shared
    assert _mentions({"sanktion"}, {"us-sanktion"})  # a compound ending in it
    assert _mentions({"west"}, {"im", "west", "elit"})
    assert not _mentions({"west"}, {"bilateral", "beziehung", "russland"})
    assert not _mentions({"wiederaufbau"}, {"wiederum"})  # "wieder" is only six letters


def test_language_and_reference_back():
    assert is_english("What did the senator say?") and not is_english("Was sagte die Senatorin?")
    # "was" is German too, and a name may be English: German verbs, articles and umlauts decide
    for german in ["Was will Putin?", "Was macht Doctor Who, wenn er verwundet wird?", "Was übersetzte Marlee Matlin?"]:
        assert not is_english(german), german
    for english in ["What will Putin do?", "Has Putin spoken?", "Who is Sean Hannity?", "And when?"]:
        assert is_english(english), english
    assert read_question("Und wann?").anaphoric and read_question("Was sagte er dazu?").anaphoric
    assert not read_question("Was meldet der Hamburger Hafen?").anaphoric
    # "das" before no noun stands for what was just said; before a noun it is an article
    assert read_question("Wann wurde das bekannt?").anaphoric and read_question("Was bedeutet das?").anaphoric
    assert not read_question("Wann wurde das Gesetz beschlossen?").anaphoric
    # "Und Söder?" asks the question before of someone else; "Und in Bayern?" and "Und wann?" do not
    from rag.answer.question import also_asked

    assert also_asked("Und Söder?") == "Söder" and also_asked("Und was ist mit Markus Söder?") == "Söder"
    assert also_asked("What about Söder?") == "Söder"
    assert also_asked("Und in Bayern?") is None and also_asked("Und wann?") is None


def test_evidence_rules():
    assert has_time("Trump und Putin telefonieren am Samstag.") and has_time("Das war im März 2020.")
    assert not has_time("Er erwarte zeitnah ein Gespräch.")  # vague words name no time
    assert has_time("Das Lied kam in den späten 1990ern heraus.") and has_time("Sie spielte in den 70er Jahren.")
    assert has_time("Die Insel entstand vor rund 12 Millionen Jahren.") and not has_time("Er zahlte 80 Euro.")
    assert has_number("Es kamen drei Schiffe.") and not has_number("Es kamen Schiffe.")
    assert explains("Sie blieb zu Hause, weil sie krank war.") and not explains("Sie blieb zu Hause.")
    assert names_place("Die Diplomaten trafen sich in Istanbul.") and not names_place("Sie trafen sich.")
    assert names_place("Das Büro liegt in der Hansa-Straße.") and names_place("Sie wohnt am Marktplatz.")
    assert names_place("Er floh in die Inneren Hebriden.") and not names_place("Er saß in der Sitzung.")
    assert not names_place("Das Thema stand im Mittelpunkt.") and not names_place("Sie lag am Ende vorn.")
    # a noun of state after the preposition is none, nor a place inside what a talk is about
    assert not names_place("Sie soll wieder auf Normalstand gebracht werden.")
    assert not names_place("Gesprochen werden soll auch über eine Beendigung des Krieges in der Ukraine.")
    assert names_place("Er machte Urlaub auf Sylt.") and names_place("Sie sprachen über die Lage, und zwar in Kiew.")
    peskow = "Am Freitag gab der Kreml-Sprecher Dmitri Peskow an, dass Trump und Putin am Samstag telefonieren."
    assert attributed_to(peskow, "Peskow") and not attributed_to(peskow, "Trump")
    assert attributed_to('"Wir kommen bald", erklärte Trump.', "Trump")
    # whom someone spoke with or for is not who spoke: "Im Gespräch mit Sean Hannity … sagte … Trump"
    hannity = "Im Gespräch mit Sean Hannity von Fox News sagte US-Präsident Donald Trump, er erwarte ein Gespräch."
    assert attributed_to(hannity, "Trump") and not attributed_to(hannity, "Hannity")
    assert not attributed_to('"Wir kommen", sagte der Sprecher von Trump.', "Trump")
    assert attributed_to("Nach Angaben des Kreml-Sprechers Peskow sagte man das ab.", "Peskow")  # a source
    assert names_person("Am Freitag gab der Kreml-Sprecher Dmitri Peskow an, dass …")
    assert names_person("Dort trafen sich russische und US-amerikanische Diplomaten.")
    assert names_person("Gestern sprach Maria Sacharowa.") and not names_person("Die Arbeit ruht seit Jahren.")
    assert names_topic("Dabei ging es zunächst um die Arbeit der Vertretungen.")
    assert names_topic("Die Minister berieten über den Haushalt.") and names_topic("They discussed trade.")
    assert not names_topic("Die Diplomaten trafen sich in Istanbul.")
    # the participle before "über": "Gesprochen werden soll auch über eine Beendigung des Krieges"
    assert names_topic("Gesprochen werden soll auch über eine Beendigung des Krieges.")
    assert not names_topic("Gesprochen wurde lange.")
    # whether a date is set answers "wann" as well, by saying there is none
    assert matches_kind("when", "Einen Termin gibt es aber nicht.") and matches_kind("when", "Ein Datum steht fest.")
    assert not matches_kind("when", "Das Treffen dauerte lange.")
    assert not names_topic("Es ging ihm gut.")  # no "um": how someone was, not what a talk was about


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ('Wenn wir Dinge bewegen?",', "Wenn wir Dinge bewegen?"),
        ('"Ein Teil dieser Eliten will das.', "Ein Teil dieser Eliten will das."),
        ("Ich kenne ihn nicht.“", "Ich kenne ihn nicht."),
        ('"Es geht", sagte sie.', '"Es geht", sagte sie.'),
        ("Er sagte: „Wir kommen.“", "Er sagte: „Wir kommen.“"),
        ("  - Punkt eins.  ", "Punkt eins."),
    ],
)
def test_quotes_lose_stray_marks_but_no_words(raw: str, clean: str):
    s, e = clean_span(raw, 0, len(raw))
    assert raw[s:e] == clean


def test_passage_sentences_skip_datelines_and_agency_codes():
    text = "MOSKAU (dpa-AFX) - Putin sprach in Moskau. Er hatte den Krieg begonnen./mau/DP/nas"
    assert [text[s:e] for s, e in passage_sentences(text, 0, len(text))] == [
        "Putin sprach in Moskau.",
        "Er hatte den Krieg begonnen.",
    ]


def test_article_dates_are_written_out():
    assert article_date("2025-02", english=False) == "Februar 2025"
    assert article_date("2020-04-24", english=False) == "24. April 2020"
    assert article_date("2020-04-24", english=True) == "24 April 2020"
    assert framing("2017-01", english=False) == "Laut dem Artikel vom Januar 2017:"
    assert framing(None, english=False) is None


def test_answer_quotes_retrieved_sentences_verbatim_with_citations(pipe: Pipeline):
    answer = pipe.ask("Wann öffnen die Berliner Grundschulen?")
    assert not answer.declined and answer.citations and answer.question_type == "when"
    assert answer.text.startswith("Laut dem Artikel vom März 2021:")
    for c in answer.citations:
        hit = answer.passages[c.number - 1]
        assert c.article_id == hit.article.id
        assert hit.article.text[c.start : c.end] == c.text
        assert f"{' '.join(c.text.split())} [{c.number}]" in answer.text
    assert answer.passages[answer.citations[0].number - 1].article.source == "berlin.txt"
    assert "9. März" in answer.text  # the sentence with the date, for a "wann" question
    assert {"retrieve_ms", "generate_ms", "total_ms"} <= answer.timings.keys()


def test_unrelated_question_is_declined_with_nearest_passages(pipe: Pipeline):
    answer = pipe.ask("Wer gewann die Fußball-Weltmeisterschaft 1954?")
    assert answer.declined and answer.text == DECLINE_DE and answer.citations == []
    assert answer.passages


def test_a_person_the_index_never_mentions_is_declined(pipe: Pipeline):
    answer = pipe.ask("Was sagte Angela Merkel über die Grundschulen?")
    assert answer.declined and answer.citations == []


def test_said_quotes_only_the_person_asked_about(pipe: Pipeline):
    answer = pipe.ask("Was sagte Scheeres über die Präsenzpflicht?")
    assert not answer.declined
    assert all("Scheeres" in c.text for c in answer.citations)


def test_decline_speaks_the_question_language(pipe: Pipeline):
    assert pipe.ask("Who won the football world cup in 1954?").text == DECLINE_EN


def test_no_hits_means_decline(pipe: Pipeline):
    answer = ExtractiveGenerator(pipe.embedder).generate("Wer?", [])
    assert answer.declined and answer.passages == []


def test_at_most_max_sentences_and_no_repeats(pipe: Pipeline):
    generator = ExtractiveGenerator(pipe.embedder, max_sentences=2, relative=0.0, min_probability=0.0)
    hits = pipe.retrieve("Hafen Pandemie Schulen", 5)
    answer = generator.generate("Hafen Pandemie Schulen", hits)
    assert 1 <= len(answer.citations) <= 2
    assert len({(c.article_id, c.start) for c in answer.citations}) == len(answer.citations)


def test_sentences_quoted_before_in_a_conversation_are_not_quoted_again(pipe: Pipeline):
    hits = pipe.retrieve("Berliner Senat Grundschulen", 5)
    generator = ExtractiveGenerator(pipe.embedder, min_probability=0.0)
    first = generator.generate("Was öffnet der Berliner Senat?", hits)
    again = generator.generate(
        "Was öffnet der Berliner Senat?",
        hits,
        AskContext(quoted=frozenset((c.article_id, c.start) for c in first.citations)),
    )
    assert first.citations and not {(c.article_id, c.start) for c in first.citations} & {
        (c.article_id, c.start) for c in again.citations
    }


def test_a_summary_of_one_story_leaves_out_a_newsletter_passage_on_another():

    hotel = "Das Hotel am Flughafen hat wegen der Pandemie Insolvenz angemeldet."
    bridge = (
        "Die Bahn will die alte Sternbrücke abreißen und durch eine neue ersetzen. Der Streit um die Sternbrücke "
        "zeigt, wer bei der Verkehrswende mitreden will. Anwohner sammeln Unterschriften gegen den Neubau."
    )
    text = f"{hotel}\n\n{bridge}"
    article = Article("n", "Der Streit um die Sternbrücke", text, "2020-12", "zeit.de")
    at = text.index(bridge)
    # every passage carries the headline, so the hotel's passage is retrieved with the bridge's
    hits = [Hit(Chunk("n", bridge, at, len(text)), 0.9, article), Hit(Chunk("n", hotel, 0, len(hotel)), 0.5, article)]
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    answer = generator.generate("Worum geht es im Streit um die Sternbrücke?", hits)
    assert answer.question_type == "summary" and not answer.declined
    assert answer.citations and all(c.number == 1 for c in answer.citations)
    assert not any("Hotel" in c.text for c in answer.citations)
    # "Artikel" and "geht" ask for a summary and are no topic the article must mention
    assert not generator.generate("Worum geht es in dem Artikel über die Sternbrücke?", hits).declined


def test_counted_words_are_what_a_number_counts():
    from rag.answer.evidence import counted_words

    # "Wie viele Stellen …?" is best met by "5.000 Stellen" (tests/test_model.py asks it of the real article)
    assert counted_words("Nun sollen noch einmal 5.000 Stellen hinzukommen.") == ["Stellen", "hinzukommen"]
    assert "Metropolregionen" in counted_words("Sie ist die Heimat von zwei erweiterten Metropolregionen.")
    assert counted_words("Der Konzern schreibt rote Zahlen.") == []


def test_a_role_as_speaker_is_answered_even_when_the_articles_name_the_person_otherwise():
    from rag.answer.evidence import is_role

    assert is_role("Gesamtmetall-Chef") and is_role("Kremlchef") and is_role("Kanzlerin")
    assert not is_role("Dulger") and not is_role("Peskow")
    info = read_question("Was fordert der Gesamtmetall-Chef?")
    assert info.kind == "said" and info.speaker == "Gesamtmetall-Chef"
    assert read_question("Was verlangt Dulger?").speaker == "Dulger"
    text = (
        "Der Chef des Arbeitgeberverbands Gesamtmetall, Rainer Dulger, setzt sich für Einkaufsgutscheine ein. "
        '"Wir brauchen ein breites Konjunkturprogramm", sagte Dulger.'
    )
    hit = Hit(
        Chunk("g", text, 0, len(text)), 0.9, Article("g", "Gesamtmetall-Chef fordert", text, "2020-05", "zeit.de")
    )
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    # no sentence attributes speech to "Gesamtmetall-Chef" by that word: the role is not a reason to decline
    assert not generator.generate("Was fordert der Gesamtmetall-Chef?", [hit]).declined
    # a name is: only what that person said answers
    assert generator.generate("Was fordert Scholz?", [hit]).declined


def test_a_question_the_article_asks_is_never_quoted():

    text = "Hat Hamburg ein Müllproblem? Die Müllabfuhr kommt mit dem Abtransport von Hamburger Müll kaum nach."
    hit = _whole("m", text, "Wohin mit Hamburgs Müll?", "2021-02", "zeit.de")
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    for question in ("Hat Hamburg ein Müllproblem?", "Fasse den Artikel über Hamburgs Müll zusammen."):
        answer = generator.generate(question, [hit])
        assert answer.citations and not any(c.text.endswith("?") for c in answer.citations), question
    # nor as the sentence after a "warum" answer, which usually explains it
    text = "Doch bis heute stehen die 500 Betten der Klinik leer. Werden sie nicht gebraucht?"
    hit = _whole("k", text, "Die Geisterklinik", "2021-01", "zeit.de")
    answer = generator.generate("Warum stehen die Betten der Klinik leer?", [hit])
    assert [c.text for c in answer.citations] == ["Doch bis heute stehen die 500 Betten der Klinik leer."]


def test_a_bare_follow_up_whose_fact_the_last_answer_quoted_quotes_it_again():
    from rag.answer.conversation import Conversation
    from rag.answer.extractive import AGAIN_DE

    said = "Letzte Woche sagte Scholz dem ZDF, die Reform komme bald."
    other = "Am Montag um 18 Uhr beriet das Kabinett über die Reform."
    text = f"{said} {other}"
    hit = _whole("a", text, "Reform", "2023-05", "zeit.de")
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    last = (("a", 0, len(said)),)
    context = AskContext(topic="Was sagte Scholz dem ZDF?", quoted=frozenset({("a", 0)}), last_quoted=last)
    # the time asked for is in the sentence just quoted ("Letzte Woche"): the cabinet's Monday is another event
    when = generator.generate("Wann war das?", [hit], context)
    assert when.parts[0].text == AGAIN_DE and [c.text for c in when.citations] == [said]
    # the quote names no place, and a question with words of its own is asked afresh
    assert not generator.generate("Und wo?", [hit], context).text.startswith(AGAIN_DE)
    assert not generator.generate("Wann beriet das Kabinett?", [hit], context).text.startswith(AGAIN_DE)
    # a conversation hands on what its last answer quoted
    chat = Conversation()
    chat.add("Was sagte Scholz dem ZDF?", AskContext(), generator.generate("Was sagte Scholz dem ZDF?", [hit]))
    assert chat.context("Wann war das?", 0).last_quoted == tuple(
        (c.article_id, c.start, c.end) for c in chat.turns[-1].answer.citations
    )


def test_a_follow_up_whose_own_words_no_passage_holds_is_declined():

    text = "EU-Kommissar Hogan tritt zurück. Hogan hatte gegen Corona-Regeln verstoßen. Er gilt als erfahren."
    hit = _whole("h", text, "Hogan tritt zurück", "2020-08", "zeit.de")
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    context = AskContext(topic="Warum trat Hogan zurück?", speaker="Hogan", quoted=frozenset({("h", 0)}))
    # every sentence names Hogan, the topic; none says who follows him
    assert generator.generate("Wer folgt ihm nach?", [hit], context).declined
    # a follow-up whose own word a passage holds is answered, and so is a bare one
    assert not generator.generate("Gegen welche Regeln verstieß er?", [hit], context).declined
    assert not generator.score_sentences("Warum?", [hit], context).unmet


def test_a_condition_question_is_answered_by_the_sentence_that_states_one():
    from rag.answer.extractive import AGAIN_DE, MISSING_DE

    opening = "Die Stadt will die Schulen im Mai wieder öffnen."
    condition = "Abhängig sei das von der Zahl der Neuinfektionen."
    text = f"{opening} {condition} Der Bürgermeister lobte die Lehrer."
    hit = _whole("s", text, "Schulen", "2020-04", "ndr.de")
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    assert matches_kind("condition", condition) and matches_kind("condition", "Sofern es warm bleibt, öffnen sie.")
    assert not matches_kind("condition", opening)
    # "das" is the opening of the schools: the condition comes with the sentence it is of
    asked = generator.generate("Unter welchen Bedingungen öffnen die Schulen?", [hit])
    assert [c.text for c in asked.citations] == [opening, condition]
    # a bare follow-up after the opening was quoted gets the condition, not the opening again
    context = AskContext(
        topic="Wann öffnen die Schulen?", quoted=frozenset({("s", 0)}), last_quoted=(("s", 0, len(opening)),)
    )
    then = generator.generate("Unter welcher Bedingung?", [hit], context)
    assert [c.text for c in then.citations] == [condition] and AGAIN_DE not in then.text
    # an article that states no condition says so
    plain = f"{opening} Der Bürgermeister lobte die Lehrer."
    other = _whole("p", plain, "Schulen", "2020-04", "ndr.de")
    context = AskContext(
        topic="Wann öffnen die Schulen?", quoted=frozenset({("p", 0)}), last_quoted=(("p", 0, len(opening)),)
    )
    assert generator.generate("Unter welcher Bedingung?", [other], context).text == MISSING_DE["condition"]


def test_a_separable_or_strong_verb_of_the_question_is_found_in_another_form():
    from rag.answer.extractive import _other_verb_forms
    from rag.lexical import GermanAnalyzer

    stems = GermanAnalyzer().tokens

    def held(question_word: str, sentence: str) -> bool:
        return bool(_other_verb_forms(set(stems(question_word)), sentence, set(stems(sentence))))

    assert held("angekündigt", "Trump kündigte am Freitag ein Treffen an.")
    assert held("eingeführt", "Die Stadt führte 1990 die Maut ein.")
    assert held("aufheben", "Er schloss nicht aus, die Sanktionen aufzuheben.")
    assert held("aufzuheben", "Er will die Sanktionen aufheben.")
    assert not held("eingeführt", "Das führt zu nichts.")  # the core without its particle
    # a strong verb in another tense, split or not, with the question's particle
    assert held("zurückgetreten", "Hogan tritt wegen Verstößen gegen Corona-Regeln zurück.")
    assert held("zurückgegeben", "Er gab das Geld zurück.")
    assert held("gewonnen", "Er gewann 2014 die Weltmeisterschaft.")
    assert held("trat", "Hogan ist zurückgetreten.")
    assert not held("zurückgetreten", "Er tritt heute an.")  # another particle, another verb
    assert not held("Lage", "Die Stadt liegt am Rhein.")  # "lag" is also the stem of the noun "Lage": left out
    assert not held("gewonnen", "Niemand weiß, wann er kommt.")  # "gewann" is no "ge-" form of "wann"
    # an inseparable prefix makes another verb, which keeps it in every form
    assert held("bekommen", "Er bekam 2010 den Preis.")
    assert held("erhalten", "Sie erhielt den Nobelpreis.")
    assert held("übernommen", "Die Firma übernahm den Konkurrenten.")
    assert not held("kommen", "Er bekam den Preis.")
    assert not held("gesprochen", "Er versprach Hilfe.")
    assert not held("Gehalt", "Er hielt eine Rede.")  # the noun, not the participle of "halten"

    introduced = "Hamburg führte 1990 die Maut ein."
    text = f"{introduced} Berlin lehnt die Maut ab."
    assert _cited("Welche Stadt hat die Maut eingeführt?", text, "Maut", "2021-04", "ndr.de") == [introduced]


def test_a_new_sentence_is_never_said_to_be_quoted_again():
    from rag.answer.extractive import AGAIN_DE

    first = "Spahn will die Corona-Politik im Bundestag aufarbeiten lassen."
    other = "Spahn stellt sich am Montag um 18 Uhr den Fragen der Leser."
    hits = [
        _whole("a", first, "Aufarbeitung", "2020-06", "zeit.de"),
        _whole("b", other, "Leserfragen", "2020-05", "zeit.de", score=0.5),
    ]
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    context = AskContext(topic="Was will Jens Spahn aufarbeiten?", speaker="Spahn", quoted=frozenset({("a", 0)}))
    # the quoted article names no time; another article's time is no answer, and it was not quoted before
    answer = generator.generate("Und wann?", hits, context)
    assert answer.declined and AGAIN_DE not in answer.text


def test_a_follow_up_that_only_earlier_quotes_answer_quotes_them_again_and_says_so():
    from rag.answer.extractive import AGAIN_DE

    text = (
        "Moskau bestätigt ein Telefonat. Am Freitag gab der Kreml-Sprecher Dmitri Peskow an, dass Trump und "
        "Putin am Samstag telefonieren werden. In Washington war das Wetter mild."
    )
    hit = _whole("a", text, "Telefonat", "2017-01", "zeit.de")
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    quoted = frozenset({("a", text.index("Am Freitag"))})  # the first answer quoted Peskow's only sentence
    context = AskContext(topic="Wann telefonierten Trump und Putin?", speaker="Trump", quoted=quoted)
    answer = generator.generate("Und was sagte Peskow dazu?", [hit], context)
    assert not answer.declined and answer.parts[0].text == AGAIN_DE
    assert [c.text for c in answer.citations] == [text[text.index("Am Freitag") : text.index(" In Washington")]]
    assert answer.text.startswith(f"{AGAIN_DE} Laut dem Artikel vom Januar 2017: Am Freitag")
    assert generator.generate("Und was sagte Scholz dazu?", [hit], context).declined  # quoted nobody: still declined


@pytest.mark.parametrize("question", ["", "   \n ", "x" * 501])
def test_empty_or_overlong_questions_get_a_clear_error(pipe: Pipeline, question: str):
    with pytest.raises(QuestionError, match=r"empty|characters") as err:
        pipe.ask(question)
    assert err.value.german and ("Frage" in err.value.german)


def test_invisible_characters_of_a_pasted_question_are_removed(pipe: Pipeline):
    # XQuAD-de has "In welchem \u200b\u200bJahr …": zero-width spaces hide "in welchem Jahr" from the question rules
    pasted = "In welchem \u200b\u200bJahr\u00ad wurde\ufeff sie  gebaut?"
    assert pipe.check_question(pasted) == "In welchem Jahr wurde sie gebaut?"
    assert read_question(pipe.check_question("In welchem \u200b\u200bJahr wurde sie gebaut?")).kind == "when"
    with pytest.raises(QuestionError, match="empty"):
        pipe.ask("\u200b \u200b")


def test_follow_up_is_read_with_the_topic_and_cites_the_same_article(pipe: Pipeline):
    chat = Conversation()
    first = pipe.ask("Was meldet der Hamburger Hafen?", chat)
    follow = pipe.ask("Und die Kurzarbeit?", chat)
    assert chat.turns[1].context.topic == "Was meldet der Hamburger Hafen?"
    assert follow.passages[0].article.source == "hamburg.txt"
    assert first.citations and follow.text != first.text


def test_pronoun_speaker_comes_from_the_earlier_topic():
    chat = Conversation()
    from rag.answer import Answer

    chat.add("Was sagte Bildungssenatorin Scheeres?", AskContext(), Answer("…", [], []))
    context = chat.context("Was sagte sie dazu?", content_words=1)
    assert context.topic == "Was sagte Bildungssenatorin Scheeres?" and context.speaker == "Scheeres"


def test_a_new_topic_is_not_mixed_with_the_previous_question(pipe: Pipeline):
    chat = Conversation()
    pipe.ask("Was meldet der Hamburger Hafen?", chat)
    answer = pipe.ask("Welche Fernzüge streicht die Deutsche Bahn?", chat)
    assert chat.turns[1].context.topic == ""
    assert {answer.passages[c.number - 1].article.source for c in answer.citations} == {"bahn.md"}


def test_examples_come_from_the_index(pipe: Pipeline, tmp_path: Path):
    from rag.ui import example_questions

    questions = example_questions(pipe)
    assert "Was sagte Scheeres?" in questions or any("Fasse den Artikel" in q for q in questions)
    empty = Pipeline(Settings(index_dir=tmp_path / "none", embedder="hash-64"), embedder=HashEmbedder(64))
    assert example_questions(empty)  # no index: the fixed fallbacks


def test_every_quote_of_an_eval_run_is_a_substring_of_its_cited_passage(tmp_path: Path):
    """Over the first 150 XQuAD-de questions (fake embedder): answers are quotes, never rewordings."""
    from rag.evaluation import load_dataset
    from tests.conftest import ROOT

    data = load_dataset(ROOT / "evals/datasets/xquad.de.json", limit=150)
    pipe = Pipeline(Settings(index_dir=tmp_path / "x", embedder="hash-64"), embedder=HashEmbedder(64))
    pipe.ingest_items(data.documents or [])
    answered = 0
    for q in data.questions:
        answer = pipe.ask(q.question)
        answered += not answer.declined
        quotes = [p for p in answer.parts if p.number is not None]
        assert len(quotes) == len(answer.citations)
        for part in quotes:
            passage = " ".join(answer.passages[part.number - 1].chunk.text.split())
            assert part.text in passage
    assert answered > 50  # the check saw real answers, not only refusals


def test_a_place_is_a_preposition_before_a_name_not_a_set_phrase():
    from rag.answer.evidence import names_place

    assert names_place("Diplomaten trafen sich in Istanbul.") and names_place("Die Kämpfe in der Ukraine dauern an.")
    assert not names_place("Die Sanktionen könnten in Zukunft aufgehoben werden.")
    assert not names_place("Nach Angaben der Polizei wurde niemand verletzt, sagte er auf Nachfrage.")
    assert not names_place("Im Januar telefonierten beide.") and not names_place("Vor Jahren kam er.")
    assert names_place("In Istanbul trafen sich Diplomaten.") and names_place("Im Kreml hiess es, man warte.")
    assert names_place("Ausschüsse tagen auch in ganz Schottland.") and names_place("Er sprach im Parlament.")


def test_where_something_was_said_is_a_place_outside_the_words_reported():
    from rag.answer.evidence import names_speech_place

    assert names_speech_place('"Es gibt den Willen", sagte Putin bei einer Sitzung in Moskau.')
    assert not names_speech_place("Zugleich warnte der Kremlchef, dass es im Westen Eliten gebe.")
    assert not names_speech_place("„Wir bleiben in Berlin“, sagte sie.")
    assert not names_speech_place("Er fragte, ob die Truppen in der Ukraine bleiben.")
    assert names_speech_place("In Istanbul sagte der Minister, dass man weiter rede.")
    # an interview, a session, a broadcaster told: where words are said, too
    assert names_speech_place("In einem Interview mit Fox News hat Trump am Freitag geäußert, es sei gut.")
    assert names_speech_place("Das sagte Peskow gegenüber der BBC.")
    assert names_speech_place("Sie sprach im Bundestag über die Rente.")
    assert not names_speech_place("Trump sagte, er erwarte ein Gespräch mit Putin.")  # a talk he expects


def test_where_someone_spoke_is_not_where_another_spoke():
    trump = "In einem Interview mit Fox News hat Trump über Putin gesprochen."
    putin = "Er sei bereit, sagte Putin bei einer Sitzung in Moskau."
    text = f"{putin} {trump}"
    assert _cited("Wo äußerte sich Trump über Putin?", text, "Trump und Putin", "2017-01", "dpa") == [trump]


def test_a_which_answer_that_names_only_the_kind_is_joined_by_one_that_names_it():
    from rag.answer.evidence import names_only_kind

    assert names_only_kind("Er bekommt die prestigereiche Auszeichnung der US-Eishockeyliga.", "Auszeichnung")
    assert not names_only_kind("Er hat die Auszeichnung als „MVP“ erhalten.", "Auszeichnung")
    assert not names_only_kind("Er gewann die MVP-Auszeichnung.", "Auszeichnung")
    assert not names_only_kind("Er bekam den Preis Goldene Kamera.", "Preis")
    assert not names_only_kind("Das Horniman-Museum bekam 35 Instrumente aus dem Museum.", "Museum")

    kind = "Als erster Deutscher bekommt Leon Draisaitl die begehrte Auszeichnung der Liga."
    named = "Leon Draisaitl erhielt die Auszeichnung als „MVP“ vor der Finalserie."
    text = f"{kind} Die Oilers schieden früh aus. Trainer ist Dave Tippett. {named}"
    question = "Welche Auszeichnung bekam Leon Draisaitl?"
    assert _cited(question, text, "Draisaitl geehrt", "2020-09", "zeit.de") == [kind, named]


def test_a_speaker_named_in_a_closing_apposition_is_the_speaker():
    from rag.answer.evidence import attributed_to

    sentence = "Moskau hoffe auf weitere Treffen, sagte die Sprecherin des Außenministeriums, Maria Sacharowa."
    assert attributed_to(sentence, "Sacharowa")
    assert not attributed_to("Peskow sagte, Trump, der Präsident, werde am Samstag anrufen.", "Trump")


def test_a_dass_clause_after_a_verb_of_saying_is_what_was_said_not_who_said_it():
    peskow = "Am Freitag gab Kreml-Sprecher Dmitri Peskow an, dass Trump anruft."
    assert attributed_to(peskow, "Peskow") and not attributed_to(peskow, "Trump")


def test_this_month_and_this_year_are_times():
    assert has_time("Sie hatten bei einem Telefonat in diesem Monat die Kontakte vereinbart.")
    assert has_time("Dieses Jahr fällt das Fest aus.") and not has_time("In dieser Frage gibt es keinen Termin.")


def test_a_stem_is_found_inside_a_compound_but_not_after_a_ge_prefix():
    assert _compound_of("telefongesprach", "gesprach") and _compound_of("russland-usa-gesprach", "gesprach")
    assert _compound_of("grossflughaf", "flughaf") and _compound_of("lagebericht", "bericht")
    assert _compound_of("grosst", "gross")  # an ending the stemmer left ("größten")
    assert not _compound_of("gesprach", "sprach") and not _compound_of("russland-usa-gesprach", "sprach")
    assert not _compound_of("telefongesprach", "sprach") and not _compound_of("eingefuhrt", "fuhrt")
    assert _coverage({"gesprach"}, {"telefongesprach"}) == 1.0
    # "Wo sprach Putin?": the verb "sprach" is no part of "Telefongespräch"
    assert _coverage({"sprach", "putin"}, {"telefongesprach", "putin"}) == 0.5


@pytest.mark.parametrize(
    ("text", "speaker", "refers"),
    [
        ('"Es gibt den Willen", sagte Putin in Moskau. Zugleich warnte der Kremlchef vor dem Westen.', "Putin", True),
        ('"Es gibt den Willen", sagte Putin in Moskau. Zugleich warnte der Kremlchef vor dem Westen.', "Trump", False),
        # the last person quoted by name is Trump: the Kremlchef is not him
        ("Putin sprach. Trump sagte, er komme. Der Kremlchef sagte nichts.", "Trump", True),
        ("Trump sagte, er komme. Putin sprach lange. Der Kremlchef sagte nichts.", "Trump", False),
        # a spokesperson speaks for someone else; a role the article gives another name is that person's
        ("Putin sprach in Moskau. Dann sagte der Sprecher, es sei spät.", "Putin", False),
        ("Putin sprach. Der Kreml-Sprecher Dmitri Peskow kam. Dann sagte der Minister, es sei spät.", "Putin", True),
        ("Putin sprach. Minister Sergej Lawrow kam. Dann sagte der Minister, es sei spät.", "Putin", False),
    ],
)
def test_a_role_noun_is_the_person_last_quoted_by_name(text: str, speaker: str, refers: bool):
    last = text.rindex(". ") + 2
    assert role_refers_to(text, last, len(text), speaker) is refers


def test_a_where_answer_adds_no_sentence_without_a_place(pipe: Pipeline):
    from rag.answer.extractive import Candidate

    gen = pipe.generator
    assert isinstance(gen, ExtractiveGenerator)
    hit = next(h for h in pipe.retrieve("Hamburger Hafen Schiffe", 5) if "Hafen" in h.article.text)
    spans = passage_sentences(hit.article.text, 0, len(hit.article.text))
    assert len(spans) >= 3
    ranked = [
        Candidate(1, hit, *spans[i], score, fits)
        for i, (score, fits) in enumerate([(0.9, True), (0.85, False), (0.8, True)])
    ]
    where = gen._choose(read_question("Wo kamen weniger Schiffe an?"), ranked)
    assert [c.start for c in where] == [spans[0][0], spans[2][0]]
    # so for a time or a count: "Wann begann der Krieg?" is not answered by a sentence on its end that has no date
    for question in ("Wann kamen weniger Schiffe an?", "Wie viele Schiffe kamen an?"):
        assert [c.start for c in gen._choose(read_question(question), ranked)] == [spans[0][0], spans[2][0]]
    # "Wie lange …?" is answered by "bis zum Ende der Saison" as often as by a number
    assert len(gen._choose(read_question("Wie lange kamen weniger Schiffe an?"), ranked)) == 3
    # other kinds keep every sentence close to the best one
    assert len(gen._choose(read_question("Was meldet der Hafen?"), ranked)) == 3


def test_a_quote_that_starts_with_a_pronoun_comes_with_the_sentence_that_names_it():

    text = (
        "Die Kieler Störche gewannen am Sonntag gegen den Hamburger SV. "
        "Sie schlugen den Tabellenführer mit 3:1 und stehen nun auf Platz zwei. "
        "Im Stadion waren 15.000 Zuschauer."
    )
    hit = _whole("s", text, "Sieg im Nordderby", "2021-03", "ndr.de")
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0, max_sentences=1)
    answer = generator.generate("Wer schlug den Tabellenführer mit 3:1?", [hit])
    # "Sie" alone does not say who won: the sentence before, which names the team, is quoted with it, even
    # where that makes one quote more than the limit
    assert [c.text for c in answer.citations] == [
        "Die Kieler Störche gewannen am Sonntag gegen den Hamburger SV.",
        "Sie schlugen den Tabellenführer mit 3:1 und stehen nun auf Platz zwei.",
    ]
    # a sentence before that names no one cannot say who "sie" are, and is not quoted
    vague = "Womöglich kommen bald noch mehr. Sie schlugen den Tabellenführer mit 3:1."
    hit = _whole("v", vague, "Sieg im Nordderby", "2021-03", "ndr.de")
    answer = generator.generate("Wer schlug den Tabellenführer mit 3:1?", [hit])
    assert [c.text for c in answer.citations] == ["Sie schlugen den Tabellenführer mit 3:1."]


def test_a_sentence_that_goes_on_with_the_best_one_and_holds_what_it_lacks_is_quoted_with_it():

    def answer(text: str) -> list[str]:
        hit = _whole("b", text, "Neue Brücke", "2021-03", "ndr.de")
        generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0, max_sentences=1)
        return [c.text for c in generator.generate("Wie heißt die neue Brücke über den Fluss heute?", [hit]).citations]

    built = "Die Stadt baute 1990 eine neue Brücke über den Fluss."
    # "Heute heißt sie …" points back to the bridge and says what the first sentence lacks: its name today
    assert answer(f"{built} Heute heißt sie nach ihrem Architekten Müller-Brücke.") == [
        built,
        "Heute heißt sie nach ihrem Architekten Müller-Brücke.",
    ]
    # a sentence that points back but adds no word of the question, or adds one but points nowhere, is not
    assert answer(f"{built} Sie kostete zwölf Millionen Euro.") == [built]
    assert answer(f"{built} Der Bürgermeister heißt heute Schulz.") == [built]


def test_a_rare_word_of_the_question_counts_more_than_a_common_one_and_pointing_words_not_at_all():
    from rag.answer.question import content_words
    from rag.lexical import GermanAnalyzer

    analyzer = GermanAnalyzer()
    question = "Wer war bei dem Treffen in Lissabon dabei?"
    # "dabei" points to the meeting: a sentence opening "Dabei ging es …" is not about it for saying "dabei"
    assert content_words(read_question(question), analyzer.tokens(question)) == ["treff", "lissabon"]
    common = "Ein Treffen der Außenminister ist für den Herbst geplant."
    rare = "In Lissabon kamen die Unterhändler beider Seiten zusammen."
    text = f"{common} {rare}"
    hit = _whole("t", text, "Gespräche", "2024-05", "zeit.de")
    idf = {"treff": 0.2, "lissabon": 4.0}  # "Treffen" stands in most of the index's passages, "Lissabon" in one

    scored = ExtractiveGenerator(
        HashEmbedder(64), known_terms=lambda terms: set(terms) & set(idf), term_weights=lambda terms: idf
    ).score_sentences(question, [hit])
    assert scored.ranked[0].text == rare
    coverage = {c.text: c.coverage for c in scored.ranked}
    assert coverage[rare] > 0.9 > 0.1 > coverage[common] > 0
    # without an index every word counts once: both sentences hold one of the two
    plain = ExtractiveGenerator(HashEmbedder(64)).score_sentences(question, [hit])
    assert {c.coverage for c in plain.ranked} == {0.5}
    # a word the index never holds weighs nothing: it cannot tell sentences apart
    only_known = ExtractiveGenerator(
        HashEmbedder(64), known_terms=lambda terms: {"lissabon"} & set(terms), term_weights=lambda terms: idf
    ).score_sentences(question, [hit])
    assert {c.text: c.coverage for c in only_known.ranked} == {rare: 1.0, common: 0.0}


def test_a_reciprocal_word_points_to_the_people_named_and_is_no_content_word():
    from rag.answer.question import content_words
    from rag.lexical import GermanAnalyzer

    analyzer = GermanAnalyzer()
    question = "Wann sprachen Scholz und Macron miteinander?"
    assert content_words(read_question(question), analyzer.tokens(question)) == ["sprach", "scholz", "macron"]


@pytest.mark.parametrize("question", ["Wann sprach Scholz mit Macron?", "Wann sprachen Scholz und Macron miteinander?"])
def test_a_talk_with_someone_is_not_answered_by_a_report_of_ones_words(question: str):

    call = "Scholz und Macron hatten am Dienstag ein Telefonat geführt."
    quote = "Wenn man miteinander redet, kommt man weiter, sagte Scholz über Macron."
    text = f"{call} {quote}"
    hit = _whole("m", text, "Telefonat", "2023-03", "zeit.de")
    idf = {"sprach": 2.0, "scholz": 0.3, "macron": 0.3, "miteinand": 4.0}
    scored = ExtractiveGenerator(
        HashEmbedder(64), known_terms=lambda terms: set(terms) & set(idf), term_weights=lambda terms: idf
    ).score_sentences(question, [hit])
    # the verb is no word the answer must hold: the call ("Telefonat") is the talk, and it holds the time
    assert scored.terms == ["scholz", "macron"]
    assert scored.ranked[0].text == call
    # "Wann sprach Scholz?" still asks when he spoke, which any verb of saying reports
    alone = ExtractiveGenerator(HashEmbedder(64)).score_sentences("Wann sprach Scholz?", [hit])
    assert {c.text: c.coverage for c in alone.ranked}[quote] == 1.0


def test_a_time_told_as_the_same_as_another_events_is_a_time():
    assert has_time("Fast zeitgleich trafen sich in Istanbul Diplomaten.")
    assert has_time("Gleichzeitig begann in Berlin die Sitzung.") and not has_time("Sie trafen sich in Istanbul.")
    # a time told by the event it came before or after, not a place before which something stands
    assert has_time("Sie waren vor dem Ersten Weltkrieg am produktivsten.")
    assert has_time("Nach der Wahl trat er zurück.")
    assert not has_time("Vor dem Rathaus standen Hunderte.") and not has_time("Über das Ende des Krieges sprachen sie.")


def test_a_noun_the_index_never_holds_is_no_sure_answer_and_a_verb_it_never_holds_is_no_matter():
    from dataclasses import replace

    from rag.answer.answerable import SURE_SCORE

    text = "Scholz hielt eine Rede über Macron und lobte die Zusammenarbeit."
    hit = _whole("n", text, "Berlin", "2023-03", "zeit.de")
    idf = {"scholz": 0.4, "macron": 1.5, "hielt": 2.0}  # "Nato" and "telefonierten" are in no passage
    generator = ExtractiveGenerator(
        HashEmbedder(64), known_terms=lambda terms: set(terms) & set(idf), term_weights=lambda terms: idf
    )
    # the Nato is what is asked about: however well a sentence on Scholz matches, the model decides
    nato = generator.score_sentences("Was hielt Scholz von der Nato?", [hit])
    assert nato.unheld == ("nato",) and nato.ranked[0].coverage == 1.0
    best = replace(nato.ranked[0], score=SURE_SCORE + 0.1)
    assert not generator.sure(replace(nato, ranked=[best]))
    # the articles say "Telefonat" where the question says "telefonierten": a verb says nothing of the topic
    call = generator.score_sentences("Wann telefonierten Scholz und Macron?", [hit])
    assert call.unheld == () and generator.sure(replace(call, ranked=[replace(call.ranked[0], score=SURE_SCORE)]))


def test_the_noun_a_which_question_asks_for_need_not_be_held():
    from dataclasses import replace

    from rag.answer.answerable import SURE_SCORE
    from rag.answer.question import asked_noun

    assert asked_noun("Welcher Sender interviewte Trump?") == "Sender"
    assert asked_noun("In welcher deutschen Stadt sprach er?") == "Stadt" and asked_noun("Wer sprach?") is None
    text = "Scholz hielt eine Rede über Macron und lobte die Zusammenarbeit."
    hit = _whole("n", text, "Berlin", "2023-03", "zeit.de")
    idf = {"scholz": 0.4, "macron": 1.5, "hielt": 2.0, "red": 1.0, "kanzl": 1.2}  # no passage says "Politiker"
    generator = ExtractiveGenerator(
        HashEmbedder(64), known_terms=lambda terms: set(terms) & set(idf), term_weights=lambda terms: idf
    )
    # "Politiker" says a person is asked for, and the answer names him ("Scholz"): it is no topic the articles lack
    which = generator.score_sentences("Welcher Politiker hielt eine Rede über Macron?", [hit])
    assert "polit" not in which.terms and which.unheld == ()
    assert generator.sure(replace(which, ranked=[replace(which.ranked[0], score=SURE_SCORE)]))
    # a noun the index holds stays a word the answer is weighed by, and a topic noun it lacks still counts
    assert "kanzl" in generator.score_sentences("Welcher Kanzler hielt eine Rede über Macron?", [hit]).terms
    assert generator.score_sentences("Welcher Politiker hielt eine Rede über die Nato?", [hit]).unheld == ("nato",)


def test_english_transliterations_of_names_are_tried_in_german_spelling():
    from rag.answer.spelling import german_spellings, respell

    assert "Peskow" in german_spellings("Peskov") and "Lawrow" in german_spellings("Lavrov")
    assert "Sacharowa" in german_spellings("Zakharova") and "Selenskyj" in german_spellings("Zelensky")
    assert "Jelzin" in german_spellings("Yeltsin") and german_spellings("Tesla") == []
    index = {"Peskow", "Trump", "Kreml"}
    held = lambda words: set(words) & index  # noqa: E731
    assert respell("What did Peskov tell the Kreml about Trump?", held) == "What did Peskow tell the Kreml about Trump?"
    # a word the index holds, the first word, and a name with no held spelling stay as they are
    assert respell("Peskov said what?", held) == "Peskov said what?"
    assert respell("Did Navalny meet Trump?", held) == "Did Navalny meet Trump?"


def test_a_question_for_a_sum_of_money_is_answered_by_a_sum_not_by_any_number():
    from rag.answer.evidence import names_amount
    from rag.answer.extractive import NO_AMOUNT_DE
    from rag.answer.question import asks_amount

    assert asks_amount(read_question("Wie viel Geld bekommt Alitalia?"))
    assert asks_amount(read_question("Wie hoch ist das Budget von New York?"))
    assert asks_amount(read_question("How much money does Alitalia get?"))
    assert not asks_amount(read_question("Wie viele Menschen wurden getestet?"))
    assert names_amount("Die Einnahmen betragen sechs Milliarden Euro.") and names_amount("Es kostet 29 Euro.")
    assert names_amount("Sie enthalten Gebühren in Höhe von 30 Mio. GBP.") and names_amount("Er zahlte £5.")
    assert not names_amount("Mit rund 40.000 gemeldeten Fällen ist ein Höchststand erreicht.")

    cases = "Die Regierung meldet 40.000 neue Fälle, die Hilfe für Alitalia wird knapp."
    sum_ = "Alitalia bekommt von der Regierung 600 Millionen Euro Hilfe."
    generator = ExtractiveGenerator(HashEmbedder(64), min_probability=0.0)
    hit = _whole("a", f"{cases} {sum_}", "Hilfe für Alitalia", "2020-03", "zeit.de")
    answer = generator.generate("Wie viel Geld bekommt Alitalia?", [hit])
    assert [c.text for c in answer.citations] == [sum_]

    # no sum in the articles: what they say is quoted, and the reader is told that it names none
    hit = _whole("b", cases, "Hilfe für Alitalia", "2020-03", "zeit.de")
    answer = generator.generate("Wie viel Geld bekommt Alitalia?", [hit])
    assert answer.text.startswith(NO_AMOUNT_DE) and [c.text for c in answer.citations] == [cases]


def test_a_name_in_capitals_is_a_content_word_even_where_it_spells_a_question_word():
    from rag.answer.question import content_words
    from rag.lexical import GermanAnalyzer

    tokens = GermanAnalyzer().tokens
    question = "Was kritisiert die WHO?"
    assert "who" in content_words(read_question(question), tokens(question))  # the organisation
    question = "Who criticised the health organisation?"
    assert "who" not in content_words(read_question(question), tokens(question))  # the question word
