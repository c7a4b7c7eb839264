"""The index on disk: FAISS vectors, chunks, BM25 files and a manifest that guards them.

Layout of the index folder::

    manifest.json          the commit point: settings, build stamp, corpus and file checksums
    <build-id>/            one complete build: vectors.faiss, chunks.jsonl, lexical/…

Reading and verifying an index is here; writing a build, atomically, and the build lock are in
``qa/writing.py`` (re-exported below): a crash at any moment leaves either the old or the new index whole.

The index folder may hold other files (a user's choice of folder): only what this tool made is
ever deleted, known by the marker file each build and temporary folder carries from its first
moment (``.qa-build``, holding the build id), or by being the build the previous manifest names
(and then only the files it lists). Names alone never decide.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .chunking import Chunk
from .errors import (
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexNewerError,
    IndexStaleError,
)
from .lexical import LexicalIndex
from .manifest import REBUILD_HINT, is_build_id, read_manifest, sha256_file, stale_reasons, unreadable
from .ownership import within

if TYPE_CHECKING:
    from .corpus import Document

_INNER_PRODUCT = 0  # faiss.METRIC_INNER_PRODUCT: cosine on normalised vectors; an L2 index ranks otherwise


@dataclass
class StoredIndex:
    """One build as the retriever and the reranker use it, whichever store it came from: the local folder
    (FAISS, bm25s) or Milvus (adapters answering the same calls), so nothing above it knows which."""

    manifest: dict
    vectors: Any  # faiss.Index
    chunks: list[Chunk]
    lexical: LexicalIndex  # BM25 over each chunk's sentence
    lexical_window: LexicalIndex  # BM25 over each chunk's neighbour window
    table: dict | None = None  # the reranker's stored passage table (qa.passage_table), if the build has one
    # Or where it is read when the reranker first needs it (a read-only Milvus open: ``qa info`` never asks).
    table_source: Callable[[], dict] | None = None


def load_index(
    index_dir: Path, expected: dict, documents: dict[str, Document] | None = None, attempts: int = 3
) -> StoredIndex:
    """Load and verify an index; never returns one that differs from ``expected``.

    With ``documents`` (the corpus read now) every chunk is also checked against its document.

    A rebuild running in another process may commit a new manifest and delete the build we were
    reading; when the manifest on disk has moved on, the load starts over with the new one.
    """
    for attempt in range(attempts):
        manifest = read_manifest(index_dir)
        try:
            return _load(index_dir, expected, manifest, documents)
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


def _load(
    index_dir: Path, expected: dict, manifest: dict | None, documents: dict[str, Document] | None
) -> StoredIndex:
    if manifest is None:
        raise IndexMissingError(f"no index in {index_dir}", "build it with: qa index")
    version = manifest.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > expected["format_version"]:
        raise IndexNewerError(
            f"the index in {index_dir} was built by a newer release of qa (index format {version}; "
            f"this one reads format {expected['format_version']})",
            "upgrade qa, use another folder (--index / QA_INDEX), or replace it with: qa index --force",
        )
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
    try:
        lexical = LexicalIndex.load(build / "lexical" / "sentences")
        lexical_window = LexicalIndex.load(build / "lexical" / "windows")
    except (RecursionError, ValueError, OverflowError) as exc:  # beyond what LexicalIndex.load catches
        detail = type(exc).__name__
        raise IndexCorruptError(f"index in {build} cannot be read: {detail}", REBUILD_HINT) from None
    sizes = {vectors.ntotal, len(chunks), len(lexical), len(lexical_window)}
    sizes.add(manifest.get("chunks", len(chunks)))
    if len(sizes) != 1 or vectors.d != expected["encoder"]["dim"] or vectors.metric_type != _INNER_PRODUCT:
        raise IndexMismatchError(f"index files in {build} disagree in size", REBUILD_HINT)
    if documents is not None:
        check_chunks(chunks, documents, build)
    table = _read_table(build, manifest, len(chunks))
    return StoredIndex(manifest, vectors, chunks, lexical, lexical_window, table)


def _read_table(build: Path, manifest: dict, n: int) -> dict | None:
    """The stored passage table, or None when the build has none or one computed by other rules (an
    older build: the table is then computed at open, as for a Milvus collection)."""
    from .passage_table import TABLE_ID, load_table

    if manifest.get("table") != TABLE_ID:
        return None
    try:
        return load_table(build / "table", n)
    # checksummed: only a bug or a forged manifest; np.load of a damaged .npz raises these two as well
    except (OSError, KeyError, TypeError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise IndexCorruptError(f"index in {build} cannot be read: table ({exc})", REBUILD_HINT) from None


def check_chunks(chunks: list[Chunk], documents: dict[str, Document], build: Path | str) -> None:
    """Every chunk must be a slice of its document, in order: a checksum only proves a file unaltered
    since the manifest was written, not that the manifest and files belong to this corpus."""
    seen: dict[str, int] = {}
    for row, c in enumerate(chunks):
        doc = documents.get(c.doc)
        n = len(doc.text) if doc is not None else -1
        fits = 0 <= c.context_start <= c.start < c.end <= c.context_end <= n
        if not fits or doc is None or doc.text[c.start : c.end] != c.text or c.index != seen.get(c.doc, 0):
            raise IndexMismatchError(
                f"index in {build} does not match the corpus (passage {row}, {c.chunk_id!r})", REBUILD_HINT
            )
        seen[c.doc] = c.index + 1


def verified_build(index_dir: Path, manifest: dict, names: Iterable[str]) -> Path:
    """The build folder, after checking that each named file is there and matches its checksum. A build
    folder or file this user may not read is not damaged (a traceback before, section 162's second
    reading): it says how to fix it, as an unreadable manifest does."""
    try:
        return _verified_build(index_dir, manifest, names)
    except PermissionError as exc:
        raise unreadable(exc.filename, exc) from None


def _verified_build(index_dir: Path, manifest: dict, names: Iterable[str]) -> Path:
    build_id = manifest.get("build", {}).get("id")
    if not is_build_id(build_id):  # read_manifest refuses these; a caller's own dict may not
        raise IndexCorruptError(
            f"the manifest in {index_dir} names no valid build folder (missing)", REBUILD_HINT
        )
    build = index_dir / build_id
    if build.is_symlink() or not build.is_dir():
        raise IndexCorruptError(f"index build folder {build} is missing", REBUILD_HINT)
    for name in names:
        path, digest = build / name, manifest["files"].get(name)
        if not within(build, name) or path.is_symlink():  # "/proc/kcore" would be hashed forever
            raise IndexCorruptError(f"the manifest in {index_dir} names a file outside its build: {name!r}",
                                    REBUILD_HINT)  # fmt: skip
        if not path.is_file() or digest is None:
            raise IndexCorruptError(f"index file {path} is missing", "rebuild it with: qa index --force")
        if sha256_file(path) != digest:
            raise IndexCorruptError(
                f"index file {path} does not match its checksum (altered or truncated)",
                "rebuild it with: qa index --force",
            )
    return build


def read_vectors_and_chunks(build: Path) -> tuple[Any, list[Chunk]]:
    """The FAISS index and the chunks of a build folder whose checksums passed; a file that still cannot
    be parsed (written by a broken writer, or swapped for one that matches) is the index's error, named."""
    import faiss

    try:
        # Through a Python file, as it is written: faiss takes a path only as UTF-8 text, so an index
        # folder whose name is not (bytes a shell or an old archive left) was written and never read.
        with (build / "vectors.faiss").open("rb") as fh:
            vectors = faiss.read_index(faiss.PyCallbackIOReader(fh.read))  # type: ignore[attr-defined]
        with (build / "chunks.jsonl").open(encoding="utf-8") as fh:
            chunks = [Chunk.from_dict(json.loads(line)) for line in fh]
    except (OSError, RuntimeError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        detail = "nested too deeply" if isinstance(exc, RecursionError) else str(exc).partition("\n")[0][:200]
        raise IndexCorruptError(f"index in {build} cannot be read: {detail}", REBUILD_HINT) from None
    return vectors, chunks


# The write side lives in qa/writing.py; these names stay importable from here.
from .writing import build_lock as build_lock  # noqa: E402
from .writing import write_index as write_index  # noqa: E402
