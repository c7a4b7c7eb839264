"""Training of the reranker and the answerability model (``make train``); not part of the runtime package."""
