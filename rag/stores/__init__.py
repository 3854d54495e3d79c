"""Where the index lives. ``files``: the project's own (SQLite docstore, FAISS and BM25 segment files in
``--index-dir``), the default. ``milvus``: Milvus Lite in a file or a Milvus server (``--store milvus:…``).

Retrieval and answering meet either through the ``rag.retrieval.Retriever`` seam (``retrieve(query, k,
filters)`` -> hits with their articles); the pipeline picks the store's retrievers.
"""
