"""The answerability model's fit writes the same numbers under every BLAS kernel (docs/quality.md,
fifteenth round): lbfgs stopped at its tolerance at a point that moved by 1e-7 with the kernel, so
``make train`` wrote other coefficients on each CPU even from byte-identical rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from training import answer_model

ROOT = Path(__file__).resolve().parents[1]
KERNELS = ("", "Haswell", "Sandybridge")  # the CPU's own, and two any AVX2 CPU runs (ignored elsewhere)

# Rows like the answerability model's: 31 signals, several strongly correlated (coverage of the sentence
# and of its window; cosines), weighted domains, a label a logistic of a few of them.
FIT = """
import json, numpy as np
from training import answer_model
rng = np.random.default_rng(11)
n, d = 4000, 31
base = rng.standard_normal((n, 6))
x = np.hstack([base, base[:, :5] + 0.05 * rng.standard_normal((n, 5)), rng.random((n, d - 11))])
x[:, answer_model.ENGLISH] = (rng.random(n) < 0.1).astype(float)
z = 1.5 * base[:, 0] - base[:, 1] + 0.5 * base[:, 2] + rng.standard_normal(n)
y = (z > 0.3).astype(int)
w = np.where(rng.random(n) < 0.2, 3.0, 1.0)
model = answer_model.fit(x, y, w)
# the foreign stack reads the model's logits, a BLAS product whose last bit follows the kernel
foreign = x[:, answer_model.ENGLISH] > 0.5
f = rng.random((n, 2))
f[::7] = np.nan  # no word it could read
stack = answer_model.fit_foreign(answer_model.logits(model, x)[foreign], f[foreign], y[foreign], w[foreign])
print(json.dumps({"base": model, "foreign": stack}))
"""


def _fits() -> list[str]:
    out = []
    for kernel in KERNELS:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_CORETYPE": kernel}
        done = subprocess.run(
            [sys.executable, "-c", FIT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr[-2000:]
        out.append(done.stdout.strip().splitlines()[-1])
    return out


def test_the_answerability_fit_is_the_same_under_every_blas_kernel() -> None:
    fits = _fits()
    assert all(f == fits[0] for f in fits[1:]), [json.loads(f)["base"]["coef"][:3] for f in fits]
    model, stack = json.loads(fits[0])["base"], json.loads(fits[0])["foreign"]
    assert all(c == float(f"{c:.{answer_model.DIGITS}g}") for c in [*model["coef"], model["intercept"]])
    stored = [*stack["coef"], stack["intercept"], *stack["mean"], *stack["scale"]]
    assert all(c == float(f"{c:.{answer_model.DIGITS}g}") for c in stored)


def test_the_stored_coefficients_are_the_optimum_to_their_digits() -> None:
    """Newton's optimum: the weighted log-loss's gradient (with the L2 term) vanishes at the stored
    coefficients up to their rounding (lbfgs stopped where it was 0.03)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1500, 31))
    x[:, answer_model.ENGLISH] = 0.0
    y = (x[:, 0] - x[:, 3] + rng.standard_normal(1500) > 0).astype(int)
    w = np.ones(1500)
    model = answer_model.fit(x, y, w)
    xs = (x - np.array(model["mean"])) / np.array(model["scale"])
    p = 1 / (1 + np.exp(-(xs @ np.array(model["coef"]) + model["intercept"])))
    grad = xs.T @ (w * (p - y)) + np.array(model["coef"]) / answer_model.C
    assert np.abs(grad).max() < 1e-5
