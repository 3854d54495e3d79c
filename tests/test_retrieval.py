from __future__ import annotations

from dataclasses import replace

import pytest

from rag.errors import RagError
from rag.lc import NewsRetriever
from rag.pipeline import Pipeline
from rag.retrieval import DateRange
from rag.settings import RETRIEVERS


@pytest.mark.parametrize("retriever", RETRIEVERS)
def test_every_retriever_ranks_the_matching_article_first(pipe: Pipeline, retriever: str):
    hits = pipe.retrieve("Hamburger Hafen Containerumschlag Schiffe", 3, retriever)
    assert hits and hits[0].article.source == "hamburg.txt"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for h in hits:
        assert h.article.text[h.chunk.start : h.chunk.end] == h.chunk.text


@pytest.mark.parametrize("retriever", RETRIEVERS)
def test_date_filter_keeps_only_articles_in_range(pipe: Pipeline, retriever: str):
    hits = pipe.retrieve("Präsenzpflicht Kitas Hafen", 10, retriever, DateRange("2021-01-01", "2021-12-31"))
    assert hits and {h.article.source for h in hits} == {"berlin.txt"}
    # a month-precision date matches a range that only touches one day of the month
    assert pipe.retrieve("Hafen", 10, retriever, DateRange("2020-04-30", "2020-05-02"))


def test_date_filter_excludes_undated_articles_and_rejects_reversed_ranges(pipe: Pipeline):
    hits = pipe.retrieve("Bahn Fernzüge", 10, "bm25", DateRange(start="1990-01-01"))
    assert all(h.article.source != "bahn.md" for h in hits)
    with pytest.raises(RagError, match="starts after it ends"):
        DateRange("2021-02-01", "2021-01-01")


def test_bm25_returns_nothing_for_unknown_words(pipe: Pipeline):
    assert pipe.retrieve("Quantencomputer Xylophon", 5, "bm25") == []


def test_hybrid_fuses_both_rankings(pipe: Pipeline):
    hybrid = pipe.retrieve("Präsenzpflicht Kitas Regelbetrieb", 5, "hybrid")
    assert hybrid[0].article.source == "berlin.txt"
    assert 0.0 <= hybrid[-1].score <= hybrid[0].score <= 1.0


def test_k_must_be_positive(pipe: Pipeline):
    with pytest.raises(RagError, match="k must be >= 1, got 0"):
        pipe.retrieve("Hafen", 0)


def test_langchain_retriever_returns_documents_with_offsets(pipe: Pipeline):
    docs = NewsRetriever(pipeline=pipe, k=2, retriever="bm25").invoke("Hafen Kurzarbeit")
    assert docs and docs[0].metadata["source"] == "hamburg.txt"
    meta = docs[0].metadata
    article = pipe.store.articles([meta["article_id"]])[meta["article_id"]]
    assert article.text[meta["start"] : meta["end"]] == docs[0].page_content
    assert (
        NewsRetriever(pipeline=pipe, k=5, date_from="2021-01-01").invoke("Hafen Schulen")[0].metadata["date"]
        == "2021-03"
    )


def test_user_date_ranges_cover_whole_months_and_bad_dates_are_named(pipe: Pipeline):
    assert DateRange.parse("2020-04", "2020-04") == DateRange("2020-04-01", "2020-04-31")
    assert DateRange.parse(" ", None) is None
    with pytest.raises(RagError, match="date filter: unrecognised date 'gestern'"):
        DateRange.parse("gestern", None)
    hits = pipe.retrieve("Hafen", 5, "bm25", DateRange.parse(None, "2020-04"))
    assert {h.article.source for h in hits} == {"hamburg.txt"}


def test_the_headline_counts_as_a_sentence_of_every_chunk(settings, tmp_path):
    from rag.corpus import Article
    from rag.embedding import HashEmbedder

    body = " ".join(f"Der Stadtrat tagte am {d}. Mai bis in den Abend und vertagte den Haushalt." for d in range(1, 9))
    article = Article("a1", "Hafenfest abgesagt", body, "2020-05")
    other = Article("a2", "Wetter", "Der Hafen meldet Sturm. Das Fest am Wochenende fällt aus.", "2020-05")
    pipe = Pipeline(settings, embedder=HashEmbedder(64))
    pipe.ingest_items([article, other])
    idx = pipe.index
    rows = [r for r, a in enumerate(idx.table.article_ids) if a == "a1"]
    scores, _ = idx.sentence_scores(idx.term_ids("Hafenfest abgesagt"))
    # the words occur only in the headline, which is indexed with every chunk: each chunk has that evidence
    assert len(rows) >= 3 and all(scores[r] > 0 for r in rows)
    assert pipe.retrieve("Hafenfest abgesagt", 1, "bm25")[0].article.id == "a1"


def test_a_headline_match_lifts_its_article_above_one_that_only_repeats_the_words(settings):
    from rag.corpus import Article
    from rag.embedding import HashEmbedder

    named = Article(
        "a1", "Hafenfest abgesagt", "Der Stadtrat tagte bis in den Abend. Der Sturm kommt am Sonntag.", "2020-05"
    )
    repeats = Article(
        "a2",
        "Wetter",
        "Das Hafenfest ist abgesagt. Hafenfest abgesagt, hieß es. Abgesagt ist das Hafenfest.",
        "2020-05",
    )
    pipe = Pipeline(replace(settings, hybrid_weight=0.0), embedder=HashEmbedder(64))  # lexical score only
    pipe.ingest_items([named, repeats])

    def first(headline_weight: float) -> str:
        pipe.settings = replace(pipe.settings, headline_weight=headline_weight)
        return pipe.retrieve("Hafenfest abgesagt", 2)[0].article.id

    assert (first(0.0), first(0.3)) == ("a2", "a1")
    _, headline = pipe.index.sentence_scores(pipe.index.term_ids("Hafenfest abgesagt"))
    assert headline.max() > 0

    untitled = Pipeline(
        replace(settings, index_dir=settings.index_dir.with_name("untitled"), title_in_index=False),
        embedder=HashEmbedder(64),
    )
    untitled.ingest_items([named, repeats])
    _, headline = untitled.index.sentence_scores(untitled.index.term_ids("Hafenfest abgesagt"))
    assert not headline.any()  # no headline rows: first sentences are not taken for headlines


def test_stop_words_stay_in_the_index_so_short_common_phrases_are_found(settings):
    from rag.corpus import Article
    from rag.embedding import HashEmbedder

    no_cases = Article(
        "a1", "Keine neuen Infektionen", "Das Gesundheitsamt meldet den dritten Tag in Folge.", "2020-05"
    )
    cases = Article("a2", "Neue Infektionen", "Das Gesundheitsamt meldet neue Infektionen am dritten Tag.", "2020-05")
    kept = Pipeline(settings, embedder=HashEmbedder(64))
    kept.ingest_items([no_cases, cases])
    assert kept.retrieve("Keine neuen Infektionen", 1, "bm25")[0].article.id == "a1"
    # without stop words the query is "neu infektion", which the other article has more of
    dropped = Pipeline(
        replace(settings, index_dir=settings.index_dir.with_name("dropped"), drop_stop_words=True),
        embedder=HashEmbedder(64),
    )
    dropped.ingest_items([no_cases, cases])
    assert dropped.retrieve("Keine neuen Infektionen", 1, "bm25")[0].article.id == "a2"


def test_an_index_keeps_the_analyzer_it_was_built_with(settings, corpus_dir):
    from rag.embedding import HashEmbedder
    from rag.lexical import DROP_STOP_WORDS, GermanAnalyzer
    from rag.stores.files import Store

    built = Pipeline(replace(settings, drop_stop_words=True), embedder=HashEmbedder(64))
    built.ingest([corpus_dir])
    assert Store(settings.index_dir).read_manifest().analyzer == DROP_STOP_WORDS
    later = Pipeline(settings, embedder=HashEmbedder(64))  # the default keeps stop words
    assert later.retrieve("Hafen", 1)[0].article.source == "hamburg.txt"
    assert later.analyzer.name == DROP_STOP_WORDS and later.index.term_ids("der die das") == []
    with pytest.raises(RagError, match="unknown analyzer 'porter'"):
        GermanAnalyzer.named("porter")
