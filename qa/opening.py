"""Opening a corpus's index for an ``Assistant``: load it, or build it when the policy allows.

One policy for every caller (``build``: ``auto`` builds a missing, stale or mismatched index, ``never``
refuses with the reason, ``force`` rebuilds), one lock so two processes never build the same folder at
once, and the Milvus store behind the same call. Kept apart from ``qa.assistant`` because training opens
indexes this way too, without the models an ``Assistant`` loads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Settings
from .errors import IndexMismatchError, IndexMissingError, IndexStaleError, QAError

if TYPE_CHECKING:
    from .corpus import Document
    from .embedding import Encoder
    from .store import StoredIndex


def open_or_build(
    settings: Settings,
    encoder: Encoder,
    documents: dict[str, Document],
    build: str,
    log: Callable[[str], None],
    read_only: bool = False,
) -> StoredIndex:
    """The index of ``documents`` under ``settings`` (an index folder, or a Milvus store)."""
    from .indexing import build_index, expected_manifest
    from .milvus.target import parse_store
    from .store import load_index
    from .writing import build_lock

    docs = list(documents.values())
    target = parse_store(settings.store)
    if target.kind != "local":  # a Milvus collection instead of the index folder
        from .milvus.store import open_index

        return open_index(target, settings, encoder, docs, build, log, read_only=read_only)
    expected = expected_manifest(settings, encoder, docs)
    # Files that are intact but do not belong together or to this corpus are rebuilt like a stale index
    # under "auto" (lending the rebuild no vectors); a file whose checksum fails is refused everywhere:
    # damage on disk is never papered over. A rebuild deletes only what this tool made (qa/ownership.py).
    rebuildable = (IndexMissingError, IndexStaleError, IndexMismatchError)
    reuse = None
    if build != "force":
        try:
            found = load_index(settings.index_dir, expected, documents)
        except rebuildable as exc:
            if build == "never":
                raise
            log(f"{exc.message}; building it now")
        else:
            if not read_only:
                drop_kept_vectors(settings.index_dir, expected, log)
            return found
    with build_lock(settings.index_dir, waiting=lambda pid: log(waiting_for(settings.index_dir, pid))):
        if build != "force":  # another process may have built it while we waited for the lock
            try:
                return load_index(settings.index_dir, expected, documents)  # its commit took any checkpoint
            except rebuildable as exc:
                reuse = False if isinstance(exc, IndexMismatchError) else None
        index = build_index(settings, encoder, docs, log=log, reuse=reuse)
    log(f"index: {len(index.chunks)} passages from {len(docs)} document(s) in {settings.index_dir}")
    return index


def drop_kept_vectors(index_dir: Path, expected: dict, log: Callable[[str], None]) -> None:
    """An index found current needs none of the vectors an interrupted build kept (the corpus put back
    as it was built from): they would only hold the disk for ever (section 157). Taken under the build
    lock, never waited for: a build running elsewhere holds it and keeps its own; the manifest is read
    again under it, as that build may have committed another meanwhile. Only a checkpoint of ours goes."""
    from .checkpoint_drop import drop_unused
    from .manifest import read_manifest, stale_reasons

    def current() -> bool:
        manifest = read_manifest(index_dir)
        return manifest is not None and not stale_reasons(manifest, expected)

    # a build holds the lock, or the folder cannot be locked: for the next open
    with contextlib.suppress(QAError, OSError):
        drop_unused(index_dir, _taken(index_dir), current, log)


@contextlib.contextmanager
def _taken(index_dir: Path) -> Iterator[bool]:
    """The build lock of ``index_dir``, not waited for (a build holding it raises)."""
    from .writing import build_lock

    with build_lock(index_dir, wait=False):
        yield True


def waiting_for(index_dir: Path, pid: int | None) -> str:
    """What a command says, at once, when another build holds the index folder: whose build (the waits
    have no limit, as a big corpus builds for minutes) and how to stop waiting without harming it."""
    who = f"process {pid}" if pid else "another process"
    return (
        f"{who} is building the index in {index_dir}; waiting for it to finish "
        "(Ctrl-C stops waiting; that build goes on)"
    )
