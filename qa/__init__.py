"""Semantic question answering over Indonesian documents (sentence chunks, e5, FAISS + BM25)."""

__version__ = "0.1.0"
__all__ = ["Assistant", "Settings", "QAError", "__version__"]


def __getattr__(name: str):  # lazy, so `qa --help` does not load numpy or the model
    if name == "Assistant":
        from .assistant import Assistant

        return Assistant
    if name == "Settings":
        from .config import Settings

        return Settings
    if name == "QAError":
        from .errors import QAError

        return QAError
    raise AttributeError(name)
