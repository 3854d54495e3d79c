"""Index load time with the files in the page cache (warm) and evicted from it (cold, as after a reboot).

    python evals/studies/load_time.py --index WORK/ours-27937 --repeat 5

Each load runs in a fresh Python process with the embedder left out (the model load is not the
index's), and is timed from "nothing loaded" to "ready to answer": vectors, BM25 weights, chunk
table. A cold load first asks the kernel to drop the index's files from the page cache
(``posix_fadvise(DONTNEED)``, Linux; no root needed). Prints the median and the range of each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def evict(folder: Path) -> None:
    """Drop ``folder``'s files from the page cache, so the next read comes from the disk."""
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def load_once(folder: Path) -> float:
    """Seconds to load the index in this process (the child's side)."""
    from rag.embedding import HashEmbedder
    from rag.lexical import GermanAnalyzer
    from rag.retrieval import SearchIndex
    from rag.stores.files import Store

    store = Store(folder)
    manifest = store.read_manifest()
    analyzer = GermanAnalyzer.named(manifest.analyzer)  # imports done before the clock starts
    embedder = HashEmbedder(manifest.dim)  # stands in for the model: loading it is not the index's cost
    started = time.perf_counter()
    index = SearchIndex(store, embedder, analyzer)
    seconds = time.perf_counter() - started
    assert index.size > 0
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True, help="a built index folder")
    parser.add_argument("--repeat", type=int, default=5, help="loads per condition (default 5)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(load_once(args.index)))
        return 0
    if not (args.index / "manifest.json").exists():
        parser.error(f"{args.index} is not an index folder (no manifest.json)")
    results: dict[str, list[float]] = {"warm": [], "cold": []}
    for _ in range(args.repeat):
        for condition in ("cold", "warm"):  # warm right after cold: the cold load has just read the files
            if condition == "cold":
                evict(args.index)
            cmd = [sys.executable, __file__, "--index", str(args.index), "--child"]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            results[condition].append(float(out.strip().splitlines()[-1]))
    for condition, values in results.items():
        print(
            f"{condition}: median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f}, {len(values)} loads) {args.index}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
