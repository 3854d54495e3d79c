"""The on-disk index: a manifest, an SQLite docstore and per-ingest segments of vectors and term counts.

Layout of an index folder::

    manifest.json        embedder, dimension, chunking and analyzer the index was built with
    docstore.sqlite      articles, chunks, the BM25 vocabulary and the list of committed segments
    segments/ID.faiss    the segment's chunk vectors in an HNSW graph (FAISS IndexHNSWFlat)
    segments/ID.npz      the segment's chunk term counts (scipy sparse CSC, loaded without pickle)
    segments/ID.sent.npz the same per sentence, and ID.owner.npy: the chunk each sentence row belongs to

Loading reads each segment as it is, without stacking: term counts are stored column-major, as BM25
reads them. Vector files are read whole, not memory-mapped: with mapped files every query touched
pages the kernel had dropped, and p95 retrieval at 28k articles went from 30 to 87-134 ms.

A segment becomes part of the index only when the SQLite transaction that lists it commits, so a
crash or Ctrl-C during ingest leaves the previous index as it was; stray files are removed later.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from rag.chunking import Chunk
from rag.corpus import Article, date_bounds
from rag.errors import EmbedderMismatch, IndexDamaged, IndexMissing, RagError
from rag.lexical import KEEP_STOP_WORDS, Vocabulary
from rag.stories import StoryIndex, StoryRow, band_keys
from rag.vectors import VectorIndex, load_segments, new_segment_index

FORMAT_VERSION = 3  # 3: the headline is a sentence row of each chunk
# Exact vector search up to this many chunks, per-segment HNSW above: evals/studies/faiss_types.py measured
# exact search at the bench's 28k articles (~257k chunks); docs/scaling.md has the figures.
EXACT_SEARCH_MAX = 100_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, title TEXT, text TEXT, date TEXT, date_start TEXT, date_end TEXT,
    source TEXT, url TEXT, path TEXT);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY, article_id TEXT, idx INTEGER, start INTEGER, "end" INTEGER, segment TEXT);
CREATE TABLE IF NOT EXISTS terms (id INTEGER PRIMARY KEY, term TEXT UNIQUE);
CREATE TABLE IF NOT EXISTS segments (
    id TEXT PRIMARY KEY, seq INTEGER, first_chunk INTEGER, n_chunks INTEGER);
"""
# Each segment's files with their sizes and SHA-256, recorded when it commits (JSON); older segments have none.
_CHECKSUMS = "ALTER TABLE segments ADD COLUMN files TEXT"
SEGMENT_SUFFIXES = (".faiss", ".npz", ".sent.npz", ".owner.npy")

# Syndicated copies (rag.stories): each article's story and MinHash signature, and its LSH band keys.
# Indexes built before them get them at their next ingest; until then every article is its own story.
_STORIES = """
CREATE TABLE IF NOT EXISTS stories (article_id TEXT PRIMARY KEY, story TEXT, signature BLOB);
CREATE INDEX IF NOT EXISTS stories_story ON stories (story);
CREATE TABLE IF NOT EXISTS story_bands (band INTEGER, key INTEGER, article_id TEXT);
CREATE INDEX IF NOT EXISTS story_bands_key ON story_bands (band, key);
"""
# Loading reads every article's dates: from this covering index, without going through the articles'
# text (about 200 MB at 28k articles). Indexes built before it get it at their next ingest.
_DATES_INDEX = "CREATE INDEX IF NOT EXISTS articles_dates ON articles (id, date_start, date_end)"


@dataclass(frozen=True)
class Manifest:
    """What an index was built with; a mismatch with the current settings is refused."""

    embedder: str
    dim: int
    chunk_chars: int
    chunk_overlap: int
    title_in_index: bool
    analyzer: str = KEEP_STOP_WORDS
    format: int = FORMAT_VERSION

    def check_compatible(self, other: Manifest, index_dir: Path, chunking: bool = True) -> None:
        """Raise ``EmbedderMismatch`` naming each setting that differs.

        ``chunking`` off leaves out how text is cut and tokenised (chunking, headline, analyzer): an
        existing index is then used, and grown, with its own.
        """
        names = [n for n in asdict(self) if chunking or not n.startswith(("chunk_", "title_", "analyzer"))]
        diffs = [
            f"{name}: index has {getattr(self, name)!r}, settings ask for {getattr(other, name)!r}"
            for name in names
            if getattr(other, name) != getattr(self, name)
        ]
        if diffs:
            # an index is asked with the model that embedded it: say how to choose that model
            name = self.embedder
            how = f" (--embedder {name}, or RAG_EMBEDDER={name})" if other.embedder != name else ""
            raise EmbedderMismatch(
                f"index {index_dir} was built with other settings ({'; '.join(diffs)}); "
                f"use the index's settings{how}, or build a new index with --index-dir"
            )


@dataclass(frozen=True)
class LoadedSegments:
    """What querying needs from the segments: vectors, chunk and sentence term counts, sentence owners.

    Term counts are one CSC block per segment, in order; a block's columns are the terms known when it
    was written (later segments may add more).
    """

    vectors: VectorIndex
    counts: list[sparse.csc_matrix]
    sentence_counts: list[sparse.csc_matrix]
    sentence_owner: np.ndarray


@dataclass(frozen=True)
class ChunkTable:
    """Per-chunk columns, in vector order (row i is FAISS id i)."""

    article_ids: list[str]
    idx: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    date_start: list[str | None]
    date_end: list[str | None]


class Store:
    """Reads and writes one index folder. Cheap to construct; nothing is loaded until asked."""

    def __init__(self, index_dir: Path) -> None:
        self.dir = Path(index_dir)
        self.manifest_path = self.dir / "manifest.json"
        self.db_path = self.dir / "docstore.sqlite"
        self.segment_dir = self.dir / "segments"

    # ---- manifest -------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.manifest_path.exists() and self.db_path.exists()

    def read_manifest(self) -> Manifest:
        if not self.exists():
            raise IndexMissing(f"no index in {self.dir}; build one with: rag ingest PATH --index-dir {self.dir}")
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            return Manifest(**data)
        except (json.JSONDecodeError, TypeError) as err:
            raise RagError(f"{self.manifest_path} is damaged ({err}); rebuild the index into a new folder") from None

    def create_or_check(self, manifest: Manifest) -> None:
        """Create an empty index with ``manifest``, or check that the existing one matches it."""
        if self.exists():
            self.read_manifest().check_compatible(manifest, self.dir)
            with closing(self.connect()) as db, db:
                db.execute(_DATES_INDEX)
                db.executescript(_STORIES)
                _add_files_column(db)
            return
        self.segment_dir.mkdir(parents=True, exist_ok=True)
        with closing(self.connect()) as db, db:
            db.executescript(_SCHEMA)
            db.execute(_DATES_INDEX)
            db.executescript(_STORIES)
            _add_files_column(db)
        tmp = self.manifest_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.manifest_path)  # atomic: the manifest is either absent or whole

    def connect(self) -> sqlite3.Connection:
        """A connection to the docstore (WAL mode), still able to read when the disk is full."""
        db = sqlite3.connect(self.db_path)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        except sqlite3.OperationalError:
            db.close()
            if not _little_room(self.dir):
                raise
            # A WAL database is read through its -shm file, which a full disk may not let SQLite create or
            # grow. When every commit is already in the database file (no WAL content, as after any clean
            # close), it is read as immutable: no -shm, no locks. Otherwise SQLite's exclusive locking mode
            # keeps the WAL index in memory (readers then take turns). Writes still fail with the
            # full-disk message, and once space is freed everything is as before.
            wal = self.db_path.with_name(self.db_path.name + "-wal")
            if not wal.exists() or wal.stat().st_size == 0:
                db = sqlite3.connect(f"file:{self.db_path}?immutable=1", uri=True)
            else:
                db = sqlite3.connect(self.db_path)
                db.execute("PRAGMA locking_mode=EXCLUSIVE")
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
        return db

    # ---- writing ----------------------------------------------------------------------------
    def known_article_ids(self) -> set[str]:
        with closing(self.connect()) as db, db:
            return {row[0] for row in db.execute("SELECT id FROM articles")}

    def vocabulary(self) -> Vocabulary:
        with closing(self.connect()) as db, db:
            return Vocabulary([row[0] for row in db.execute("SELECT term FROM terms ORDER BY id")])

    def add_segment(
        self,
        articles: list[Article],
        chunks: list[Chunk],
        vectors: np.ndarray,
        counts: sparse.csr_matrix,
        vocab: Vocabulary,
        sentence_counts: sparse.csr_matrix,
        sentence_owner: np.ndarray,
        stories: list[StoryRow] | None = None,
    ) -> None:
        """Write one segment's files, then commit its rows (and its articles' stories) in a single transaction."""

        if len(chunks) != vectors.shape[0] or len(chunks) != counts.shape[0]:
            raise ValueError(f"{len(chunks)} chunks but {vectors.shape[0]} vectors and {counts.shape[0]} count rows")
        seg_id = uuid.uuid4().hex
        self.segment_dir.mkdir(parents=True, exist_ok=True)
        needed = vectors.nbytes + 12 * (counts.nnz + sentence_counts.nnz) + sum(len(a.text) * 2 for a in articles)
        try:
            files = self.write_segment_files(seg_id, vectors, counts, sentence_counts, sentence_owner)
            self._commit_segment(seg_id, files, articles, chunks, vocab, stories)
        except Exception as err:
            for suffix in SEGMENT_SUFFIXES:  # no partial file is left behind
                (self.segment_dir / f"{seg_id}{suffix}").unlink(missing_ok=True)
            if _disk_full(err):
                free = shutil.disk_usage(self.dir).free
                raise RagError(
                    f"the disk holding {self.dir} is full ({free / 1e6:.0f} MB free; this batch needs about "
                    f"{needed / 1e6:.0f} MB); free space and run the ingest again: the index is as it was "
                    "after the last whole batch and still answers questions"
                ) from None
            raise

    def write_segment_files(
        self,
        seg_id: str,
        vectors: np.ndarray,
        counts: sparse.spmatrix,
        sentence_counts: sparse.spmatrix,
        sentence_owner: np.ndarray,
        suffix: str = "",
    ) -> str:
        """Write a segment's four files (``suffix`` appended to each name) and return their sizes and
        SHA-256 as the JSON the segments table keeps."""
        import faiss

        faiss.write_index(new_segment_index(vectors), str(self.segment_dir / f"{seg_id}.faiss{suffix}"))
        with open(self.segment_dir / f"{seg_id}.npz{suffix}", "wb") as f:
            sparse.save_npz(f, counts.tocsc(), compressed=False)
        with open(self.segment_dir / f"{seg_id}.sent.npz{suffix}", "wb") as f:
            sparse.save_npz(f, sentence_counts.tocsc(), compressed=False)
        with open(self.segment_dir / f"{seg_id}.owner.npy{suffix}", "wb") as f:
            np.save(f, sentence_owner.astype(np.int64), allow_pickle=False)
        return json.dumps({s: file_digest(self.segment_dir / f"{seg_id}{s}{suffix}") for s in SEGMENT_SUFFIXES})

    def segment_chunks(self, seg_id: str) -> list[tuple[str, int, int, int]]:
        """``(article id, idx, start, end)`` of a segment's chunks, in vector order."""
        with closing(self.connect()) as db:
            return db.execute(
                'SELECT article_id, idx, start, "end" FROM chunks WHERE segment = ? ORDER BY id', (seg_id,)
            ).fetchall()

    def replace_segment_files(self, seg_id: str, files: str) -> None:
        """Put files written with suffix ".new" in place of a segment's, and record their checksums."""
        for suffix in SEGMENT_SUFFIXES:
            os.replace(self.segment_dir / f"{seg_id}{suffix}.new", self.segment_dir / f"{seg_id}{suffix}")
        with closing(self.connect()) as db, db:
            db.execute("UPDATE segments SET files = ? WHERE id = ?", (files, seg_id))

    def _commit_segment(
        self,
        seg_id: str,
        files: str,
        articles: list[Article],
        chunks: list[Chunk],
        vocab: Vocabulary,
        stories: list[StoryRow] | None,
    ) -> None:
        db = self.connect()
        try:
            with db:  # one transaction: commits all rows or none
                first = db.execute("SELECT COALESCE(MAX(id) + 1, 0) FROM chunks").fetchone()[0]
                n_terms = db.execute("SELECT COUNT(*) FROM terms").fetchone()[0]
                db.executemany(
                    "INSERT INTO terms (id, term) VALUES (?, ?)",
                    ((i, vocab.terms[i]) for i in range(n_terms, len(vocab.terms))),
                )
                db.executemany(
                    "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (_article_row(a) for a in articles),
                )
                db.executemany(
                    'INSERT INTO chunks (id, article_id, idx, start, "end", segment) VALUES (?, ?, ?, ?, ?, ?)',
                    ((first + i, c.article_id, c.index, c.start, c.end, seg_id) for i, c in enumerate(chunks)),
                )
                seq = db.execute("SELECT COALESCE(MAX(seq) + 1, 0) FROM segments").fetchone()[0]
                db.execute(
                    "INSERT INTO segments (id, seq, first_chunk, n_chunks, files) VALUES (?, ?, ?, ?, ?)",
                    (seg_id, seq, first, len(chunks), files),
                )
                _insert_stories(db, stories or [])
        finally:
            db.close()

    # ---- stories (syndicated copies) --------------------------------------------------------------
    def story_index(self) -> StoryIndex:
        """The band keys and stories of every signed article, for assigning new ones."""
        with closing(self.connect()) as db, db:
            rows = db.execute(
                "SELECT b.band, b.key, b.article_id, s.story FROM story_bands b JOIN stories s USING (article_id)"
            ).fetchall()
        return StoryIndex(rows)

    def signatures(self, article_ids: Iterable[str]) -> dict[str, np.ndarray]:
        wanted = list(dict.fromkeys(article_ids))
        if not wanted:
            return {}
        with closing(self.connect()) as db, db:
            marks = ",".join("?" * len(wanted))
            rows = db.execute(f"SELECT article_id, signature FROM stories WHERE article_id IN ({marks})", wanted)
            return {a: np.frombuffer(blob, dtype=np.uint64) for a, blob in rows}

    def unsigned_articles(self) -> list[tuple[str, str]]:
        """``(id, text)`` of articles without a story (indexed before stories existed), in insertion order."""
        with closing(self.connect()) as db, db:
            return db.execute(
                "SELECT id, text FROM articles WHERE id NOT IN (SELECT article_id FROM stories) ORDER BY rowid"
            ).fetchall()

    def add_stories(self, stories: list[StoryRow]) -> None:
        """Commit stories of already indexed articles in one transaction."""
        db = self.connect()
        try:
            with db:
                _insert_stories(db, stories)
        finally:
            db.close()

    def copies(self, article_ids: Iterable[str]) -> dict[str, list[Article]]:
        """For each article that has syndicated copies: the copies (without their text), oldest first."""
        wanted = list(dict.fromkeys(article_ids))
        if not wanted:
            return {}
        with closing(self.connect()) as db, db:
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'stories'").fetchone():
                return {}
            marks = ",".join("?" * len(wanted))
            story_of = dict(db.execute(f"SELECT article_id, story FROM stories WHERE article_id IN ({marks})", wanted))
            stories = list(set(story_of.values()))
            if not stories:
                return {}
            marks = ",".join("?" * len(stories))
            members = db.execute(
                "SELECT s.story, a.id, a.title, a.date, a.source, a.url, a.path FROM stories s "
                f"JOIN articles a ON a.id = s.article_id WHERE s.story IN ({marks}) ORDER BY a.date_start, a.id",
                stories,
            ).fetchall()
        by_story: dict[str, list[Article]] = {}
        for story, article_id, title, when, source, url, path in members:
            by_story.setdefault(story, []).append(Article(article_id, title, "", when, source, url, path))
        return {
            a: [c for c in by_story[story] if c.id != a]
            for a, story in story_of.items()
            if len(by_story.get(story, [])) > 1
        }

    def remove_stray_files(self) -> int:
        """Delete segment files that no committed segment lists (left by an interrupted ingest)."""
        with closing(self.connect()) as db, db:
            live = {row[0] for row in db.execute("SELECT id FROM segments")}
        removed = 0
        for path in self.segment_dir.glob("*"):
            if path.name.split(".")[0] not in live:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    # ---- reading ----------------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        """Number of articles and chunks."""
        with closing(self.connect()) as db, db:
            n_articles = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            n_chunks = db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        return int(n_articles), int(n_chunks)

    def load_vectors(self, exact_up_to: int = EXACT_SEARCH_MAX) -> LoadedSegments:
        """All committed segments, in chunk id order: one vector index and per-segment term counts.

        The vector files are read in a worker thread (FAISS reads without holding the GIL) while this
        thread reads the term counts, so the two reads overlap.

        Args:
            exact_up_to: exact (flat) vector search up to this many chunks, HNSW graphs above.
        """
        import faiss

        manifest = self.read_manifest()
        for seg_id, problem in self.segment_problems(full=False):
            raise IndexDamaged(
                f"{problem}; run 'rag check --index-dir {self.dir}' and rebuild the index (segment {seg_id})"
            )
        with closing(self.connect()) as db, db:
            segments = db.execute("SELECT id, first_chunk, n_chunks FROM segments ORDER BY seq").fetchall()
        blocks: list[sparse.csc_matrix] = []
        sentence_blocks: list[sparse.csc_matrix] = []
        owners: list[np.ndarray] = []
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rag-faiss") as pool:
            reads = [pool.submit(faiss.read_index, str(self.segment_dir / f"{seg[0]}.faiss")) for seg in segments]
            n_rows = 0
            for seg_id, first, _ in segments:
                if first != n_rows:
                    raise RagError(f"{self.db_path}: segment {seg_id} starts at chunk {first}, expected {n_rows}")
                # indexes written before CSC was the saved form hold CSR: converted here, once per load
                blocks.append(self._read(seg_id, ".npz", lambda p: sparse.load_npz(p).tocsc()))
                sentence_blocks.append(self._read(seg_id, ".sent.npz", lambda p: sparse.load_npz(p).tocsc()))
                owners.append(self._read(seg_id, ".owner.npy", lambda p: np.load(p, allow_pickle=False)) + first)
                n_rows += blocks[-1].shape[0]
            parts: list[Any] = []
            for (seg_id, _, _), read in zip(segments, reads, strict=True):
                parts.append(self._read(seg_id, ".faiss", lambda _, done=read: done.result()))
        for (seg_id, _, n_chunks), part, block in zip(segments, parts, blocks, strict=True):
            if part.ntotal != n_chunks or block.shape[0] != n_chunks:
                raise RagError(f"segment {seg_id} holds {part.ntotal} vectors for {n_chunks} chunks; rebuild the index")
        return LoadedSegments(
            load_segments(parts, manifest.dim, exact_up_to),
            blocks,
            sentence_blocks,
            np.concatenate(owners) if owners else np.zeros(0, dtype=np.int64),
        )

    def _read(self, seg_id: str, suffix: str, load: Any) -> Any:
        """``load(path)`` of one segment file; a file that cannot be read is named, not a traceback."""
        path = self.segment_dir / f"{seg_id}{suffix}"
        try:
            return load(path)
        except Exception as err:  # FAISS RuntimeError, BadZipFile, ValueError, OSError: all mean a damaged file
            raise IndexDamaged(
                f"{path} cannot be read ({type(err).__name__}); run 'rag check --index-dir {self.dir}' "
                "and rebuild the index"
            ) from None

    def generation(self) -> tuple[int, int]:
        """``(number of segments, highest sequence number)``: changes whenever a segment commits."""
        if not self.db_path.exists():
            return (0, -1)
        with closing(self.connect()) as db:
            count, top = db.execute("SELECT COUNT(*), COALESCE(MAX(seq), -1) FROM segments").fetchone()
        return int(count), int(top)

    def segment_problems(self, full: bool = True) -> Iterator[tuple[str, str]]:
        """``(segment id, what is wrong)`` for each damaged segment file: missing or of another size, and
        with ``full`` also with other bytes than at commit (SHA-256; reads every file)."""
        with closing(self.connect()) as db, db:
            query = (
                "SELECT id, files FROM segments ORDER BY seq"
                if _has_files_column(db)
                else "SELECT id, NULL FROM segments"
            )
            rows = db.execute(query).fetchall()
        for seg_id, files in rows:
            recorded = json.loads(files) if files else {}
            for suffix in SEGMENT_SUFFIXES:
                path = self.segment_dir / f"{seg_id}{suffix}"
                if not path.is_file():
                    yield seg_id, f"{path} is missing"
                    continue
                if suffix not in recorded:
                    continue  # written before checksums were recorded
                size, digest = recorded[suffix]
                if path.stat().st_size != size:
                    yield seg_id, f"{path} has {path.stat().st_size} bytes, {size} when it was written"
                elif full and file_digest(path)[1] != digest:
                    yield seg_id, f"{path} has other bytes than when it was written (SHA-256 differs)"

    def unchecked_segments(self) -> int:
        """Segments written before checksums were recorded."""
        with closing(self.connect()) as db, db:
            if not _has_files_column(db):
                return int(db.execute("SELECT COUNT(*) FROM segments").fetchone()[0])
            return int(db.execute("SELECT COUNT(*) FROM segments WHERE files IS NULL").fetchone()[0])

    def term_ids(self, terms: Iterable[str]) -> dict[str, int]:
        """Vocabulary ids of those ``terms`` the index knows (a lookup in the terms table, by its index)."""
        wanted = list(dict.fromkeys(terms))
        if not wanted:
            return {}
        with closing(self.connect()) as db:
            marks = ",".join("?" * len(wanted))
            return dict(db.execute(f"SELECT term, id FROM terms WHERE term IN ({marks})", wanted).fetchall())

    def chunk_table(self) -> ChunkTable:
        # two plain scans instead of a join; the dates come from their covering index, not the articles' rows
        with closing(self.connect()) as db, db:
            rows = db.execute('SELECT article_id, idx, start, "end" FROM chunks ORDER BY id').fetchall()
            dates = {row[0]: row[1:] for row in db.execute("SELECT id, date_start, date_end FROM articles")}
        columns: list[tuple[Any, ...]] = list(zip(*rows, strict=True)) if rows else [()] * 4
        article_ids = list(columns[0])
        chunk_dates = [dates[a] for a in article_ids]
        return ChunkTable(
            article_ids,
            np.asarray(columns[1], dtype=np.int32),
            np.asarray(columns[2], dtype=np.int64),
            np.asarray(columns[3], dtype=np.int64),
            [d[0] for d in chunk_dates],
            [d[1] for d in chunk_dates],
        )

    def recent_articles(self, limit: int) -> list[Article]:
        """Up to ``limit`` articles, newest first (undated ones last)."""
        with closing(self.connect()) as db, db:
            rows = db.execute(
                "SELECT id, title, text, date, source, url, path FROM articles "
                "ORDER BY date_end IS NULL, date_end DESC, id LIMIT ?",
                (limit,),
            ).fetchall()
        return [Article(*row) for row in rows]

    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        with closing(self.connect()) as db, db:
            marks = ",".join("?" * len(wanted))
            rows = db.execute(
                f"SELECT id, title, text, date, source, url, path FROM articles WHERE id IN ({marks})", wanted
            ).fetchall()
        return {row[0]: Article(*row) for row in rows}


def _disk_full(err: BaseException) -> bool:
    """Whether a write failed for want of space (OS error, SQLite's words, or FAISS's message)."""
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(err).lower()
    return "no space left" in text or "database or disk is full" in text


def file_digest(path: Path) -> tuple[int, str]:
    """A file's size and SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return path.stat().st_size, digest.hexdigest()


def _little_room(folder: Path, room: int = 1 << 20) -> bool:
    """Whether the disk holding ``folder`` has less than ``room`` bytes free (SQLite's -shm needs 32 KiB)."""
    try:
        return shutil.disk_usage(folder).free < room
    except OSError:
        return False


def _has_files_column(db: sqlite3.Connection) -> bool:
    """Whether the segments table records file checksums (indexes from before them do not)."""
    return any(row[1] == "files" for row in db.execute("PRAGMA table_info(segments)"))


def _add_files_column(db: sqlite3.Connection) -> None:
    if not _has_files_column(db):
        db.execute(_CHECKSUMS)


def _insert_stories(db: sqlite3.Connection, stories: list[StoryRow]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO stories (article_id, story, signature) VALUES (?, ?, ?)",
        ((r.article_id, r.story, r.signature.astype(np.uint64).tobytes()) for r in stories),
    )
    db.executemany(
        "INSERT INTO story_bands (band, key, article_id) VALUES (?, ?, ?)",
        ((band, key, r.article_id) for r in stories for band, key in enumerate(band_keys(r.signature))),
    )


def _article_row(article: Article) -> tuple[object, ...]:
    start, end = date_bounds(article.date) if article.date else (None, None)
    return (
        article.id,
        article.title,
        article.text,
        article.date,
        start,
        end,
        article.source,
        article.url,
        article.path,
    )
