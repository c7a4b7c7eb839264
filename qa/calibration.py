"""The abstention threshold: a shipped default, and a per-index one written by ``qa calibrate``.

The default in ``qa/calibration.json`` is the output of ``qa calibrate --save-default`` on the
shared dev files; a threshold calibrated for one index lives beside it in the index folder and
is used only while the index was built with the same encoder. A threshold applies to one confidence
scale (``CONFIDENCE``): a file written for another scale (the similarity confidence before the
answerability model) is ignored, and the answerability model's own threshold applies.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .assistant import Assistant

DEFAULT_FILE = Path(__file__).with_name("calibration.json")
INDEX_FILE = "calibration.json"
FALLBACK = 0.5
CONFIDENCE = "answerability-v1"  # what the confidence is; bump with a new answerability model family


def _read(path: Path, encoder: dict | None) -> float | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        threshold = float(data["threshold"])
        if data.get("confidence") != CONFIDENCE:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if encoder is not None and data.get("encoder", {}).get("runtime") not in (None, encoder.get("runtime")):
        return None
    return threshold if 0.0 <= threshold <= 1.0 else None


def load_threshold(index_dir: Path, encoder: dict | None = None, default: float = FALLBACK) -> float:
    """The index's own calibrated threshold if it fits the encoder and the confidence scale, else the
    shipped default file, else ``default`` (the answerability model's threshold)."""
    for path in (index_dir / INDEX_FILE, DEFAULT_FILE):
        value = _read(path, encoder if path != DEFAULT_FILE else None)
        if value is not None:
            return value
    return default


def save_threshold(result: dict, assistant: Assistant, default: bool = False) -> Path:
    """Write the calibration next to the index (or as the shipped default), atomically."""
    path = DEFAULT_FILE if default else assistant.settings.index_dir / INDEX_FILE
    data = {**result, "confidence": CONFIDENCE, "encoder": assistant.index.manifest["encoder"]}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    assistant.threshold = result["threshold"]
    return path
