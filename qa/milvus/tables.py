"""The reranker's passage table of a Milvus collection, kept in a local folder once computed.

A collection holds one row per passage and has no place for the table's flat arrays (answer-type cues,
bigram postings; about 30 s to compute at 100k passages), which a local build stores in its own folder.
For Milvus they are computed at the first open of a collection and written to
``<index folder>/milvus-tables/<collection>-<store hash>/`` (a temporary folder, then a rename), so
every later open on this machine reads them. The folder's stamp must name the same store, collection,
build time, table rules and passage count, else the table is computed again; a collection's name is
new at every build, so a stamp never outlives what it was computed from. When a new one is written,
the folders this module wrote for the same store and alias but another collection are removed: only
folders whose stamp says they are ours (the index folder may hold anything else).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from ..chunking import Chunk
from ..corpus import Document
from ..indexing import passage_text
from ..passage_table import TABLE_ID, load_table, save_table, table_arrays
from .target import StoreTarget

FOLDER = "milvus-tables"
STAMP = "stamp.json"
KIND = "qa-milvus-passage-table"
# What reading a damaged or half-written cache can raise: it is then computed again, never trusted.
_UNREADABLE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, UnicodeDecodeError)


def _stamp(target: StoreTarget, manifest: dict, n: int) -> dict:
    return {
        "kind": KIND,
        "store": target.uri,
        "alias": target.name,
        "collection": manifest["store"]["collection"],
        "created": manifest["build"].get("created"),
        "table": TABLE_ID,
        "passages": n,
    }


def _read_stamp(folder: Path) -> dict | None:
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except _UNREADABLE:
        return None
    return stamp if isinstance(stamp, dict) and stamp.get("kind") == KIND else None


def cached_table(
    index_dir: Path,
    target: StoreTarget,
    manifest: dict,
    chunks: Sequence[Chunk],
    documents: dict[str, Document],
    write: bool = True,
) -> dict:
    """The passage table of the collection ``manifest`` describes: read from the cache when its stamp
    matches, else computed from the passages of ``documents`` and, when ``write`` (not for ``qa info``),
    cached (best effort: a read-only folder only costs the next open)."""
    stamp = _stamp(target, manifest, len(chunks))
    root = index_dir / FOLDER
    store_key = hashlib.sha256(target.uri.encode("utf-8")).hexdigest()[:8]
    folder = root / f"{stamp['collection']}-{store_key}"
    if _read_stamp(folder) == stamp:
        try:
            return load_table(folder, len(chunks))
        except _UNREADABLE:
            pass
    table = table_arrays(chunks, [passage_text(c, documents) for c in chunks])
    if write:
        with contextlib.suppress(OSError):
            _write(root, folder, stamp, table)
    return table


def _write(root: Path, folder: Path, stamp: dict, table: dict) -> None:
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{folder.name}-", dir=root))  # new, so ours to remove
    try:
        tmp.chmod(0o755)  # readable like the index folder, not mkdtemp's owner-only
        save_table(tmp, table)
        (tmp / STAMP).write_text(json.dumps(stamp), encoding="utf-8")  # last: without it, never read
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    try:
        if folder.is_symlink() or (folder.exists() and _read_stamp(folder) is None):
            raise FileExistsError(folder)  # not ours, or damaged past reading: left alone
        if folder.exists():
            shutil.rmtree(folder)  # ours, stale
        os.rename(tmp, folder)
    except OSError:  # also: another process renamed its copy first
        shutil.rmtree(tmp, ignore_errors=True)
        return
    for other in root.iterdir():
        old = _read_stamp(other) if other != folder and other.is_dir() and not other.is_symlink() else None
        if old and (old.get("store"), old.get("alias")) == (stamp["store"], stamp["alias"]):
            shutil.rmtree(other, ignore_errors=True)
