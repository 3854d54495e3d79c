"""Speed and scale benchmark: the project's pipeline against the usual LangChain pipeline, same data and embedder.

    python evals/bench.py                                  # 1,000 / 5,000 / all FANG-COVID articles
    python evals/bench.py --articles 1000 --queries 50     # a quick look
    python evals/bench.py --store milvus:/tmp/bench/lite.db --no-baseline   # Milvus Lite beside the own files

For each size N the articles are the first N of a fixed shuffle of the corpus (duplicates removed); 100
more are held back for the incremental test. Every phase runs in its own process, so peak memory
(RSS) is the phase's own and one phase's caches do not help the next:

- ``ours-ingest``: ``Pipeline.ingest`` of the N articles from a JSON Lines file, timed from reading
  the file to the last commit; the model is loaded before the clock starts.
- ``encode``: the embedder alone on exactly the texts ingest embeds (same chunks, same batches),
  the floor that ingest time is compared with (``ingest_over_encode``). With ``--floor-max N``
  sizes above N skip this second pass and use the seconds ingest itself spent in the embedder.
- ``ours-query``: index load, then 200 headline queries: retrieval of 10 passages, then a whole
  answer; known-item recall@10 / MRR@10 of the article the headline belongs to.
- ``ours-incremental``: the 100 held-back articles added to the index of N, and ingested alone.
- ``lc-*``: the same for ``evals/bench_langchain.py``.
- ``store-*`` (with ``--store milvus:…``): the project's pipeline again, its index in Milvus: Milvus Lite
  files beside the one named (``milvus:bench/lite.db`` -> ``bench/lite-1000.db``, ...), or indexes named
  ``NAME_1000``, ... on a Milvus server (``milvus:http://HOST:19530#NAME``; ``bench`` without ``#NAME``),
  dropped before each run. A server's index size is not known to the client and is left out.

Writes ``OUT/bench.json``, ``OUT/bench.md`` and the plots ``OUT/bench_latency.png`` and
``OUT/bench_ingest.png``. Medians are over the queries of one run on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rag import metrics
from rag.answer import ExtractiveGenerator
from rag.chunking import chunk_text
from rag.cli import ProgressBar
from rag.corpus import Article, load_path
from rag.embedding import DEFAULT_EMBEDDER, Embedder, make_embedder
from rag.pipeline import _EMBED_STEP, Pipeline, indexed_text
from rag.settings import Settings
from rag.stores.milvus import MilvusStore, is_milvus, location

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "news-de" / "fang-covid-real.jsonl.gz"
HELD_BACK = 100
DEPTH = 10  # passages retrieved per query; recall@10 and MRR@10 are over the articles they come from
SEED = 20201


# ---- data preparation (parent process) ----------------------------------------------------------
def prepare(data: Path, work: Path, sizes: list[str], n_queries: int) -> list[int]:
    """Shuffle the corpus once, write the article files and the headline queries; return the sizes."""
    articles = list({a.id: a for a in load_path(data) if isinstance(a, Article)}.values())
    random.Random(SEED).shuffle(articles)
    pool, held = articles[:-HELD_BACK], articles[-HELD_BACK:]
    counts = sorted({len(pool) if s == "all" else int(s) for s in sizes})
    if not counts or counts[0] < 1 or counts[-1] > len(pool):
        raise SystemExit(f"--articles must be between 1 and {len(pool)} (or 'all'), got {sizes}")
    write_jsonl(work / "new.jsonl", held)
    titles = Counter(a.title for a in articles)
    for n in counts:
        write_jsonl(work / f"base-{n}.jsonl", pool[:n])
        candidates = [a for a in pool[:n] if names_one_article(a.title, titles)]
        chosen = random.Random(SEED + n).sample(candidates, min(n_queries, len(candidates)))
        queries = [{"query": a.title, "article_id": a.id} for a in chosen]
        (work / f"queries-{n}.json").write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    return counts


def names_one_article(title: str, titles: Counter[str]) -> bool:
    """A headline fit to be a known-item query: no other article has it, and it has 3 words or more."""
    return titles[title] == 1 and len(title.split()) >= 3


def write_jsonl(path: Path, articles: list[Article]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for a in articles:
            record = {"title": a.title, "text": a.text, "date": a.date, "source": a.source, "url": a.url}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def read_articles(path: Path) -> list[Article]:
    return [a for a in load_path(path) if isinstance(a, Article)]


# ---- phases (each in its own process) -----------------------------------------------------------
class TimedEmbedder:
    """Delegates to an embedder and adds up the seconds spent in ``embed``."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.seconds = 0.0

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: list[str]) -> Any:
        started = time.perf_counter()
        rows = self.inner.embed(texts)
        self.seconds += time.perf_counter() - started
        return rows

    def embed_query(self, text: str) -> Any:
        return self.inner.embed_query(text)


def warm(spec: str) -> tuple[TimedEmbedder, float]:
    """The embedder with its model loaded (the load is timed and returned, never counted in a phase)."""
    started = time.perf_counter()
    embedder = TimedEmbedder(make_embedder(spec))
    embedder.embed(["Aufwärmen"])
    embedder.seconds = 0.0
    return embedder, time.perf_counter() - started


def settings_for(index_dir: Path, spec: str) -> Settings:
    return Settings(index_dir=index_dir, embedder=spec)


def target(work: Path, tag: str, spec: str, store: str) -> Settings:
    """Where the index ``tag`` (``1000``, ``alone-1000``) of the own pipeline (``store`` empty) or of the
    ``--store`` run lives."""
    if not store:
        return settings_for(work / f"ours-{tag}", spec)
    return Settings(index_dir=work / f"store-{tag}", embedder=spec, store=sized_store(store, tag))


def sized_store(store: str, tag: str) -> str:
    """One size's index in ``--store``: a Milvus Lite file of its own beside the one named, or on a server
    an index named after the size (``#NAME_1000``)."""
    if not is_milvus(store):
        raise SystemExit(f"--store takes milvus:PATH.db or milvus:http://HOST:19530[#NAME], got {store!r}")
    uri = location(store)
    if MilvusStore(store, 1).remote:
        name = store.split("#", 1)[1] if "#" in store else "bench"
        return f"milvus:{uri}#{name}_{tag.replace('-', '_')}"
    path = Path(uri)
    return f"milvus:{path.with_name(f'{path.stem}-{tag}.db')}"


def clear(settings: Settings) -> None:
    """Remove the index ``settings`` points at, so that a phase starts from nothing."""
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    if not settings.store:
        return
    store = MilvusStore(settings.store, 1)
    if store.remote:
        store.drop()
        store.close()
    else:
        shutil.rmtree(store.uri, ignore_errors=True)
        shutil.rmtree(store.uri + ".lock", ignore_errors=True)
        Path(store.uri).unlink(missing_ok=True)


def index_mb(settings: Settings) -> float | None:
    """The index's size on disk; None for a Milvus server, whose disk the client does not see."""
    if not settings.store:
        return folder_mb(settings.index_dir)
    uri = location(settings.store)
    if MilvusStore(settings.store, 1).remote:
        return None
    path = Path(uri)
    return folder_mb(path) if path.is_dir() else path.stat().st_size / 2**20


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def phase_ours_ingest(work: Path, n: int, spec: str, store: str = "") -> dict[str, Any]:
    embedder, model_s = warm(spec)
    settings = target(work, str(n), spec, store)
    clear(settings)
    pipe = Pipeline(settings, embedder=embedder)
    started = time.perf_counter()
    with ProgressBar(f"{'store' if store else 'ours'} ingest {n}", "article") as bar:
        report = pipe.ingest([work / f"base-{n}.jsonl"], progress=bar.update)
    seconds = time.perf_counter() - started
    return {
        "chunks": report.chunks,
        "ingest_s": seconds,
        "encode_in_ingest_s": embedder.seconds,
        "index_mb": index_mb(settings),
        "ingest_rss_mb": peak_rss_mb(),
        "model_load_s": model_s,
    }


def phase_encode(work: Path, n: int, spec: str, store: str = "") -> dict[str, Any]:
    """The floor: encode the very texts ingest embeds, in the same batches, and nothing else."""
    embedder, _ = warm(spec)
    s = settings_for(work / "unused", spec)
    articles = read_articles(work / f"base-{n}.jsonl")
    seconds = 0.0
    chunks = 0
    for first in range(0, len(articles), s.batch_articles):
        texts = [
            indexed_text(a, c, s.title_in_index)
            for a in articles[first : first + s.batch_articles]
            for c in chunk_text(a.id, a.text, s.chunk_chars, s.chunk_overlap)
        ]
        chunks += len(texts)
        started = time.perf_counter()
        for start in range(0, len(texts), _EMBED_STEP):
            embedder.inner.embed(texts[start : start + _EMBED_STEP])
        seconds += time.perf_counter() - started
    return {"encode_s": seconds, "encode_chunks": chunks}


def run_queries(
    queries: list[dict[str, str]], retrieve: Callable[[str], list[str]], answer: Callable[[str], Any]
) -> dict[str, Any]:
    """Time retrieval and whole answers per query; score the known-item rankings."""
    retrieve(queries[0]["query"])  # one warm-up query, not counted
    retrieve_ms, answer_ms, recall, rr = [], [], [], []
    for q in queries:
        started = time.perf_counter()
        ranking = metrics.document_ranking(retrieve(q["query"]))
        retrieve_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        answer(q["query"])
        answer_ms.append((time.perf_counter() - started) * 1000)
        recall.append(metrics.recall_at(ranking, {q["article_id"]}, 10))
        rr.append(metrics.reciprocal_rank(ranking, {q["article_id"]}, 10))
    return {
        "retrieve_ms_p50": statistics.median(retrieve_ms),
        "retrieve_ms_p95": metrics.percentile(retrieve_ms, 95),
        "answer_ms_p50": statistics.median(answer_ms),
        "known_item_recall@10": statistics.fmean(recall),
        "known_item_mrr@10": statistics.fmean(rr),
        "queries": len(queries),
    }


def load_queries(work: Path, n: int) -> list[dict[str, str]]:
    return json.loads((work / f"queries-{n}.json").read_text(encoding="utf-8"))


def article_ranking(pipe: Pipeline, retriever: str | None = None) -> Callable[[str], list[str]]:
    """A query's ranked article ids: those of the pipeline's top ``DEPTH`` passages, in order."""

    def retrieve(query: str) -> list[str]:
        return [h.article.id for h in pipe.retrieve(query, DEPTH, retriever)]

    return retrieve


def phase_ours_query(work: Path, n: int, spec: str, store: str = "") -> dict[str, Any]:
    embedder, _ = warm(spec)
    pipe = Pipeline(target(work, str(n), spec, store), embedder=embedder)
    started = time.perf_counter()
    pipe.ready()  # own files: loads FAISS, BM25 weights and the chunk table; Milvus: connects and loads
    load_s = time.perf_counter() - started
    result = run_queries(load_queries(work, n), article_ranking(pipe), pipe.ask)
    return {"load_s": load_s, **result, "rss_mb": peak_rss_mb()}


def phase_ours_incremental(work: Path, n: int, spec: str, store: str = "") -> dict[str, Any]:
    embedder, _ = warm(spec)
    new = work / "new.jsonl"
    grown = Pipeline(target(work, str(n), spec, store), embedder=embedder)
    grown.has_index()  # open the docstore (or connect to Milvus) before the clock starts
    started = time.perf_counter()
    added = grown.ingest([new]).added
    incremental = time.perf_counter() - started
    alone = target(work, f"alone-{n}", spec, store)
    clear(alone)
    fresh = Pipeline(alone, embedder=embedder)
    fresh.has_index()
    started = time.perf_counter()
    fresh.ingest([new])
    alone_s = time.perf_counter() - started
    return {"incremental_100_s": incremental, "alone_100_s": alone_s, "incremental_added": added}


def phase_lc_ingest(work: Path, n: int, spec: str, store: str = "") -> dict[str, Any]:
    import bench_langchain as lc

    embedder, _ = warm(spec)
    embeddings = lc.EmbedderEmbeddings(embedder)
    folder = work / f"lc-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    chunks = lc.build(read_articles(work / f"base-{n}.jsonl"), embeddings, folder)
    seconds = time.perf_counter() - started
    return {
        "chunks": chunks,
        "ingest_s": seconds,
        "encode_s": embedder.seconds,
        "index_mb": folder_mb(folder),
        "ingest_rss_mb": peak_rss_mb(),
    }


def phase_lc_query(work: Path, n: int, spec: str, store: str = "") -> dict[str, Any]:
    import bench_langchain as lc

    embedder, _ = warm(spec)
    embeddings = lc.EmbedderEmbeddings(embedder.inner)
    started = time.perf_counter()
    pipe = lc.LangChainPipeline(work / f"lc-{n}", embeddings, DEPTH)
    load_s = time.perf_counter() - started
    generator = ExtractiveGenerator(embedder.inner)
    settings = settings_for(work, spec)

    def retrieve(query: str) -> list[str]:
        return [d.metadata["article_id"] for d in pipe.retrieve(query)]

    def answer(query: str) -> Any:
        return generator.generate(query, lc.to_hits(pipe.retrieve(query)[: settings.k]))

    result = run_queries(load_queries(work, n), retrieve, answer)
    return {"load_s": load_s, **result, "rss_mb": peak_rss_mb()}


def phase_lc_incremental(work: Path, n: int, spec: str, store: str = "") -> dict[str, Any]:
    import bench_langchain as lc

    embedder, _ = warm(spec)
    embeddings = lc.EmbedderEmbeddings(embedder.inner)
    new = read_articles(work / "new.jsonl")
    pipe = lc.LangChainPipeline(work / f"lc-{n}", embeddings, DEPTH)
    started = time.perf_counter()
    pipe.add(new, work / f"lc-{n}")
    incremental = time.perf_counter() - started
    alone_dir = work / f"lc-alone-{n}"
    shutil.rmtree(alone_dir, ignore_errors=True)
    started = time.perf_counter()
    lc.build(new, embeddings, alone_dir)
    alone = time.perf_counter() - started
    return {"incremental_100_s": incremental, "alone_100_s": alone}


PHASES: dict[str, Callable[[Path, int, str, str], dict[str, Any]]] = {
    "ours-ingest": phase_ours_ingest,
    "encode": phase_encode,
    "ours-query": phase_ours_query,
    "ours-incremental": phase_ours_incremental,
    "lc-ingest": phase_lc_ingest,
    "lc-query": phase_lc_query,
    "lc-incremental": phase_lc_incremental,
    # the project's pipeline with its index in --store
    "store-ingest": phase_ours_ingest,
    "store-query": phase_ours_query,
    "store-incremental": phase_ours_incremental,
}


def run_phase(name: str, work: Path, n: int, spec: str, resume: bool, store: str = "") -> dict[str, Any]:
    """Run one phase in a fresh Python process; its result is kept in WORK/results for --resume."""
    result_path = work / "results" / f"{name}-{n}.json"
    if resume and result_path.exists():
        print(f"  {name} N={n}: kept from an earlier run", file=sys.stderr)
        return json.loads(result_path.read_text())
    result_path.parent.mkdir(exist_ok=True)
    started = time.perf_counter()
    print(f"  {name} N={n} ...", file=sys.stderr, flush=True)
    cmd = [sys.executable, __file__, "--phase", name, "--work", str(work), "--embedder", spec, "--articles", str(n)]
    if name.startswith("store-"):
        cmd += ["--store", store]
    subprocess.run(cmd, check=True)
    print(f"  {name} N={n}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return json.loads(result_path.read_text())


# ---- assembling the report ------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (OSError, ValueError):
        mem_gib = float("nan")
    system = f"{platform.system()}, Python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB RAM, {system}"


def size_entry(n: int, r: dict[str, dict[str, Any]], baseline: bool) -> dict[str, Any]:
    ingest, query, inc = r["ours-ingest"], r["ours-query"], r["ours-incremental"]
    # without a separate pass (--floor-max), the floor is the time ingest itself spent in the embedder
    encode_s = r["encode"]["encode_s"] if "encode" in r else ingest["encode_in_ingest_s"]
    entry: dict[str, Any] = {
        "articles": n,
        "chunks": ingest["chunks"],
        "ingest_s": ingest["ingest_s"],
        "chunks_per_s": ingest["chunks"] / ingest["ingest_s"],
        "encode_s": encode_s,
        "encode_measured": "separate pass" if "encode" in r else "inside ingest",
        "ingest_over_encode": ingest["ingest_s"] / encode_s,
        "encode_in_ingest_s": ingest["encode_in_ingest_s"],
        "incremental_100_s": inc["incremental_100_s"],
        "alone_100_s": inc["alone_100_s"],
        "incremental_over_alone": inc["incremental_100_s"] / inc["alone_100_s"],
        "load_s": query["load_s"],
        "model_load_s": ingest["model_load_s"],
        "index_mb": ingest["index_mb"],
        "rss_mb": query["rss_mb"],
        "ingest_rss_mb": ingest["ingest_rss_mb"],
        "queries": query["queries"],
        **{k: query[k] for k in QUERY_KEYS},
    }
    if baseline:
        entry["baseline"] = other_entry(r["lc-ingest"], r["lc-query"], r["lc-incremental"], "encode_s")
        entry["ours_over_baseline"] = ratios(entry, entry["baseline"])
    if "store-ingest" in r:
        entry["store"] = other_entry(r["store-ingest"], r["store-query"], r["store-incremental"], "encode_in_ingest_s")
        entry["store_over_ours"] = ratios(entry["store"], entry)
    return entry


def other_entry(ingest: dict[str, Any], query: dict[str, Any], inc: dict[str, Any], encoded: str) -> dict[str, Any]:
    """The figures of a pipeline beside the own one (LangChain, or the own pipeline on ``--store``);
    ``encoded`` names the ingest result holding the seconds spent in the embedder."""
    return {
        "chunks": ingest["chunks"],
        "ingest_s": ingest["ingest_s"],
        "chunks_per_s": ingest["chunks"] / ingest["ingest_s"],
        "encode_s": ingest[encoded],
        "encode_measured": "inside ingest",
        "ingest_over_encode": ingest["ingest_s"] / ingest[encoded],
        "incremental_100_s": inc["incremental_100_s"],
        "alone_100_s": inc["alone_100_s"],
        "incremental_over_alone": inc["incremental_100_s"] / inc["alone_100_s"],
        "load_s": query["load_s"],
        "index_mb": ingest["index_mb"],
        "rss_mb": query["rss_mb"],
        "ingest_rss_mb": ingest["ingest_rss_mb"],
        **{k: query[k] for k in QUERY_KEYS},
    }


def ratios(top: dict[str, Any], bottom: dict[str, Any]) -> dict[str, float | None]:
    return {k: top[k] / bottom[k] if top.get(k) is not None and bottom.get(k) else None for k in RATIO_KEYS}


QUERY_KEYS = ["retrieve_ms_p50", "retrieve_ms_p95", "answer_ms_p50", "known_item_recall@10", "known_item_mrr@10"]
RATIO_KEYS = ["ingest_s", "load_s", "index_mb", "rss_mb", *QUERY_KEYS, "incremental_100_s"]
TABLE = [
    ("chunks", "chunks", "{:,.0f}"),
    ("ingest_s", "ingest s", "{:,.1f}"),
    ("ingest_over_encode", "ingest / encode", "{:.2f}"),
    ("incremental_100_s", "add 100 s", "{:.1f}"),
    ("alone_100_s", "100 alone s", "{:.1f}"),
    ("load_s", "load s", "{:.2f}"),
    ("index_mb", "index MB", "{:,.0f}"),
    ("rss_mb", "query RSS MB", "{:,.0f}"),
    ("retrieve_ms_p50", "retrieve p50 ms", "{:.1f}"),
    ("retrieve_ms_p95", "retrieve p95 ms", "{:.1f}"),
    ("answer_ms_p50", "answer p50 ms", "{:.1f}"),
    ("known_item_recall@10", "recall@10", "{:.3f}"),
    ("known_item_mrr@10", "MRR@10", "{:.3f}"),
]


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Machine: {report['machine']}. Embedder: `{report['embedder']}`. "
        f"{report['queries']} headline queries per size; latencies are medians (p50) and 95th percentiles.",
        "",
        "| articles | pipeline | " + " | ".join(label for _, label, _ in TABLE) + " |",
        "|---" * (len(TABLE) + 2) + "|",
    ]
    store = store_label(report.get("store", ""))
    for size in report["sizes"]:
        rows = [("ours", size)]
        if "baseline" in size:
            rows.append(("LangChain", size["baseline"]))
        if "store" in size:
            rows.append((f"ours on {store}", size["store"]))
        for label, values in rows:
            cells = [fmt.format(values[key]) if values.get(key) is not None else "–" for key, _, fmt in TABLE]
            lines.append(f"| {size['articles']:,} | {label} | " + " | ".join(cells) + " |")
        for key, label in (("ours_over_baseline", "ours / LangChain"), ("store_over_ours", f"{store} / own files")):
            if key in size:
                cells = [f"{size[key][k]:.2f}x" if size[key].get(k) else "" for k, _, _ in TABLE]
                lines.append(f"| {size['articles']:,} | {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def store_label(store: str) -> str:
    if not store:
        return ""
    return "Milvus server" if MilvusStore(store, 1).remote else "Milvus Lite"


def plot(report: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = report["sizes"]
    xs = [s["articles"] for s in sizes]
    has_baseline = all("baseline" in s for s in sizes)
    charts = {
        "bench_latency.png": (
            "query latency (ms)",
            [("retrieve_ms_p50", "retrieve p50"), ("retrieve_ms_p95", "retrieve p95"), ("answer_ms_p50", "answer p50")],
        ),
        "bench_ingest.png": ("ingest time (s)", [("ingest_s", "ingest"), ("encode_s", "encode alone")]),
    }
    for filename, (ylabel, series) in charts.items():
        fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=110)
        for key, label in series:
            ax.plot(xs, [s[key] for s in sizes], marker="o", label=f"ours: {label}")
            if has_baseline and key != "encode_s":
                ax.plot(
                    xs, [s["baseline"][key] for s in sizes], marker="s", linestyle="--", label=f"LangChain: {label}"
                )
            if all("store" in s for s in sizes) and key != "encode_s":
                store = store_label(report["store"])
                ax.plot(xs, [s["store"][key] for s in sizes], marker="^", linestyle=":", label=f"{store}: {label}")
        ax.set(xscale="log", yscale="log", xlabel="articles in the index", ylabel=ylabel)
        ax.set_title(f"{ylabel} against corpus size", fontsize=10)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(out / filename)
        plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", nargs="+", default=["1000", "5000", "all"], help="corpus sizes, or 'all'")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="FANG-COVID JSON Lines (.jsonl.gz)")
    parser.add_argument("--out", type=Path, default=Path("evals/reports/bench"), help="folder for the reports")
    parser.add_argument("--work", type=Path, help="folder for indexes and phase results (default: a temp folder)")
    parser.add_argument("--queries", type=int, default=200, help="headline queries per size (default 200)")
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER, help="embedder spec (default: the project's)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the LangChain pipeline")
    parser.add_argument(
        "--floor-max",
        type=int,
        help="separate encoding pass only up to this size; above it the floor is the encoder's time inside ingest",
    )
    parser.add_argument(
        "--store",
        default="",
        help="also run the own pipeline with its index in Milvus: milvus:PATH.db (Milvus Lite files beside PATH) "
        "or milvus:http://HOST:19530[#NAME] (a server)",
    )
    parser.add_argument("--resume", action="store_true", help="keep phase results already in --work")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # a child process: one phase, one size
        n = int(args.articles[0])
        result = PHASES[args.phase](args.work, n, args.embedder, args.store if args.phase.startswith("store-") else "")
        (args.work / "results" / f"{args.phase}-{n}.json").write_text(json.dumps(result, indent=2))
        return 0

    if not args.data.exists():
        print(f"bench skipped: {args.data} is not there (the FANG-COVID file; pass --data PATH)", file=sys.stderr)
        return 0
    if args.queries < 1:
        parser.error("--queries must be >= 1")
    work = args.work or Path(tempfile.mkdtemp(prefix="rag-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"bench: preparing {args.data} in {work}", file=sys.stderr)
    counts = prepare(args.data, work, args.articles, args.queries)
    if args.store:
        sized_store(args.store, "0")  # a spec that is no Milvus one fails here, before any work
    skipped = {"encode"} | {p for p in PHASES if (args.no_baseline and p.startswith("lc-"))}
    names = [p for p in PHASES if p not in skipped and (args.store or not p.startswith("store-"))]
    results: dict[int, dict[str, dict[str, Any]]] = {n: {} for n in counts}
    for name in sorted(names, key=lambda p: not p.startswith("lc-")):  # the baseline first, size by size
        for n in counts:
            results[n][name] = run_phase(name, work, n, args.embedder, args.resume, args.store)
    for n in counts:  # the separate encoding passes last: at full size one is as long as an ingest
        if args.floor_max is None or n <= args.floor_max:
            results[n]["encode"] = run_phase("encode", work, n, args.embedder, args.resume)
    sizes = [size_entry(n, results[n], not args.no_baseline) for n in counts]
    report = {
        "machine": machine(),
        "embedder": args.embedder,
        "queries": args.queries,
        "held_back_for_incremental": HELD_BACK,
        "data": args.data.name,
        "store": args.store,
        "sizes": sizes,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (args.out / "bench.md").write_text(markdown(report), encoding="utf-8")
    plot(report, args.out)
    print(markdown(report))
    print(f"reports in {args.out}/: bench.json, bench.md, bench_latency.png, bench_ingest.png")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
