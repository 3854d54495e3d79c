"""Nearest-neighbour search behind one small interface, so that the vector engine is a backend.

Retrieval needs exactly two things from it: the ``n`` chunk rows nearest to a query vector
(optionally only among allowed rows, for the date filter), and the similarity of a query vector to
given rows (hybrid fusion scores the lexical candidates that the dense side did not return).
Exact search (FAISS flat) for small indexes, per-segment HNSW graphs above; ``docs/scaling.md``
says why, and how a distributed engine plugs in here.

Example:
    >>> import numpy as np
    >>> index = FlatIndex.from_blocks(2, [np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)])
    >>> rows, scores = index.search(np.array([0.0, 1.0], dtype=np.float32), 1)
    >>> rows.tolist(), scores.tolist()
    ([1], [1.0])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class VectorIndex(Protocol):
    """Search over L2-normalised chunk vectors; row ``i`` is chunk ``i`` of the docstore."""

    @property
    def size(self) -> int: ...

    def search(self, query: np.ndarray, n: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``n`` best rows by inner product and their scores, best first; ``allowed`` is a boolean mask."""
        ...

    def similarity(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner product of ``query`` with each of ``rows``."""
        ...


class FlatIndex:
    """Exact search: FAISS ``IndexFlatIP``, one scan of all vectors per query (no recall lost)."""

    def __init__(self, index: Any) -> None:
        self.faiss = index
        n, d = index.ntotal, index.d
        # a view of FAISS's own storage: no second copy of the vectors in memory
        self._rows = _faiss_rows(index) if n else np.zeros((0, d), dtype=np.float32)

    @classmethod
    def from_blocks(cls, dim: int, blocks: Iterable[np.ndarray]) -> FlatIndex:
        import faiss

        index = faiss.IndexFlatIP(dim)
        for block in blocks:
            index.add(np.ascontiguousarray(block, dtype=np.float32))
        return cls(index)

    @property
    def size(self) -> int:
        return int(self.faiss.ntotal)

    def search(self, query: np.ndarray, n: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if allowed is not None:
            return exact_among(self, query, n, allowed)
        if self.size == 0 or n <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, ids = self.faiss.search(query[None, :].astype(np.float32), min(n, self.size))
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def similarity(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return self._rows[rows] @ query


class HNSWSegments:
    """Approximate search: one HNSW graph per index segment, each searched and the lists merged.

    Segments are immutable, so a graph is built once, when its segment is ingested (as Lucene does
    per segment); growing the index never rebuilds an old graph. ``similarity`` and searches with
    a row mask are exact, on the vectors the graphs store (no second copy in memory).
    """

    def __init__(self, parts: list[Any], ef_search: int = 128) -> None:
        self.parts = parts
        self.offsets = np.cumsum([0] + [int(p.ntotal) for p in parts])
        self._views = [_faiss_rows(_storage(p)) for p in parts]
        self.ef_search = ef_search

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    def search(self, query: np.ndarray, n: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        if allowed is not None:
            return exact_among(self, query, n, allowed)
        q = query[None, :].astype(np.float32)
        ids: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        scores: list[np.ndarray] = [np.zeros(0, dtype=np.float32)]
        for part, offset in zip(self.parts, self.offsets, strict=False):
            part.hnsw.efSearch = max(self.ef_search, n)
            found_scores, found = part.search(q, min(n, int(part.ntotal)))
            keep = found[0] >= 0
            ids.append(found[0][keep] + offset)
            scores.append(found_scores[0][keep])
        all_ids, all_scores = np.concatenate(ids), np.concatenate(scores)
        order = top_indices(all_scores, n)
        return all_ids[order], all_scores[order]

    def similarity(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        segment = np.searchsorted(self.offsets, rows, side="right") - 1
        out = np.empty(rows.shape[0], dtype=np.float32)
        for s in np.unique(segment):
            at = segment == s
            out[at] = self._views[s][rows[at] - self.offsets[s]] @ query
        return out


def new_segment_index(vectors: np.ndarray, graph: bool = True) -> Any:
    """The FAISS index a segment is saved as: HNSW (it stores the vectors too), or flat when ``graph`` is off."""
    import faiss

    dim = vectors.shape[1]
    index: Any
    if graph:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    else:
        index = faiss.IndexFlatIP(dim)
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def load_segments(parts: list[Any], dim: int, exact_up_to: int) -> VectorIndex:
    """Exact search up to ``exact_up_to`` vectors (or when a segment has no graph), HNSW above."""
    total = sum(int(p.ntotal) for p in parts)
    if total > exact_up_to and parts and all(hasattr(p, "hnsw") for p in parts):
        return HNSWSegments(parts)
    return FlatIndex.from_blocks(dim, [_faiss_rows(_storage(p)) for p in parts if p.ntotal])


HNSW_M = 32  # graph degree (edges per node) of each segment graph
HNSW_EF_CONSTRUCTION = 40  # FAISS's default


def _storage(index: Any) -> Any:
    import faiss

    return faiss.downcast_index(index.storage) if hasattr(index, "storage") else index


def _faiss_rows(index: Any) -> np.ndarray:
    import faiss

    return np.asarray(faiss.rev_swig_ptr(index.get_xb(), index.ntotal * index.d)).reshape(index.ntotal, index.d)


def exact_among(index: VectorIndex, query: np.ndarray, n: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` best rows among those ``allowed`` (a boolean mask), scored exactly by ``index.similarity``."""
    rows = np.flatnonzero(allowed)
    scores = index.similarity(query, rows)
    order = top_indices(scores, n)
    return rows[order], scores[order]


def top_indices(scores: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest scores, best first; ties broken by lower index."""
    n = min(n, scores.shape[0])
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, n - 1)[:n] if n < scores.shape[0] else np.arange(scores.shape[0])
    return part[np.lexsort((part, -scores[part]))]
