"""Shipped models as plain JSON: loading, checking, and evaluating them in numpy.

A tree ensemble is stored as padded per-tree node arrays (feature, threshold, left, right, value);
leaves point at themselves. Evaluation does not walk the trees: every split of every tree is tested
against every row in one comparison, and each false split clears from the tree's bit vector of leaves
the leaves of its left subtree; the leftmost leaf still set is where the row exits (QuickScorer, Lucchese
et al., SIGIR 2015). That is a few large numpy operations instead of ``depth`` rounds of fancy indexing
per tree, about four times faster for a question's 30 candidates. The splits are padded to one count per
tree so a row's bit vectors reduce along an axis, the masks use the narrowest integer that holds a
tree's leaves, and float32 rows are compared with float32 thresholds rounded down (the same answers to
"<="): together about half the time again. No training library is needed at run time and nothing is
unpickled.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from .errors import QAError

FORMAT_VERSION = 1
MAX_LEAVES = 64  # a tree's leaves are bits of one integer mask (uint64)
HINT = "reinstall the package or re-run `make train`"


class ModelError(QAError):
    """A shipped model file is missing, damaged, or was made for other features."""


def load_model(path: Path, kind: str, feature_set: str, names: tuple[str, ...]) -> dict[str, Any]:
    """The JSON model at ``path`` after checking its kind, format and feature set against this code."""
    hint = HINT
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
    if model.get("feature_set") != feature_set:
        raise ModelError(
            f"{path} was trained on feature set {model.get('feature_set')!r}, "
            f"this code computes {feature_set!r}",
            hint,
        )
    features = model.get("features")  # a damaged file may hold anything here, not only another list
    if not isinstance(features, list) or tuple(features) != names:
        raise ModelError(f"{path} lists other features than feature set {feature_set!r} has here", hint)
    return model


def load_trees(spec: Any, n_features: int, path: Path) -> TreeEnsemble:
    """The ensemble ``spec`` of the model file ``path``, compiled; its damage named with the file."""
    try:
        return TreeEnsemble(spec, n_features)
    except ModelError as exc:
        raise ModelError(f"{path}: {exc.message}", HINT) from None


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
        except (KeyError, TypeError, ValueError, OverflowError) as exc:  # OverflowError: 10**20, Infinity
            raise ModelError(f"malformed tree ensemble ({type(exc).__name__}: {exc})") from None
        shape = self.feature.shape
        arrays = (self.threshold, self.left, self.right, self.value)
        if len(shape) != 2 or any(a.shape != shape for a in arrays):
            raise ModelError("malformed tree ensemble: node arrays differ in shape")
        nodes = shape[1]
        if shape[0] and nodes == 0:
            raise ModelError("malformed tree ensemble: its trees have no nodes")
        if shape[0] and (
            self.feature.min() < 0
            or self.feature.max() >= n_features
            or min(self.left.min(), self.right.min()) < 0
            or max(self.left.max(), self.right.max()) >= nodes
        ):
            raise ModelError("malformed tree ensemble: a node points outside its tree or feature list")
        self._compile()

    def _compile(self) -> None:
        """Per split (all trees, tree by tree): feature, threshold, the tree, and the mask of leaves that
        stay possible when the split's test is false; per tree its leaves' values, left to right."""
        feats, thrs, trees, masks, values = [], [], [], [], []
        for t in range(self.feature.shape[0]):
            leaves: list[int] = []  # in order, left to right
            splits: list[tuple[int, int, int]] = []  # (node, first leaf, end leaf) of the left subtree
            self._walk(t, 0, leaves, splits, 0)
            if len(leaves) > MAX_LEAVES:
                raise ModelError(
                    f"malformed tree ensemble: tree {t} has {len(leaves)} leaves (at most {MAX_LEAVES})"
                )
            full = (1 << len(leaves)) - 1
            if not splits:  # a single leaf: one split that never clears anything keeps the shapes regular
                splits = [(0, 0, 0)]
            for node, lo, hi in splits:
                feats.append(int(self.feature[t, node]))
                thrs.append(float(self.threshold[t, node]))
                trees.append(t)
                masks.append(full & ~(((1 << hi) - 1) ^ ((1 << lo) - 1)))
            values.append([float(self.value[t, leaf]) for leaf in leaves])
        width = max((len(v) for v in values), default=1)
        # Splits padded to the same count per tree (padding: a threshold no value exceeds and a mask that
        # clears nothing), so a row's tests reshape to (trees, splits) and reduce along the last axis;
        # masks in the narrowest integer that holds a tree's leaves.
        self._bits = next(t for t in (np.uint16, np.uint32, np.uint64) if width <= np.iinfo(t).bits)
        per_tree = np.bincount(np.array(trees, dtype=np.int64), minlength=len(values))
        self._splits = int(per_tree.max(initial=1))
        slot = np.arange(len(trees)) - np.repeat(np.cumsum(per_tree) - per_tree, per_tree)
        slot += np.repeat(np.arange(len(values)) * self._splits, per_tree)
        size = len(values) * self._splits
        self._feat = np.zeros(size, dtype=np.int64)
        self._thr = np.full(size, np.inf, dtype=np.float64)
        self._mask = np.full(size, np.iinfo(self._bits).max, dtype=self._bits)
        self._feat[slot], self._thr[slot] = feats, thrs
        self._mask[slot] = np.array(masks, dtype=np.uint64).astype(self._bits)
        # For float32 rows: the largest float32 not above each threshold gives the same answer to "<=".
        thr32 = self._thr.astype(np.float32)
        above = thr32.astype(np.float64) > self._thr
        thr32[above] = np.nextafter(thr32[above], np.float32(-np.inf))
        self._thr32 = thr32
        self._leaf_value = np.array([v + [0.0] * (width - len(v)) for v in values], dtype=np.float64)

    def _walk(self, t: int, node: int, leaves: list[int], splits: list, level: int) -> None:
        left, right = int(self.left[t, node]), int(self.right[t, node])
        if left == node and right == node:
            leaves.append(node)
            return
        # A tree of at most MAX_LEAVES leaves is never deeper than that: a cycle under a depth of 10**6
        # stops here, not at Python's recursion limit.
        if level >= min(self.depth, MAX_LEAVES) or left == node or right == node:
            raise ModelError(f"malformed tree ensemble: tree {t} is deeper than {self.depth} or cyclic")
        first = len(leaves)
        self._walk(t, left, leaves, splits, level + 1)
        splits.append((node, first, len(leaves)))
        self._walk(t, right, leaves, splits, level + 1)

    def predict(self, x: np.ndarray, block: int = 128) -> np.ndarray:
        """One score per row of ``x`` (rows, features); ``block`` rows at a time keep the work in cache."""
        n = x.shape[0]
        if n == 0 or self.feature.shape[0] == 0:
            return np.full(n, self.bias)
        out = np.empty(n, dtype=np.float64)
        n_trees = self._leaf_value.shape[0]
        trees = np.arange(n_trees)[:, None]
        thr = self._thr32 if x.dtype == np.float32 else self._thr
        keep = np.iinfo(self._bits).max
        for start in range(0, n, block):
            rows = x[start : start + block]
            false = ~(rows[:, self._feat] <= thr)  # NaN goes right, as LightGBM's "<=" does
            cleared = np.where(false, self._mask, self._bits(keep)).reshape(len(rows), n_trees, self._splits)
            alive = np.bitwise_and.reduce(cleared, axis=2)
            exit_leaf = np.bitwise_count((alive & (~alive + self._bits(1))) - self._bits(1))  # lowest set bit
            # (trees, rows) in C order, summed over trees one after another: the same float sums as a walk
            leaf = np.ascontiguousarray(exit_leaf.T)
            out[start : start + block] = np.ascontiguousarray(self._leaf_value[trees, leaf]).sum(axis=0)
        return out + self.bias
