"""LangChain adapter: the project's retrievers as a ``BaseRetriever``, so they compose with chains.

Example:
    >>> retriever = NewsRetriever(pipeline=pipe, k=4)  # doctest: +SKIP
    >>> docs = retriever.invoke("Wann telefonierten Trump und Putin?")  # doctest: +SKIP
    >>> docs[0].metadata["title"], docs[0].metadata["start"]  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from rag.retrieval import DateRange, Hit


def hit_to_document(hit: Hit) -> Document:
    """A LangChain document for a hit; offsets and article data go into the metadata."""
    art = hit.article
    return Document(
        page_content=hit.chunk.text,
        metadata={
            "article_id": art.id,
            "title": art.title,
            "date": art.date,
            "source": art.source,
            "url": art.url,
            "start": hit.chunk.start,
            "end": hit.chunk.end,
            "score": hit.score,
        },
    )


class NewsRetriever(BaseRetriever):
    """Retrieves passages from a ``rag.pipeline.Pipeline``'s index (hybrid, dense or bm25)."""

    pipeline: Any
    k: int = 5
    retriever: str | None = None
    date_from: str | None = None
    date_to: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        filters = DateRange.parse(self.date_from, self.date_to)
        hits = self.pipeline.retrieve(query, self.k, self.retriever, filters)
        return [hit_to_document(h) for h in hits]
