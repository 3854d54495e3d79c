"""Syndicated copies: articles that tell the same story (one agency text in several outlets) share a story id.

Each article's content (boilerplate left out, see ``rag.boilerplate``) becomes a set of five-word
shingles and a MinHash signature of 128 values (``datasketch``). Signatures are cut into 32 bands
of 4 values; two articles that agree on a whole band are candidates (locality-sensitive hashing: a
pair with shingle overlap J is found with probability 1 - (1 - J^4)^32, 0.89 at J = 0.5, 0.99996 at
J = 0.8), and a candidate whose estimated Jaccard similarity reaches ``THRESHOLD`` joins its story.
Every copy stays in the index; the retrieval shows one passage per story, with the outlets of the
other copies ("auch in: …").

Example:
    >>> a = signature("Der Kreml bestätigte am Freitag das Telefonat zwischen Trump und Putin am Samstag.")
    >>> b = signature("Der Kreml bestätigte am Freitag das Telefonat zwischen Trump und Putin am Samstag. (dpa)")
    >>> similarity(a, b) >= THRESHOLD
    True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rag.boilerplate import boilerplate_spans

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 5
THRESHOLD = 0.5  # estimated Jaccard of the shingle sets; evals/studies/near_duplicates.py shows why
_SEED = 1  # fixed: signatures are stored, so every process must draw the same permutations
_WORD = re.compile(r"\w+", re.UNICODE)


def content_text(text: str) -> str:
    """``text`` without its datelines, credits and agency codes."""
    kept, at = [], 0
    for a, b in boilerplate_spans(text):
        kept.append(text[at:a])
        at = max(at, b)
    kept.append(text[at:])
    return " ".join(kept)


def shingles(text: str) -> set[bytes]:
    """The article's five-word shingles (lower-cased words, boilerplate left out); short texts give one."""
    words = _WORD.findall(content_text(text).lower())
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> np.ndarray:
    """The MinHash signature of ``text``: ``NUM_PERM`` unsigned 64-bit values."""
    from datasketch import MinHash

    sketch = MinHash(num_perm=NUM_PERM, seed=_SEED)
    sketch.update_batch(list(shingles(text)))
    return np.asarray(sketch.hashvalues, dtype=np.uint64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of positions where they agree."""
    return float(np.mean(a == b))


def same_passage(a: str, b: str) -> bool:
    """Whether two passages say the same (their shingle sets overlap by ``THRESHOLD`` or more): copies of
    one story can differ in the part a passage comes from, and then both passages are kept."""
    sa, sb = shingles(a), shingles(b)
    return bool(sa | sb) and len(sa & sb) >= THRESHOLD * len(sa | sb)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (SQLite stores it as an INTEGER)."""
    rows = sig.reshape(BANDS, ROWS)
    return [
        int.from_bytes(hashlib.blake2b(row.tobytes(), digest_size=8).digest(), "little", signed=True) for row in rows
    ]


@dataclass(frozen=True)
class StoryRow:
    """What the index stores about an article's story."""

    article_id: str
    story: str
    signature: np.ndarray


class StoryIndex:
    """Band keys of known articles in memory: finds the story a new article belongs to.

    Args:
        rows: ``(band, key, article_id, story_id)`` of the articles already indexed.
    """

    def __init__(self, rows: list[tuple[int, int, str, str]] | None = None) -> None:
        self._buckets: dict[tuple[int, int], list[str]] = {}
        self.story: dict[str, str] = {}
        for band, key, article_id, story_id in rows or []:
            self._buckets.setdefault((band, key), []).append(article_id)
            self.story[article_id] = story_id

    def assign(self, article_id: str, sig: np.ndarray, signatures: Callable[[list[str]], dict[str, np.ndarray]]) -> str:
        """The story of a new article (its own id when it copies none), which is then remembered.

        ``signatures`` looks up the signatures of candidate articles; the most similar candidate at or
        above ``THRESHOLD`` decides the story.
        """
        keys = band_keys(sig)
        candidates = sorted({a for band, key in enumerate(keys) for a in self._buckets.get((band, key), ())})
        found = signatures(candidates) if candidates else {}
        best, best_sim = article_id, THRESHOLD
        for other in candidates:
            sim = similarity(sig, found[other])
            if sim >= best_sim and (sim > best_sim or best == article_id):
                best, best_sim = other, sim
        story = article_id if best == article_id else self.story[best]
        for band, key in enumerate(keys):
            self._buckets.setdefault((band, key), []).append(article_id)
        self.story[article_id] = story
        return story

    def candidates(self, sig: np.ndarray) -> set[str]:
        """Known articles that share at least one band with ``sig``."""
        return {a for band, key in enumerate(band_keys(sig)) for a in self._buckets.get((band, key), ())}
