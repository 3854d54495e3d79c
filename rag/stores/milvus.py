"""The index in Milvus: Milvus Lite in a file (``milvus:PATH.db``) or a Milvus server (``milvus:http://HOST:19530``).

Milvus holds everything a question needs: the articles, the chunks with their dense vectors and their
full text (BM25 through Milvus's own ``BM25`` function over a German analyzer: standard tokenizer,
lowercase, Snowball German stemmer), every chunk's sentences (for the hybrid's best-sentence
evidence), the document frequencies of this project's analyzer's terms (for the answerer's idf
weights), and each article's story (syndicated copies, ``rag.stories``: its MinHash signature, and its
band keys, one row per key in a collection of their own with an inverted index, so that a new article's
candidates are one indexed filter away and no ingest reads every story). The date filter is a Milvus
filter expression.

Milvus has no transactions over several rows, so visibility is a watermark: every row carries the
number of the ingest batch that wrote it, readers only see ``batch <= committed``, and a batch
becomes visible when its number is written as ``committed`` after all its rows. A batch that was
interrupted is invisible, and the next ingest deletes its rows before writing (under the index's
write lock). Milvus requires a vector field in every collection; the collections that need none
(articles, terms, meta) carry a two-dimensional zero vector.

An index records its layout in ``meta``; the next ingest brings an older one up to date in one batch of
its own (``MilvusStore.upgrade``). Layout 1 kept the band keys in an array field of the stories, which
Milvus Lite cannot index: every lookup read every story, and ingest time grew with the square of the
archive (evals/studies/band_keys.py). Indexes from before stories have no layout either.
"""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from rag.chunking import Chunk
from rag.corpus import Article, date_bounds
from rag.errors import IndexMissing, RagError
from rag.locking import IndexBusy
from rag.retrieval import DateRange, Hit
from rag.stories import StoryRow, band_keys

# gRPC's core logs to stderr: a line at every fork (Ray starting its workers beside Milvus Lite's in-process
# server) and, during a long ingest, the Lite server's refusal of the client's keep-alive pings (the client
# reconnects). A call that fails reaches the user as an exception, named in one line (MilvusStore._call).
os.environ.setdefault("GRPC_VERBOSITY", "NONE")

PREFIX = "milvus:"
# The BM25 fields hold this project's analyzer's terms (German Snowball stems, as the default store's BM25
# indexes), joined by spaces, and queries are analysed the same way; Milvus's own analyzer only splits
# them. Milvus Lite 3.2.2 ignores a "stemmer" filter without a word (it knows only the standard and jieba
# tokenizers and stop words): "Schiffen" did not find "Schiffe" there. Stemming in the client makes both
# stores, and Lite and a server, tokenise the same way.
ANALYZER = {"tokenizer": "standard", "filter": ["lowercase"]}
MAX_TEXT_BYTES = 1_048_576  # Milvus's longest VARCHAR
_ZERO = [0.0, 0.0]
_PAGE = 1000  # rows asked for at once (ids in one filter, rows in one query)
_LIMIT = 16_384  # Milvus's most rows in one query's answer
# band keys looked up by one query: at 27,937 articles (894,000 keys) a query costs Lite ~1.4 s however few keys
# it names; 6,400 keys took 9.9 s in pages of 1,000 and 1.4 s in one, against 46.6 s for layout 1's array
# (evals/studies/band_keys.log)
_KEYS = 10_000
_SENTENCES = 64  # sentence ids are chunk id * 64 + n
LAYOUT = "2"  # band keys in their own collection (see the module's docstring)


class StoreUnavailable(RagError):
    """The Milvus server (or Lite file) cannot be reached or refused the request."""


def is_milvus(spec: str) -> bool:
    return spec.startswith(PREFIX)


def location(spec: str) -> str:
    """The URI a ``milvus:`` spec points at (a Lite file path is made absolute; a ``#NAME`` suffix, which names
    the collections, left out)."""
    target = spec[len(PREFIX) :].split("#", 1)[0]
    if not target:
        raise RagError("--store milvus: needs a target: milvus:PATH.db (Milvus Lite) or milvus:http://HOST:19530")
    if target.startswith(("http://", "https://", "tcp://", "unix:")):
        return target
    if not target.endswith(".db"):
        raise RagError(
            f"a Milvus Lite store is a file ending in .db, got {target!r}; e.g. --store milvus:index/news.db"
        )
    return str(Path(target).expanduser().resolve())


class MilvusStore:
    """The articles, chunks, sentences and term statistics of one index, in Milvus collections."""

    def __init__(self, spec: str, dim: int) -> None:
        self.spec = spec
        self.uri = location(spec)
        self.dim = dim
        prefix = spec.split("#", 1)[1] if "#" in spec else "rag"  # milvus:URI#NAME: several indexes on one server
        if not prefix.replace("_", "").isalnum():
            raise RagError(f"the index name after # in {spec!r} may hold only letters, digits and _")
        self.names = {
            name: f"{prefix}_{name}"
            for name in ("meta", "articles", "chunks", "sentences", "terms", "stories", "bandkeys")
        }
        self._client: Any = None
        self.remote = self.uri.startswith(("http://", "https://", "tcp://", "unix:"))
        self.lease: WriterLease | None = None  # held while this process ingests
        self._old_stories: bool | None = None  # whether the story collection has layout 1's band-key array

    # ---- connection ---------------------------------------------------------------------------
    @property
    def client(self) -> Any:
        if self._client is None:
            try:
                from pymilvus import MilvusClient
            except ImportError:
                raise RagError(
                    f"--store {self.spec} needs Milvus's client: pip install -e '.[scale]' (pymilvus, milvus-lite)"
                ) from None

            if not self.remote:
                Path(self.uri).parent.mkdir(parents=True, exist_ok=True)
            # pymilvus logs every failed call with its traceback; the failure reaches the user as one line instead
            logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
            # Milvus Lite serves in this process and logs the calls it lacks (a query iterator's timestamp) as errors
            logging.getLogger("grpc._server").setLevel(logging.CRITICAL)
            token = os.environ.get("MILVUS_TOKEN", "")
            client = self._call("connect", lambda: MilvusClient(self.uri, token=token, timeout=30))
            for name in self.names.values():  # a reopened Lite file, or a server after a restart, holds them released
                if self._call("list collections", partial(client.has_collection, name)):
                    self._call("load the index", partial(client.load_collection, name))
            self._client = client
        return self._client

    def _call(self, what: str, action: Callable[[], Any]) -> Any:
        """Run a Milvus request; a refused or unreachable server is one line naming the URI, never a traceback."""
        try:
            return action()
        except RagError:
            raise
        except Exception as err:  # pymilvus raises MilvusException, grpc errors, OSError, ...
            detail = str(getattr(err, "message", "") or err).splitlines()[0][:300] if str(err) else type(err).__name__
            raise StoreUnavailable(
                f"Milvus at {self.uri} failed to {what}: {detail}. Is the server running and the URI right?",
                f"Milvus unter {self.uri} antwortet nicht ({what}); läuft der Server?",
            ) from None

    def _has(self, name: str) -> bool:
        """Whether the index's collection ``name`` (``meta``, ``stories``, …) exists."""
        return bool(self._call("list collections", partial(self.client.has_collection, self.names[name])))

    def exists(self) -> bool:
        """Whether the index was created: its state is written after all its collections."""
        if not self._has("meta"):
            return False
        return "manifest" in self._meta()

    # ---- schema -------------------------------------------------------------------------------
    def create(self, manifest: dict[str, Any], only: str | None = None) -> None:
        """Create the collections of a new index and record what it is built with (``only="stories"``: just
        the story and band-key collections that older indexes lack; ``only="meta"``: the collection the
        writer's lease is kept in, before the index exists)."""
        from pymilvus import DataType, Function, FunctionType

        c = self.client

        def collection(
            name: str, fields: list[tuple[str, Any, dict[str, Any]]], bm25: bool = False, lookup: str = ""
        ) -> None:
            if c.has_collection(self.names[name]):  # left by a creation that was interrupted
                return
            schema = c.create_schema(auto_id=False)
            for field_name, kind, options in fields:
                schema.add_field(field_name, kind, **options)
            index = c.prepare_index_params()
            if lookup:  # a scalar field filtered by value: without an index Milvus reads every row
                index.add_index(lookup, index_type="INVERTED")
            if bm25:
                schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
                schema.add_function(
                    Function(
                        name=f"{name}_bm25",
                        function_type=FunctionType.BM25,
                        input_field_names=["text"],
                        output_field_names=["sparse"],
                    )
                )
                index.add_index(
                    "sparse",
                    index_type="SPARSE_INVERTED_INDEX",
                    metric_type="BM25",
                    params={"bm25_k1": 1.5, "bm25_b": 0.75},
                )
            vector = next(f for f, kind, _ in fields if kind == DataType.FLOAT_VECTOR)
            # exact search in a Lite file (as the default store up to 100,000 chunks); the server picks its index
            kind = "FLAT" if vector == "none" or not self.remote else "AUTOINDEX"
            index.add_index(vector, index_type=kind, metric_type="IP")
            c.create_collection(self.names[name], schema=schema, index_params=index)

        key = {"is_primary": True, "max_length": 64}
        text = {"max_length": MAX_TEXT_BYTES}
        analyzed = {"max_length": 65_535, "enable_analyzer": True, "analyzer_params": ANALYZER}
        short = {"max_length": 2048}
        day = {"max_length": 10}

        def meta() -> None:
            collection(
                "meta",
                [
                    ("key", DataType.VARCHAR, key),
                    ("value", DataType.VARCHAR, text),
                    ("none", DataType.FLOAT_VECTOR, {"dim": 2}),
                ],
            )

        def create_all() -> None:
            meta()
            collection(
                "articles",
                [
                    ("id", DataType.VARCHAR, key),
                    ("title", DataType.VARCHAR, short),
                    ("text", DataType.VARCHAR, text),
                    ("date", DataType.VARCHAR, day),
                    ("date_start", DataType.VARCHAR, day),
                    ("date_end", DataType.VARCHAR, day),
                    ("source", DataType.VARCHAR, short),
                    ("url", DataType.VARCHAR, short),
                    ("path", DataType.VARCHAR, short),
                    ("batch", DataType.INT64, {}),
                    ("none", DataType.FLOAT_VECTOR, {"dim": 2}),
                ],
            )
            collection(
                "chunks",
                [
                    ("id", DataType.INT64, {"is_primary": True}),
                    ("article_id", DataType.VARCHAR, {"max_length": 64}),
                    ("idx", DataType.INT64, {}),
                    ("start", DataType.INT64, {}),
                    ("end", DataType.INT64, {}),
                    ("date_start", DataType.VARCHAR, day),
                    ("date_end", DataType.VARCHAR, day),
                    ("batch", DataType.INT64, {}),
                    ("text", DataType.VARCHAR, analyzed),
                    ("dense", DataType.FLOAT_VECTOR, {"dim": self.dim}),
                ],
                bm25=True,
            )
            collection(
                "sentences",
                [
                    ("id", DataType.INT64, {"is_primary": True}),
                    ("chunk", DataType.INT64, {}),
                    ("headline", DataType.BOOL, {}),
                    ("date_start", DataType.VARCHAR, day),
                    ("date_end", DataType.VARCHAR, day),
                    ("batch", DataType.INT64, {}),
                    ("text", DataType.VARCHAR, analyzed),
                    ("none", DataType.FLOAT_VECTOR, {"dim": 2}),
                ],
                bm25=True,
            )
            collection(
                "terms",
                [
                    ("id", DataType.VARCHAR, {"is_primary": True, "max_length": 300}),
                    ("term", DataType.VARCHAR, {"max_length": 256}),
                    ("df", DataType.INT64, {}),
                    ("batch", DataType.INT64, {}),
                    ("none", DataType.FLOAT_VECTOR, {"dim": 2}),
                ],
            )
            stories()
            state = {"manifest": json.dumps(manifest), "committed": "0", "chunks": "0", "newest": "", "layout": LAYOUT}
            self._put_meta(state)

        def stories() -> None:
            collection(
                "stories",
                [
                    ("article_id", DataType.VARCHAR, key),
                    ("story", DataType.VARCHAR, {"max_length": 64}),
                    ("signature", DataType.VARCHAR, {"max_length": 4096}),  # hex of 128 unsigned 64-bit values
                    ("batch", DataType.INT64, {}),
                    ("none", DataType.FLOAT_VECTOR, {"dim": 2}),
                ],
            )
            collection(
                "bandkeys",
                [
                    ("id", DataType.VARCHAR, {"is_primary": True, "max_length": 80}),  # article id:band
                    ("key", DataType.INT64, {}),
                    ("article_id", DataType.VARCHAR, {"max_length": 64}),
                    ("batch", DataType.INT64, {}),
                    ("none", DataType.FLOAT_VECTOR, {"dim": 2}),
                ],
                lookup="key",
            )

        self._call("create its collections", {None: create_all, "stories": stories, "meta": meta}[only])

    def outdated(self) -> bool:
        """Whether the index was built with an older layout (``upgrade`` brings it up to date)."""
        return self._meta().get("layout") != LAYOUT

    def upgrade(self, signed: Sequence[StoryRow], stories: dict[str, tuple[str, np.ndarray]]) -> None:
        """Bring an older index up to this layout as one batch: the stories of the articles it has not
        signed (``signed``, for an index from before stories) and the band keys of every story, the ones it
        has (``stories``: article id -> (story, signature)) and the new. Call under the write lock, after
        ``remove_unfinished``; an interrupted upgrade is invisible, and the next ingest does it again."""
        self.create({}, only="stories")
        batch = self.committed() + 1
        self._insert("stories", self._story_rows(signed, batch))
        known = [StoryRow(a, story, sig) for a, (story, sig) in stories.items()]
        self._insert("bandkeys", _band_rows([*known, *signed], batch))
        if self.lease is not None:
            self.lease.renew()
        self._put_meta({"committed": str(batch), "layout": LAYOUT})

    def manifest(self) -> dict[str, Any]:
        if not self.exists():
            raise IndexMissing(
                f"no index in {self.spec}; build one with: rag ingest --store {self.spec} PATH",
                f"Kein Index in {self.spec}; „rag ingest --store {self.spec} PFAD“ legt ihn an.",
            )
        return dict(json.loads(self._meta()["manifest"]))

    def _meta(self) -> dict[str, str]:
        rows = self._call(
            "read its state",
            lambda: self.client.query(
                self.names["meta"], filter='key != ""', output_fields=["key", "value"], limit=100
            ),
        )
        return {r["key"]: r["value"] for r in rows}

    def _put_meta(self, values: dict[str, str]) -> None:
        rows = [{"key": k, "value": v, "none": _ZERO} for k, v in values.items()]
        self._call("write its state", lambda: self.client.upsert(self.names["meta"], rows))

    # ---- state --------------------------------------------------------------------------------
    def committed(self) -> int:
        """The last batch whose rows are all written: readers see rows of this batch and before."""
        return int(self._meta().get("committed", "0"))

    def state(self) -> dict[str, str]:
        return self._meta()

    def remove_unfinished(self) -> int:
        """Delete the rows of batches that never committed (an interrupted ingest); call under the write lock."""
        last = self.committed()
        removed = 0
        for name in ("articles", "chunks", "sentences", "terms", "stories", "bandkeys"):
            if not self._has(name):
                continue  # the stories or band keys of an older index
            result = self._call(
                "remove an unfinished batch", partial(self.client.delete, self.names[name], filter=f"batch > {last}")
            )
            removed += len(result) if isinstance(result, list) else int(result.get("delete_count", 0) or 0)
        return removed

    def _visible(self, extra: str = "") -> str:
        rule = f"batch <= {self.committed()}"
        return f"({rule}) and ({extra})" if extra else rule

    def _all(self, name: str, expr: str, fields: list[str]) -> Iterator[dict[str, Any]]:
        """Every row of a collection matching ``expr`` (a query iterator: no 16,384-row limit)."""
        iterator = self._call(
            "read rows",
            lambda: self.client.query_iterator(self.names[name], batch_size=_PAGE, filter=expr, output_fields=fields),
        )
        try:
            while True:
                page = self._call("read rows", iterator.next)
                if not page:
                    return
                yield from page
        finally:
            iterator.close()

    def known_article_ids(self) -> set[str]:
        return {row["id"] for row in self._all("articles", self._visible(), ["id"])}

    def counts(self) -> tuple[int, int]:
        meta = self._meta()
        articles = self._call(
            "count articles",
            lambda: self.client.query(
                self.names["articles"], filter=f"batch <= {meta['committed']}", output_fields=["count(*)"]
            ),
        )
        return int(articles[0]["count(*)"]), int(meta.get("chunks", "0"))

    # ---- writing ------------------------------------------------------------------------------
    def add_batch(
        self,
        articles: list[Article],
        chunks: list[Chunk],
        terms: list[str],
        vectors: np.ndarray,
        sentences: list[list[tuple[str, bool]]],
        term_dfs: dict[str, int],
        stories: Sequence[StoryRow] = (),
    ) -> None:
        """Write one batch and make it visible: its rows first, tagged with the next batch number, then the
        watermark. ``terms`` are the chunks' analysed terms (headline first) joined by spaces, ``sentences``
        each chunk's BM25 rows the same way as ``(terms, is_headline)``, ``term_dfs`` in how many of the
        batch's chunks each term is, ``stories`` the articles' stories."""
        meta = self._meta()
        batch = int(meta["committed"]) + 1
        first = int(meta["chunks"])
        dated = {a.id: date_bounds(a.date) if a.date else ("", "") for a in articles}
        for article in articles:
            size = len(article.text.encode("utf-8"))
            if size > MAX_TEXT_BYTES:
                raise RagError(
                    f"article {article.title[:60]!r} ({article.path or article.id}) has {size:,} bytes of text; "
                    f"Milvus keeps at most {MAX_TEXT_BYTES:,} in one field: split it"
                )
        article_rows = [
            {
                "id": a.id,
                "title": a.title[:500],
                "text": a.text,
                "date": a.date or "",
                "date_start": dated[a.id][0],
                "date_end": dated[a.id][1],
                "source": a.source[:500],
                "url": a.url[:2000],
                "path": a.path[:2000],
                "batch": batch,
                "none": _ZERO,
            }
            for a in articles
        ]
        chunk_rows, sentence_rows = [], []
        for offset, (chunk, text, vector, rows) in enumerate(zip(chunks, terms, vectors, sentences, strict=True)):
            start, end = dated[chunk.article_id]
            chunk_id = first + offset
            chunk_rows.append(
                {
                    "id": chunk_id,
                    "article_id": chunk.article_id,
                    "idx": chunk.index,
                    "start": chunk.start,
                    "end": chunk.end,
                    "date_start": start,
                    "date_end": end,
                    "batch": batch,
                    "text": _clip(text),
                    "dense": vector.astype(np.float32).tolist(),
                }
            )
            for n, (sentence, headline) in enumerate(rows[:_SENTENCES]):  # a chunk of 800 characters has ~10
                sentence_rows.append(
                    {
                        "id": chunk_id * _SENTENCES + n,
                        "chunk": chunk_id,
                        "headline": headline,
                        "date_start": start,
                        "date_end": end,
                        "batch": batch,
                        "text": _clip(sentence),
                        "none": _ZERO,
                    }
                )
        term_rows = [
            {"id": f"{batch}:{t}"[:300], "term": t[:256], "df": df, "batch": batch, "none": _ZERO}
            for t, df in term_dfs.items()
        ]
        for name, table in (
            ("articles", article_rows),
            ("chunks", chunk_rows),
            ("sentences", sentence_rows),
            ("terms", term_rows),
            ("stories", self._story_rows(stories, batch)),
            ("bandkeys", _band_rows(stories, batch)),
        ):
            self._insert(name, table)
        newest = max([meta.get("newest", "")] + [e for _, e in dated.values() if e])
        if self.lease is not None:
            self.lease.renew()  # a writer that lost its lease must not make its batch visible
        # the batch becomes visible with this one write
        self._put_meta({"committed": str(batch), "chunks": str(first + len(chunks)), "newest": newest})

    def _story_rows(self, stories: Sequence[StoryRow], batch: int) -> list[dict[str, Any]]:
        rows = [
            {
                "article_id": r.article_id,
                "story": r.story,
                "signature": r.signature.astype("<u8").tobytes().hex(),
                "batch": batch,
                "none": _ZERO,
            }
            for r in stories
        ]
        if self._old_stories is None:
            described = self._call("read its layout", partial(self.client.describe_collection, self.names["stories"]))
            self._old_stories = any(f["name"] == "bands" for f in described["fields"])
        if self._old_stories:  # layout 1's collection still asks for the band keys it kept in an array
            for row, r in zip(rows, stories, strict=True):
                row["bands"] = band_keys(r.signature)
        return rows

    def _insert(self, name: str, rows: list[dict[str, Any]]) -> None:
        for at in range(0, len(rows), _PAGE):
            self._call(f"write {name}", partial(self.client.insert, self.names[name], rows[at : at + _PAGE]))

    # ---- stories (syndicated copies) ----------------------------------------------------------
    def story_candidates(self, keys: Sequence[int]) -> dict[str, tuple[str, np.ndarray]]:
        """Indexed articles sharing a band key with ``keys``: article id -> (story, signature). A key of one
        band that equals another band's selects a few extra candidates, which the similarity then rejects."""
        wanted = sorted(set(keys))
        ids: set[str] = set()
        for at in range(0, len(wanted), _KEYS):
            expr = self._visible(f"key in {wanted[at : at + _KEYS]}")
            rows = self._few("bandkeys", expr, ["article_id"])
            if len(rows) == _LIMIT:  # more than one answer holds
                rows = list(self._all("bandkeys", expr, ["article_id"]))
            ids.update(row["article_id"] for row in rows)
        return self.stories(sorted(ids))

    def stories(self, ids: Sequence[str] | None = None) -> dict[str, tuple[str, np.ndarray]]:
        """The stories of the articles ``ids`` (all signed articles when None): id -> (story, signature)."""
        if not self._has("stories"):
            return {}  # an index from before stories
        fields = ["article_id", "story", "signature"]
        seen = self._visible()  # one read of the watermark for every page
        if ids is None:
            pages = [seen]
        else:
            wanted = list(ids)
            pages = [
                f"{seen} and article_id in {json.dumps(wanted[at : at + _PAGE])}" for at in range(0, len(wanted), _PAGE)
            ]
        return {
            row["article_id"]: (row["story"], _unhex(row["signature"]))
            for expr in pages
            for row in self._all("stories", expr, fields)
        }

    def unsigned_articles(self, signed: Iterable[str]) -> list[tuple[str, str]]:
        """``(id, text)`` of the articles not in ``signed`` (those indexed before stories existed)."""
        known = set(signed)
        rows = self._all("articles", self._visible(), ["id", "text"])
        return [(row["id"], row["text"]) for row in rows if row["id"] not in known]

    def copies(self, article_ids: Iterable[str]) -> dict[str, list[Article]]:
        """For each article that has syndicated copies: the copies (without their text), oldest first."""
        wanted = list(dict.fromkeys(article_ids))
        if not wanted or not self._has("stories"):
            return {}
        seen = f"batch <= {self.committed()}"
        ids = json.dumps(wanted, ensure_ascii=False)
        story_of = {r["article_id"]: r["story"] for r in self._few("stories", f"{seen} and article_id in {ids}")}
        if not story_of:
            return {}
        stories = json.dumps(sorted(set(story_of.values())), ensure_ascii=False)
        by_story: dict[str, list[str]] = {}
        for row in self._few("stories", f"{seen} and story in {stories}"):
            by_story.setdefault(row["story"], []).append(row["article_id"])
        members = json.dumps(sorted({a for ids in by_story.values() if len(ids) > 1 for a in ids}), ensure_ascii=False)
        if members == "[]":
            return {}
        fields = ["id", "title", "date", "date_start", "source", "url", "path"]
        rows = sorted(
            self._few("articles", f"{seen} and id in {members}", fields), key=lambda r: (r["date_start"], r["id"])
        )
        story_all = {a: story for story, ids in by_story.items() for a in ids}
        listed = [
            (story_all[r["id"]], Article(r["id"], r["title"], "", r["date"] or None, r["source"], r["url"], r["path"]))
            for r in rows
        ]
        return {
            a: [c for other, c in listed if other == story and c.id != a]
            for a, story in story_of.items()
            if len(by_story.get(story, [])) > 1
        }

    def _few(self, name: str, expr: str, fields: Sequence[str] = ("article_id", "story")) -> list[dict[str, Any]]:
        """The rows matching ``expr`` when they are known to be few (one query, no iterator)."""
        return list(
            self._call(
                "read rows",
                partial(self.client.query, self.names[name], filter=expr, output_fields=list(fields), limit=_LIMIT),
            )
        )

    # ---- reading ------------------------------------------------------------------------------
    def articles(self, ids: Iterable[str]) -> dict[str, Article]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Article] = {}
        fields = ["id", "title", "text", "date", "source", "url", "path"]
        for at in range(0, len(wanted), _PAGE):
            expr = f"id in {json.dumps(wanted[at : at + _PAGE], ensure_ascii=False)}"
            rows = self._call(
                "read articles",
                partial(self.client.query, self.names["articles"], filter=self._visible(expr), output_fields=fields),
            )
            for r in rows:
                found[r["id"]] = Article(
                    r["id"], r["title"], r["text"], r["date"] or None, r["source"], r["url"], r["path"]
                )
        return found

    def recent_articles(self, limit: int) -> list[Article]:
        fields = ["id", "title", "date", "date_start", "source", "url", "path"]
        rows = self._call(
            "read articles",
            lambda: self.client.query(
                self.names["articles"], filter=self._visible(), output_fields=fields, limit=max(limit * 20, 100)
            ),
        )
        rows.sort(key=lambda r: r["date_start"], reverse=True)  # Milvus queries have no ORDER BY
        return [
            Article(r["id"], r["title"], "", r["date"] or None, r["source"], r["url"], r["path"]) for r in rows[:limit]
        ]

    def newest_date(self) -> str | None:
        return self._meta().get("newest") or None

    def any_in(self, filters: DateRange) -> bool:
        rows = self._call(
            "count articles",
            lambda: self.client.query(
                self.names["chunks"], filter=self._visible(date_expr(filters)), output_fields=["id"], limit=1
            ),
        )
        return bool(rows)

    def document_frequencies(self, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """How many visible chunks hold each of ``terms`` (this project's analyzer's stems), and how many
        chunks there are."""
        meta = self._meta()
        wanted = sorted(set(terms))
        df: dict[str, int] = {}
        if wanted:
            expr = f"batch <= {meta['committed']} and term in {json.dumps(wanted, ensure_ascii=False)}"
            for row in self._all("terms", expr, ["term", "df"]):
                df[row["term"]] = df.get(row["term"], 0) + int(row["df"])
        return df, int(meta.get("chunks", "0"))

    def chunk_rows(self, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        rows = self._call(
            "read chunks",
            lambda: self.client.query(
                self.names["chunks"],
                filter=f"id in {list(map(int, ids))}",
                output_fields=["id", "article_id", "idx", "start", "end"],
            ),
        )
        return {int(r["id"]): r for r in rows}

    # ---- searching ----------------------------------------------------------------------------
    def dense(self, vector: np.ndarray, n: int, expr: str) -> dict[int, float]:
        """Chunk id -> inner product with ``vector`` (cosine: vectors are normalised), best ``n``."""
        result = self._call(
            "search",
            lambda: self.client.search(
                self.names["chunks"],
                [vector.astype(np.float32).tolist()],
                anns_field="dense",
                limit=n,
                filter=self._visible(expr),
                search_params={"metric_type": "IP"},
                output_fields=[],
            ),
        )
        return {int(h["id"]): float(h["distance"]) for h in result[0]}

    def bm25(self, query: str, n: int, expr: str) -> dict[int, float]:
        """Chunk id -> BM25 of ``query`` (analysed terms, see ``ANALYZER``), best ``n``, positive only."""
        return {i: s for i, s, _ in self._bm25("chunks", query, n, expr, [])}

    def sentence_bm25(self, query: str, n: int, expr: str) -> list[tuple[int, float, bool]]:
        """The best ``n`` sentence rows as ``(chunk id, BM25, is headline)``."""
        return [
            (int(e["chunk"]), s, bool(e["headline"]))
            for _, s, e in self._bm25("sentences", query, n, expr, ["chunk", "headline"])
        ]

    def _bm25(self, name: str, query: str, n: int, expr: str, fields: list[str]) -> list[tuple[int, float, Any]]:
        result = self._call(
            "search",
            lambda: self.client.search(
                self.names[name],
                [query],
                anns_field="sparse",
                limit=n,
                filter=self._visible(expr),
                search_params={"metric_type": "BM25"},
                output_fields=fields,
            ),
        )
        # Milvus Lite reports BM25 as a negative distance, a server as a positive score: the size is the score
        found = [(int(h["id"]), abs(float(h["distance"])), h.get("entity", {})) for h in result[0]]
        return [f for f in found if f[1] > 0]

    def drop(self) -> None:
        """Delete the index's collections (a temporary index, as ``rag eval`` builds)."""
        for name in self.names.values():
            self._call("drop a collection", partial(self.client.drop_collection, name))

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


class WriterLease:
    """One writer per Milvus index across machines, as far as Milvus allows: a lease in the index's
    ``meta`` collection naming its holder (host, process, since) and when it runs out.

    A writer takes a free or run-out lease, waits ``settle_s`` and reads it back (two writers that wrote
    at nearly the same time both see the one written last, and the other steps back); it renews the lease
    before each batch becomes visible and gives it up at the end. A writer killed without giving it up
    blocks others until its lease runs out (``lease_s`` after its last batch). Milvus has no
    compare-and-set, so two writers starting within one round trip of each other could in principle
    both hold it; the renewal before every commit stops the one that lost it at its next batch, before
    that batch is visible. The machine's file lock (``rag.locking``) still keeps a machine's own writers
    apart.
    """

    def __init__(
        self,
        store: MilvusStore,
        wait: bool = True,
        say: Callable[[str], None] | None = None,
        lease_s: float = 900.0,
        settle_s: float | None = None,
    ) -> None:
        self.store, self.wait, self.lease_s = store, wait, lease_s
        # a Lite file lives on one machine, where the file lock already keeps writers apart
        self.settle_s = settle_s if settle_s is not None else (1.0 if store.remote else 0.0)
        self.written = 0.0
        self.say = say or (lambda text: print(text, file=sys.stderr, flush=True))
        started = time.strftime("%Y-%m-%d %H:%M:%S")
        self.id = uuid.uuid4().hex
        self.who = f"process {os.getpid()} on {socket.gethostname()} (since {started})"

    def holder(self) -> dict[str, Any] | None:
        """The lease as stored, if someone holds it and it has not run out."""
        raw = self.store._meta().get("writer", "")
        held = json.loads(raw) if raw else None
        return held if held and float(held.get("until", 0)) > time.time() else None

    def _write(self) -> None:
        self.written = time.time()
        record = {"id": self.id, "who": self.who, "until": self.written + self.lease_s}
        self.store._put_meta({"writer": json.dumps(record)})

    def keep(self) -> None:
        """Renew the lease if a tenth of it has passed (called while a batch is embedded)."""
        if time.time() - self.written > self.lease_s / 10:
            self.renew()

    def __enter__(self) -> WriterLease:
        if not self.store._has("meta"):
            self.store.create({}, only="meta")
        told = False
        while True:
            held = self.holder()
            if held is None or held["id"] == self.id:
                self._write()
                time.sleep(self.settle_s)
                held = self.holder()
                if held is not None and held["id"] == self.id:
                    self.store.lease = self
                    return self
            if held is None:
                continue
            if not self.wait:
                raise IndexBusy(
                    f"{self.store.spec} is being written by {held['who']}; try again when it has finished "
                    "(or leave out --no-wait to wait for it)",
                    f"In den Index {self.store.spec} schreibt gerade {held['who']}; bitte später erneut versuchen.",
                )
            if not told:
                self.say(f"rag: waiting for {held['who']} to finish writing {self.store.spec} …")
                told = True
            time.sleep(min(5.0, max(0.1, float(held["until"]) - time.time())))

    def renew(self) -> None:
        """Extend the lease; raise if another writer holds it now."""
        held = self.holder()
        if held is not None and held["id"] != self.id:
            raise RagError(
                f"{self.store.spec}: another writer, {held['who']}, took over the index while this ingest ran "
                "(its lease had run out); this batch was not made visible. Run one ingest at a time",
                f"In den Index {self.store.spec} schreibt inzwischen {held['who']}; dieser Stapel wurde verworfen.",
            )
        self._write()

    def __exit__(self, kind: object, err: object, tb: object) -> None:
        self.store.lease = None
        held = self.holder()
        if held is not None and held["id"] == self.id:
            self.store._put_meta({"writer": ""})


def date_expr(filters: DateRange | None) -> str:
    """The Milvus filter for chunks whose article overlaps ``filters`` ("" for no filter)."""
    if filters is None or (filters.start is None and filters.end is None):
        return ""
    lo, hi = filters.bounds()
    return f'date_start != "" and date_end >= "{lo}" and date_start <= "{hi}"'


def _band_rows(stories: Sequence[StoryRow], batch: int) -> list[dict[str, Any]]:
    """One row per band key of each story's signature."""
    return [
        {"id": f"{r.article_id}:{band}", "key": key, "article_id": r.article_id, "batch": batch, "none": _ZERO}
        for r in stories
        for band, key in enumerate(band_keys(r.signature))
    ]


def _unhex(value: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(value), dtype="<u8").astype(np.uint64)


def _clip(text: str, limit: int = 65_535) -> str:
    """A text cut to Milvus's analysed-field limit in UTF-8 bytes (a chunk is ~800 characters; this is a guard)."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")


def idf(df: int, n: int) -> float:
    """BM25's idf, as ``rag.lexical.BM25`` computes it."""
    return math.log1p((n - df + 0.5) / (df + 0.5))


class MilvusRetriever:
    """``dense``, ``bm25`` or ``hybrid`` over a ``MilvusStore``, with the meaning they have on the default store.

    The hybrid fuses as ``rag.retrieval.HybridRetriever`` does: min-max of the dense cosine and of the
    lexical score over the union of both candidate lists, the lexical score being the chunk's BM25,
    its best sentence's and its headline's, each scaled by its best value. The searches run in Milvus:
    three (dense, chunk BM25, sentence BM25), and a fourth for the dense score of lexical candidates the
    dense list lacks. A dense candidate outside the lexical lists gets lexical 0, as OpenSearch's hybrid
    does with a document a sub-query did not return: asking Milvus for the BM25 of given rows tripled the
    hybrid's time on Milvus Lite.
    """

    def __init__(
        self,
        store: MilvusStore,
        embed: Callable[[str], np.ndarray],
        analyze: Callable[[str], str],
        kind: str = "hybrid",
        weight: float = 0.5,
        candidates: int = 100,
        sentence_weight: float = 0.5,
        headline_weight: float = 0.0,
    ) -> None:
        if kind not in ("hybrid", "dense", "bm25"):
            raise RagError(f"unknown retriever {kind!r}; use hybrid, dense or bm25")
        self.store, self.embed, self.analyze, self.kind = store, embed, analyze, kind
        self.weight, self.candidates = weight, candidates
        self.sentence_weight, self.headline_weight = sentence_weight, headline_weight

    def retrieve(self, query: str, k: int, filters: DateRange | None = None) -> list[Hit]:
        if k < 1:
            raise RagError(f"k must be >= 1, got {k}")
        expr = date_expr(filters)
        if self.kind == "dense":
            return self._hits(self.store.dense(self.embed(query), k, expr), k)
        terms = self.analyze(query)
        if self.kind == "bm25":
            return self._hits(self.store.bm25(terms, k, expr) if terms else {}, k)
        n = max(self.candidates, k)
        qvec = self.embed(query)
        dense = self.store.dense(qvec, n, expr)
        lexical = self._lexical(terms, n, expr) if terms else {}
        rows = sorted(set(dense) | set(lexical))
        if not rows:
            return []
        missing = [r for r in rows if r not in dense]
        if missing:
            dense.update(self.store.dense(qvec, len(missing), _among(expr, "id", missing)))
        d = np.array([dense.get(r, 0.0) for r in rows], dtype=np.float64)
        lex = np.array([lexical.get(r, 0.0) for r in rows], dtype=np.float64)
        fused = self.weight * _minmax(d) + (1 - self.weight) * _minmax(lex)
        return self._hits(dict(zip(rows, fused.tolist(), strict=True)), k)

    def _lexical(self, terms: str, n: int, expr: str) -> dict[int, float]:
        """Chunk id -> lexical score for the chunks among the best ``n`` by BM25 or holding one of the best
        ``4n`` sentences. Each part is scaled by its best value here, which is the best in the index."""
        chunk = self.store.bm25(terms, n, expr)
        s, h = self.sentence_weight, self.headline_weight
        if s == 0.0 and h == 0.0:
            return chunk
        top_chunk = max(chunk.values(), default=0.0)
        best: dict[int, float] = {}
        headline: dict[int, float] = {}
        for c, score, is_headline in self.store.sentence_bm25(terms, 4 * n, expr):
            best[c] = max(best.get(c, 0.0), score)
            if is_headline:
                headline[c] = max(headline.get(c, 0.0), score)
        # the best headline among the best 4n sentences stands in for the best in the index
        top_sentence, top_headline = max(best.values(), default=0.0), max(headline.values(), default=0.0)
        return {
            c: (1 - s) * _ratio(chunk.get(c, 0.0), top_chunk)
            + s * _ratio(best.get(c, 0.0), top_sentence)
            + h * _ratio(headline.get(c, 0.0), top_headline)
            for c in set(chunk) | set(best)
        }

    def _hits(self, scores: dict[int, float], k: int) -> list[Hit]:
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        rows = self.store.chunk_rows([c for c, _ in best])
        articles = self.store.articles(rows[c]["article_id"] for c, _ in best if c in rows)
        hits = []
        for c, score in best:
            row = rows.get(c)
            article = articles.get(row["article_id"]) if row else None
            if row is None or article is None:
                continue
            start, end = int(row["start"]), int(row["end"])
            hits.append(Hit(Chunk(article.id, article.text[start:end], start, end, int(row["idx"])), score, article))
        return hits


def _among(expr: str, field: str, ids: list[int]) -> str:
    rule = f"{field} in {list(map(int, ids))}"
    return f"({expr}) and {rule}" if expr else rule


def _ratio(value: float, top: float) -> float:
    return value / top if top > 0 else value


def _minmax(values: np.ndarray) -> np.ndarray:
    span = float(values.max() - values.min()) if values.size else 0.0
    return (values - values.min()) / span if span > 0 else np.zeros_like(values)
