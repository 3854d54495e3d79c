"""Ingest on Ray against the plain ingest, on the same articles and machine.

    python evals/studies/ray_ingest.py FILE.jsonl.gz --work DIR [--runs 3] [--field text=article ...]

Runs ``rag ingest`` into a new index of the project's own files, alternately plain and with ``--ray``
(a Ray started on this machine, one embedder actor per core, one BLAS thread each), ``--runs`` times
each, and once plain into a Milvus Lite file. Prints each run's wall time and the medians. Wall time
includes starting Ray and loading the model in every actor, as a user waits for them.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def ingest(file: Path, fields: list[str], extra: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rag.cli", "ingest", *fields, *extra, str(file)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--field", action="append", default=[], help="as rag ingest --field")
    args = parser.parse_args()
    fields = [f"--field={f}" for f in args.field]
    times: dict[str, list[float]] = {"plain": [], "ray": []}
    for run in range(args.runs):
        for name, extra in (("plain", []), ("ray", ["--ray"])):
            where = args.work / f"{name}-{run}"
            shutil.rmtree(where, ignore_errors=True)
            seconds = ingest(args.file, fields, [*extra, "--index-dir", str(where)])
            times[name].append(seconds)
            print(f"run {run + 1}: {name:5s} {seconds:6.1f} s", flush=True)
    lite = args.work / "lite.db"
    lite.unlink(missing_ok=True)
    seconds = ingest(args.file, fields, ["--store", f"milvus:{lite}"])
    size = sum(p.stat().st_size for p in args.work.glob("lite.db*") if p.is_file()) + sum(
        p.stat().st_size for p in args.work.glob("lite.db*/**/*") if p.is_file()
    )
    files = sum(p.stat().st_size for p in (args.work / "plain-0").rglob("*") if p.is_file())
    print(f"median plain {statistics.median(times['plain']):.1f} s, on Ray {statistics.median(times['ray']):.1f} s")
    print(f"Milvus Lite, plain ingest: {seconds:.1f} s, {size / 1e6:.1f} MB on disk (own files: {files / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
