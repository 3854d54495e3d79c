"""One settings object with defaults, overridable from the environment (``RAG_*``) or the CLI."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from rag.errors import RagError

RETRIEVERS = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class Settings:
    """Everything a run can be configured with.

    Each field ``name`` can be set with the environment variable ``RAG_NAME``
    (``RAG_INDEX_DIR=/data/idx``, ``RAG_K=8``).
    """

    index_dir: Path = Path("index")
    # where the index lives: "" the project's own files in index_dir; milvus:PATH.db (Milvus Lite) or
    # milvus:http://HOST:19530 (a Milvus server; token from MILVUS_TOKEN)
    store: str = ""
    ray: str = ""  # embed ingest batches on Ray: "local" (a Ray on this machine) or a cluster's address
    # "": the model that embedded the index in index_dir, or the default (DEFAULT_EMBEDDER) for a new one
    embedder: str = ""
    chunk_chars: int = 800
    chunk_overlap: int = 1
    title_in_index: bool = True
    drop_stop_words: bool = False  # build the BM25 index without German stop words (earlier indexes did)
    split_compounds: bool = False  # also index the parts of German compounds (rag.compounds)
    retriever: str = "hybrid"
    k: int = 5
    hybrid_weight: float = 0.5  # share of the dense score in the fused score
    # the same for a question in English: its words are not the German articles' words, so BM25 finds little
    # and the multilingual embedder carries it (XQuAD's English questions over its German paragraphs, hybrid
    # R@1: 0.643 at 0.5, 0.783 / 0.792 / 0.776 at 0.7 / 0.8 / 0.9, dense alone 0.753; evals/reports/xquad.en-de/)
    english_hybrid_weight: float = 0.8
    sentence_weight: float = 0.5  # share of the best sentence's BM25 in the hybrid's lexical score
    headline_weight: float = 0.3  # added weight of the headline's BM25 in the hybrid's lexical score
    candidates: int = 100  # per retriever, before fusion
    batch_articles: int = 2000  # articles committed per segment during ingest
    exact_search_max: int = 100_000  # exact vector search up to this many chunks, HNSW graphs above
    max_question_chars: int = 500
    # BLAS threads of the default embedder: 1 kept ~195 passages/s alone and beside a busy process, 2 gave
    # 292 alone but 98 beside one (evals/studies/embed_threads.py); 0: one per core. RAG_EMBED_THREADS=2
    # suits a machine that does nothing else.
    embed_threads: int = 1
    serve_workers: int = 2  # questions the server answers at once (evals/load_test.py; RAG_SERVE_WORKERS)
    # conversations the server keeps, the least recently used beyond go (a follow-up there is read on its own, with
    # a note). Each session costs ~90 KB, most of it Gradio's own copy of the page's config: from a cold start,
    # 1,000 requests grew memory by 169 MB with 1,000 kept, 107 with 200, 90 with 100
    # (evals/reports/bench/load_1000.txt)
    serve_sessions: int = 100
    max_article_chars: int = 1_000_000  # longer articles are refused at ingest (a book-length text is no article)
    llm: str = "none"  # who writes answers: none (quotes only), openai:MODEL@URL, ollama:MODEL[@URL], local[:PATH.gguf]
    reference_date: str = ""  # what "gestern", "letzte Woche" count from ("": the newest article's date)
    # a relative date in a question puts its period first ("filter": searches only it);
    # chosen by evals/studies/date_questions.py
    relative_dates: str = "boost"

    def __post_init__(self) -> None:
        if self.retriever not in RETRIEVERS:
            raise RagError(f"retriever must be one of {', '.join(RETRIEVERS)}, got {self.retriever!r}")
        if self.reference_date:
            from rag.corpus import parse_date

            try:
                parse_date(self.reference_date)
            except ValueError:
                raise RagError(
                    f"reference date {self.reference_date!r} is not a date; use YYYY-MM-DD",
                    f"Bezugsdatum „{self.reference_date}“ ist kein Datum; bitte JJJJ-MM-TT angeben.",
                ) from None
        if self.relative_dates not in ("filter", "boost"):
            raise RagError(f"relative dates must be filter or boost, got {self.relative_dates!r}")
        if self.k < 1:
            raise RagError(f"k must be >= 1, got {self.k}")
        for name in ("hybrid_weight", "english_hybrid_weight", "sentence_weight", "headline_weight"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise RagError(f"{name.replace('_', ' ')} must be between 0 and 1, got {value}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Defaults, then ``RAG_*`` variables, then explicit overrides that are not None."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"RAG_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _convert(f.name, raw, type(getattr(cls(), f.name)))
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "index_dir" in values:
            values["index_dir"] = Path(str(values["index_dir"]))
        return replace(cls(), **values)  # type: ignore[arg-type]


def _convert(name: str, raw: str, kind: type) -> object:
    try:
        if kind is bool:
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes"}
        if issubclass(kind, Path):
            return Path(raw)
        return kind(raw)  # type: ignore[call-arg]
    except ValueError:
        raise RagError(f"RAG_{name.upper()}={raw!r} is not a valid {kind.__name__}") from None
