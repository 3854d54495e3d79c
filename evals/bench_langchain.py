"""The pipeline a user would otherwise build from LangChain's parts, for ``evals/bench.py`` to compare with.

``RecursiveCharacterTextSplitter`` -> ``FAISS.from_documents`` + ``BM25Retriever`` in an
``EnsembleRetriever`` (reciprocal-rank fusion, equal weights), with the project's embedder behind
LangChain's ``Embeddings`` interface so that both pipelines encode with the same model.

Each document is the article's headline followed by its text, so both pipelines index the same words.
The BM25 retriever has no save format of its own: at start-up it is rebuilt from FAISS's docstore,
which is what a user of these parts does. ``FAISS.load_local`` unpickles its docstore; the bench
only loads files it wrote itself a moment before.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from rag.chunking import Chunk
from rag.corpus import Article
from rag.embedding import Embedder
from rag.retrieval import Hit

CHUNK_CHARS = 800  # the project's default chunk length, so both pipelines cut passages of one size
CHUNK_OVERLAP = 100  # about one sentence, like the project's one-sentence overlap


class EmbedderEmbeddings(Embeddings):
    """A project embedder behind LangChain's ``Embeddings`` interface (the bench times the embedder itself)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


def to_documents(articles: list[Article]) -> list[Document]:
    return [
        Document(
            page_content=f"{a.title}\n\n{a.text}",
            metadata={"article_id": a.id, "title": a.title, "date": a.date, "source": a.source, "url": a.url},
        )
        for a in articles
    ]


def split(documents: list[Document]) -> list[Document]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP, add_start_index=True)
    return splitter.split_documents(documents)


def build(articles: list[Article], embeddings: EmbedderEmbeddings, folder: Path) -> int:
    """Split, embed into FAISS, build BM25 (as a user would, to have it ready) and save; returns chunk count."""
    from langchain_community.retrievers import BM25Retriever
    from langchain_community.vectorstores import FAISS

    chunks = split(to_documents(articles))
    store = FAISS.from_documents(chunks, embeddings)
    BM25Retriever.from_documents(chunks)
    store.save_local(str(folder))
    return len(chunks)


class LangChainPipeline:
    """A saved baseline index loaded for querying."""

    def __init__(self, folder: Path, embeddings: EmbedderEmbeddings, k: int) -> None:
        from langchain_classic.retrievers import EnsembleRetriever
        from langchain_community.retrievers import BM25Retriever
        from langchain_community.vectorstores import FAISS

        self.store = FAISS.load_local(str(folder), embeddings, allow_dangerous_deserialization=True)
        documents = list(self.store.docstore._dict.values())  # type: ignore[attr-defined]
        self.bm25 = BM25Retriever.from_documents(documents, k=k)
        self.ensemble = EnsembleRetriever(
            retrievers=[self.bm25, self.store.as_retriever(search_kwargs={"k": k})], weights=[0.5, 0.5]
        )
        self.k = k

    def retrieve(self, query: str) -> list[Document]:
        return self.ensemble.invoke(query)[: self.k]

    def add(self, articles: list[Article], folder: Path) -> None:
        """Incremental add: embed only the new chunks, but BM25 must be rebuilt over everything."""
        from langchain_community.retrievers import BM25Retriever

        chunks = split(to_documents(articles))
        self.store.add_documents(chunks)
        documents = list(self.store.docstore._dict.values())  # type: ignore[attr-defined]
        self.bm25 = BM25Retriever.from_documents(documents, k=self.k)
        self.store.save_local(str(folder))


def to_hits(documents: list[Document]) -> list[Hit]:
    """Documents as the project's hits, so the same extractive generator answers from them."""
    hits = []
    for number, doc in enumerate(documents):
        meta: dict[str, Any] = doc.metadata
        text = doc.page_content
        article = Article(meta["article_id"], meta["title"], text, meta.get("date"), meta.get("source") or "", "", "")
        hits.append(Hit(Chunk(article.id, text, 0, len(text), number), 0.0, article))
    return hits
