"""The Milvus store backend: the same index (vectors, sentence and window BM25, chunks, manifest) in a
Milvus collection, embedded (Milvus Lite, a ``.db`` path) or on a server (standalone or cluster, by URI).

``qa.milvus.store.open_index`` returns a ``StoredIndex`` whose ``vectors``, ``lexical`` and
``lexical_window`` are adapters with the methods the ``Retriever`` calls, so fusion, reranking and
abstention run unchanged on the candidates the engine returns. pymilvus is imported on first use.
"""
