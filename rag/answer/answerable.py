"""Whether the retrieved passages answer the question: the extractive answerer's decline decision.

One sentence's score alone separates answerable questions from unanswerable ones poorly: when the
passage that holds the answer is missing, another passage about the same subject still shares most
of the question's words. What tells them apart is which words are shared. The rare words of a
question (weighted by their BM25 idf in the index) and its word pairs occur in a passage that answers
it; a passage on the same subject shares the common ones. So the decision is a logistic model over a
few such measurements (``FEATURES``), unless the best sentence's score alone is high enough
(``SURE_SCORE``) and the question names no noun the index never holds, fitted by
``evals/studies/calibrate_refusal.py`` on half of XQuAD-de's Wikipedia articles (each question asked
once with all passages and once with its gold paragraph removed) and checked on the other half; the
fitted weights are constants here.

Example:
    >>> x = features(Evidence(0.7, 0.6, 0.1, 0.9, 0.9, 1.0, 0.6, 5))
    >>> answer_probability(x) > THRESHOLD
    True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass

import numpy as np

TermWeights = Callable[[list[str]], dict[str, float]]  # stemmed terms -> their idf in the index

# the cosines among the features are this embedder's: the answerer uses it whatever embeds the index
EMBEDDER = "use-multilingual"
FEATURES = ("score", "idf_best", "gap", "idf_top", "pairs_top", "cos_top", "cos_best", "n_terms")
# fitted by evals/studies/calibrate_refusal.py (standardisation folded in); see that script's report
WEIGHTS = np.array([1.9867, 2.1909, 5.6468, 4.3196, -0.1808, 0.3340, 2.3941, 0.0566])
BIAS = -5.7429
THRESHOLD = 0.195
# an English question over German articles shares almost no words with them, so the same measurements mean
# something else: a model of its own, fitted the same way on XQuAD's English questions over its German
# paragraphs (evals/datasets/xquad.en-de.json; evals/reports/xquad.en-de/calibrate_refusal.txt)
EN_WEIGHTS = np.array([-0.4064, -0.6419, 10.3277, 3.0098, -0.7862, 4.1624, 3.0710, -0.0423])
EN_BIAS = -3.2435
EN_THRESHOLD = 0.165
# a sentence that matches the question this well answers it whatever the word weights say: readers
# paraphrase ("telefonierten" for "Telefongespräch"), and only 5% of XQuAD-de's questions asked without
# their gold paragraph reach this score (evals/reports/xquad.de/calibrate_refusal.txt; 0.65 with the model
# refitted declined fewer of them in all, 67.8% against 68.7%)
SURE_SCORE = 0.6


@dataclass(frozen=True)
class Evidence:
    """What the retrieved passages offer for a question, as numbers (one per name in ``FEATURES``).

    Attributes:
        score: the best sentence's score (``ExtractiveGenerator.score_sentences``).
        idf_best: the share of the question's idf weight that the best sentence's passage holds.
        gap: how far the best sentence's score is ahead of the second's.
        idf_top: the share of the question's idf weight that the first passage holds.
        pairs_top: the share of the question's adjacent content-word pairs found adjacent in the first passage.
        cos_top: cosine of the question to the first passage.
        cos_best: cosine of the question to the best sentence.
        n_terms: how many distinct content words the question has.
    """

    score: float
    idf_best: float
    gap: float
    idf_top: float
    pairs_top: float
    cos_top: float
    cos_best: float
    n_terms: int


def features(evidence: Evidence) -> np.ndarray:
    return np.asarray(astuple(evidence), dtype=np.float64)


def answer_probability(x: np.ndarray, english: bool = False) -> float:
    """The fitted model's probability that passages with these features answer the question.

    For an English question, the English model's, its bias moved so that it declines below ``THRESHOLD``
    exactly where it would decline below its own ``EN_THRESHOLD``: one threshold serves both."""
    if english:
        z = float(x @ EN_WEIGHTS + EN_BIAS) - _logit(EN_THRESHOLD) + _logit(THRESHOLD)
    else:
        z = float(x @ WEIGHTS + BIAS)
    return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def idf_share(terms: set[str], weights: dict[str, float], found: set[str]) -> float:
    """The share of the idf weight of ``terms`` that ``found`` holds (0 for no terms)."""
    total = sum(weights.get(t, 1.0) for t in terms)
    return sum(weights.get(t, 1.0) for t in terms & found) / total if total else 0.0


def pair_share(terms: Sequence[str], tokens: Sequence[str]) -> float:
    """The share of adjacent pairs in ``terms`` that stand adjacent in ``tokens`` (0 with fewer than two terms)."""
    pairs = list(itertools.pairwise(terms))
    if not pairs:
        return 0.0
    present = set(itertools.pairwise(tokens))
    return sum(p in present for p in pairs) / len(pairs)
