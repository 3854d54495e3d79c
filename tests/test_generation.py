from __future__ import annotations

import pytest

from rag.errors import QuestionError
from rag.generation import DECLINE_DE, DECLINE_EN, ExtractiveGenerator, is_english
from rag.pipeline import Pipeline, contextual_query


def test_answer_quotes_retrieved_sentences_verbatim_with_citations(pipe: Pipeline):
    answer = pipe.ask("Wann öffnen die Berliner Grundschulen?")
    assert not answer.declined and answer.citations
    for c in answer.citations:
        hit = answer.passages[c.number - 1]
        assert c.article_id == hit.article.id
        assert hit.article.text[c.start : c.end] == c.text
        assert f"{' '.join(c.text.split())} [{c.number}]" in answer.text
    assert answer.passages[answer.citations[0].number - 1].article.source == "berlin.txt"
    assert {"retrieve_ms", "generate_ms", "total_ms"} <= answer.timings.keys()


def test_unrelated_question_is_declined_with_nearest_passages(pipe: Pipeline):
    answer = pipe.ask("Wer gewann die Fußball-Weltmeisterschaft 1954?")
    assert answer.declined and answer.text == DECLINE_DE and answer.citations == []
    assert answer.passages


def test_decline_speaks_the_question_language(pipe: Pipeline):
    assert pipe.ask("Who won the football world cup in 1954?").text == DECLINE_EN
    assert is_english("What did the senator say?") and not is_english("Was sagte die Senatorin?")


def test_no_hits_means_decline(pipe: Pipeline):
    generator = ExtractiveGenerator(pipe.embedder)
    answer = generator.generate("Wer?", [])
    assert answer.declined and answer.passages == []


def test_at_most_max_sentences_and_no_repeats(pipe: Pipeline):
    generator = ExtractiveGenerator(pipe.embedder, max_sentences=2, relative=0.0, min_score=0.0)
    hits = pipe.retrieve("Hafen Pandemie Schulen", 5)
    answer = generator.generate("Hafen Pandemie Schulen", hits)
    assert 1 <= len(answer.citations) <= 2
    assert len({c.text for c in answer.citations}) == len(answer.citations)


@pytest.mark.parametrize("question", ["", "   \n ", "x" * 501])
def test_empty_or_overlong_questions_get_a_clear_error(pipe: Pipeline, question: str):
    with pytest.raises(QuestionError, match=r"empty|characters"):
        pipe.ask(question)


def test_follow_up_uses_the_previous_question_for_retrieval(pipe: Pipeline):
    assert contextual_query("Und wann?", ["", "Was meldet der Hafen?"], 1) == "Was meldet der Hafen? Und wann?"
    follow_up = pipe.ask("Und die Kurzarbeit?", history=["Was meldet der Hamburger Hafen?"])
    assert follow_up.passages[0].article.source == "hamburg.txt"


def test_a_new_topic_is_not_mixed_with_the_previous_question(pipe: Pipeline):
    answer = pipe.ask("Welche Fernzüge streicht die Deutsche Bahn?", history=["Was meldet der Hamburger Hafen?"])
    assert {answer.passages[c.number - 1].article.source for c in answer.citations} == {"bahn.md"}
