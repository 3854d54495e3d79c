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
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import sparse

from rag.compounds import german_splitter
from rag.errors import RagError

_TOKEN = re.compile(r"\w+", re.UNICODE)
# invisible characters inside words of web text: a soft hyphen ("Bundes\u00adkanzler") or a zero-width space
# would split a word in two; 97 of FANG-COVID's articles have soft hyphens, 110 zero-width spaces
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


KEEP_STOP_WORDS = "snowball-german"
DROP_STOP_WORDS = "snowball-german+bm25s-stopwords"
COMPOUNDS = "+compounds"  # appended to either name when compound parts are indexed too


class GermanAnalyzer:
    """Lower-cases, optionally drops German stop words, and reduces words to their Snowball German stem.

    Args:
        drop_stop_words: drop the words of bm25s's German stop list. The BM25 index keeps them by
            default (BM25's idf already weighs them low, and a short phrase of common words such as
            "Keine neuen Infektionen" stays findable); the answer generator drops them, as it
            compares content words.
    """

    def __init__(self, drop_stop_words: bool = True, compounds: bool = False) -> None:
        import Stemmer
        from bm25s.stopwords import STOPWORDS_GERMAN

        self._stemmer: Any = Stemmer.Stemmer("german")
        self._stop = frozenset(STOPWORDS_GERMAN) if drop_stop_words else frozenset()
        self.compounds = compounds
        self._splitter = german_splitter() if compounds else None
        self.name = (DROP_STOP_WORDS if drop_stop_words else KEEP_STOP_WORDS) + (COMPOUNDS if compounds else "")

    @classmethod
    def named(cls, name: str) -> GermanAnalyzer:
        """The analyzer an index manifest names."""
        base = name.removesuffix(COMPOUNDS)
        if base not in (KEEP_STOP_WORDS, DROP_STOP_WORDS):
            raise RagError(
                f"unknown analyzer {name!r}; this version knows {KEEP_STOP_WORDS!r} and {DROP_STOP_WORDS!r}, "
                f"each optionally with {COMPOUNDS!r}; rebuild the index with this version or use the one that built it"
            )
        return cls(drop_stop_words=base == DROP_STOP_WORDS, compounds=name.endswith(COMPOUNDS))

    def tokens(self, text: str) -> list[str]:
        """Stems of the text's words; with compounds, each compound's parts follow the word itself."""
        words = [w for w in _TOKEN.findall(_INVISIBLE.sub("", text).lower()) if len(w) > 1 and w not in self._stop]
        if self._splitter is not None:
            split = self._splitter.parts
            words = [p for w in words for p in (w, *split(w)) if p not in self._stop]
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

    The weights stay in one column-major (CSC) block per index segment, in segment order: a query
    reads only its terms' columns, and loading never stacks or transposes the whole matrix. Blocks
    may have fewer columns than the vocabulary (later segments add terms).

    Args:
        counts: documents x terms raw counts, one matrix or one block per segment (rows in order).
        k1: term-frequency saturation.
        b: length normalisation.
    """

    def __init__(self, counts: sparse.spmatrix | Sequence[sparse.spmatrix], k1: float = 1.5, b: float = 0.75) -> None:
        blocks = [sparse.csc_matrix(c) for c in ([counts] if sparse.issparse(counts) else counts)]
        self.n_terms = max((c.shape[1] for c in blocks), default=0)
        self.n_docs = sum(c.shape[0] for c in blocks)
        # row sums as a sparse product: several times faster than np.bincount over the postings
        lengths = [np.asarray(c @ np.ones(c.shape[1], dtype=np.float32)).ravel() for c in blocks]
        total = float(sum(x.sum() for x in lengths))
        avg = total / self.n_docs if self.n_docs else 1.0
        df = np.zeros(self.n_terms, dtype=np.float64)
        for c in blocks:
            df[: c.shape[1]] += np.diff(c.indptr)
        self.idf = np.log1p((self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        self._blocks: list[sparse.csc_matrix] = []
        for c, length in zip(blocks, lengths, strict=True):
            norm = (k1 * (1.0 - b + b * length / max(avg, 1e-9))).astype(np.float32)
            tf = c.data.astype(np.float32, copy=False)
            weights = tf / (tf + norm[c.indices])
            self._blocks.append(sparse.csc_matrix((weights, c.indices, c.indptr), shape=c.shape))

    def scores(self, term_ids: list[int]) -> np.ndarray:
        """BM25 score of every document for a query given as term ids (unknown terms dropped)."""
        ids = np.asarray([t for t in term_ids if 0 <= t < self.n_terms], dtype=np.int64)
        if ids.size == 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        parts = []
        for block in self._blocks:
            here = ids[ids < block.shape[1]]
            if here.size:
                parts.append(np.asarray(block[:, here] @ self.idf[here], dtype=np.float32).ravel())
            else:
                parts.append(np.zeros(block.shape[0], dtype=np.float32))
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
