"""German compound splitting (rag.compounds) and the BM25 analyzer that indexes the parts."""

from __future__ import annotations

from dataclasses import replace

from rag.compounds import CompoundSplitter, german_splitter
from rag.corpus import Article
from rag.embedding import HashEmbedder
from rag.lexical import COMPOUNDS, KEEP_STOP_WORDS, GermanAnalyzer
from rag.pipeline import Pipeline
from rag.stores.files import Store

FREQ = {"wind": 5e-5, "energie": 6e-5, "gesetz": 8e-5, "verb": 5e-6, "raucher": 4e-6, "verbraucher": 1.5e-5}


def test_a_compound_is_split_into_known_words_across_linking_elements():
    splitter = CompoundSplitter({**FREQ, "arbeit": 3e-4, "markt": 1e-4})
    assert splitter.parts("windenergiegesetz") == ["windenergie", "wind", "energie", "gesetz"]
    assert splitter.parts("arbeitsmarkt") == ["arbeit", "markt"]  # the linking -s- is not a part


def test_a_word_more_frequent_than_its_pieces_stays_whole():
    assert CompoundSplitter(FREQ).parts("verbraucher") == []  # not "Verb" + "Raucher"
    assert CompoundSplitter(FREQ).parts("gesetz") == []  # too short to split


def test_the_wordfreq_splitter_on_news_words():
    split = german_splitter().parts
    assert split("fußballweltmeisterschaft")[-2:] == ["welt", "meisterschaft"]
    assert split("kremlsprecher") == ["kreml", "sprecher"]
    assert split("bundesregierung") == ["bund", "regierung"]
    # inflected forms, prefixes and derivations are not compounds
    for word in ("brennenden", "überzeugen", "verbraucher", "meisterschaft", "beziehungen"):
        assert split(word) == [], word


def test_the_analyzer_indexes_parts_beside_the_word_and_names_itself():
    plain, split = GermanAnalyzer(drop_stop_words=False), GermanAnalyzer(drop_stop_words=False, compounds=True)
    assert plain.tokens("Kremlsprecher") == ["kremlsprech"]
    assert split.tokens("Kremlsprecher") == ["kremlsprech", "kreml", "sprech"]
    assert split.name == KEEP_STOP_WORDS + COMPOUNDS
    assert GermanAnalyzer.named(split.name).compounds


def test_bm25_with_compounds_finds_a_compound_from_its_parts(settings):
    article = Article("w1", "Neues Gesetz", "Der Bundestag beschließt das Windenergiegesetz.", "2021-02")
    other = Article("w2", "Windpark", "Der Wind weht über den Windpark an der Küste.", "2021-02")
    split = Pipeline(replace(settings, split_compounds=True), embedder=HashEmbedder(64))
    split.ingest_items([article, other])
    assert Store(settings.index_dir).read_manifest().analyzer.endswith(COMPOUNDS)
    assert split.retrieve("Gesetz zur Windenergie", 1, "bm25")[0].article.id == "w1"
    plain = Pipeline(replace(settings, index_dir=settings.index_dir.with_name("plain")), embedder=HashEmbedder(64))
    plain.ingest_items([article, other])
    hits = plain.retrieve("Windenergie", 2, "bm25")
    assert [h.article.id for h in hits] == []  # without splitting, "Windenergie" is no word of either article
    # an index keeps its analyzer: a pipeline with the default settings reads and grows it with compounds
    reopened = Pipeline(settings, embedder=HashEmbedder(64))
    assert reopened.retrieve("Windenergie", 1, "bm25")[0].article.id == "w1"
    assert reopened.analyzer.compounds
