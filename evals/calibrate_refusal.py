"""Calibrate the extractive generator's decline threshold on XQuAD-de.

Answerable: each question with the passages retrieved from the whole corpus. Unanswerable: the
same question with every paragraph of its own Wikipedia article removed from the retrieved list,
so no passage can hold the answer. Prints the evidence-score quantiles of both groups and the
threshold with the best balanced accuracy.

    python evals/calibrate_refusal.py [--limit 400]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from rag.evaluation import load_dataset
from rag.generation import ExtractiveGenerator, best_evidence
from rag.pipeline import Pipeline
from rag.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/xquad.de.json"))
    parser.add_argument("--limit", type=int, default=400)
    args = parser.parse_args()
    data = load_dataset(args.dataset)
    step = max(1, len(data.questions) // args.limit)
    questions = data.questions[::step][: args.limit]  # spread over all articles, not the first few
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Settings(index_dir=Path(tmp)))
        pipe.ingest_items(data.documents or [])
        gen = pipe.generator
        assert isinstance(gen, ExtractiveGenerator)
        k = pipe.settings.k
        answerable, unanswerable = [], []
        for q in questions:
            hits = pipe.retrieve(q.question, 40)
            gold_titles = {h.article.title for h in hits if h.article.id in q.gold}
            answerable.append(best_evidence(gen, q.question, hits[:k]))
            others = [h for h in hits if h.article.title not in gold_titles][:k]
            unanswerable.append(best_evidence(gen, q.question, others))
    a, u = np.array(answerable), np.array(unanswerable)
    print(f"{len(questions)} questions, k={k}")
    for name, values in (("answerable", a), ("unanswerable", u)):
        print(f"{name:>12}: " + " ".join(f"p{p}={np.percentile(values, p):.3f}" for p in (5, 25, 50, 75, 95)))
    best = max(np.arange(0.20, 0.80, 0.01), key=lambda t: ((a >= t).mean() + (u < t).mean()) / 2)
    print(
        f"best balanced threshold {best:.2f}: answers {(a >= best).mean():.1%} of answerable, "
        f"declines {(u < best).mean():.1%} of unanswerable"
    )
    current = gen.min_score
    print(f"current threshold {current:.2f}: answers {(a >= current).mean():.1%}, declines {(u < current).mean():.1%}")


if __name__ == "__main__":
    main()
