"""The index on disk: FAISS vectors, chunks, BM25 files and a manifest that guards them.

Layout of the index folder::

    manifest.json          the commit point: settings, build stamp, corpus and file checksums
    <build-id>/            one complete build: vectors.faiss, chunks.jsonl, lexical/…

A build is written into a temporary folder, fsynced, renamed to its build id, and only
then does ``manifest.json`` (replaced atomically) point at it; older builds are removed
afterwards. A crash at any moment therefore leaves either the old or the new index whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .chunking import Chunk
from .errors import IndexCorruptError, IndexError_, IndexLockedError, IndexMissingError, IndexStaleError
from .lexical import LexicalIndex
from .manifest import MANIFEST, UNWRITABLE_HINT, read_manifest, sha256_file, stale_reasons

LOCK = ".lock"


@dataclass
class StoredIndex:
    manifest: dict
    vectors: Any  # faiss.Index
    chunks: list[Chunk]
    lexical: LexicalIndex  # BM25 over each chunk's sentence
    lexical_window: LexicalIndex  # BM25 over each chunk's neighbour window


def _unwritable(index_dir: Path, exc: OSError) -> IndexError_:
    return IndexError_(
        f"cannot write the index folder {index_dir}: {exc.strerror or exc}",
        UNWRITABLE_HINT,
    )


def load_index(index_dir: Path, expected: dict, attempts: int = 3) -> StoredIndex:
    """Load and verify an index; never returns one that differs from ``expected``.

    A rebuild running in another process may commit a new manifest and delete the build we were
    reading; when the manifest on disk has moved on, the load starts over with the new one.
    """
    for attempt in range(attempts):
        manifest = read_manifest(index_dir)
        try:
            return _load(index_dir, expected, manifest)
        except (IndexCorruptError, OSError):
            moved = read_manifest(index_dir) != manifest
            if not moved or attempt == attempts - 1:
                if moved:
                    raise IndexCorruptError(
                        f"the index in {index_dir} kept changing while it was read",
                        "try again when the build running elsewhere has finished",
                    ) from None
                raise
    raise AssertionError("unreachable")


def _load(index_dir: Path, expected: dict, manifest: dict | None) -> StoredIndex:
    if manifest is None:
        raise IndexMissingError(f"no index in {index_dir}", "build it with: qa index")
    reasons = stale_reasons(manifest, expected)
    if reasons:
        raise IndexStaleError(
            f"the index in {index_dir} is stale: " + "; ".join(reasons), "rebuild it with: qa index"
        )
    build = verified_build(index_dir, manifest, manifest["files"])
    on_disk = {p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file()}
    if on_disk != set(manifest["files"]):  # every file is checksummed, none is unlisted
        raise IndexCorruptError(
            f"the files in {build} are not the ones its manifest lists", "rebuild it with: qa index --force"
        )
    vectors, chunks = read_vectors_and_chunks(build)
    lexical = LexicalIndex.load(build / "lexical" / "sentences")
    lexical_window = LexicalIndex.load(build / "lexical" / "windows")
    sizes = {vectors.ntotal, len(chunks), len(lexical), len(lexical_window)}
    if len(sizes) != 1 or vectors.d != expected["encoder"]["dim"]:
        raise IndexCorruptError(
            f"index files in {build} disagree in size", "rebuild it with: qa index --force"
        )
    return StoredIndex(manifest, vectors, chunks, lexical, lexical_window)


def verified_build(index_dir: Path, manifest: dict, names: Iterable[str]) -> Path:
    """The build folder, after checking that each named file is there and matches its checksum."""
    build = index_dir / str(manifest.get("build", {}).get("id", ""))
    for name in names:
        path, digest = build / name, manifest["files"].get(name)
        if not path.is_file() or digest is None:
            raise IndexCorruptError(f"index file {path} is missing", "rebuild it with: qa index --force")
        if sha256_file(path) != digest:
            raise IndexCorruptError(
                f"index file {path} does not match its checksum (altered or truncated)",
                "rebuild it with: qa index --force",
            )
    return build


def read_vectors_and_chunks(build: Path) -> tuple[Any, list[Chunk]]:
    import faiss

    try:
        vectors = faiss.read_index(str(build / "vectors.faiss"))
        with (build / "chunks.jsonl").open(encoding="utf-8") as fh:
            chunks = [Chunk.from_dict(json.loads(line)) for line in fh]
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(
            f"index in {build} cannot be read: {exc}", "rebuild it with: qa index --force"
        ) from None
    return vectors, chunks


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True) + [root]:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_index(index_dir: Path, manifest: dict, index: StoredIndex) -> dict:
    """Write a complete build atomically; ``index.manifest`` is replaced by the committed manifest."""
    import faiss

    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=index_dir))
    except OSError as exc:
        raise _unwritable(index_dir, exc) from None
    try:
        faiss.write_index(index.vectors, str(tmp / "vectors.faiss"))
        with (tmp / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for chunk in index.chunks:
                fh.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        for name, lexical in (("sentences", index.lexical), ("windows", index.lexical_window)):
            (tmp / "lexical" / name).mkdir(parents=True)
            lexical.save(tmp / "lexical" / name)
        files = {p.relative_to(tmp).as_posix(): sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
        build_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
        manifest = {**manifest, "files": files}
        manifest["build"] = {**manifest.get("build", {}), "id": build_id}
        _fsync_tree(tmp)
        os.rename(tmp, index_dir / build_id)
        staged = index_dir / f".{MANIFEST}.{build_id}"
        staged.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        _fsync_tree(staged)
        os.replace(staged, index_dir / MANIFEST)  # the commit point
        _fsync_tree(index_dir)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise _unwritable(index_dir, exc) from None
    remove_old_builds(index_dir, keep=build_id)
    index.manifest = manifest
    return manifest


def remove_old_builds(index_dir: Path, keep: str) -> None:
    """Delete builds and temporary folders the manifest no longer points at."""
    for path in index_dir.iterdir():
        if path.name in (keep, MANIFEST, LOCK, ".gitkeep"):
            continue
        if path.is_dir() and (path.name.startswith(".tmp-") or path.name[:8].isdigit()):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{MANIFEST}."):
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def build_lock(index_dir: Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on the index folder while building, so two builds never interleave."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _unwritable(index_dir, exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise IndexLockedError(f"another process is building the index in {index_dir}") from None
            raise
        yield
    finally:
        os.close(fd)


