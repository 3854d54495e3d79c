"""Does the answerer's own sentence score, used to re-rank the hybrid's passages, lift R@1 on XQuAD-de?

    python evals/studies/answer_rerank.py > evals/studies/sweep-answer-rerank.log

The answerer scores every sentence of the passages it reads (``ExtractiveGenerator.score_sentences``:
cosine, coverage of the question's words, and whether the sentence holds what the question type asks
for, such as a date for "wann"). Retrieval does not know the question type. For every question the
hybrid's top ``DEPTH`` passages are re-scored as ``(1 - w) * minmax(fused) + w * minmax(best sentence
score of the passage)`` and recall@1 / MRR@10 printed for each w, on all questions and on the two halves
of XQuAD-de's Wikipedia articles (even and odd), so that a weight is not taken from one lucky half.
w = 0 is the hybrid as it ranks today. Re-ranking would embed the sentences of ten passages at query time
(what the answerer now does for five), so it has to pay in R@1 to be worth building.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag import metrics
from rag.evaluation import load_dataset
from rag.pipeline import Pipeline
from rag.settings import Settings

DEPTHS = (5, 10)  # passages re-scored per question
WEIGHTS = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 1.0)


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = x.min(), x.max()
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def main() -> int:
    data = load_dataset(Path("evals/datasets/xquad.de.json"))
    titles = list(dict.fromkeys(a.title for a in data.documents or []))
    title_of = {a.id: a.title for a in data.documents or []}
    rows = []  # per question: passage ids, fused scores, best sentence score per passage, gold, half
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Settings(index_dir=Path(tmp)))
        pipe.ingest_items(data.documents or [])
        gen = pipe.generator
        for q in data.questions:
            question = pipe.check_question(q.question)
            hits = pipe.retrieve(question, max(DEPTHS), "hybrid")
            best = np.zeros(len(hits))
            for cand in gen.score_sentences(question, hits).ranked:
                best[cand.number - 1] = max(best[cand.number - 1], cand.score)
            half = titles.index(title_of[next(iter(q.gold))]) % 2
            rows.append(([h.article.id for h in hits], np.array([h.score for h in hits]), best, set(q.gold), half))
    print(f"# {len(rows)} questions scored in {time.time() - started:.0f} s", file=sys.stderr)
    print("depth w | all R@1 MRR@10 | even half R@1 MRR@10 | odd half R@1 MRR@10")
    for depth in DEPTHS:
        for w in WEIGHTS:
            cells = []
            for part in (None, 0, 1):
                sums = {"recall@1": 0.0, "mrr@10": 0.0}
                chosen = [r for r in rows if part is None or r[4] == part]
                for ids, fused, best, gold, _ in chosen:
                    score = fused - 10.0  # passages below the depth keep their order, after the re-scored ones
                    score[:depth] = (1 - w) * _minmax(fused[:depth]) + w * _minmax(best[:depth])
                    order = np.argsort(-score, kind="stable")
                    found = metrics.retrieval_metrics(metrics.document_ranking([ids[i] for i in order]), gold)
                    for name in sums:
                        sums[name] += found[name]
                cells.append(f"{sums['recall@1'] / len(chosen):.3f} {sums['mrr@10'] / len(chosen):.3f}")
            print(f"{depth} {w} | " + " | ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
