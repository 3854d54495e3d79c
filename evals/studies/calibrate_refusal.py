"""Fit the extractive answerer's decline decision on XQuAD-de, choosing and checking apart.

Each question is read twice: with the passages retrieved from the whole corpus (answerable), and with
its gold paragraph taken out of the retrieved list (unanswerable: no passage holds the answer; other
paragraphs of the same Wikipedia article stay). For each, the measurements of
``rag.answer.answerable.Evidence`` are taken with the production code. A logistic regression over them
is fitted on the questions of the even-numbered Wikipedia articles (a best-sentence score of
``SURE_SCORE`` or more answers in any case, as in the answerer, unless the question names a noun the
index never holds), and its threshold is the highest
that declines at most 8% of those answerable questions. Both are then checked on the odd-numbered
articles, which took no part in the choice; the reverse split is printed too, to show how much the
figures move with the split. The script prints the weights to put in ``rag/answer/answerable.py``.

The unanswerable reading keeps the ranking of what is left but not its retrieval scores (the fused
score is scaled to the best remaining passage only in a real search), so no feature uses them.

    python evals/studies/calibrate_refusal.py [--out evals/reports/xquad.de/calibrate_refusal.txt]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from rag import metrics
from rag.answer import ExtractiveGenerator
from rag.answer.answerable import FEATURES, SURE_SCORE, features
from rag.evaluation import load_dataset
from rag.pipeline import Pipeline
from rag.retrieval import Hit
from rag.settings import Settings

TARGET_FALSE_REFUSALS = 0.08


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, default=Path("evals/datasets/xquad.de.json"))
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    data = load_dataset(args.dataset)
    titles = list(dict.fromkeys(a.title for a in data.documents or []))
    title_of = {a.id: a.title for a in data.documents or []}
    halves, answerable, unanswerable, gold, held = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Settings(index_dir=Path(tmp)))
        pipe.ingest_items(data.documents or [])
        gen = pipe.generator
        assert isinstance(gen, ExtractiveGenerator)
        k = pipe.settings.k
        for q in data.questions:
            hits = pipe.retrieve(q.question, k + 10)
            halves.append(titles.index(title_of[next(iter(q.gold))]) % 2)
            answerable.append(_measure(gen, q.question, hits[:k]))
            unanswerable.append(_measure(gen, q.question, [h for h in hits if h.article.id not in q.gold][:k]))
            scored = gen.score_sentences(q.question, hits[:k])
            held.append(not scored.unheld)  # the index holds the question's nouns: a sure score may answer
            quoted = " ".join(c.text for c in gen._choose(scored.info, scored.ranked)) if scored.ranked else ""
            gold.append(metrics.has_gold(quoted, q.answers))
    half, ans, una, has = np.array(halves), np.array(answerable), np.array(unanswerable), np.array(gold)
    # which questions a sure score may answer: those that name nothing the index never holds (alike with and
    # without the gold paragraph, as the index is the same)
    sure_ok = np.array(held)
    lines = [f"{len(half)} questions, k={k}; features: {', '.join(FEATURES)}"]
    lines.append("rows: false refusals (answerable declined), unanswerable declined, answer holds the gold span")
    fitted = {}
    for choose in (0, 1):
        weights, bias, threshold = _fit(ans[half == choose], una[half == choose], sure_ok[half == choose])
        fitted[choose] = (weights, bias, threshold)
        name = "even" if choose == 0 else "odd"
        for label, rows in (("choosing", half == choose), ("checking", half != choose)):
            rates = _rates(ans[rows], una[rows], has[rows], sure_ok[rows], weights, bias, threshold)
            lines.append(f"fitted on {name}-numbered articles, {label} half: {rates}")
    weights, bias, threshold = fitted[0]
    lines.append(f"all questions with the even fit: {_rates(ans, una, has, sure_ok, weights, bias, threshold)}")
    lines.append("single-score rule for comparison (decline below a best-sentence score, chosen the same way):")
    score_only = _fit(ans[half == 0][:, :1], una[half == 0][:, :1], sure_ok[half == 0])
    odd = half == 1
    lines.append(f"  checking half: {_rates(ans[odd][:, :1], una[odd][:, :1], has[odd], sure_ok[odd], *score_only)}")
    for sure in (0.5, 0.55, SURE_SCORE, 0.65, 0.7):
        share = (np.nan_to_num(una[:, 0], nan=-1.0) >= sure).mean()
        lines.append(f"questions without their gold paragraph whose best sentence scores >= {sure}: {share:.3f}")
    lines.append(
        f"questions naming a noun the index never holds (a sure score does not answer them): {(~sure_ok).mean():.3f}"
    )
    lines.append("for rag/answer/answerable.py (the even fit):")
    lines.append(f"WEIGHTS = np.array([{', '.join(f'{w:.4f}' for w in weights)}])")
    lines.append(f"BIAS = {bias:.4f}")
    lines.append(f"THRESHOLD = {threshold:.3f}")
    print("\n".join(lines))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _measure(gen: ExtractiveGenerator, question: str, hits: list[Hit]) -> np.ndarray:
    """The question's features with these passages; NaN where the answerer declines whatever the model says."""
    scored = gen.score_sentences(question, hits)
    if not scored.ranked or gen.unknown_names(scored.info, hits):
        return np.full(len(FEATURES), np.nan)
    return features(gen.evidence(scored, hits))


def _fit(ans: np.ndarray, una: np.ndarray, sure_ok: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Logistic weights (standardisation folded in) and the highest threshold within the false-refusal target."""
    x = np.r_[ans, una]
    y = np.r_[np.ones(len(ans)), np.zeros(len(una))]
    keep = ~np.isnan(x).any(axis=1)
    mean, scale = x[keep].mean(axis=0), x[keep].std(axis=0) + 1e-9
    model = LogisticRegression(C=10.0, max_iter=5000).fit((x[keep] - mean) / scale, y[keep])
    weights = model.coef_[0] / scale
    bias = float(model.intercept_[0] - (model.coef_[0] * mean / scale).sum())
    p = _probability(ans, weights, bias, sure_ok)
    candidates = np.round(np.arange(0.0, 1.0, 0.005), 3)
    threshold = max(t for t in candidates if (p < t).mean() <= TARGET_FALSE_REFUSALS)
    return weights, bias, float(threshold)


def _probability(x: np.ndarray, weights: np.ndarray, bias: float, sure_ok: np.ndarray) -> np.ndarray:
    """As the answerer decides: a best-sentence score of ``SURE_SCORE`` or more answers whatever the model says,
    unless the question names something the index never holds (``sure_ok`` False)."""
    z = np.clip(np.nan_to_num(x @ weights + bias, nan=-50.0), -50, 50)
    sure = (np.nan_to_num(x[:, 0], nan=-1.0) >= SURE_SCORE) & sure_ok
    return np.where(sure, 1.0, 1 / (1 + np.exp(-z)))


def _rates(
    ans: np.ndarray, una: np.ndarray, has: np.ndarray, sure_ok: np.ndarray, weights: np.ndarray, bias: float, t: float
) -> str:
    answered = _probability(ans, weights, bias, sure_ok) >= t
    declined = _probability(una, weights, bias, sure_ok) < t
    return f"{1 - answered.mean():.3f}, {declined.mean():.3f}, {(has * answered).mean():.3f}"


if __name__ == "__main__":
    main()
