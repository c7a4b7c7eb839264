"""A fingerprint of a model's files on disk, for the index manifest.

A sentence-transformers model is named by a hub id or a folder, and the files behind that name can change
in place (a fine-tuned model saved over the old one, a new hub revision in the cache): the manifest must
then say the index is stale, or the new query vectors are searched against passage vectors of the old
weights, silently. Hashing whole weight files would cost seconds at every start for a large model, so a
file over ``WHOLE`` bytes is hashed by its size and ``SAMPLES`` blocks spread over it (training changes
nearly every tensor, so every block); smaller files (configurations, tokenizer, vocabulary) are hashed
whole. Files are read through links (the hub cache's snapshots link to its blobs); documentation, hidden
files and the weights of other runtimes (ONNX, OpenVINO, TensorFlow, Flax, Rust) do not count.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

WHOLE = 16 << 20  # files up to this size are hashed whole
SAMPLES, BLOCK = 32, 64 << 10  # a larger file: its size and 32 blocks of 64 KiB, first and last included
_IGNORED = (".md", ".lock")  # documentation; the hub's download locks
# Weights of other runtimes, which sentence-transformers (on torch) never reads: a full download of the
# repository adds them to the snapshot, and must not make every index built with the model stale.
_OTHER_RUNTIMES = (".onnx", ".h5", ".msgpack", ".ot")
_OTHER_FOLDERS = {"onnx", "openvino"}


def _counts(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    if parts[0] in _OTHER_FOLDERS or path.name.lower().endswith(_OTHER_RUNTIMES):
        return False
    return not any(p.startswith(".") for p in parts) and not path.name.lower().endswith(_IGNORED)


def _file_digest(path: Path) -> bytes:
    h = hashlib.sha256()
    size = path.stat().st_size
    h.update(size.to_bytes(8, "little"))
    with path.open("rb") as fh:
        if size <= WHOLE:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        else:
            step = (size - BLOCK) // (SAMPLES - 1)
            for i in range(SAMPLES):
                fh.seek(i * step)
                h.update(fh.read(BLOCK))
    return h.digest()


def model_folder(model: str) -> Path | None:
    """The folder a model's files are read from: the local folder, or the hub cache's snapshot of it."""
    local = Path(model).expanduser()
    if local.is_dir():
        return local
    try:
        from huggingface_hub import try_to_load_from_cache

        hit = try_to_load_from_cache(model, "config.json")
    except Exception:  # noqa: BLE001 - no hub library, or an id that is not a valid repo name
        return None
    return Path(hit).parent if isinstance(hit, str) else None


def fingerprint(folder: Path) -> str:
    """``files sha256:<16 hex>`` over the names and contents (sampled when large) of the model's files."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and _counts(p, folder)):
        h.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        h.update(_file_digest(path))
    return "files sha256:" + h.hexdigest()[:16]


def model_weights(model: str) -> str | None:
    """The fingerprint of ``model``'s files, or None when they cannot be found or read."""
    folder = model_folder(model)
    if folder is None:
        return None
    try:
        return fingerprint(folder)
    except OSError:
        return None
