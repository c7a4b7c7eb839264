"""The abstention threshold: the answerability model's own, or one calibrated for an index.

The shipped threshold is part of ``qa/models/answerability.json`` (chosen by cross-validation on the
training data by ``make train``), so one setting serves every corpus without labels. Whoever has
labelled questions for their corpus can run ``qa calibrate``: the threshold it chooses is stored beside
that index and used only for the same store and while the index was built with the same encoder
(runtime, model, dimension, weights), the confidence is on the same scale (``CONFIDENCE``) and comes from
the same shipped models (``models_key``: a retrain moves each question's probability); anything else falls
back to the model's. Several Milvus stores may share one ``--index`` folder: each keeps its
calibration in a file of its own, which records the store it was made for.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OutputError, write_fix
from .manifest import read_regular

if TYPE_CHECKING:
    from .assistant import Assistant
    from .config import Settings

INDEX_FILE = "calibration.json"
CONFIDENCE = "answerability-v1"  # what the confidence is; bump with a new answerability model family
ENCODER_KEYS = ("runtime", "model", "dim")  # a threshold fits the scores of this encoder only


def models_key(answerability: dict, reranker: dict) -> str:
    """Which shipped models a confidence comes from: both files as read, hashed (13 ms, only when a
    calibration is there). The probability is the answerability model's over the reranked top, so a
    retrain of either moves it: session fifteen's moved questions from 0.305 to 0.319 and 0.326 to 0.294,
    and a threshold chosen on the old probabilities would then abstain, or answer, for the wrong ones."""
    text = json.dumps([answerability, reranker], sort_keys=True, separators=(",", ":"), allow_nan=True)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(
    path: Path, encoder: dict | None, store: str, models: Callable[[], str] | None = None
) -> float | None:
    """The threshold stored at ``path`` if it is well formed and made for ``encoder``, ``store`` and, when
    given, the models ``models()`` names (a file without that record predates it: other models). A file
    there that is no calibration at all (a hand edit gone wrong) is ``_Unusable``: said, then set aside."""
    try:
        data = json.loads(read_regular(path))  # a FIFO named like it would block every start
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _Unusable(f"it cannot be read ({exc.strerror or exc})") from None
    except (ValueError, RecursionError):  # UnicodeError too
        raise _Unusable("it is not JSON") from None
    threshold = data.get("threshold") if isinstance(data, dict) else None
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
        # float(true) is 1.0 (every question abstains), float("0.9") a hand-edited text
        shown = json.dumps(threshold)[:40] if isinstance(data, dict) and "threshold" in data else "none"
        raise _Unusable(f"its threshold is {shown}, not a number from 0 to 1")
    made_for = data.get("encoder") or {}
    if data.get("confidence") != CONFIDENCE or not isinstance(made_for, dict):
        return None
    if data.get("store", LOCAL) != store:  # calibrations from before stores were named: local ones
        return None
    if encoder is not None and any(made_for.get(key) != encoder.get(key) for key in ENCODER_KEYS):
        return None
    if encoder is not None and "weights" in made_for and made_for["weights"] != encoder.get("weights"):
        return None  # other weights under the same name score otherwise (older files did not record them)
    if models is not None and data.get("models") != models():
        raise _OtherModels(float(threshold))
    return float(threshold)


class _Unusable(Exception):
    """A calibration file that cannot be one: not JSON, or its threshold not a number from 0 to 1."""


class _OtherModels(Exception):
    """A calibration fit for this store and encoder, but chosen on other models' probabilities."""


LOCAL = "local"


def store_key(settings: Settings) -> str:
    """The store a calibration is made for: ``local``, or the Milvus database or server and alias."""
    from .milvus.target import parse_store

    target = parse_store(settings.store)
    return LOCAL if target.kind == "local" else f"{target.kind} {target.uri} {target.name}"


def _file_name(store: str) -> str:
    if store == LOCAL:
        return INDEX_FILE
    return f"calibration-{hashlib.sha256(store.encode('utf-8')).hexdigest()[:12]}.json"


def calibration_path(settings: Settings) -> Path:
    """Where the calibration of ``settings``'s index is kept."""
    return settings.index_dir / _file_name(store_key(settings))


def load_threshold(
    index_dir: Path,
    encoder: dict | None,
    default: float,
    store: str = LOCAL,
    models: Callable[[], str] | None = None,
    note: Callable[[str], None] | None = None,
) -> float:
    """The index's own calibrated threshold if it fits the store, the encoder, the confidence scale and
    (``models``) the shipped models, else ``default`` (the answerability model's threshold). ``note`` is
    told when a calibration is set aside for other models, or as no calibration (a hand edit gone wrong):
    a threshold a user chose, silently dropped, would look like a change of behaviour with no cause."""
    path = index_dir / _file_name(store)
    try:
        value = _read(path, encoder, store, models)
    except _OtherModels as other:
        if note is not None:
            note(
                f"the calibration {path} (threshold {other.args[0]}) was chosen with other answerability or "
                f"reranker models than these: their threshold {default} is used; run qa calibrate again"
            )
        return default
    except _Unusable as unusable:  # edited by hand: set aside in silence, the edit would look applied
        if note is not None:
            note(
                f"the calibration {path} is set aside: {unusable.args[0]}; the model's threshold {default} "
                "is used (run qa calibrate again, or mend the file)"
            )
        return default
    return default if value is None else value


def _ours(path: Path) -> bool:
    """False when ``path`` exists but is not a calibration this tool wrote (any threshold, any encoder)."""
    try:
        data = json.loads(read_regular(path))
    except FileNotFoundError:
        return True
    except (OSError, ValueError, RecursionError):
        return not path.exists() or path.is_dir()  # a folder in the way fails below, by name
    return isinstance(data, dict) and "threshold" in data and "confidence" in data


def save_threshold(result: dict, assistant: Assistant) -> Path:
    """Write the calibration next to the index, atomically; the running assistant uses it at once."""
    path, store = calibration_path(assistant.settings), store_key(assistant.settings)
    encoder = assistant.index.manifest["encoder"]
    models = models_key(assistant.answerability.model, assistant.rerank_model.model)
    data = {**result, "confidence": CONFIDENCE, "encoder": encoder, "store": store, "models": models}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # never a name a user's file may have
    try:
        with tmp.open("w", encoding="utf-8") as fh:  # on disk before it replaces the old one: a crash
            fh.write(json.dumps(data, indent=2) + "\n")  # right after leaves the old or the new, never empty
            fh.flush()
            os.fsync(fh.fileno())
        if not _ours(path):  # a user's file of that name in the folder chosen as index: kept aside
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            os.rename(path, path.with_name(f"{path.name}.kept-{stamp}"))
        os.replace(tmp, path)
    except BaseException as exc:  # Ctrl-C or SIGTERM too: the temporary file is never left behind
        with contextlib.suppress(OSError):
            tmp.unlink()
        if not isinstance(exc, OSError):
            raise
        raise OutputError(
            f"cannot write the calibration {path} ({exc.strerror or exc}); the threshold was not saved",
            f"{write_fix(exc, 'the index folder')}, then run qa calibrate again",
        ) from None
    assistant.threshold = result["threshold"]
    return path
