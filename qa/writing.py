"""Writing a build of the local index.

A build is written into a temporary folder (marked as ours from its first moment), fsynced, renamed to
its build id, and only then does ``manifest.json`` (replaced atomically) point at it; older builds are
removed afterwards. A crash, a full disk or Ctrl-C at any moment therefore leaves the old or the new
index whole, and what a failed build wrote is removed at once, or by the next build when it was killed.
Callers hold ``build_lock`` (``qa/buildlock.py``, re-exported here) around ``write_index``.
Reading and verifying an index is ``qa/store.py``.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import stat
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .buildlock import LOCK_FILE, build_lock, unwritable
from .errors import IndexError_
from .manifest import MANIFEST, read_manifest, sha256_file
from .ownership import (
    MARKER,
    STAGED,
    TMP_PREFIX,
    keep_foreign_manifest,
    remove_old_builds,
    remove_ours,
)
from .termination import on_forced_stop

if TYPE_CHECKING:
    from .store import StoredIndex


def _fsync_one(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems (network and FUSE mounts, WSL's drvfs) cannot sync a folder: EINVAL or EBADF.
        # As PostgreSQL does, that is no failure; the files in it were synced one by one. It failed
        # every build there, and after the commit it called a committed build "cannot write".
        if not (stat.S_ISDIR(os.fstat(fd).st_mode) and exc.errno in (errno.EINVAL, errno.EBADF)):
            raise
    finally:
        os.close(fd)


def _fsync_tree(root: Path) -> None:
    """Every file and folder below ``root`` (a folder we wrote, never the user's index folder)."""
    for path in sorted(root.rglob("*"), reverse=True) + [root]:
        _fsync_one(path)


def write_index(index_dir: Path, manifest: dict, index: StoredIndex) -> dict:
    """Write a complete build atomically; ``index.manifest`` is replaced by the committed manifest."""
    build_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
    tmp = index_dir / (TMP_PREFIX + build_id)
    committed = False
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        previous = _previous_manifest(index_dir)
        _clear_leftovers(index_dir, previous)
        tmp.mkdir()
    except OSError as exc:
        raise unwritable(index_dir, exc) from None
    try:
        (tmp / MARKER).write_text(build_id + "\n", encoding="utf-8")  # ours from its first moment
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)  # made just above; unmarked, nothing else would remove it
        raise unwritable(index_dir, exc) from None
    forget = on_forced_stop(lambda: _drop_uncommitted(index_dir, build_id, tmp))  # Ctrl-C thrice: it goes too
    try:
        _write_faiss(index.vectors, tmp / "vectors.faiss")
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for chunk in index.chunks:
                fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        for name, lexical in (("sentences", index.lexical), ("windows", index.lexical_window)):
            (tmp / "lexical" / name).mkdir(parents=True)
            lexical.save(tmp / "lexical" / name)
        if index.table is not None:
            from .passage_table import save_table

            save_table(tmp / "table", index.table)
        files = {p.relative_to(tmp).as_posix(): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
        manifest = {**manifest, "files": files}
        manifest["build"] = {**manifest.get("build", {}), "id": build_id}
        _fsync_tree(tmp)
        os.rename(tmp, index_dir / build_id)
        staged = index_dir / build_id / STAGED
        staged.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _fsync_one(staged)
        keep_foreign_manifest(index_dir, build_id)
        os.replace(staged, index_dir / MANIFEST)  # the commit point
        committed = True
        _fsync_one(index_dir)  # the folder itself: the user's files in it are none of our business
    except BaseException as exc:  # disk full, I/O error, Ctrl-C: the half-written build goes, now
        if not committed:  # interrupted just after the switch, the manifest names it: it stays
            _drop_uncommitted(index_dir, build_id, tmp)
        if isinstance(exc, OSError):
            raise unwritable(index_dir, exc) from None
        raise
    finally:
        forget()
    remove_old_builds(index_dir, keep=build_id, previous=previous)
    index.manifest = manifest
    return manifest


def _drop_uncommitted(index_dir: Path, build_id: str, tmp: Path) -> None:
    """What a forced stop removes of a build no manifest names yet (as the build's own error handling)."""
    if not _names(index_dir, build_id):
        for path in (tmp, index_dir / build_id):  # marked, or what a stop left inside ``remove_marked``
            remove_ours(path)


def _write_faiss(vectors: Any, path: Path) -> None:
    """Write the FAISS index through a Python file: faiss's own writer raises a bare RuntimeError on a
    failed write and only prints a failed close (the last buffer lost on a full disk) without raising,
    so a truncated file could have been checksummed and committed. Python raises OSError for both."""
    import faiss

    with path.open("wb") as fh:
        faiss.write_index(vectors, faiss.PyCallbackIOWriter(fh.write))  # type: ignore[attr-defined]


def _clear_leftovers(index_dir: Path, previous: dict | None) -> None:
    """Before a build (under the build lock): remove what killed or failed builds of this tool left, so
    their space is free for this one (on a nearly full disk they would otherwise make every build fail).
    Only when the current manifest is known, so that its build is never the one removed."""
    if previous is not None or not (index_dir / MANIFEST).exists():
        remove_old_builds(index_dir, keep=(previous or {}).get("build", {}).get("id", ""))


def _names(index_dir: Path, build_id: str) -> bool:
    """True when ``manifest.json`` already points at ``build_id`` (the commit happened)."""
    try:
        return (read_manifest(index_dir) or {}).get("build", {}).get("id") == build_id
    except (IndexError_, OSError):
        return False


def _previous_manifest(index_dir: Path) -> dict | None:
    """The manifest being replaced, if it is a valid one (its build may predate the markers)."""
    try:
        return read_manifest(index_dir)
    except IndexError_:
        return None


__all__ = ["LOCK_FILE", "build_lock", "write_index"]  # the lock's names stay importable from here
