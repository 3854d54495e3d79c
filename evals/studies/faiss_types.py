"""Which FAISS index type at which size: exact (flat) vs HNSW vs IVF on a built index's real vectors.

    python evals/studies/faiss_types.py --index WORK/ours-27937 --queries WORK/queries-27937.json

``WORK`` is a ``evals/bench.py --work`` folder. Queries are the bench's headline queries, encoded
with the index's embedder. For each index type it prints build time, bytes, single-query latency
(p50/p95 over the queries) and recall against exact search (the share of the exact top k found),
for single FAISS indexes over all vectors and for the project's own per-segment HNSW graphs
(``rag.vectors.HNSWSegments``).
``--grow N`` adds a flat-only row at N vectors (the real ones repeated with small noise) to show
how exact search scales past the corpus at hand. Writes ``--out`` (JSON) when given.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag.embedding import make_embedder
from rag.metrics import percentile
from rag.stores.files import Store
from rag.vectors import HNSWSegments


def timed_search(index: Any, queries: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    found, times = [], []
    for q in queries:
        started = time.perf_counter()
        _, ids = index.search(q[None, :], k)
        times.append((time.perf_counter() - started) * 1000)
        found.append(ids[0])
    return np.vstack(found), times


def overlap_at_k(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f.tolist()) & set(e.tolist())) / len(e) for f, e in zip(found, exact, strict=True)]))


def row(name: str, build_s: float, index: Any, queries: np.ndarray, exact: np.ndarray, k: int) -> dict[str, Any]:
    import faiss

    found, times = timed_search(index, queries, k)
    size = len(faiss.serialize_index(index)) if not isinstance(index, _Adapter) else 0
    return {
        "index": name,
        "build_s": round(build_s, 1),
        "mb": round(size / 2**20, 1),
        "search_ms_p50": round(statistics.median(times), 2),
        "search_ms_p95": round(percentile(times, 95), 2),
        "k": k,
        "recall_vs_exact": round(overlap_at_k(found, exact), 4),
    }


class _Adapter:
    """A ``VectorIndex`` with FAISS's ``search(queries, k)`` signature, for the timing loop."""

    def __init__(self, index: HNSWSegments) -> None:
        self.index = index

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        ids, scores = self.index.search(queries[0], k)
        return scores[None, :], ids[None, :]


def main() -> int:
    import faiss

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="an index folder built by rag ingest or the bench")
    parser.add_argument("--queries", type=Path, required=True, help="JSON list of {'query': ...} (the bench's)")
    parser.add_argument("--grow", type=int, nargs="*", default=[], help="extra flat-only sizes, in vectors")
    parser.add_argument("--out", type=Path, help="write the rows as JSON here")
    args = parser.parse_args()
    k = 10
    store = Store(args.index)
    manifest = store.read_manifest()
    flat = store.load_vectors(exact_up_to=2**62).vectors.faiss  # type: ignore[attr-defined]
    vectors = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d)
    vectors = np.array(vectors, dtype=np.float32).reshape(flat.ntotal, flat.d)
    n, d = vectors.shape
    texts = [q["query"] for q in json.loads(args.queries.read_text(encoding="utf-8"))]
    queries = make_embedder(manifest.embedder).embed(texts).astype(np.float32)
    print(f"{n:,} vectors of {d} dims, {len(queries)} queries, faiss {faiss.__version__}", file=sys.stderr)

    exact, _ = timed_search(flat, queries, k)
    rows = [row("Flat (exact)", 0.0, flat, queries, exact, k)]
    # what the project loads above exact_search_max: one graph per ingest segment, lists merged
    segments = store.load_vectors(exact_up_to=0).vectors
    if isinstance(segments, HNSWSegments):
        for ef in (16, 64, 128):
            segments.ef_search = ef
            rows.append(
                row(
                    f"project: HNSW per segment ({len(segments.parts)}) efSearch={ef}",
                    0.0,
                    _Adapter(segments),
                    queries,
                    exact,
                    k,
                )
            )
        exact100, _ = timed_search(flat, queries, 100)
        segments.ef_search = 128
        rows.append(
            row(
                "project: HNSW per segment, top 100 (as the hybrid asks)",
                0.0,
                _Adapter(segments),
                queries,
                exact100,
                100,
            )
        )
    for m in (32,):
        started = time.perf_counter()
        hnsw = faiss.IndexHNSWFlat(d, m, faiss.METRIC_INNER_PRODUCT)
        hnsw.hnsw.efConstruction = 40
        hnsw.add(vectors)
        build = time.perf_counter() - started
        for ef in (16, 64, 128):
            hnsw.hnsw.efSearch = ef
            rows.append(row(f"HNSW M={m} efSearch={ef}", build, hnsw, queries, exact, k))
        del hnsw
    nlist = int(4 * np.sqrt(n))
    started = time.perf_counter()
    quantizer = faiss.IndexFlatIP(d)
    ivf = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    sample = vectors[np.random.default_rng(0).choice(n, size=min(n, 40 * nlist), replace=False)]
    ivf.train(sample)
    ivf.add(vectors)
    build = time.perf_counter() - started
    for nprobe in (8, 32, 64):
        ivf.nprobe = nprobe
        rows.append(row(f"IVF nlist={nlist} nprobe={nprobe}", build, ivf, queries, exact, k))
    del ivf
    for size in args.grow:
        rng = np.random.default_rng(size)
        grown = faiss.IndexFlatIP(d)
        for start in range(0, size, n):
            block = vectors[: min(n, size - start)] + rng.normal(scale=0.01, size=(min(n, size - start), d))
            grown.add((block / np.linalg.norm(block, axis=1, keepdims=True)).astype(np.float32))
        _, times = timed_search(grown, queries, k)
        rows.append(
            {
                "index": f"Flat (exact) at {size:,} vectors",
                "build_s": 0.0,
                "mb": round(size * d * 4 / 2**20, 1),
                "search_ms_p50": round(statistics.median(times), 2),
                "search_ms_p95": round(percentile(times, 95), 2),
                "k": k,
                "recall_vs_exact": 1.0,
            }
        )
        del grown
    print("| index | build s | MB | k | search p50 ms | search p95 ms | recall@k vs exact |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['index']} | {r['build_s']} | {r['mb']:,} | {r['k']} | {r['search_ms_p50']} | "
            f"{r['search_ms_p95']} | {r['recall_vs_exact']} |"
        )
    if args.out:
        args.out.write_text(json.dumps({"vectors": n, "dim": d, "queries": len(queries), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
