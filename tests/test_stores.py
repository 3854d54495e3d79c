"""The index's behaviour on both stores: the project's own files and Milvus (Milvus Lite, in a file).

The same tests run against each (``store`` fixture); what only one store has is tested below them.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from rag.embedding import HashEmbedder
from rag.errors import RagError
from rag.pipeline import Pipeline
from rag.retrieval import DateRange
from rag.settings import Settings

pytest.importorskip("milvus_lite", reason="the [scale] extra installs Milvus Lite")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["files", "milvus"])
def store_settings(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Settings:
    if request.param == "files":
        return settings
    return replace(settings, store=f"milvus:{tmp_path / 'news.db'}")


@pytest.fixture
def indexed(store_settings: Settings, corpus_dir: Path) -> Pipeline:
    pipe = Pipeline(store_settings, embedder=HashEmbedder(64))
    report = pipe.ingest([corpus_dir])
    assert report.added == 3 and report.chunks > 3 and not report.skipped
    return pipe


def test_ingest_is_incremental_by_content(indexed: Pipeline, store_settings: Settings, corpus_dir: Path):
    again = Pipeline(store_settings, embedder=HashEmbedder(64)).ingest([corpus_dir])
    assert again.added == 0 and again.duplicates == 3 and again.chunks == 0  # nothing embedded twice
    extra = corpus_dir / "neu.txt"
    extra.write_text(" date 2022-05 Der Bremer Hafen baut ein neues Terminal für Windkraftanlagen.", encoding="utf-8")
    grown = Pipeline(store_settings, embedder=HashEmbedder(64)).ingest([corpus_dir])
    assert grown.added == 1 and grown.duplicates == 3


@pytest.mark.parametrize("retriever", ["bm25", "hybrid"])
def test_the_lexical_retrievers_find_the_passage_by_its_words(indexed: Pipeline, retriever: str):
    hits = indexed.retrieve("Containerumschlag im Hamburger Hafen", 3, retriever)
    assert hits and "Containerumschlag" in hits[0].chunk.text
    assert hits[0].chunk.text == hits[0].article.text[hits[0].chunk.start : hits[0].chunk.end]  # exact offsets


def test_dense_returns_k_passages_best_first(indexed: Pipeline):
    hits = indexed.retrieve("Schulen in Berlin", 3, "dense")
    assert len(hits) == 3 and [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_stemming_meets_other_forms_of_a_word(indexed: Pipeline):
    # "Schiffen" is not in the corpus, "Schiffe" is: both stem to "schiff"
    hits = indexed.retrieve("Schiffen", 3, "bm25")
    assert hits and "Schiffe" in hits[0].chunk.text


@pytest.mark.parametrize("retriever", ["bm25", "dense", "hybrid"])
def test_the_date_filter_keeps_only_articles_of_the_period(indexed: Pipeline, retriever: str):
    period = DateRange("2021-01-01", "2021-12-31")
    hits = indexed.retrieve("Senat Kitas Hafen Bahn", 5, retriever, period)
    assert hits and all(h.article.date == "2021-03" for h in hits)


def test_an_answer_quotes_and_cites_its_passage(indexed: Pipeline):
    answer = indexed.ask("Wer sagte, die Präsenzpflicht bleibe ausgesetzt?")
    assert not answer.declined and "Scheeres" in answer.text and "[1]" in answer.text
    cited = indexed.articles([answer.citations[0].article_id])[answer.citations[0].article_id]
    c = answer.citations[0]
    assert cited.text[c.start : c.end] == c.text  # the citation's offsets point into the stored article


def test_term_weights_come_from_the_index(indexed: Pipeline):
    common, umschlag, nowhere = indexed.analyzer.tokens("Die Containerumschlag Nirgendwoland")
    weights = indexed.term_weights([common, umschlag, nowhere])
    assert weights[nowhere] > weights[umschlag] > weights[common]  # the rarer, the heavier
    assert indexed.known_terms([common, nowhere]) == {common}


def test_articles_and_examples_are_read_from_the_store(indexed: Pipeline):
    hit = indexed.retrieve("Fernzüge", 1, "bm25")[0]
    assert indexed.articles([hit.article.id])[hit.article.id].text == hit.article.text
    assert [a.date for a in indexed.recent_articles(2)] == ["2021-03", "2020-04"]


def test_a_period_the_question_names_filters_on_both_stores(indexed: Pipeline):
    hits, scope = indexed.search("Was wurde im April 2020 berichtet?")
    assert scope is not None and scope.applied and hits and all(h.article.date == "2020-04" for h in hits)


def test_the_langchain_retriever_reads_either_store(indexed: Pipeline):
    from rag.lc import NewsRetriever

    docs = NewsRetriever(pipeline=indexed, k=2, retriever="bm25", date_from="2021-01-01").invoke("Kitas Regelbetrieb")
    assert docs and "Kitas" in docs[0].page_content and docs[0].metadata["date"] == "2021-03"


def test_an_ingest_embedded_on_ray_gives_the_same_index(store_settings: Settings, corpus_dir: Path, tmp_path: Path):
    pytest.importorskip("ray", reason="the [scale] extra installs Ray")
    plain = Pipeline(store_settings, embedder=HashEmbedder(64))
    plain.ingest([corpus_dir])
    elsewhere = tmp_path / "ray"
    on_ray = replace(store_settings, index_dir=elsewhere / "index", ray="local")
    if on_ray.store:
        on_ray = replace(on_ray, store=f"milvus:{elsewhere / 'news.db'}")
    ray_pipe = Pipeline(on_ray, embedder=HashEmbedder(64))
    assert ray_pipe.ingest([corpus_dir]).added == 3
    for query in ("Schulen in Berlin", "Hafen und Schiffe", "Fernzüge"):
        ours = [(h.article.id, h.chunk.start, round(h.score, 5)) for h in plain.retrieve(query, 4, "dense")]
        theirs = [(h.article.id, h.chunk.start, round(h.score, 5)) for h in ray_pipe.retrieve(query, 4, "dense")]
        assert ours == theirs  # the same vectors, in the same order, whoever embedded them


# ---- Milvus only ---------------------------------------------------------------------------------


def test_an_interrupted_milvus_batch_stays_invisible_and_the_next_ingest_completes_it(
    settings: Settings, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from rag.stores.milvus import MilvusStore

    spec = f"milvus:{tmp_path / 'news.db'}"
    stored = replace(settings, store=spec, batch_articles=2)
    put_meta = MilvusStore._put_meta
    calls = {"n": 0}

    def dies_before_the_second_commit(self: MilvusStore, values: dict[str, str]) -> None:
        if "committed" in values and values["committed"] == "2":
            raise KeyboardInterrupt  # killed after the batch's rows were written, before they became visible
        put_meta(self, values)
        calls["n"] += 1

    monkeypatch.setattr(MilvusStore, "_put_meta", dies_before_the_second_commit)
    with pytest.raises(KeyboardInterrupt):
        Pipeline(stored, embedder=HashEmbedder(64)).ingest([corpus_dir])
    monkeypatch.setattr(MilvusStore, "_put_meta", put_meta)
    reader = Pipeline(stored, embedder=HashEmbedder(64))
    assert reader.milvus is not None and len(reader.milvus.known_article_ids()) == 2  # the first batch only
    assert all("Hamburg" not in h.article.text for h in reader.retrieve("Containerumschlag Hafen", 5, "hybrid"))
    finished = Pipeline(stored, embedder=HashEmbedder(64)).ingest([corpus_dir])
    assert finished.added == 1 and finished.duplicates == 2
    assert "Containerumschlag" in reader.retrieve("Containerumschlag Hafen", 1, "bm25")[0].chunk.text
    rows = reader.milvus.client.query(reader.milvus.names["chunks"], filter="id >= 0", output_fields=["count(*)"])
    assert rows[0]["count(*)"] == reader.milvus.counts()[1]  # the interrupted batch's rows were removed


def _someone_else(store, until: float) -> None:  # type: ignore[no-untyped-def]
    """Write the lease of a writer on another machine into ``store``."""
    import json

    holder = {"id": "elsewhere", "who": "process 7 on ingest-2 (since 2026-11-22 08:00:00)", "until": until}
    store._put_meta({"writer": json.dumps(holder)})


def test_a_milvus_writer_on_another_machine_keeps_an_ingest_out_until_its_lease_runs_out(
    settings: Settings, corpus_dir: Path, tmp_path: Path
):
    import time

    from rag.locking import IndexBusy

    stored = replace(settings, store=f"milvus:{tmp_path / 'news.db'}")
    pipe = Pipeline(stored, embedder=HashEmbedder(64))
    assert pipe.milvus is not None
    pipe.ingest([corpus_dir / "hamburg.txt"])
    assert pipe.milvus.state()["writer"] == ""  # given up after the ingest
    _someone_else(pipe.milvus, time.time() + 600)
    with pytest.raises(IndexBusy, match="process 7 on ingest-2"):
        pipe.ingest([corpus_dir], wait=False)
    assert pipe.milvus.counts()[0] == 1
    _someone_else(pipe.milvus, time.time() - 1)  # that writer died and its lease ran out
    assert pipe.ingest([corpus_dir], wait=False).added == 2


def test_a_milvus_writer_that_lost_its_lease_does_not_make_its_batch_visible(
    settings: Settings, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    import time

    from rag.stores.milvus import MilvusStore

    stored = replace(settings, store=f"milvus:{tmp_path / 'news.db'}", batch_articles=2)
    add_batch = MilvusStore.add_batch

    def taken_over_after_the_first_batch(self: MilvusStore, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if self.committed() == 1:  # another writer took the lease (this one seemed dead) while it embedded
            _someone_else(self, time.time() + 600)
        add_batch(self, *args, **kwargs)

    monkeypatch.setattr(MilvusStore, "add_batch", taken_over_after_the_first_batch)
    with pytest.raises(RagError, match="took over the index"):
        Pipeline(stored, embedder=HashEmbedder(64)).ingest([corpus_dir])
    monkeypatch.setattr(MilvusStore, "add_batch", add_batch)
    reader = Pipeline(stored, embedder=HashEmbedder(64))
    assert reader.milvus is not None and reader.milvus.counts()[0] == 2  # the second batch stayed invisible
    assert reader.milvus.state()["writer"] != ""  # the other writer's lease is left alone


def test_a_milvus_server_that_is_down_is_one_line_naming_it(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    run = subprocess.run(
        [sys.executable, "-m", "rag.cli", "ask", "--embedder", "hash-64", "--store", "milvus:http://127.0.0.1:9",
         "Wo?"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert "http://127.0.0.1:9" in run.stderr and len(run.stderr.strip().splitlines()) <= 2


def test_a_bad_milvus_spec_says_what_it_wants(settings: Settings):
    with pytest.raises(RagError, match=r"milvus:PATH\.db"):
        Pipeline(replace(settings, store="milvus:"), embedder=HashEmbedder(64))
    with pytest.raises(RagError, match=r"\.db"):
        Pipeline(replace(settings, store="milvus:/tmp/news.sqlite"), embedder=HashEmbedder(64))


def test_an_eval_builds_its_dataset_index_apart_from_the_users(tmp_path: Path):
    from rag.evaluation import _scratch_store

    assert _scratch_store("", str(tmp_path)) == ""  # the own files, in the temporary folder
    assert _scratch_store("milvus:index/news.db", str(tmp_path)) == f"milvus:{tmp_path}/eval.db"
    on_server = _scratch_store("milvus:http://milvus:19530#news", str(tmp_path))
    assert on_server.startswith("milvus:http://milvus:19530#rag_eval_") and "news" not in on_server
