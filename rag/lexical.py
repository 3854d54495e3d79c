"""German BM25: Snowball-stemmed tokens, scored from a sparse term-frequency matrix.

The matrix is built from per-segment term counts, so adding articles never re-tokenises old ones,
and the scoring weights are computed once at load, never per query.

Example:
    >>> analyzer = GermanAnalyzer()
    >>> analyzer.tokens("Die Telefongespräche der Präsidenten")
    ['telefongesprach', 'prasident']
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import numpy as np
from scipy import sparse

_TOKEN = re.compile(r"\w+", re.UNICODE)


class GermanAnalyzer:
    """Lower-cases, drops German stop words and reduces words to their Snowball German stem."""

    def __init__(self) -> None:
        import Stemmer
        from bm25s.stopwords import STOPWORDS_GERMAN

        self._stemmer: Any = Stemmer.Stemmer("german")
        self._stop = frozenset(STOPWORDS_GERMAN)

    def tokens(self, text: str) -> list[str]:
        words = [w for w in _TOKEN.findall(text.lower()) if len(w) > 1 and w not in self._stop]
        return [stem for stem in self._stemmer.stemWords(words) if stem]


class Vocabulary:
    """Stable term ids; new terms are appended, existing ids never change."""

    def __init__(self, terms: list[str] | None = None) -> None:
        self.terms: list[str] = list(terms or [])
        self.ids: dict[str, int] = {t: i for i, t in enumerate(self.terms)}

    def add(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return found


def term_counts(token_lists: list[list[str]], vocab: Vocabulary) -> sparse.csr_matrix:
    """Count terms per document into a CSR matrix (documents x vocabulary), growing ``vocab``."""
    indptr = [0]
    indices: list[int] = []
    data: list[int] = []
    for tokens in token_lists:
        counts = Counter(vocab.add(t) for t in tokens)
        indices.extend(counts.keys())
        data.extend(counts.values())
        indptr.append(len(indices))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(token_lists), max(len(vocab.terms), 1)),
    )


class BM25:
    """Okapi BM25 as Lucene scores it: idf ``log(1 + (N - df + 0.5) / (df + 0.5))`` times
    ``tf / (tf + k1 * (1 - b + b * dl / avgdl))`` (without the constant ``k1 + 1``, which changes no ranking).

    Args:
        counts: documents x terms raw counts (rows may come from several segments).
        k1: term-frequency saturation.
        b: length normalisation.
    """

    def __init__(self, counts: sparse.csr_matrix, k1: float = 1.5, b: float = 0.75) -> None:
        counts = sparse.csr_matrix(counts, dtype=np.float32)
        self.n_docs = counts.shape[0]
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        avg = float(lengths.mean()) if self.n_docs else 1.0
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float32)
        self.idf = np.log1p((self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = k1 * (1.0 - b + b * lengths / max(avg, 1e-9))
        row_of_entry = np.repeat(np.arange(self.n_docs), np.diff(counts.indptr))
        tf = counts.data
        weights = counts.copy()
        weights.data = (tf / (tf + norm[row_of_entry])).astype(np.float32)
        self._weights = weights.tocsc()  # column slices per query term are the hot path

    def scores(self, term_ids: list[int]) -> np.ndarray:
        """BM25 score of every document for a query given as term ids (unknown terms dropped)."""
        known = [t for t in term_ids if 0 <= t < self._weights.shape[1]]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        ids = np.asarray(known)
        return np.asarray(self._weights[:, ids] @ self.idf[ids]).ravel()
