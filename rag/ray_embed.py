"""Embedding an ingest batch on Ray (``rag ingest --ray [ADDRESS]``): the step that is over 95% of ingest.

The chunks' texts become a Ray dataset; ``map_batches`` runs them through a pool of actors, each
holding one embedder (the model loads once per actor), and the vectors come back to the ingesting
process in order. Writing stays there, one writer, so a batch becomes visible all at once on either
store exactly as without Ray. Without an address Ray starts on this machine; with one it joins that
cluster (``ray start --head`` on the head node, ``ray start --address=HEAD:6379`` on the others).
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from rag.embedding import make_embedder
from rag.errors import RagError

LOCAL = "local"  # --ray without an address
BATCH = 256  # texts an actor embeds at once


class _EmbedActor:
    """One embedder per Ray actor (Ray builds it with the spec and calls it with batches)."""

    def __init__(self, spec: str, threads: int) -> None:
        self.embedder = make_embedder(spec, threads)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        vectors = self.embedder.embed([str(t) for t in batch["text"]])
        return {"row": batch["row"], "vector": list(vectors.astype(np.float32))}


class RayEmbedder:
    """Embeds lists of texts on a Ray cluster with ``actors`` embedders of ``threads`` BLAS threads each."""

    def __init__(self, spec: str, address: str = LOCAL, actors: int | None = None, threads: int = 1) -> None:
        self.spec, self.address, self.threads = spec, address, threads
        self.actors = actors
        self._started = False

    def _start(self) -> None:
        if self._started:
            return
        try:
            import ray
        except ImportError:
            raise RagError("--ray needs Ray: pip install -e '.[scale]'") from None
        os.environ.setdefault("RAY_DEDUP_LOGS", "1")
        try:
            if self.address == LOCAL:
                ray.init(
                    ignore_reinit_error=True,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                )
            else:
                ray.init(
                    address=self.address, ignore_reinit_error=True, log_to_driver=False, logging_level=logging.WARNING
                )
        except Exception as err:  # ConnectionError, RuntimeError, ...: one line naming the address
            raise RagError(f"could not join the Ray cluster at {self.address}: {str(err).splitlines()[0]}") from None
        if self.actors is None:
            cpus = int(ray.cluster_resources().get("CPU", 1))
            self.actors = max(1, cpus // self.threads)
        self._started = True

    def embed(self, texts: list[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """The texts' vectors in order; ``progress`` hears how many are done as batches come back."""
        self._start()
        import ray.data

        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False  # the ingest shows its own
        logging.getLogger("ray.data").setLevel(logging.ERROR)  # no execution plans or notes on the terminal
        data = ray.data.from_items([{"row": i, "text": t} for i, t in enumerate(texts)])
        with warnings.catch_warnings():  # Ray 2.60 warns about its own handling of max_restarts
            warnings.filterwarnings("ignore", message=".*ray_remote_args.*")
            embedded = self._map(data)
        rows: list[np.ndarray] = []
        order: list[np.ndarray] = []
        for batch in embedded.iter_batches(batch_size=None, batch_format="numpy"):
            order.append(np.asarray(batch["row"]))
            rows.append(np.stack(batch["vector"]).astype(np.float32))
            if progress:
                progress(sum(len(o) for o in order))
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = np.concatenate(rows)
        return vectors[np.argsort(np.concatenate(order), kind="stable")]

    def _map(self, data: Any) -> Any:
        import ray.data

        return data.map_batches(
            _EmbedActor,
            fn_constructor_args=(self.spec, self.threads),
            batch_size=BATCH,
            compute=ray.data.ActorPoolStrategy(size=self.actors),
            num_cpus=self.threads,
            max_restarts=0,  # a failed actor fails the ingest, which keeps the index as it was
        )

    def stop(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False
