"""How many BLAS threads the default embedder should use: passages/s with 1 and 2 threads, alone and
beside one busy process (as when an ingest runs next to a server, or CI runs two jobs).

    python evals/studies/embed_threads.py [--passages 640] [--repeats 3]

Each setting runs in a fresh process (the thread count is fixed when numpy's BLAS loads); the busy
neighbour is a pure-Python loop in another process. Prints the median passages/s of the repeats.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import time

PASSAGE = (
    "Der russische Präsident Wladimir Putin sieht nach den ersten Kontakten zur Regierung des neuen "
    "US-Präsidenten Grund zur Hoffnung auf bessere Beziehungen, sagte er bei einer Sitzung in Moskau. "
) * 3


def _busy(stop: float) -> None:
    while time.time() < stop:
        sum(i * i for i in range(10_000))


def measure(threads: int, passages: int) -> float:
    """Passages/s of the default embedder with ``threads`` BLAS threads, in a fresh process."""
    code = (
        f"import time; from rag.embedding import USEEmbedder; e = USEEmbedder(threads={threads}); "
        f"e.embed(['warm up']); texts = [{PASSAGE!r} + str(i) for i in range({passages})]; "
        "t = time.perf_counter(); e.embed(texts); print(len(texts) / (time.perf_counter() - t))"
    )
    env = {"OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **env})
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passages", type=int, default=640)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    print("threads | alone passages/s | beside one busy process passages/s (medians)")
    for threads in (1, 2):
        alone = statistics.median(measure(threads, args.passages) for _ in range(args.repeats))
        shared = []
        for _ in range(args.repeats):
            neighbour = multiprocessing.Process(target=_busy, args=(time.time() + 120,))
            neighbour.start()
            try:
                shared.append(measure(threads, args.passages))
            finally:
                neighbour.terminate()
                neighbour.join()
        print(f"{threads} | {alone:.0f} | {statistics.median(shared):.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
