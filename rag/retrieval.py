"""Dense (FAISS), lexical (German BM25) and hybrid retrieval over a loaded index.

Example:
    >>> from rag.embedding import HashEmbedder  # doctest: +SKIP
    >>> hits = HybridRetriever(index, weight=0.5).retrieve("Trump Putin Telefonat", k=3)  # doctest: +SKIP
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from rag.chunking import Chunk
from rag.corpus import Article
from rag.embedding import Embedder
from rag.errors import RagError
from rag.lexical import BM25, GermanAnalyzer
from rag.stores.files import EXACT_SEARCH_MAX, ChunkTable, Store
from rag.vectors import top_indices


@dataclass(frozen=True)
class DateRange:
    """Inclusive ISO date bounds; either may be open. An article's month matches any day in it."""

    start: str | None = None
    end: str | None = None

    @classmethod
    def parse(cls, date_from: str | None, date_to: str | None) -> DateRange | None:
        """A range from user input in any accepted date format; a month means all its days.

        >>> DateRange.parse("2025-01", "2025-12")
        DateRange(start='2025-01-01', end='2025-12-31')
        """
        from rag.corpus import date_bounds, parse_date

        def bound(value: str | None, last: bool) -> str | None:
            if not (value or "").strip():
                return None
            try:
                return date_bounds(parse_date(str(value)))[1 if last else 0]
            except ValueError as err:
                raise RagError(
                    f"date filter: {err}",
                    f"Datumsfilter: „{value}“ ist kein Datum; bitte JJJJ-MM oder JJJJ-MM-TT angeben.",
                ) from None

        start, end = bound(date_from, False), bound(date_to, True)
        return cls(start, end) if (start or end) else None

    def bounds(self) -> tuple[str, str]:
        """Start and end as comparable ISO strings; an open end keeps every dated article."""
        return self.start or "0000-00-00", self.end or "9999-99-99"

    def covers(self, article_date: str | None) -> bool:
        """Whether an article of ``article_date`` (a month covers all its days) overlaps the range."""
        if not article_date:
            return False
        from rag.corpus import date_bounds

        first, last = date_bounds(article_date)
        lo, hi = self.bounds()
        return last >= lo and first <= hi

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise RagError(
                f"date range starts after it ends: {self.start} > {self.end}",
                f"Der Zeitraum beginnt nach seinem Ende ({self.start} > {self.end}).",
            )


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score and its article."""

    chunk: Chunk
    score: float
    article: Article
    also: tuple[Article, ...] = ()  # syndicated copies of the article elsewhere (without their text)


class Retriever(Protocol):
    """Anything that ranks chunks for a query."""

    def retrieve(self, query: str, k: int, filters: DateRange | None = None) -> list[Hit]: ...


class SearchIndex:
    """An index loaded for querying: FAISS vectors, BM25 weights and the chunk table, built once."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        analyzer: GermanAnalyzer | None = None,
        exact_search_max: int = EXACT_SEARCH_MAX,
    ) -> None:
        self.store = store
        self.embedder = embedder
        manifest = store.read_manifest()
        self.analyzer = analyzer or GermanAnalyzer.named(manifest.analyzer)
        # with headlines indexed, the first sentence row of every chunk is its article's headline
        self.has_headlines = manifest.title_in_index
        # the chunk table is read from SQLite in a worker thread while vectors and term counts load
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rag-table") as pool:
            table = pool.submit(_dated_table, store)
            loaded = store.load_vectors(exact_search_max)
            self.vectors = loaded.vectors
            self.bm25 = BM25(loaded.counts)
            self.sentence_bm25 = BM25(loaded.sentence_counts)
            self.table, self._date_start, self._date_end = table.result()
        self._dated = self._date_start != ""  # per chunk; the dates never change while this index is loaded
        self._newest = max(self._date_end[self._dated].tolist()) if self._dated.any() else None
        owner = loaded.sentence_owner
        # sentences are stored in chunk order, each chunk with at least one: its first row starts a run
        self._sentence_starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if owner.size else owner
        self.size = len(self.table.article_ids)

    def allowed(self, filters: DateRange | None) -> np.ndarray | None:
        """Boolean mask of chunks that pass the filters, or None for all."""
        if filters is None or (filters.start is None and filters.end is None):
            return None
        lo, hi = filters.bounds()
        return self._dated & (self._date_end >= lo) & (self._date_start <= hi)

    def has_dates(self) -> bool:
        """Whether any article in the index has a date."""
        return self._newest is not None

    def newest_date(self) -> str | None:
        """The last day the newest article covers, ``YYYY-MM-DD`` (a month's article: "-31" for any month), or None."""
        return self._newest

    def embed_query(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(query).astype(np.float32)

    def dense_scores(self, qvec: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine similarity of a query vector to the given chunk rows."""
        return self.vectors.similarity(qvec, rows)

    def dense_top(self, qvec: np.ndarray, n: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Top ``n`` chunk rows by cosine, honouring ``mask``."""
        return self.vectors.search(qvec, n, mask)

    def term_ids(self, query: str) -> list[int]:
        """The query's terms as vocabulary ids, repeats kept; terms the index does not know are left out.

        The vocabulary (about 300k terms at 28k articles) stays in SQLite: a query looks up its few
        terms there instead of every load building a dictionary of all of them.
        """
        tokens = self.analyzer.tokens(query)
        known = self.store.term_ids(tokens)
        return [known[t] for t in tokens if t in known]

    def bm25_scores(self, ids: list[int]) -> np.ndarray:
        """Plain BM25 of every chunk."""
        return self.bm25.scores(ids)

    def sentence_scores(self, ids: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """For every chunk, the BM25 of its best-matching sentence (query terms close together) and of
        its headline (zeros when the index holds no headlines).
        """
        if self.size == 0:
            return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32)
        scores = self.sentence_bm25.scores(ids)
        best = np.maximum.reduceat(scores, self._sentence_starts)
        headline = scores[self._sentence_starts] if self.has_headlines else np.zeros_like(best)
        return best, headline

    def lexical_scores(self, query: str, sentence_weight: float, headline_weight: float = 0.0) -> np.ndarray:
        """``(1 - s) * chunk + s * best sentence + h * headline``, each BM25 scaled by its maximum."""
        ids = self.term_ids(query)
        chunk = self.bm25_scores(ids)
        if sentence_weight == 0.0 and headline_weight == 0.0:
            return chunk
        best, headline = self.sentence_scores(ids)
        return (
            (1 - sentence_weight) * _scaled(chunk)
            + sentence_weight * _scaled(best)
            + headline_weight * _scaled(headline)
        )

    def hits(self, rows: np.ndarray, scores: np.ndarray) -> list[Hit]:
        t = self.table
        articles = self.store.articles(t.article_ids[r] for r in rows)
        out = []
        for r, s in zip(rows.tolist(), scores.tolist(), strict=True):
            article = articles[t.article_ids[r]]
            start, end = int(t.starts[r]), int(t.ends[r])
            out.append(Hit(Chunk(article.id, article.text[start:end], start, end, int(t.idx[r])), float(s), article))
        return out


def _dated_table(store: Store) -> tuple[ChunkTable, np.ndarray, np.ndarray]:
    """The chunk table with its article dates as arrays (ISO dates compare correctly as strings; "" is undated)."""
    table = store.chunk_table()
    starts = np.array([d or "" for d in table.date_start], dtype=str)
    ends = np.array([d or "" for d in table.date_end], dtype=str)
    return table, starts, ends


def _top_matching(scores: np.ndarray, n: int, mask: np.ndarray | None) -> np.ndarray:
    """Rows of the ``n`` best positive scores among those ``mask`` allows (chunks sharing no query term drop out)."""
    if mask is not None:
        scores = np.where(mask, scores, 0.0)
    rows = top_indices(scores, n)
    return rows[scores[rows] > 0]


def _check(k: int) -> None:
    if k < 1:
        raise RagError(f"k must be >= 1, got {k}")


class DenseRetriever:
    """Nearest chunks by embedding cosine (FAISS inner product on normalised vectors)."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def retrieve(self, query: str, k: int, filters: DateRange | None = None) -> list[Hit]:
        _check(k)
        qvec = self.index.embed_query(query)
        rows, scores = self.index.dense_top(qvec, k, self.index.allowed(filters))
        return self.index.hits(rows, scores)


class BM25Retriever:
    """Best chunks by German-stemmed BM25; chunks without any query term are not returned."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index

    def retrieve(self, query: str, k: int, filters: DateRange | None = None) -> list[Hit]:
        _check(k)
        scores = self.index.bm25_scores(self.index.term_ids(query))
        rows = _top_matching(scores, k, self.index.allowed(filters))
        return self.index.hits(rows, scores[rows])


def _scaled(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if values.size else 0.0
    return values / top if top > 0 else values


def _minmax(values: np.ndarray) -> np.ndarray:
    span = float(values.max() - values.min()) if values.size else 0.0
    return (values - values.min()) / span if span > 0 else np.zeros_like(values)


class HybridRetriever:
    """Score fusion: ``w * minmax(dense) + (1 - w) * minmax(lexical)`` over the union of both top lists.

    The lexical score blends chunk BM25 with the BM25 of the chunk's best single sentence
    (``sentence_weight``): a question's terms occurring together in one sentence is stronger evidence
    than the same terms spread over a passage (passage-level evidence, Callan, SIGIR 1994).

    The headline is a field of its own too (``headline_weight``): its BM25 is added to the lexical
    score, as search engines weigh title matches above body matches (BM25F: Robertson, Zaragoza and
    Taylor, CIKM 2004). People looking for the article a headline or claim comes from type its words.

    Min-max score fusion beat reciprocal-rank fusion clearly on XQuAD-de (MODELS.md) because rank
    fusion throws away how much better the first lexical hit is than the rest.
    """

    def __init__(
        self,
        index: SearchIndex,
        weight: float = 0.5,
        candidates: int = 100,
        sentence_weight: float = 0.5,
        headline_weight: float = 0.0,
    ) -> None:
        self.index = index
        self.weight = weight
        self.candidates = candidates
        self.sentence_weight = sentence_weight
        self.headline_weight = headline_weight

    def retrieve(self, query: str, k: int, filters: DateRange | None = None) -> list[Hit]:
        _check(k)
        idx = self.index
        mask = idx.allowed(filters)
        n = max(self.candidates, k)
        qvec = idx.embed_query(query)
        dense_rows, _ = idx.dense_top(qvec, n, mask)
        lexical = idx.lexical_scores(query, self.sentence_weight, self.headline_weight)
        lex_rows = _top_matching(lexical, n, mask)
        rows = np.union1d(dense_rows, lex_rows)
        if rows.size == 0:
            return []
        fused = self.weight * _minmax(idx.dense_scores(qvec, rows)) + (1 - self.weight) * _minmax(lexical[rows])
        order = top_indices(fused, k)
        return idx.hits(rows[order], fused[order])


def make_retriever(
    name: str,
    index: SearchIndex,
    weight: float = 0.5,
    candidates: int = 100,
    sentence_weight: float = 0.5,
    headline_weight: float = 0.0,
) -> Retriever:
    """``hybrid`` (default), ``dense`` or ``bm25``."""
    if name == "hybrid":
        return HybridRetriever(index, weight, candidates, sentence_weight, headline_weight)
    if name == "dense":
        return DenseRetriever(index)
    if name == "bm25":
        return BM25Retriever(index)
    raise RagError(f"unknown retriever {name!r}; use hybrid, dense or bm25")
