"""Calibrate the extractive answerer's decline threshold on XQuAD-de, choosing and checking apart.

Each question is answered twice: with the passages retrieved from the whole corpus (answerable), and
with its gold paragraph taken out of the retrieved list (unanswerable: no passage holds the answer;
other paragraphs of the same Wikipedia article stay). For every threshold it prints how often
answerable questions are declined (false refusals), how often the unanswerable ones are declined, and
how often the answer holds the gold span. The threshold is chosen on the questions of the even-numbered
Wikipedia articles and reported on the odd-numbered ones, which took no part in the choice.

    python evals/studies/calibrate_refusal.py [--out evals/reports/xquad.de/calibrate_refusal.txt]
"""

from __future__ import annotations

import argparse
import copy
import tempfile
from pathlib import Path

import numpy as np

from rag import metrics
from rag.answer import ExtractiveGenerator
from rag.evaluation import load_dataset
from rag.pipeline import Pipeline
from rag.retrieval import Hit
from rag.settings import Settings

THRESHOLDS = np.round(np.arange(0.30, 0.61, 0.02), 2)
TARGET_FALSE_REFUSALS = 0.08


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/xquad.de.json"))
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    data = load_dataset(args.dataset)
    titles = list(dict.fromkeys(a.title for a in data.documents or []))
    title_of = {a.id: a.title for a in data.documents or []}
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Settings(index_dir=Path(tmp)))
        pipe.ingest_items(data.documents or [])
        gen = pipe.generator
        assert isinstance(gen, ExtractiveGenerator)
        probe = copy.copy(gen)
        probe.min_score = 0.0  # answers everything it can; the threshold is applied below
        k = pipe.settings.k
        rows = []
        for q in data.questions:
            hits = pipe.retrieve(q.question, k + 10)
            half = titles.index(title_of[next(iter(q.gold))]) % 2
            answer = probe.generate(q.question, hits[:k])
            score_a = _decision_score(probe, q.question, hits[:k])
            others = [h for h in hits if h.article.id not in q.gold][:k]
            score_u = _decision_score(probe, q.question, others)
            gold = 0.0 if answer.declined else metrics.has_gold(answer.text, q.answers)
            rows.append((half, score_a, score_u, gold))
    table = np.array(rows)
    lines = [f"{len(rows)} questions, k={k}; choosing half: even-numbered articles, checking half: odd-numbered"]
    lines.append("threshold | choosing: false refusals, unanswerable declined, has gold | checking: the same")
    for t in THRESHOLDS:
        lines.append(f"{t:.2f} | {_rates(table[table[:, 0] == 0], t)} | {_rates(table[table[:, 0] == 1], t)}")
    choosing = table[table[:, 0] == 0]
    allowed = [t for t in THRESHOLDS if (choosing[:, 1] < t).mean() <= TARGET_FALSE_REFUSALS]
    chosen = max(allowed) if allowed else THRESHOLDS[0]
    lines.append(
        f"chosen on the choosing half: {chosen:.2f} (the highest with false refusals <= {TARGET_FALSE_REFUSALS})"
    )
    lines.append(f"checking half at {chosen:.2f}: {_rates(table[table[:, 0] == 1], chosen)}")
    lines.append(f"current default {gen.min_score:.2f}, all questions: {_rates(table, gen.min_score)}")
    print("\n".join(lines))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _decision_score(gen: ExtractiveGenerator, question: str, hits: list[Hit]) -> float:
    """The best sentence's score, or -1 when the answerer declines whatever the threshold."""
    info, ranked = gen.score_sentences(question, hits)
    if not ranked or gen.unknown_names(info, hits):
        return -1.0
    return ranked[0].score


def _rates(rows: np.ndarray, t: float) -> str:
    answered = rows[:, 1] >= t
    return f"{1 - answered.mean():.3f}, {(rows[:, 2] < t).mean():.3f}, {(rows[:, 3] * answered).mean():.3f}"


if __name__ == "__main__":
    main()
