"""Shipped models as plain JSON: loading, checking, and evaluating them in numpy.

A tree ensemble is stored as padded per-tree node arrays (feature, threshold, left, right, value);
leaves point at themselves, so ``depth`` rounds of fancy indexing walk every tree for every
candidate at once. No training library is needed at run time and nothing is unpickled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .errors import QAError

FORMAT_VERSION = 1


class ModelError(QAError):
    """A shipped model file is missing, damaged, or was made for other features."""


def load_model(path: Path, kind: str, feature_set: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The JSON model at ``path`` after checking its kind, format and feature set against this code."""
    hint = "reinstall the package or re-run `make train`"
    try:
        model = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"cannot read the {kind} model {path}: {exc}", hint) from None
    if not isinstance(model, dict) or model.get("kind") != kind:
        raise ModelError(f"{path} is not a {kind} model", hint)
    if model.get("format_version") != FORMAT_VERSION:
        raise ModelError(
            f"{path} has model format {model.get('format_version')!r}, this version reads {FORMAT_VERSION}",
            hint,
        )
    if model.get("feature_set") != feature_set or tuple(model.get("features", ())) != names:
        raise ModelError(
            f"{path} was trained on feature set {model.get('feature_set')!r}, "
            f"this code computes {feature_set!r}",
            hint,
        )
    return model


class TreeEnsemble:
    """Sum of regression trees over a feature matrix, all trees x all rows per step."""

    def __init__(self, spec: dict[str, Any], n_features: int) -> None:
        try:
            self.feature = np.asarray(spec["feature"], dtype=np.int64)
            self.threshold = np.asarray(spec["threshold"], dtype=np.float64)
            self.left = np.asarray(spec["left"], dtype=np.int64)
            self.right = np.asarray(spec["right"], dtype=np.int64)
            self.value = np.asarray(spec["value"], dtype=np.float64)
            self.depth = int(spec["depth"])
            self.bias = float(spec.get("bias", 0.0))
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"malformed tree ensemble ({type(exc).__name__}: {exc})") from None
        shape = self.feature.shape
        arrays = (self.threshold, self.left, self.right, self.value)
        if len(shape) != 2 or any(a.shape != shape for a in arrays):
            raise ModelError("malformed tree ensemble: node arrays differ in shape")
        nodes = shape[1]
        if shape[0] and (
            self.feature.min() < 0
            or self.feature.max() >= n_features
            or min(self.left.min(), self.right.min()) < 0
            or max(self.left.max(), self.right.max()) >= nodes
        ):
            raise ModelError("malformed tree ensemble: a node points outside its tree or feature list")
        self._tree = np.arange(shape[0])[:, None]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """One score per row of ``x`` (rows, features)."""
        n = x.shape[0]
        if n == 0 or self.feature.shape[0] == 0:
            return np.full(n, self.bias)
        node = np.zeros((self.feature.shape[0], n), dtype=np.int64)
        cols = np.arange(n)[None, :]
        for _ in range(self.depth):
            go_left = x[cols, self.feature[self._tree, node]] <= self.threshold[self._tree, node]
            node = np.where(go_left, self.left[self._tree, node], self.right[self._tree, node])
        return self.value[self._tree, node].sum(axis=0) + self.bias
