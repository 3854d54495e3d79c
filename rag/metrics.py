"""Ranking and answer metrics at the document level, for one question at a time.

A ranking is a list of document ids, best first, as produced by ``document_ranking`` from retrieved
chunks: a document is found at the rank of its first retrieved chunk.

Example:
    >>> ranking = document_ranking(["b", "b", "a", "c"])
    >>> ranking, recall_at(ranking, {"a"}, 1), reciprocal_rank(ranking, {"a"}, 10)
    (['b', 'a', 'c'], 0.0, 0.5)
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections.abc import Iterable

import numpy as np

_PUNCT = re.compile(f"[{re.escape(string.punctuation)}„“”‚‘’«»–—…]")


def document_ranking(chunk_doc_ids: Iterable[str]) -> list[str]:
    """Distinct documents in order of their first chunk."""
    return list(dict.fromkeys(chunk_doc_ids))


def recall_at(ranking: list[str], gold: set[str], k: int) -> float:
    """Share of gold documents within the first ``k`` ranks."""
    if not gold:
        raise ValueError("a question needs at least one gold document")
    return len(gold & set(ranking[:k])) / len(gold)


def reciprocal_rank(ranking: list[str], gold: set[str], k: int) -> float:
    """1 / rank of the first gold document within ``k`` ranks, else 0."""
    for rank, doc in enumerate(ranking[:k], start=1):
        if doc in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at(ranking: list[str], gold: set[str], k: int) -> float:
    """Binary-relevance nDCG: ``sum(1 / log2(rank + 1))`` over gold hits, divided by its ideal."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, doc in enumerate(ranking[:k], start=1) if doc in gold)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal if ideal else 0.0


def retrieval_metrics(ranking: list[str], gold: set[str]) -> dict[str, float]:
    """All of ``rag eval``'s retrieval metrics for one question, under their report names."""
    scores = {f"recall@{k}": recall_at(ranking, gold, k) for k in (1, 5, 10)}
    scores["mrr@10"] = reciprocal_rank(ranking, gold, 10)
    scores["ndcg@10"] = ndcg_at(ranking, gold, 10)
    return scores


def normalise_answer(text: str) -> str:
    """Lower-case, unify Unicode, drop punctuation and collapse white space (SQuAD-style, no articles)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(_PUNCT.sub(" ", text).split())


def has_gold(answer: str, golds: list[str]) -> float:
    """1.0 when any normalised gold answer occurs in the normalised answer as whole words."""
    norm = f" {normalise_answer(answer)} "
    return float(any(g and f" {g} " in norm for g in (normalise_answer(x) for x in golds)))


def citation_precision(cited_docs: list[str], gold: set[str]) -> float | None:
    """Share of cited passages that come from a gold document; None when nothing was cited."""
    if not cited_docs:
        return None
    return sum(doc in gold for doc in cited_docs) / len(cited_docs)


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (linear interpolation), 0.0 for no values."""
    return float(np.percentile(values, q)) if values else 0.0
