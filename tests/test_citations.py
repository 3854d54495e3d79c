from __future__ import annotations

import re

from rag.answer import Answer, Citation
from rag.chunking import Chunk
from rag.citations import (
    answer_chat_text,
    answer_to_dict,
    conversation_sources_html,
    highlight,
    source_label,
    sources_html,
)
from rag.corpus import Article
from rag.retrieval import Hit

EVIL = 'Vorher. <script>alert(1)</script> <img src=x onerror="alert(2)"> Nachher.'


def _answer() -> Answer:
    art = Article("a1", "<b>Titel</b>", EVIL, "2020-01", "quelle", "javascript:alert(3)")
    hit = Hit(Chunk("a1", EVIL, 0, len(EVIL)), 0.9, art)
    start = EVIL.index("<script>")
    end = EVIL.index("Nachher.")
    return Answer("…", [Citation(1, "a1", start, end, EVIL[start:end])], [hit])


def test_highlight_marks_the_span_and_escapes_everything():
    assert highlight("a <b> c", 10, [(12, 15)]) == "a <mark>&lt;b&gt;</mark> c"
    assert highlight("abc", 0, []) == "abc"
    assert highlight("abcdef", 100, [(98, 102), (104, 120)]) == "<mark>ab</mark>cd<mark>ef</mark>"


def test_sources_panel_shows_article_markup_as_text():
    html = sources_html(_answer())
    assert "<script>" not in html and "<img" not in html and "<b>Titel" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>&lt;script&gt;" in html
    assert "javascript:" not in html  # only http(s) links are offered
    assert "Ganzen Artikel anzeigen" in html and "Zitierte Passagen" in html


def test_links_are_offered_for_web_addresses_only():
    answer = _answer()
    hit = answer.passages[0]
    safe = Hit(hit.chunk, hit.score, Article("a1", "T", EVIL, None, "s", "https://example.org/a?b=1&c=2"))
    html = sources_html(Answer("", [], [safe]))
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html and "Nächste Passagen" in html


def test_chat_text_is_plain_and_declines_point_to_the_sources():
    answer = Answer("Laut dem Artikel vom Januar 2020: US-Präsident [1]", _answer().citations, _answer().passages)
    assert answer_chat_text(answer) == "Laut dem Artikel vom Januar 2020: US-Präsident [1]"  # no Markdown escapes
    declined = Answer("Dazu steht nichts in den Artikeln.", [], _answer().passages, declined=True)
    text = answer_chat_text(declined)
    assert text.startswith("Dazu steht nichts") and "Quellen" in text
    # the hint names the heading the panel beside it shows for a declined answer
    hint = re.search(r"„([^“]+)“", text)
    assert hint and f"<h3>{hint.group(1)}" in sources_html(declined)


def test_sources_are_labelled_by_headline_outlet_and_date():
    art = Article("a", "Hafen meldet Rückgang", "Text.", "2020-04-24", "tagesspiegel.de", path="x.jsonl")
    assert source_label(art) == "Hafen meldet Rückgang (tagesspiegel.de, 24. April 2020)"
    seed = Article("b", "Titel", "Text.", "2017-01", "", path="seeds/000_a.txt")
    assert source_label(seed) == "Titel (000_a.txt, Januar 2017)"


def test_declined_answers_show_no_relevance_and_uncited_cards_are_collapsed():
    hit = _answer().passages[0]
    answered = sources_html(_answer())
    declined = sources_html(Answer("Dazu steht nichts in den Artikeln.", [], [hit], declined=True))
    assert "Trefferwert" in answered and "Trefferwert" not in declined
    assert '<details class="rag-source" id="source-0-1">' in declined
    assert '<div class="rag-source cited" id="source-0-1">' in answered


def test_every_answer_of_a_chat_keeps_its_own_sources():
    first, second = _answer(), Answer("Dazu steht nichts in den Artikeln.", [], _answer().passages, declined=True)
    panel = conversation_sources_html([first, second])
    assert '<section class="rag-turn" data-turn="0" hidden>' in panel  # the earlier answer's, hidden
    assert '<section class="rag-turn" data-turn="1">' in panel  # the latest, shown
    assert 'id="source-0-1"' in panel and 'id="source-1-1"' in panel
    assert conversation_sources_html([]) == sources_html(None)


def test_json_shape_of_an_answer():
    data = answer_to_dict("Frage?", _answer())
    assert {"answer", "citations", "passages", "timings", "question_type"} <= data.keys()
    assert data["citations"][0]["number"] == 1 and data["passages"][0]["article_id"] == "a1"


def test_folded_cards_of_one_article_show_how_each_passage_begins():
    from rag.citations import passage_opening

    text = "Kiel beschließt neue Regeln. Die Schulen bleiben offen. " + "Die Kitas öffnen im Mai wieder <ganz>. " * 5
    art = Article("k", "Kiel beschließt neue Regeln.", text, "2020-04", "zeit.de")
    first = Hit(Chunk("k", text[:55], 0, 55), 0.9, art)
    later_start = text.index("Die Kitas")
    later = Hit(Chunk("k", text[later_start:], later_start, len(text)), 0.8, art)
    assert passage_opening(first) == ""  # it opens with the headline the card shows
    opening = passage_opening(later)
    assert opening.startswith("Die Kitas öffnen im Mai wieder <ganz>.") and opening.endswith(" …")
    assert len(opening) <= 92 and text[later_start:].startswith(opening[:-2])
    html = sources_html(Answer("Dazu steht nichts in den Artikeln.", [], [first, later], declined=True))
    assert '<div class="rag-passage-start">Die Kitas öffnen im Mai wieder &lt;ganz&gt;.' in html
    assert html.count("rag-passage-start") == 1
