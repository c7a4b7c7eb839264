"""LightGBM trees -> the padded node arrays ``qa.trees.TreeEnsemble`` evaluates (plain JSON)."""

from __future__ import annotations

import numpy as np


def _flatten(tree: dict) -> tuple[list, list, list, list, list, int]:
    feature, threshold, left, right, value = [], [], [], [], []

    def walk(node: dict, depth: int) -> tuple[int, int]:
        i = len(feature)
        for arr in (feature, threshold, left, right, value):
            arr.append(0)
        if "leaf_value" in node or "split_feature" not in node:
            feature[i], threshold[i] = 0, float("inf")
            left[i] = right[i] = i
            value[i] = float(node.get("leaf_value", 0.0))
            return i, depth
        if node.get("decision_type", "<=") != "<=":
            raise ValueError(f"unsupported split {node.get('decision_type')}")
        feature[i], threshold[i] = int(node["split_feature"]), float(node["threshold"])
        li, ld = walk(node["left_child"], depth + 1)
        ri, rd = walk(node["right_child"], depth + 1)
        left[i], right[i] = li, ri
        return i, max(ld, rd)

    _, depth = walk(tree["tree_structure"], 0)
    return feature, threshold, left, right, value, depth


def export_trees(booster) -> dict:
    """Node arrays of every tree, padded to the largest tree (padding is unreachable leaves)."""
    dump = booster.dump_model()
    flat = [_flatten(t) for t in dump["tree_info"]]
    width = max(len(f[0]) for f in flat)
    out = {k: [] for k in ("feature", "threshold", "left", "right", "value")}
    for feature, threshold, left, right, value, _ in flat:
        pad = width - len(feature)
        out["feature"].append(feature + [0] * pad)
        # JSON has no infinity: a leaf's threshold is never read (it points at itself), store a big number
        out["threshold"].append([t if np.isfinite(t) else 1e30 for t in threshold] + [1e30] * pad)
        out["left"].append(left + list(range(len(left), width)))
        out["right"].append(right + list(range(len(right), width)))
        out["value"].append([round(v, 10) for v in value] + [0.0] * pad)
    out["depth"] = max(f[5] for f in flat)
    out["bias"] = 0.0
    return out
