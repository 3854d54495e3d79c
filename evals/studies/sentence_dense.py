"""Does the best sentence's dense similarity lift the hybrid on XQuAD-de? (an idea the issue-3 note left untried)

    python evals/studies/sentence_dense.py > evals/studies/sweep-sentence-dense.log

For every question the hybrid's top 20 passages are re-scored as (1 - w) * minmax(fused score) + w *
minmax(best sentence cosine), the sentences embedded with the default embedder (cached per chunk), and
recall@1/5 and MRR@10 are printed for each w. w = 0 is the hybrid as it ranks today. Embedding every
sentence at ingest would cost about a second embedding pass; this measures first whether it would pay.
"""

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rag import metrics
from rag.chunking import split_sentences
from rag.evaluation import load_dataset
from rag.pipeline import Pipeline
from rag.settings import Settings

DEPTH = 20  # passages re-scored per question


def candidates(dataset: Any) -> list[tuple[list[str], np.ndarray, np.ndarray, set[str]]]:
    """Per question: the hybrid's top passages' article ids, fused scores and best sentence cosines, and the gold."""
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Settings(index_dir=Path(tmp)))
        pipe.ingest_items(dataset.documents or [])
        cache: dict[tuple[str, int], np.ndarray] = {}
        rows = []
        started = time.time()
        for q in dataset.questions:
            hits = pipe.retrieve(q.question, DEPTH, "hybrid")
            for h in hits:
                if (h.article.id, h.chunk.index) not in cache:
                    sentences = [h.chunk.text[a:b] for a, b in split_sentences(h.chunk.text)] or [h.chunk.text]
                    cache[(h.article.id, h.chunk.index)] = pipe.embedder.embed(sentences)
            qv = pipe._embed_query(q.question)
            fused = np.array([h.score for h in hits])
            best = np.array([float((cache[(h.article.id, h.chunk.index)] @ qv).max()) for h in hits])
            rows.append(([h.article.id for h in hits], fused, best, set(q.gold)))
        print(f"{time.time() - started:.0f} s, {len(cache)} chunks' sentences embedded", file=sys.stderr)
    return rows


def minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def main() -> int:
    rows = candidates(load_dataset(Path("evals/datasets/xquad.de.json")))
    print("w | recall@1 recall@5 mrr@10")
    for w in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5):
        sums: dict[str, float] = {}
        for ids, fused, best, gold in rows:
            order = np.argsort(-((1 - w) * minmax(fused) + w * minmax(best)), kind="stable")
            ranking = metrics.document_ranking([ids[i] for i in order][:10])
            for k, v in metrics.retrieval_metrics(ranking, gold).items():
                sums[k] = sums.get(k, 0.0) + v
        print(w, "|", " ".join(f"{sums[k] / len(rows):.3f}" for k in ("recall@1", "recall@5", "mrr@10")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
