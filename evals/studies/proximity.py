"""Would term proximity (a question's words close together in a passage) lift the hybrid's first hit on XQuAD-de?

    python evals/studies/proximity.py > evals/studies/sweep-proximity.log

The hybrid already rewards a question's terms meeting in one sentence (the best-sentence share of
the lexical score). Proximity models go further: the sequential dependence model (Metzler and Croft,
SIGIR 2005) scores pairs of query terms that occur next to each other or inside a small window.
This study re-scores the hybrid's top 20 passages as ``(1 - w) * _minmax(fused) + w * _minmax(prox)``,
where ``prox`` sums, over pairs of the question's content stems, the pair's idf times a saturated
count of the passage's places where both occur within ``WINDOW`` tokens (an adjacent pair in the
question's order counts double). The pair idf is taken over the 240 paragraphs. w is chosen on the
questions of the even-numbered Wikipedia articles and checked on the odd-numbered ones, and the
reverse; w = 0 is the hybrid as it ranks today.
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter
from itertools import combinations, pairwise
from pathlib import Path

import numpy as np

from rag import metrics
from rag.evaluation import load_dataset
from rag.lexical import GermanAnalyzer
from rag.pipeline import Pipeline
from rag.retrieval import _minmax
from rag.settings import Settings

DEPTH = 20
WINDOW = 8
WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
NAMES = ("recall@1", "recall@5", "mrr@10")


def pairs_near(tokens: list[str], window: int) -> Counter[tuple[str, str]]:
    """Unordered pairs of distinct stems within ``window`` tokens of each other, counted per occurrence."""
    found: Counter[tuple[str, str]] = Counter()
    for i, a in enumerate(tokens):
        for b in tokens[i + 1 : i + window]:
            if a != b:
                found[(a, b) if a < b else (b, a)] += 1
    return found


def adjacent(tokens: list[str]) -> Counter[tuple[str, str]]:
    return Counter(pairwise(tokens))


Pairs = tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]  # (within the window, adjacent in order)


def proximity(q: list[str], doc: Pairs, idf: dict[tuple[str, str], float]) -> float:
    """Sum over the question's stem pairs of idf * saturated co-occurrence count (adjacent in order counts double)."""
    near, nextto = doc
    score = 0.0
    for a, b in {(a, b) if a < b else (b, a) for a, b in combinations(dict.fromkeys(q), 2)}:
        tf = near.get((a, b), 0) + nextto.get((a, b), 0) + nextto.get((b, a), 0)
        if tf:
            score += idf.get((a, b), idf[("", "")]) * tf / (tf + 1.2)
    return score


def main() -> None:
    data = load_dataset(Path("evals/datasets/xquad.de.json"))
    docs = data.documents or []
    titles = list(dict.fromkeys(a.title for a in docs))
    half_of = {a.id: titles.index(a.title) % 2 for a in docs}
    analyzer = GermanAnalyzer(drop_stop_words=True)
    df: Counter[tuple[str, str]] = Counter()
    for a in docs:
        df.update(set(pairs_near(analyzer.tokens(a.text), WINDOW)))
    n = len(docs)
    idf = {p: math.log(1 + (n - c + 0.5) / (c + 0.5)) for p, c in df.items()}
    idf[("", "")] = math.log(1 + (n + 0.5) / 0.5)  # a pair no paragraph has
    rows: list[tuple[int, list[str], np.ndarray, np.ndarray, set[str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(Settings(index_dir=Path(tmp)))
        pipe.ingest_items(docs)
        pairs: dict[tuple[str, int], Pairs] = {}  # per chunk, counted once however many questions retrieve it
        for q in data.questions:
            hits = pipe.retrieve(q.question, DEPTH, "hybrid")
            if not hits:
                continue
            qt = analyzer.tokens(q.question)
            prox = []
            for h in hits:
                key = (h.article.id, h.chunk.index)
                if key not in pairs:
                    words = analyzer.tokens(h.chunk.text)
                    pairs[key] = (pairs_near(words, WINDOW), adjacent(words))
                prox.append(proximity(qt, pairs[key], idf))
            gold = set(q.gold)
            fused = np.array([h.score for h in hits])
            rows.append((half_of[next(iter(gold))], [h.article.id for h in hits], fused, np.array(prox), gold))

    def score(w: float, half: int | None) -> dict[str, float]:
        sums = dict.fromkeys(NAMES, 0.0)
        chosen = [r for r in rows if half is None or r[0] == half]
        for _, ids, fused, prox, gold in chosen:
            order = np.argsort(-((1 - w) * _minmax(fused) + w * _minmax(prox)), kind="stable")
            got = metrics.retrieval_metrics(metrics.document_ranking([ids[i] for i in order][:10]), gold)
            for k in NAMES:
                sums[k] += got[k]
        return {k: v / len(chosen) for k, v in sums.items()}

    print(f"# {len(rows)} questions, top {DEPTH} re-scored, window {WINDOW}")
    print("w | all: R@1 R@5 MRR@10 | even half R@1 MRR@10 | odd half R@1 MRR@10")
    table = {}
    for w in WEIGHTS:
        table[w] = [score(w, None), score(w, 0), score(w, 1)]
        every, e, o = table[w]
        print(
            f"{w:.2f} | {every['recall@1']:.3f} {every['recall@5']:.3f} {every['mrr@10']:.3f} | "
            f"{e['recall@1']:.3f} {e['mrr@10']:.3f} | {o['recall@1']:.3f} {o['mrr@10']:.3f}",
            flush=True,
        )
    for fit, check in ((1, 2), (2, 1)):
        best = max(WEIGHTS, key=lambda w: (table[w][fit]["mrr@10"], -w))
        base, got = table[0.0][check], table[best][check]
        print(
            f"w chosen on the {'even' if fit == 1 else 'odd'} half: {best}; on the other half R@1 "
            f"{base['recall@1']:.3f} -> {got['recall@1']:.3f}, MRR@10 {base['mrr@10']:.3f} -> {got['mrr@10']:.3f}"
        )


if __name__ == "__main__":
    main()
