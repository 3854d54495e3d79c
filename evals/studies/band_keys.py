"""How long Milvus Lite takes to find the stories sharing a band key with a batch of new articles, by layout.

    python evals/studies/band_keys.py [--articles 27937] [--lookup 6400] [--repeats 3]

The syndicated-copy check of every ingest batch asks which indexed articles share any of the new
articles' band keys (32 an article, ``rag.stories``). Layout 1 kept each article's keys in an ARRAY
field of its story row and asked ``array_contains_any``; Lite 3.2.2 cannot index an ARRAY field, so
every lookup reads every story. Layout 2 (``rag.stores.milvus``) writes one row per key into a
collection with an INVERTED index on the key and asks ``key in [...]``.

This builds both layouts in a temporary Lite file for ``--articles`` articles of random keys (band
keys are hashes, so random keys are what real ones look like to the engine) and times the lookup of
``--lookup`` keys (200 articles' worth: one in eight belongs to an indexed article, the rest to none),
in pages of 1,000 keys and in one query. It prints the median of ``--repeats`` runs of each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BANDS = 32
PAGE = 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=27_937)
    parser.add_argument("--lookup", type=int, default=6400)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    from pymilvus import DataType, MilvusClient

    rng = random.Random(args.seed)
    keys = [[rng.randrange(-(2**63), 2**63) for _ in range(BANDS)] for _ in range(args.articles)]
    known = [k for article in rng.sample(keys, args.lookup // 8 // BANDS) for k in article]
    wanted = sorted(known + [rng.randrange(-(2**63), 2**63) for _ in range(args.lookup - len(known))])
    with tempfile.TemporaryDirectory() as tmp:
        client = MilvusClient(str(Path(tmp) / "bands.db"))

        def collection(name: str, fields: list[tuple[str, Any, dict[str, Any]]], inverted: str = "") -> None:
            schema = client.create_schema(auto_id=False)
            for field, kind, options in fields:
                schema.add_field(field, kind, **options)
            index = client.prepare_index_params()
            index.add_index("none", index_type="FLAT", metric_type="IP")
            if inverted:
                index.add_index(inverted, index_type="INVERTED")
            client.create_collection(name, schema=schema, index_params=index)

        common = [("batch", DataType.INT64, {}), ("none", DataType.FLOAT_VECTOR, {"dim": 2})]
        collection(
            "array",
            [
                ("article_id", DataType.VARCHAR, {"is_primary": True, "max_length": 64}),
                ("bands", DataType.ARRAY, {"element_type": DataType.INT64, "max_capacity": BANDS}),
                *common,
            ],
        )
        collection(
            "perkey",
            [
                ("id", DataType.VARCHAR, {"is_primary": True, "max_length": 80}),
                ("key", DataType.INT64, {}),
                ("article_id", DataType.VARCHAR, {"max_length": 64}),
                *common,
            ],
            inverted="key",
        )
        zero = [0.0, 0.0]
        started = time.perf_counter()
        rows = [{"article_id": f"a{n}", "bands": k, "batch": 1, "none": zero} for n, k in enumerate(keys)]
        for at in range(0, len(rows), PAGE):
            client.insert("array", rows[at : at + PAGE])
        print(f"layout 1 (array field): {len(rows):,} rows written in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        rows = [
            {"id": f"a{n}:{b}", "key": key, "article_id": f"a{n}", "batch": 1, "none": zero}
            for n, article in enumerate(keys)
            for b, key in enumerate(article)
        ]
        for at in range(0, len(rows), PAGE):
            client.insert("perkey", rows[at : at + PAGE])
        print(f"layout 2 (a row per key): {len(rows):,} rows written in {time.perf_counter() - started:.1f} s")
        client.flush("perkey")

        def lookup(name: str, expr: Callable[[list[int]], str], page: int) -> tuple[float, int]:
            times, found = [], set()
            for _ in range(args.repeats):
                started = time.perf_counter()
                found = set()
                for at in range(0, len(wanted), page):
                    part = wanted[at : at + page]
                    answer = client.query(name, filter=expr(part), output_fields=["article_id"], limit=16_384)
                    found.update(r["article_id"] for r in answer)
                times.append(time.perf_counter() - started)
            return statistics.median(times), len(found)

        articles = len(known) // BANDS
        print(f"lookup of {len(wanted):,} keys ({articles} indexed articles' among them), {args.articles:,} articles:")
        for label, name, expr, page in (
            ("layout 1, array_contains_any, pages of 1,000", "array", _contains, PAGE),
            ("layout 2, key in, pages of 1,000", "perkey", _among, PAGE),
            ("layout 2, key in, one query", "perkey", _among, len(wanted)),
        ):
            seconds, found = lookup(name, expr, page)
            print(f"  {label}: {seconds:.2f} s (median of {args.repeats}), {found} articles found", flush=True)
        client.close()
    return 0


def _contains(keys: list[int]) -> str:
    return f"batch <= 1 and array_contains_any(bands, {keys})"


def _among(keys: list[int]) -> str:
    return f"batch <= 1 and key in {keys}"


if __name__ == "__main__":
    raise SystemExit(main())
