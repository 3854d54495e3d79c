"""Load test of a running `rag serve` on loopback: questions at several concurrency levels.

    python evals/load_test.py --url http://127.0.0.1:7860 --concurrency 1,4,16 --requests 200 --out DIR [--pid PID]

Each level sends ``--requests`` questions (the seed examples, in turn) through the chat's REST API
(plain HTTP with kept-alive connections: the client should cost the 2 cores as little as it can, and
``gradio_client`` took about as much CPU a request as the server) with that many client threads,
and records per level: ``concurrency``, ``ok``, ``errors``, ``p50_ms``,
``p95_ms``, ``throughput_rps``, and with ``--pid`` the server's resident memory before and after.
Writes ``DIR/load.json``. Only loopback URLs are accepted: this is a tool to measure one's own server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

API = "/gradio_api/call/turn"  # the chat turn, through Gradio's REST API (POST, then its event stream)
QUOTES_ONLY = "Nur Zitate (ohne Sprachmodell)"
QUESTIONS = [
    "Mit wem erwartete Trump ein Gespräch?",
    "Was sagte Peskow über das Telefonat?",
    "Wo trafen sich russische und US-amerikanische Diplomaten?",
    "Warum hofft Putin auf bessere Beziehungen?",
]


def rss_mb(pid: int | None) -> float | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def level(url: str, concurrency: int, requests: int) -> dict[str, float | int]:
    local = threading.local()
    parts = urlparse(url)

    def ask(i: int) -> float | None:
        if not hasattr(local, "conn"):  # one kept-alive connection per client thread
            local.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
        started = time.perf_counter()
        try:
            body = json.dumps({"data": [QUESTIONS[i % len(QUESTIONS)], [], 5, "hybrid", "", "", QUOTES_ONLY]})
            local.conn.request("POST", API, body, {"Content-Type": "application/json"})
            reply = local.conn.getresponse()
            event = json.loads(reply.read())["event_id"]
            local.conn.request("GET", f"{API}/{event}")
            stream = local.conn.getresponse()
            outcome = None
            for raw in stream:  # server-sent events: read to the end of the stream
                line = raw.decode("utf-8", "replace").strip()
                if line.startswith("event: "):
                    outcome = line[len("event: ") :]
            if outcome != "complete":
                return None
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            local.conn.close()
            del local.conn
            return None
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        times = list(pool.map(ask, range(requests)))
    wall = time.perf_counter() - started
    ok = sorted(t for t in times if t is not None)
    return {
        "concurrency": concurrency,
        "ok": len(ok),
        "errors": len(times) - len(ok),
        "p50_ms": round(statistics.median(ok), 1) if ok else float("nan"),
        "p95_ms": round(ok[min(len(ok) - 1, int(0.95 * len(ok)))], 1) if ok else float("nan"),
        "throughput_rps": round(len(ok) / wall, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--concurrency", default="1,4,16")
    parser.add_argument("--requests", type=int, default=100, help="questions per level (default 100)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--pid", type=int, help="the server's process id, for its memory before and after")
    args = parser.parse_args(argv)
    if urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error(f"{args.url}: only a server on this machine (loopback) is load-tested")
    if not 1 <= args.requests <= 10_000:
        parser.error("--requests must be between 1 and 10000")
    levels = [int(c) for c in args.concurrency.split(",")]
    before = rss_mb(args.pid)
    results = []
    for concurrency in levels:
        results.append(level(args.url, concurrency, args.requests))
        print(json.dumps(results[-1]), flush=True)
    report = {"url": args.url, "requests": args.requests, "levels": results, "rss_mb_before": before,
              "rss_mb_after": rss_mb(args.pid)}  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
