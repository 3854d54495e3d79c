"""Syndicated copies (rag.stories): one passage per story, the other outlets named, old indexes upgraded."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from rag.corpus import Article
from rag.embedding import HashEmbedder
from rag.pipeline import Pipeline
from rag.settings import Settings
from rag.stories import StoryIndex, same_passage, signature, similarity

STORY = (
    "Der Kreml hat ein Telefonat zwischen Präsident Wladimir Putin und US-Präsident Donald Trump für Samstag "
    "bestätigt. Kremlsprecher Dmitri Peskow sagte am Freitag in Moskau, beide wollten über die Beziehungen "
    "ihrer Länder sprechen. Ein Treffen der beiden Präsidenten sei noch nicht geplant, sagte Peskow weiter. "
    "Trump hatte zuvor angekündigt, er wolle die Sanktionen gegen Russland überprüfen lassen."
)
OTHER = (
    "Der Hamburger Hafen meldet im April deutlich weniger Containerumschlag als im Vorjahr. Wegen der Pandemie "
    "kamen weniger Schiffe aus China, die Hafenwirtschaft rechnet mit Kurzarbeit für mehrere tausend Beschäftigte."
)


def _copies() -> list[Article]:
    return [
        Article("a-zeit", "Telefonat bestätigt", f"MOSKAU (dpa) - {STORY}", "2017-01-27", "zeit.de"),
        Article("b-tsp", "Putin und Trump telefonieren", f"{STORY} (dpa)", "2017-01-28", "tagesspiegel.de"),
        Article("c-hafen", "Weniger Schiffe", OTHER, "2020-04-30", "sueddeutsche.de"),
    ]


def test_copies_with_different_boilerplate_have_near_equal_signatures():
    a, b, c = (signature(x.text) for x in _copies())
    assert similarity(a, b) >= 0.9  # the dateline and the credit are not part of the story
    assert similarity(a, c) < 0.1
    index = StoryIndex()
    lookup = {"a": a, "b": b, "c": c}
    assert index.assign("a", a, lambda ids: {i: lookup[i] for i in ids}) == "a"
    assert index.assign("b", b, lambda ids: {i: lookup[i] for i in ids}) == "a"
    assert index.assign("c", c, lambda ids: {i: lookup[i] for i in ids}) == "c"


def test_same_passage_compares_the_text_not_the_story():
    assert same_passage(STORY, f"MOSKAU (dpa) - {STORY}")
    assert not same_passage(STORY, OTHER)


@pytest.fixture(params=["files", "milvus"])
def store_settings(request: pytest.FixtureRequest, settings: Settings, tmp_path: Path) -> Settings:
    if request.param == "files":
        return settings
    pytest.importorskip("milvus_lite", reason="the [scale] extra installs Milvus Lite")
    return replace(settings, store=f"milvus:{tmp_path / 'news.db'}")


def test_retrieval_shows_one_passage_per_story_and_names_the_copies(store_settings):
    pipe = Pipeline(store_settings, embedder=HashEmbedder(64))
    pipe.ingest_items(_copies())
    hits = pipe.retrieve("Telefonat Putin Trump Peskow", 5)
    ids = [h.article.id for h in hits]
    assert ids.count("a-zeit") + ids.count("b-tsp") >= 1
    assert not ({"a-zeit", "b-tsp"} <= set(ids)), "both copies of one passage were shown"
    first = hits[0]
    assert [c.source for c in first.also] == ["tagesspiegel.de" if first.article.id == "a-zeit" else "zeit.de"]
    from rag.citations import answer_to_dict, copies_label, passage_html

    assert copies_label(first).startswith("auch in: ")
    answer = pipe.ask("Was sagte Peskow über das Telefonat?")
    card = passage_html(1, answer.passages[0], answer)
    assert "auch in:" in card
    payload = json.loads(json.dumps(answer_to_dict("q", answer)))
    assert payload["passages"][0]["also_in"][0]["source"] in ("zeit.de", "tagesspiegel.de")


def test_an_index_from_before_stories_is_signed_at_its_next_ingest(settings, tmp_path):
    pipe = Pipeline(settings, embedder=HashEmbedder(64))
    pipe.ingest_items(_copies()[:2])
    with sqlite3.connect(pipe.store.db_path) as db:  # as an index built before stories existed
        db.executescript("DROP TABLE stories; DROP TABLE story_bands;")
    old = Pipeline(settings, embedder=HashEmbedder(64))
    assert all(not h.also for h in old.retrieve("Telefonat Putin Trump", 5))  # readable, each its own story
    report = old.ingest_items(_copies()[2:])
    assert report.signed == 2 and "2 indexed articles checked for syndicated copies" in report.summary()
    hits = old.retrieve("Telefonat Putin Trump Peskow", 5)
    assert hits[0].also


def test_a_copy_ingested_later_joins_the_story_of_one_already_indexed(store_settings):
    pipe = Pipeline(store_settings, embedder=HashEmbedder(64))
    first, second, other = _copies()
    pipe.ingest_items([first])
    pipe.ingest_items([other, second])  # the candidates come from the index (on Milvus: by band-key filter)
    hits = pipe.retrieve("Telefonat Putin Trump Peskow", 5)
    assert hits[0].article.id in ("a-zeit", "b-tsp") and len(hits[0].also) == 1
    assert {h.article.id for h in hits} >= {"c-hafen"} and not ({"a-zeit", "b-tsp"} <= {h.article.id for h in hits})
    assert all(not h.also for h in hits if h.article.id == "c-hafen")


def _older_milvus_index(pipe: Pipeline, with_stories: bool) -> None:
    """Turn ``pipe``'s Milvus index into one an earlier version wrote: before stories (no story or band-key
    collection), or layout 1 (band keys in an array field of the stories, no band-key collection)."""
    from pymilvus import DataType

    store = pipe.milvus
    assert store is not None
    kept = store.client.query(store.names["stories"], filter="batch >= 0", output_fields=["*"]) if with_stories else []
    for name in ("stories", "bandkeys"):
        store.client.drop_collection(store.names[name])
    store.client.delete(store.names["meta"], filter='key == "layout"')
    if not with_stories:
        return
    schema = store.client.create_schema(auto_id=False)
    schema.add_field("article_id", DataType.VARCHAR, is_primary=True, max_length=64)
    schema.add_field("story", DataType.VARCHAR, max_length=64)
    schema.add_field("signature", DataType.VARCHAR, max_length=4096)
    schema.add_field("bands", DataType.ARRAY, element_type=DataType.INT64, max_capacity=32)
    schema.add_field("batch", DataType.INT64)
    schema.add_field("none", DataType.FLOAT_VECTOR, dim=2)
    index = store.client.prepare_index_params()
    index.add_index("none", index_type="FLAT", metric_type="IP")
    store.client.create_collection(store.names["stories"], schema=schema, index_params=index)
    from rag.stores.milvus import _unhex
    from rag.stories import band_keys

    for row in kept:
        row["bands"] = band_keys(_unhex(row["signature"]))
    store.client.insert(store.names["stories"], kept)


def _milvus(settings: Settings, tmp_path: Path) -> Pipeline:
    pytest.importorskip("milvus_lite", reason="the [scale] extra installs Milvus Lite")
    return Pipeline(replace(settings, store=f"milvus:{tmp_path / 'old.db'}"), embedder=HashEmbedder(64))


def test_a_milvus_index_from_before_stories_is_signed_at_its_next_ingest(settings, tmp_path):
    pipe = _milvus(settings, tmp_path)
    pipe.ingest_items(_copies()[:2])
    _older_milvus_index(pipe, with_stories=False)
    old = _milvus(settings, tmp_path)
    assert old.milvus is not None and old.milvus.outdated()
    assert all(not h.also for h in old.retrieve("Telefonat Putin Trump", 5))  # readable, each its own story
    report = old.ingest_items(_copies()[2:])
    assert report.signed == 2 and report.added == 1 and not old.milvus.outdated()
    hits = old.retrieve("Telefonat Putin Trump Peskow", 5)
    assert hits[0].also and hits[0].also[0].id in ("a-zeit", "b-tsp")


def test_a_milvus_index_with_band_keys_in_an_array_gets_their_collection_at_its_next_ingest(
    settings, tmp_path, monkeypatch
):
    from rag.stores.milvus import MilvusStore

    pipe = _milvus(settings, tmp_path)
    first, second, other = _copies()
    pipe.ingest_items([first, other])
    _older_milvus_index(pipe, with_stories=True)
    put_meta = MilvusStore._put_meta

    def dies_at_the_upgrades_commit(self: MilvusStore, values: dict[str, str]) -> None:
        if "layout" in values:
            raise KeyboardInterrupt
        put_meta(self, values)

    monkeypatch.setattr(MilvusStore, "_put_meta", dies_at_the_upgrades_commit)
    with pytest.raises(KeyboardInterrupt):
        _milvus(settings, tmp_path).ingest_items([second])
    monkeypatch.setattr(MilvusStore, "_put_meta", put_meta)
    old = _milvus(settings, tmp_path)
    assert old.milvus is not None and old.milvus.outdated()  # the interrupted upgrade is invisible
    assert old.milvus.known_article_ids() == {"a-zeit", "c-hafen"}
    from rag.stories import band_keys

    assert old.milvus.story_candidates(band_keys(signature(first.text))) == {}  # nor are its band-key rows
    report = old.ingest_items([second])  # upgrades, then finds the copy through the band-key collection
    assert report.signed == 0 and report.added == 1 and not old.milvus.outdated()
    hits = old.retrieve("Telefonat Putin Trump Peskow", 5)
    assert hits[0].article.id in ("a-zeit", "b-tsp") and len(hits[0].also) == 1
    keys = old.milvus.client.query(old.milvus.names["bandkeys"], filter="batch >= 0", output_fields=["count(*)"])
    assert keys[0]["count(*)"] == 3 * 32  # one row per band of each article, none left twice by the interruption


def test_a_milvus_band_key_lookup_with_more_rows_than_one_answer_holds_reads_them_all(settings, tmp_path, monkeypatch):
    from rag.stores import milvus
    from rag.stories import band_keys

    pipe = _milvus(settings, tmp_path)
    first, second, other = _copies()
    pipe.ingest_items([first, second, other])
    assert pipe.milvus is not None
    monkeypatch.setattr(milvus, "_LIMIT", 1)  # one row an answer: the lookup must page through the rest
    found = pipe.milvus.story_candidates(band_keys(signature(first.text)))
    assert set(found) == {"a-zeit", "b-tsp"} and found["a-zeit"][0] == found["b-tsp"][0]
