"""How the hybrid's two scores are put on one scale, and whether the weight should follow the query.

    python evals/studies/fusion_norm.py > evals/studies/sweep-fusion-norm.log

The hybrid fuses ``w * minmax(dense) + (1 - w) * minmax(lexical)`` over the union of both top-100 lists.
Min-max lets one outlier set the scale: when the lexical list has one far-ahead passage, every other
passage's lexical score is squeezed towards 0, and when all passages score alike the small differences
are blown up to the full [0, 1]. This study scores every XQuAD-de question once (the dense and lexical
score of every candidate passage, as the hybrid computes them) and then ranks the candidates under
other normalisations and fusions, offline:

- ``minmax``: today's fusion (a check that the study reproduces the eval's figures);
- ``zscore``: each score list centred on its mean and divided by its standard deviation;
- ``top-k minmax``: min-max over the best ``n`` candidates only, the rest at 0;
- ``margin``: the weight follows how far each list's first passage is ahead of its second (a list
  that is sure of its first pick gets more say);
- ``rrf``: reciprocal-rank fusion (k = 60), for reference.

Recall@1 and MRR@10 are at document level, as `rag eval` reports them. The dataset's questions are split
into two halves by article: a variant's free parameter is chosen on one half and reported on the
other, so a figure is never the best of a sweep on the questions it is reported on.
"""

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rag.evaluation import load_dataset
from rag.pipeline import Pipeline
from rag.retrieval import _minmax, _top_matching
from rag.settings import Settings

Row = tuple[np.ndarray, np.ndarray, list[str], set[str], str]  # dense, lexical, article ids, gold, title


def score_all(dataset_path: Path) -> list[Row]:
    """Every question's candidates with the dense and lexical score the hybrid gives them."""
    dataset = load_dataset(dataset_path)
    with tempfile.TemporaryDirectory() as tmp:
        s = Settings(index_dir=Path(tmp))
        pipe = Pipeline(s)
        pipe.ingest_items(dataset.documents or [])
        pipe = Pipeline(s)
        idx = pipe.index
        out: list[Row] = []
        titles = {d.id: d.title for d in dataset.documents or []}
        for q in dataset.questions:
            question = pipe.check_question(q.question)
            qvec = idx.embed_query(question)
            dense_rows, _ = idx.dense_top(qvec, s.candidates, None)
            lexical = idx.lexical_scores(question, s.sentence_weight, s.headline_weight)
            rows = np.union1d(dense_rows, _top_matching(lexical, s.candidates, None))
            ids = [idx.table.article_ids[r] for r in rows]
            gold = set(q.gold)
            out.append((idx.dense_scores(qvec, rows), lexical[rows], ids, gold, titles.get(next(iter(gold)), "")))
        return out


def doc_metrics(fused: np.ndarray, ids: list[str], gold: set[str]) -> tuple[float, float]:
    """Recall@1 and reciprocal rank within the first 10 documents."""
    seen: list[str] = []
    for r in np.argsort(-fused, kind="stable"):
        if ids[r] not in seen:
            seen.append(ids[r])
        if len(seen) == 10:
            break
    rank = next((i for i, d in enumerate(seen, 1) if d in gold), None)
    return float(rank == 1), (1.0 / rank if rank else 0.0)


def zscore(v: np.ndarray) -> np.ndarray:
    sd = float(v.std())
    return (v - v.mean()) / sd if sd > 0 else np.zeros_like(v)


def top_minmax(v: np.ndarray, n: int) -> np.ndarray:
    if v.size <= n:
        return _minmax(v)
    cut = np.sort(v)[-n]
    lo, hi = cut, float(v.max())
    return np.clip((v - lo) / (hi - lo), 0, None) if hi > lo else np.zeros_like(v)


def margin(v: np.ndarray) -> float:
    """How far the first score is ahead of the second, in units of the list's spread."""
    if v.size < 2:
        return 0.0
    top2 = np.sort(v)[-2:]
    span = float(v.max() - v.min())
    return float(top2[1] - top2[0]) / span if span > 0 else 0.0


Fusion = Callable[[np.ndarray, np.ndarray, float], np.ndarray]


def fuse_minmax(d: np.ndarray, x: np.ndarray, w: float) -> np.ndarray:
    return w * _minmax(d) + (1 - w) * _minmax(x)


def fuse_z(d: np.ndarray, x: np.ndarray, w: float) -> np.ndarray:
    return w * zscore(d) + (1 - w) * zscore(x)


def fuse_top(n: int) -> Fusion:
    return lambda d, x, w: w * top_minmax(d, n) + (1 - w) * top_minmax(x, n)


def fuse_margin(d: np.ndarray, x: np.ndarray, a: float) -> np.ndarray:
    md, mx = margin(d), margin(x)
    w = 0.5 + a * (md - mx)
    w = min(max(w, 0.1), 0.9)
    return w * _minmax(d) + (1 - w) * _minmax(x)


def fuse_rrf(d: np.ndarray, x: np.ndarray, w: float) -> np.ndarray:
    rd = np.argsort(np.argsort(-d))
    rx = np.argsort(np.argsort(-x))
    return w / (60 + rd) + (1 - w) / (60 + rx)


def measure(rows: list[Row], fusion: Fusion, param: float) -> tuple[float, float]:
    r1 = rr = 0.0
    for d, x, ids, gold, _ in rows:
        a, b = doc_metrics(fusion(d, x, param), ids, gold)
        r1 += a
        rr += b
    return r1 / len(rows), rr / len(rows)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("evals/datasets/xquad.de.json")
    started = time.time()
    german = score_all(path)
    took = time.time() - started
    print(f"# python evals/studies/fusion_norm.py {path}  ({len(german)} questions scored in {took:.0f} s)")
    titles = sorted({r[4] for r in german})
    halves = [
        [r for r in german if titles.index(r[4]) % 2 == 0],
        [r for r in german if titles.index(r[4]) % 2 == 1],
    ]
    variants: list[tuple[str, Fusion, list[float]]] = [
        ("minmax w", fuse_minmax, [0.3, 0.4, 0.5, 0.6]),
        ("zscore w", fuse_z, [0.3, 0.4, 0.5, 0.6]),
        ("top-10 minmax w", fuse_top(10), [0.3, 0.4, 0.5, 0.6]),
        ("top-30 minmax w", fuse_top(30), [0.3, 0.4, 0.5, 0.6]),
        ("margin a", fuse_margin, [0.0, 0.25, 0.5, 1.0, 2.0]),
        ("rrf w", fuse_rrf, [0.3, 0.5, 0.7]),
    ]
    print("variant param | all: R@1 MRR@10 | half A | half B")
    for name, fusion, params in variants:
        for p in params:
            a = measure(german, fusion, p)
            h = [measure(half, fusion, p) for half in halves]
            print(f"{name} {p} | {a[0]:.3f} {a[1]:.3f} | {h[0][0]:.3f} {h[0][1]:.3f} | {h[1][0]:.3f} {h[1][1]:.3f}")
        # held out: the parameter best on one half (by MRR@10), reported on the other
        held = []
        for pick, report in ((0, 1), (1, 0)):
            best = max(params, key=lambda p: measure(halves[pick], fusion, p)[1])
            held.append((best, measure(halves[report], fusion, best)))
        r1 = (held[0][1][0] * len(halves[1]) + held[1][1][0] * len(halves[0])) / len(german)
        mrr = (held[0][1][1] * len(halves[1]) + held[1][1][1] * len(halves[0])) / len(german)
        print(f"{name} held-out (picked {held[0][0]} / {held[1][0]}) | {r1:.3f} {mrr:.3f}")


if __name__ == "__main__":
    main()
