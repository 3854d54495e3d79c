from __future__ import annotations

import math

import numpy as np
import pytest

from rag import metrics


def test_document_ranking_counts_a_document_at_its_first_chunk():
    assert metrics.document_ranking(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]


@pytest.mark.parametrize(
    ("ranking", "gold", "k", "expected"),
    [
        (["x", "g", "y"], {"g"}, 1, 0.0),  # miss at 1
        (["x", "g", "y"], {"g"}, 2, 1.0),
        (["x", "y"], {"g"}, 10, 0.0),  # never found
        (["g1", "x", "g2"], {"g1", "g2"}, 2, 0.5),  # two gold documents, one within k
        ([], {"g"}, 5, 0.0),
    ],
)
def test_recall_by_hand(ranking: list[str], gold: set[str], k: int, expected: float):
    assert metrics.recall_at(ranking, gold, k) == expected


def test_reciprocal_rank_and_ndcg_by_hand():
    assert metrics.reciprocal_rank(["x", "y", "g"], {"g"}, 10) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(["x", "y", "g"], {"g"}, 2) == 0.0
    # one gold at rank 3: DCG = 1/log2(4) = 0.5, ideal = 1
    assert metrics.ndcg_at(["x", "y", "g"], {"g"}, 10) == pytest.approx(0.5)
    # two gold at ranks 1 and 3: (1 + 0.5) / (1 + 1/log2(3))
    assert metrics.ndcg_at(["a", "x", "b"], {"a", "b"}, 10) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert metrics.ndcg_at(["x"], {"g"}, 10) == 0.0


def test_ties_between_chunks_of_one_document_count_once():
    # chunks of "g" tie with those of "x": the document ranking keeps each document once, in chunk order
    ranking = metrics.document_ranking(["x", "g", "x", "g"])
    assert ranking == ["x", "g"]
    assert metrics.reciprocal_rank(ranking, {"g"}, 10) == 0.5
    assert metrics.recall_at(ranking, {"g"}, 1) == 0.0


def test_ndcg_and_mrr_agree_with_scikit_learn():
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(7)
    for _ in range(50):
        n = 12
        scores = rng.permutation(n).astype(float)  # distinct scores: no tie handling differences
        docs = [f"d{i}" for i in range(n)]
        gold = {f"d{i}" for i in rng.choice(n, size=rng.integers(1, 3), replace=False)}
        ranking = [docs[i] for i in np.argsort(-scores)]
        truth = np.array([[1.0 if d in gold else 0.0 for d in docs]])
        assert metrics.ndcg_at(ranking, gold, 10) == pytest.approx(sk.ndcg_score(truth, scores[None, :], k=10))
        if len(gold) == 1 and metrics.reciprocal_rank(ranking, gold, 10) > 0:
            # for one relevant item, label ranking average precision is exactly 1 / rank
            lrap = sk.label_ranking_average_precision_score(truth, scores[None, :])
            assert metrics.reciprocal_rank(ranking, gold, 10) == pytest.approx(lrap)


def test_answer_normalisation_and_gold_match():
    assert metrics.normalise_answer("  „Der   Hafen“, sagte er! ") == "der hafen sagte er"
    assert metrics.has_gold("Die Panthers gewannen 24–10 [1]", ["24–10"]) == 1.0
    assert metrics.has_gold("Im Jahr 20100 war es", ["2010"]) == 0.0  # whole words only
    assert metrics.has_gold("nichts", ["etwas", ""]) == 0.0


def test_citation_precision_and_percentiles():
    assert metrics.citation_precision(["g", "x", "g", "y"], {"g"}) == 0.5
    assert metrics.citation_precision([], {"g"}) is None
    assert metrics.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert metrics.percentile([], 95) == 0.0
