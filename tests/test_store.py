from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from rag.embedding import HashEmbedder
from rag.errors import EmbedderMismatch, IndexMissing
from rag.pipeline import Pipeline
from rag.settings import Settings


class CountingEmbedder(HashEmbedder):
    """The fake embedder, counting the texts it embeds and able to fail on demand."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__(64)
        self.name = "hash-64"
        self.embedded = 0
        self.fail_after = fail_after

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.fail_after is not None and self.embedded + len(texts) > self.fail_after:
            raise KeyboardInterrupt  # what Ctrl-C raises in the middle of embedding
        self.embedded += len(texts)
        return super().embed(texts)


def _hits(pipe: Pipeline, query: str) -> list[tuple[str, int, int, float]]:
    return [(h.article.id, h.chunk.start, h.chunk.end, round(h.score, 5)) for h in pipe.retrieve(query, 5)]


def test_reloaded_index_returns_identical_hits(pipe: Pipeline, settings: Settings):
    before = {q: _hits(pipe, q) for q in ["Hafen Pandemie", "Schulen Berlin", "Fernzüge München"]}
    reloaded = Pipeline(settings, embedder=HashEmbedder(64))
    assert {q: _hits(reloaded, q) for q in before} == before
    assert all(before.values())


def test_reingest_embeds_nothing_and_stores_each_article_once(settings: Settings, corpus_dir: Path):
    embedder = CountingEmbedder()
    pipe = Pipeline(settings, embedder=embedder)
    first = pipe.ingest([corpus_dir])
    embedded = embedder.embedded
    assert first.added == 3 and embedded == first.chunks > 0
    again = pipe.ingest([corpus_dir, corpus_dir / "bahn.md"])
    assert (again.added, again.duplicates, embedder.embedded) == (0, 4, embedded)
    assert pipe.store.counts() == (3, first.chunks)


def test_incremental_ingest_embeds_only_new_articles(settings: Settings, corpus_dir: Path, tmp_path: Path):
    embedder = CountingEmbedder()
    pipe = Pipeline(settings, embedder=embedder)
    pipe.ingest([corpus_dir])
    before = embedder.embedded
    extra = tmp_path / "extra.txt"
    extra.write_text("Die Polizei sucht in Köln nach einem entlaufenen Känguru.", encoding="utf-8")
    report = pipe.ingest([corpus_dir, extra])
    assert (report.added, report.duplicates) == (1, 3)
    assert embedder.embedded - before == report.chunks == 1
    assert pipe.retrieve("Känguru Köln", 1)[0].article.title.startswith("Die Polizei sucht in Köln")


def test_interrupted_ingest_leaves_previous_index_intact(settings: Settings, corpus_dir: Path, tmp_path: Path):
    pipe = Pipeline(settings, embedder=CountingEmbedder())
    pipe.ingest([corpus_dir])
    before = _hits(pipe, "Hafen Pandemie")
    segment_files = set((settings.index_dir / "segments").iterdir())
    new = tmp_path / "new"
    new.mkdir()
    for i in range(5):
        (new / f"n{i}.txt").write_text(f"Neuer Artikel Nummer {i} über den Hafen und die Pandemie.", encoding="utf-8")
    broken = Pipeline(replace(settings, batch_articles=2), embedder=CountingEmbedder(fail_after=3))
    with pytest.raises(KeyboardInterrupt):
        broken.ingest([new])
    # the first whole batch of two committed; the interrupted one left nothing behind
    fresh = Pipeline(settings, embedder=HashEmbedder(64))
    assert fresh.store.counts()[0] == 5
    assert set(h for h in _hits(fresh, "Hafen Pandemie") if h in before) or before
    report = fresh.ingest([new])
    assert report.added == 3
    assert fresh.store.counts()[0] == 8
    assert segment_files <= set((settings.index_dir / "segments").iterdir())


def test_crash_before_commit_leaves_no_rows_and_stray_files_are_removed(pipe: Pipeline, tmp_path: Path):
    store = pipe.store
    counts = store.counts()

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    stray = store.segment_dir / "deadbeef.faiss"
    stray.write_bytes(b"partial")
    new = tmp_path / "one.txt"
    new.write_text("Ein Artikel, der nie ankommt.", encoding="utf-8")
    original = store.add_segment
    store.add_segment = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        pipe.ingest([new])
    store.add_segment = original  # type: ignore[method-assign]
    assert store.counts() == counts
    assert not stray.exists()  # the ingest started by cleaning up what an earlier crash left


def test_an_index_is_asked_with_its_own_embedder_unless_one_is_named(pipe: Pipeline, settings: Settings):
    unnamed = Pipeline(replace(settings, embedder=""))  # no --embedder, no RAG_EMBEDDER
    assert unnamed.embedder.name == "hash-64" and unnamed.settings.embedder == "hash-64"
    assert _hits(unnamed, "Hafen Pandemie") == _hits(pipe, "Hafen Pandemie")
    from_env = Settings.from_env({"RAG_INDEX_DIR": str(settings.index_dir)})
    assert from_env.embedder == "" and Pipeline(from_env).embedder.name == "hash-64"
    # a new index gets the default; a named model is taken as named, and refused if the index has another
    assert Pipeline(replace(settings, index_dir=settings.index_dir.parent / "new", embedder="")).settings.embedder == (
        "use-multilingual"
    )
    with pytest.raises(EmbedderMismatch, match="--embedder hash-64"):
        Pipeline(replace(settings, embedder="hash-32")).retrieve("Hafen", 1)


def test_other_embedder_or_chunking_is_refused(pipe: Pipeline, settings: Settings):
    with pytest.raises(EmbedderMismatch, match="embedder: index has 'hash-64'") as other:
        Pipeline(replace(settings, embedder="hash-32"), embedder=HashEmbedder(32)).retrieve("Hafen", 1)
    assert "(--embedder hash-64, or RAG_EMBEDDER=hash-64)" in str(other.value)  # says how to ask it
    with pytest.raises(EmbedderMismatch, match="chunk_chars: index has 160, settings ask for 500") as chunking:
        Pipeline(replace(settings, chunk_chars=500), embedder=HashEmbedder(64), explicit_chunking=True).ingest([])
    assert "--embedder" not in str(chunking.value)


def test_existing_index_is_asked_and_grown_with_its_own_chunking(pipe: Pipeline, settings: Settings, tmp_path: Path):
    other = Pipeline(replace(settings, chunk_chars=500, chunk_overlap=0), embedder=HashEmbedder(64))
    assert other.retrieve("Hafen", 1)[0].article.source == "hamburg.txt"
    assert (other.settings.chunk_chars, other.settings.chunk_overlap) == (160, 1)
    extra = tmp_path / "x.txt"
    extra.write_text("Ein weiterer Artikel. " * 20, encoding="utf-8")
    other.ingest([extra])
    assert max(h.chunk.end - h.chunk.start for h in other.retrieve("weiterer Artikel", 5, "bm25")) <= 160


def test_missing_index_says_how_to_build_one(tmp_path: Path):
    pipe = Pipeline(Settings(index_dir=tmp_path / "none", embedder="hash-64"))
    with pytest.raises(IndexMissing, match="rag ingest"):
        pipe.retrieve("Hafen", 1)


def test_index_holds_no_pickles(pipe: Pipeline):
    names = {p.suffix for p in pipe.store.dir.rglob("*") if p.is_file()}
    assert names <= {".json", ".sqlite", ".faiss", ".npz", ".npy", ".sqlite-wal", ".sqlite-shm", ".lock"}
    for npy in pipe.store.dir.rglob("*.npy"):
        assert np.load(npy, allow_pickle=False).dtype == np.int64
    for npz in pipe.store.dir.rglob("*.npz"):
        with np.load(npz, allow_pickle=False) as data:  # raises if any member needs pickle
            assert list(data.keys())


def _dates_plan(pipe: Pipeline) -> str:
    with sqlite3.connect(pipe.store.db_path) as db:
        rows = db.execute("EXPLAIN QUERY PLAN SELECT id, date_start, date_end FROM articles").fetchall()
    return " ".join(str(r[-1]) for r in rows)


def test_load_reads_dates_from_their_index_and_older_indexes_get_it_at_next_ingest(
    settings: Settings, corpus_dir: Path, tmp_path: Path
):
    pipe = Pipeline(settings, embedder=HashEmbedder(64))
    pipe.ingest([corpus_dir])
    assert "COVERING INDEX articles_dates" in _dates_plan(pipe)
    with sqlite3.connect(pipe.store.db_path) as db:
        db.execute("DROP INDEX articles_dates")  # as an index built before it had it
    assert "COVERING INDEX" not in _dates_plan(pipe)
    extra = tmp_path / "extra.txt"
    extra.write_text("Die Polizei sucht in Köln nach einem entlaufenen Känguru.", encoding="utf-8")
    pipe.ingest([extra])
    assert "COVERING INDEX articles_dates" in _dates_plan(pipe)
    table = pipe.store.chunk_table()
    articles = pipe.store.articles(table.article_ids)
    assert len(table.article_ids) == pipe.store.counts()[1]
    assert [(s or "")[:7] for s in table.date_start] == [(articles[a].date or "")[:7] for a in table.article_ids]
    assert any(table.date_start) and any(table.date_end)


def test_query_terms_are_looked_up_in_the_stored_vocabulary(pipe: Pipeline):
    known = pipe.store.vocabulary().ids
    index = pipe.index
    tokens = index.analyzer.tokens("Hafen Hafen Pandemie Quarkwolkenkuckucksheim")
    assert tokens[0] == tokens[1] and tokens[-1] not in known
    assert index.term_ids("Hafen Hafen Pandemie Quarkwolkenkuckucksheim") == [known[t] for t in tokens[:3]]
    assert pipe.store.term_ids([]) == {}


def _articles_file(path: Path, prefix: str, n: int) -> Path:
    import json

    rows = [
        {"title": f"{prefix} Schlagzeile {i} über Wörter{prefix}{i}", "text": f"{prefix} Meldung {i}: " + " ".join(
            f"wort{prefix}{i}x{j}" for j in range(60)), "date": "2021-01-01"}
        for i in range(n)
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_two_ingests_at_once_take_turns_and_lose_nothing(tmp_path: Path):
    """Two real processes ingest disjoint sets into one index: the lock makes the second wait, so every
    article is stored once and BM25 finds every headline (without it, term ids were raced)."""
    import os
    import subprocess
    import sys

    index = tmp_path / "index"
    env = {**os.environ, "RAG_INDEX_DIR": str(index), "RAG_EMBEDDER": "hash-64", "RAG_BATCH_ARTICLES": "20"}
    files = [_articles_file(tmp_path / f"{p}.jsonl", p, 120) for p in ("a", "b")]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "ingest", str(f)], env=env, stderr=subprocess.PIPE, text=True
        )
        for f in files
    ]
    errors = [r.communicate(timeout=300)[1] for r in runs]
    assert [r.returncode for r in runs] == [0, 0], errors
    pipe = Pipeline(Settings(index_dir=index, embedder="hash-64"), embedder=HashEmbedder(64))
    assert pipe.store.counts()[0] == 240
    for prefix in ("a", "b"):
        for i in (0, 57, 119):
            hit = pipe.retrieve(f"Wörter{prefix}{i}", 1, "bm25")[0]
            assert hit.article.title == f"{prefix} Schlagzeile {i} über Wörter{prefix}{i}"


def test_a_writer_that_will_not_wait_is_told_who_holds_the_lock(tmp_path: Path, settings: Settings):
    from rag.locking import IndexBusy, WriteLock

    pipe = Pipeline(settings, embedder=HashEmbedder(64))
    with WriteLock(settings.index_dir), pytest.raises(IndexBusy, match=rf"is being written by process {os.getpid()}"):
        pipe.ingest_items([], wait=False)
    pipe.ingest_items([], wait=False)  # released: the next writer gets it


def test_damage_to_a_segment_file_is_named_in_one_line(pipe: Pipeline, settings: Settings, capsys):
    from rag.cli import main
    from rag.errors import IndexDamaged

    files = sorted(pipe.store.segment_dir.iterdir())
    faiss_file = next(f for f in files if f.suffix == ".faiss")
    npz_file = next(f for f in files if f.name.endswith(".sent.npz"))
    args = ["--index-dir", str(settings.index_dir), "--embedder", "hash-64"]
    assert main(["check", *args]) == 0
    # bytes overwritten in place: loading may not notice, the checksum does
    data = bytearray(faiss_file.read_bytes())
    data[-40:-8] = b"\x7f" * 32
    faiss_file.write_bytes(bytes(data))
    assert main(["check", *args]) == 1
    assert f"damaged: {faiss_file} has other bytes than when it was written" in capsys.readouterr().err
    # a truncated or missing file is found when the index loads, and named
    npz_file.write_bytes(npz_file.read_bytes()[:50])
    with pytest.raises(IndexDamaged, match=rf"{npz_file} has 50 bytes"):
        Pipeline(settings, embedder=HashEmbedder(64)).index  # noqa: B018
    npz_file.unlink()
    assert main(["ask", "Hafen", *args]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"{npz_file} is missing" in err and "Traceback" not in err


def test_an_index_from_before_checksums_is_checked_for_presence(pipe: Pipeline, settings: Settings, capsys):
    from rag.cli import main

    with sqlite3.connect(pipe.store.db_path) as db:
        db.execute("ALTER TABLE segments DROP COLUMN files")
    assert main(["check", "--index-dir", str(settings.index_dir), "--embedder", "hash-64"]) == 0
    assert "from before checksums: only their presence was checked" in capsys.readouterr().out
    assert Pipeline(settings, embedder=HashEmbedder(64)).retrieve("Hafen", 1)  # still answers


def test_a_damaged_docstore_is_named_not_a_traceback(settings: Settings, corpus_dir: Path):
    import subprocess
    import sys

    args = ["--index-dir", str(settings.index_dir), "--embedder", "hash-64"]
    subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(corpus_dir), *args], check=True, capture_output=True)
    with open(settings.index_dir / "docstore.sqlite", "r+b") as f:  # another process: nothing cached
        f.write(b"not a database at all" * 10)
    for command in (["ask", "Hafen"], ["check"]):
        done = subprocess.run([sys.executable, "-m", "rag.cli", *command, *args], capture_output=True, text=True)
        assert done.returncode == 1 and "file is not a database" in done.stderr and "Traceback" not in done.stderr


def test_an_article_over_the_size_limit_is_refused_and_cards_show_long_articles_cut(settings: Settings):
    from rag.citations import ARTICLE_CHARS_SHOWN, article_card_html, passage_html
    from rag.corpus import Article

    long_text = "Der Hafen meldet Kurzarbeit. " * 4000  # 116,000 characters
    pipe = Pipeline(replace(settings, max_article_chars=100_000), embedder=HashEmbedder(64))
    report = pipe.ingest_items([Article("big", "Ein Buch", long_text, path="big.jsonl")])
    assert report.added == 0 and "has 116,000 characters, more than the limit of 100,000" in report.skipped[0].reason
    pipe = Pipeline(replace(pipe.settings, max_article_chars=200_000), embedder=HashEmbedder(64))
    assert pipe.ingest_items([Article("big", "Ein Buch", long_text, path="big.jsonl")]).added == 1
    answer = pipe.ask("Kurzarbeit im Hafen")
    hit = answer.passages[0]
    card = passage_html(1, hit, answer)  # the card carries its passage; the article comes when opened
    assert len(card) < len(hit.chunk.text) + 2_000 and f'data-article="{hit.article.id}"' in card
    spans = ",".join(f"{c.start}-{c.end}" for c in answer.citations if c.number == 1)
    opened = article_card_html(pipe.store.articles([hit.article.id])[hit.article.id], spans)
    assert len(opened) < 3 * ARTICLE_CHARS_SHOWN and "gekürzt: 116.000 Zeichen insgesamt" in opened
    assert ("<mark>" in opened) == bool(spans)
    assert "<mark>" not in article_card_html(hit.article, "0-5,<script>")  # spans the card did not write: none
    assert "nicht mehr im Index" in article_card_html(None, "")


@pytest.mark.parametrize("where", ["files", "commit"])
def test_a_full_disk_names_the_disk_leaves_no_partial_files_and_the_index_answers(
    pipe: Pipeline, settings: Settings, monkeypatch: pytest.MonkeyPatch, where: str
):
    import errno

    from rag.corpus import Article
    from rag.errors import RagError
    from rag.stores.files import Store

    before = sorted(p.name for p in pipe.store.segment_dir.iterdir())

    def full(*args, **kwargs):
        if where == "files":
            raise OSError(errno.ENOSPC, "No space left on device")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(np, "save", full) if where == "files" else monkeypatch.setattr(Store, "_commit_segment", full)
    with pytest.raises(RagError, match=r"the disk holding .* is full \(\d+ MB free; this batch needs about"):
        pipe.ingest_items([Article("new", "Neu", "Ein neuer Artikel über den Hafen und die Kurzarbeit.", "2021-01")])
    monkeypatch.undo()
    assert sorted(p.name for p in pipe.store.segment_dir.iterdir()) == before  # nothing half-written is left
    fresh = Pipeline(settings, embedder=HashEmbedder(64))
    assert fresh.store.counts()[0] == 3 and fresh.retrieve("Hafen", 1)[0].article.source == "hamburg.txt"


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 4 MB file system (tmpfs), where the machine lets this process mount one (root in CI)."""
    import subprocess

    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4M", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.decode().strip()})")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)  # files the test process still holds


def test_an_index_on_a_full_disk_still_answers_and_checks_and_takes_the_ingest_once_space_is_free(
    tiny_disk: Path, capsys
):
    """SQLite reads a WAL database through a -shm file that a full disk does not let it create: the index
    must stay readable (it is whole), the ingest must fail with the full-disk line, and all must work on
    once space is freed."""
    from rag.cli import main

    corpus = tiny_disk.parent / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(" date 2025-02\nDiplomaten trafen sich in Istanbul zu Gesprächen.\n")
    (corpus / "b.txt").write_text(" date 2025-03\nNeue Gespräche in Riad wurden für März angekündigt.\n")
    args = ["--index-dir", str(tiny_disk / "index"), "--embedder", "hash-64"]
    assert main(["ingest", str(corpus / "a.txt"), *args]) == 0
    filler = tiny_disk / "filler"
    with filler.open("wb") as f, pytest.raises(OSError):
        while True:
            f.write(b"\0" * 65536)
            f.flush()
    for leftover in (tiny_disk / "index").glob("docstore.sqlite-*"):
        assert leftover.stat().st_size == 0  # a clean close left nothing to read from the WAL
    capsys.readouterr()
    assert main(["ask", "Wo trafen sich die Diplomaten?", *args]) == 0
    assert "Istanbul" in capsys.readouterr().out
    assert main(["check", *args]) == 0
    assert main(["ingest", str(corpus / "b.txt"), *args]) == 1
    assert "is full" in capsys.readouterr().err
    filler.unlink()
    assert main(["ingest", str(corpus / "b.txt"), *args]) == 0
    assert main(["ask", "Wo sind neue Gespräche angekündigt?", *args]) == 0
    assert "Riad" in capsys.readouterr().out


def test_a_running_reader_sees_articles_another_writer_committed(pipe: Pipeline, settings: Settings):
    from rag.corpus import Article

    assert pipe.retrieve("Känguru", 1, "bm25") == []  # loaded, and the kangaroo is not there yet
    writer = Pipeline(settings, embedder=HashEmbedder(64))  # as another process would
    writer.ingest_items([Article("k", "Känguru entlaufen", "In Köln sucht die Polizei ein Känguru.", "2021-02")])
    assert pipe.retrieve("Känguru", 1, "bm25")[0].article.id == "k"


def test_repair_rebuilds_damaged_and_missing_segment_files_from_the_stored_articles(
    pipe: Pipeline, settings: Settings, capsys
):
    from rag.cli import main

    args = ["--index-dir", str(settings.index_dir), "--embedder", "hash-64"]
    before = [(h.article.id, round(h.score, 5)) for h in pipe.retrieve("Hafen Kurzarbeit", 3)]
    files = sorted(pipe.store.segment_dir.iterdir())
    faiss_file = next(f for f in files if f.suffix == ".faiss")
    data = bytearray(faiss_file.read_bytes())
    data[-40:-8] = b"\x7f" * 32
    faiss_file.write_bytes(bytes(data))
    next(f for f in files if f.name.endswith(".owner.npy")).unlink()
    assert main(["check", *args]) == 1
    assert main(["repair", *args]) == 0
    assert "rebuilt 1 segment(s) from the stored articles" in capsys.readouterr().out
    assert main(["check", *args]) == 0
    after = [(h.article.id, round(h.score, 5)) for h in Pipeline(settings, embedder=HashEmbedder(64)).retrieve(
        "Hafen Kurzarbeit", 3)]  # fmt: skip
    assert after == before  # the same answers as before the damage
    assert main(["repair", *args]) == 0 and "nothing to repair" in capsys.readouterr().out
