"""How many near-duplicate (syndicated or repeated) articles FANG-COVID holds, and where the threshold sits.

    python evals/studies/near_duplicates.py ../shared/data/news-de/fang-covid-real.jsonl.gz

Signs every article as ingest does (``rag.stories``), finds candidate pairs through the LSH bands,
and for each candidate pair computes the exact Jaccard similarity of the shingle sets. Prints the
pairs per similarity band with their outlets, a few examples per band (headlines and outlets, so a
reader can judge where copies end), and the stories that the ingest's threshold forms.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import random
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from tqdm import tqdm

from rag.stories import THRESHOLD, StoryIndex, shingles, signature

BINS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="FANG-COVID's JSON Lines (gzip)")
    parser.add_argument("--examples", type=int, default=3, help="example pairs printed per band")
    args = parser.parse_args(argv)
    with gzip.open(args.corpus, "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    rows = [r for r in rows if (r.get("article") or "").strip()]
    index = StoryIndex()
    sigs: dict[str, np.ndarray] = {}
    pairs: list[tuple[int, int]] = []
    stories: dict[str, str] = {}
    for i, row in enumerate(tqdm(rows, desc="signing", unit="article")):
        sig = signature(row["article"])
        pairs.extend((int(j), i) for j in index.candidates(sig))
        stories[str(i)] = index.assign(str(i), sig, lambda ids: {a: sigs[a] for a in ids})
        sigs[str(i)] = sig
    per_bin: dict[float, list[tuple[float, int, int]]] = {b: [] for b in BINS[:-1]}
    shingle_cache: dict[int, set[bytes]] = {}

    def sh(i: int) -> set[bytes]:
        if i not in shingle_cache:
            shingle_cache[i] = shingles(rows[i]["article"])
        return shingle_cache[i]

    for a, b in tqdm(pairs, desc="exact Jaccard", unit="pair"):
        sa, sb = sh(a), sh(b)
        jac = len(sa & sb) / max(len(sa | sb), 1)
        for lo, hi in itertools.pairwise(BINS):
            if lo <= jac < hi:
                per_bin[lo].append((jac, a, b))
    print(f"{len(rows)} articles, {len(pairs)} candidate pairs from the LSH bands")
    print("exact Jaccard | pairs | same outlet | outlet pairs (top 3)")
    rng = random.Random(0)
    for lo, hi in itertools.pairwise(BINS):
        found = per_bin[lo]
        same = sum(rows[a]["source"] == rows[b]["source"] for _, a, b in found)
        outlets = Counter(tuple(sorted((rows[a]["source"], rows[b]["source"]))) for _, a, b in found)
        print(f"[{lo:.1f}, {min(hi, 1.0):.1f}) | {len(found)} | {same} | {outlets.most_common(3)}")
        for jac, a, b in rng.sample(found, min(args.examples, len(found))):
            print(f"    {jac:.2f}  {rows[a]['source']}: {rows[a]['header'][:70]!r}")
            print(f"          {rows[b]['source']}: {rows[b]['header'][:70]!r}")
    sizes = Counter(Counter(stories.values()).values())
    grouped = sum(size * n for size, n in sizes.items() if size > 1)
    print(
        f"threshold {THRESHOLD} (estimated Jaccard): {sum(n for s, n in sizes.items() if s > 1)} stories with "
        f"2+ articles, {grouped} articles in them ({grouped / len(rows):.1%}); sizes {sorted(sizes.items())}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
