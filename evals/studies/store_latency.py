"""Retrieval time and known-item recall of the same articles in two stores: the own files and Milvus.

    python evals/studies/store_latency.py FILE.jsonl.gz --index-dir IDX --store milvus:PATH.db [--queries 200]

Both indexes must hold FILE's articles (``rag ingest`` into each). Asks ``--queries`` headlines drawn
at random (``--seed``) from FILE, each headline naming one article only, with the hybrid retriever
(10 passages, as ``evals/bench.py`` does), and prints for each store: the median and 95th percentile of
the retrieval time, and the share of headlines whose article is among the 10 passages' articles.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rag.pipeline import Pipeline
from rag.settings import Settings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--title-key", default="header")
    args = parser.parse_args()
    with gzip.open(args.file, "rt", encoding="utf-8") as lines:
        titles = [str(json.loads(line).get(args.title_key, "")) for line in lines if line.strip()]
    counts = Counter(titles)
    unique = sorted(t for t, n in counts.items() if n == 1 and len(t.split()) >= 3)
    asked = random.Random(args.seed).sample(unique, min(args.queries, len(unique)))
    base = Settings.from_env(index_dir=args.index_dir)
    for name, settings in (("own files", base), (args.store, replace(base, store=args.store))):
        pipe = Pipeline(settings)
        pipe.retrieve("Corona", 10)  # loads the index and the model before the clock starts
        times, found = [], 0
        for title in asked:
            started = time.perf_counter()
            hits = pipe.retrieve(title, 10)
            times.append((time.perf_counter() - started) * 1000)
            found += any(h.article.title == title for h in hits)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(f"{name}: hybrid retrieve p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
              f"known-item recall@10 {found / len(asked):.3f} ({len(asked)} headlines)", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
