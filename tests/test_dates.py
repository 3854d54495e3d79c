"""Dates named in questions (rag.dates) and how they reach retrieval and the answer."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest

from rag.corpus import Article
from rag.dates import dates_in_question, without_dates
from rag.embedding import HashEmbedder
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.settings import Settings

REF = date(2021, 3, 10)  # a Wednesday


@pytest.mark.parametrize(
    ("question", "start", "end", "relative"),
    [
        ("Was wurde im November 2020 über Impfstoffe berichtet?", "2020-11-01", "2020-11-30", False),
        ("Was geschah am 3. Oktober 1990?", "1990-10-03", "1990-10-03", False),
        ("Was sagte die Kanzlerin am 3.10.2020?", "2020-10-03", "2020-10-03", False),
        ("Was sagte Merkel 2017?", "2017-01-01", "2017-12-31", False),
        ("Was geschah zwischen März und Mai 2020?", "2020-03-01", "2020-05-31", False),
        ("Was wurde im Dezember über Masken gesagt?", "2020-12-01", "2020-12-31", False),  # the latest December
        ("Wie hoch war die Inzidenz am 12. März?", "2020-03-12", "2020-03-12", False),  # 12 March 2021 is later
        ("Was war gestern los?", "2021-03-09", "2021-03-09", True),
        ("Was passierte letzte Woche in Berlin?", "2021-03-01", "2021-03-07", True),
        ("Was geschah vor zwei Wochen?", "2021-02-22", "2021-02-28", True),
        ("Was sagte Drosten im vergangenen Monat?", "2021-02-01", "2021-02-28", True),
        ("Was geschah vor einem Jahr?", "2020-03-01", "2020-03-31", True),
        ("Was wurde in den letzten drei Monaten über Masken berichtet?", "2020-12-01", "2021-03-10", True),
        ("What happened in November 2020?", "2020-11-01", "2020-11-30", False),
        ("What did Trump say on October 3, 2020?", "2020-10-03", "2020-10-03", False),
        ("What happened last week?", "2021-03-01", "2021-03-07", True),
        ("What was reported two days ago?", "2021-03-08", "2021-03-08", True),
    ],
)
def test_a_named_period_becomes_a_date_range(question, start, end, relative):
    found = dates_in_question(question, REF)
    assert found is not None
    assert (found.start, found.end, found.relative) == (start, end, relative)


@pytest.mark.parametrize(
    "question",
    [
        "Wann telefonierten Trump und Putin?",
        "Die Regierung plant was?",  # "die" is no Dienstag
        "Wer hat 2000 Masken bestellt?",  # a number of things, not a year
        "May I ask about masks?",
        "Was sagte er am Montag?",  # which Monday is not said
    ],
)
def test_questions_without_a_period_have_no_range(question):
    assert dates_in_question(question, REF) is None


def test_relative_dates_need_a_reference_and_date_words_can_be_removed():
    assert dates_in_question("Was war gestern?", None) is None
    assert without_dates("Was geschah im Mai 2020 in Berlin?") == "Was geschah im in Berlin?"


def _news(settings: Settings, **overrides) -> Pipeline:
    pipe = Pipeline(replace(settings, **overrides), embedder=HashEmbedder(64))
    pipe.ingest_items(
        [
            Article(
                "nov",
                "Impfstoff im November",
                "Der Impfstoff wird im Herbst geprüft, sagte das Institut.",
                "2020-11-20",
            ),
            Article(
                "dec",
                "Impfstoff im Dezember",
                "Der Impfstoff wird im Dezember zugelassen, sagte das Institut.",
                "2020-12-21",
            ),
            Article("mar", "Impfstoff im März", "Der Impfstoff wird im März knapp, sagte das Institut.", "2021-03-09"),
        ]
    )
    return pipe


def test_a_named_month_filters_and_the_answer_says_so(settings):
    pipe = _news(settings)
    answer = pipe.ask("Was wurde im November 2020 über den Impfstoff berichtet?")
    assert answer.passages and {h.article.id for h in answer.passages} == {"nov"}
    scope = answer.date_range
    assert (scope.start, scope.end, scope.source, scope.text, scope.applied) == (
        "2020-11-01",
        "2020-11-30",
        "question",
        "November 2020",
        True,
    )
    assert "1.11.2020 bis 30.11.2020" in scope.describe()
    from rag.citations import answer_chat_text

    assert answer_chat_text(answer).startswith("Gesucht in Artikeln vom 1.11.2020 bis 30.11.2020")


def test_a_relative_date_counts_from_the_newest_article_or_the_setting(settings):
    pipe = _news(settings)
    assert pipe.reference_date() == date(2021, 3, 9)
    hits, scope = pipe.search("Was wurde gestern über den Impfstoff berichtet?")
    assert (scope.start, scope.relative) == ("2021-03-08", True)
    pipe.settings = replace(pipe.settings, reference_date="2020-12-22")
    hits, scope = pipe.search("Was wurde gestern über den Impfstoff berichtet?")
    assert scope.start == "2020-12-21" and hits[0].article.id == "dec"  # boosted: its period first
    assert {h.article.id for h in hits} == {"nov", "dec", "mar"}  # and the other dates after it
    pipe.settings = replace(pipe.settings, relative_dates="filter")
    hits, _ = pipe.search("Was wurde gestern über den Impfstoff berichtet?")
    assert {h.article.id for h in hits} == {"dec"}


def test_a_period_without_articles_is_reported_and_all_articles_are_searched(settings):
    pipe = _news(settings)
    answer = pipe.ask("Was wurde im Mai 2019 über den Impfstoff berichtet?")
    assert answer.date_range.applied is False and answer.passages
    assert "Kein Artikel im Index stammt aus dem Zeitraum" in answer.date_range.describe()


def test_the_user_filter_wins_and_an_undated_index_ignores_dates_in_questions(settings, pipe):
    from rag.retrieval import DateRange

    news = _news(settings)
    answer = news.ask("Was wurde im November 2020 berichtet?", filters=DateRange("2020-12-01", "2020-12-31"))
    assert answer.date_range.source == "filter" and {h.article.id for h in answer.passages} == {"dec"}
    undated = Pipeline(replace(settings, index_dir=settings.index_dir.with_name("undated")), embedder=HashEmbedder(64))
    undated.ingest_items([Article("u1", "Die Mauer", "Die Mauer fiel am 9. November 1989 in Berlin.")])
    answer = undated.ask("Was geschah am 9. November 1989?")
    assert answer.date_range is None and answer.passages  # Wikipedia-like text: the year is a topic, not a filter


def test_a_follow_up_keeps_the_period_of_the_question_it_follows(settings):
    from rag.answer.conversation import Conversation

    pipe = _news(settings)
    chat = Conversation()
    pipe.ask("Was wurde im Dezember 2020 über den Impfstoff berichtet?", chat)
    answer = pipe.ask("Und wer sagte das?", chat)
    assert answer.date_range is not None and answer.date_range.start == "2020-12-01"
    assert {h.article.id for h in answer.passages} == {"dec"}


def test_the_json_answer_carries_the_range_and_a_bad_reference_date_is_named(settings, capsys):
    from rag.cli import main

    pipe = _news(settings)
    del pipe
    code = main(
        [
            "ask",
            "Was wurde im November 2020 berichtet?",
            "--json",
            "--embedder",
            "hash-64",
            "--index-dir",
            str(settings.index_dir),
        ]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["date_range"] == {
        "from": "2020-11-01",
        "to": "2020-11-30",
        "source": "question",
        "text": "November 2020",
        "relative": False,
        "applied": True,
    }
    with pytest.raises(RagError, match="reference date '2021-13-01' is not a date"):
        Settings(reference_date="2021-13-01")
