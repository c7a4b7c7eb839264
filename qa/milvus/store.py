"""Open, verify and (re)build the index in Milvus with the guarantees of the local store.

The manifest (encoder, chunker, lexical settings, corpus hashes) is a property of each collection and is
checked on open exactly as ``manifest.json`` is (``checks.py``): a stale collection is rebuilt or
refused, a collection this package did not write (no ``qa.owner``, or not ``complete``) is refused.
Builds within one process are serialised; Milvus Lite allows one process per ``.db`` file, so it has no
other writer.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from ..chunking import Chunk
from ..corpus import Document
from ..embedding import Encoder
from ..errors import (
    IndexCorruptError,
    IndexError_,
    IndexMismatchError,
    IndexMissingError,
    IndexStaleError,
)
from ..incremental import sentence_key
from ..manifest import build_stamp
from ..store import StoredIndex, check_chunks
from .adapters import MilvusVectors, read_chunks, read_rows
from .alias import current_collection, switch_alias
from .build import Plan, lent_vectors, write_collection
from .checks import checked_manifest
from .keywords import MilvusLexical
from .lite import check_folder
from .reach import build_timeout, failures, meta_timeout, refused, silent, timed
from .resume import checkpointed, drop_kept, resuming
from .schema import vector_index
from .target import StoreTarget, connect, require_pymilvus

_build_lock = threading.Lock()
# ``load_index``'s opens in all, the first included, while builds elsewhere move the alias on
REOPEN_ATTEMPTS = 3


def load_index(
    target: StoreTarget, expected: dict, documents: dict[str, Document] | None = None, warm: bool = True
) -> StoredIndex:
    """The index the alias points at; never one that differs from ``expected``. With ``documents``
    every passage is checked against its document, as the local store does: a manifest that matches
    proves nothing about the rows beside it.

    A collection that fails to open is not yet a failed open: builds elsewhere may have moved the alias
    on and dropped the collection it named when it was read (two switches: the second drops what the
    first replaced). The alias is read again, and a collection it names now is opened instead: at most
    ``REOPEN_ATTEMPTS`` opens in all. The failure raised is the open's: the last one's, or the one after
    which the alias still named the same collection."""
    client = connect(target)
    collection = current_collection(client, target)
    retried: tuple[type[BaseException], ...] = (*failures(), IndexCorruptError)
    for _ in range(REOPEN_ATTEMPTS - 1):
        try:
            return _open_collection(client, target, collection, expected, documents, warm)
        except retried as exc:
            # a server that does not answer is told at once (reading the alias again would wait as long)
            if not isinstance(exc, IndexError_) and silent(exc)[0]:
                raise
            try:
                now = current_collection(client, target)
            except retried + (IndexError_,):
                now = collection  # the alias cannot be read again: the open's own failure is the news
            if now == collection:
                raise
            collection = now
    return _open_collection(client, target, collection, expected, documents, warm)  # the last attempt


def _open_collection(
    client: Any, target: StoreTarget, collection: str | None, expected: dict,
    documents: dict[str, Document] | None, warm: bool,
) -> StoredIndex:  # fmt: skip
    """Open one collection (None: the alias names none): manifest checked, loaded, rows counted, checked."""
    where = target.display
    if collection is None:
        raise IndexMissingError(f"no index in {where}", target.build_hint)
    description = client.describe_collection(collection, timeout=meta_timeout(target))
    manifest = checked_manifest(target, collection, description, expected)
    n = manifest["chunks"]
    # a collection is searchable once loaded (no-op when it is)
    timed(target, f"loading {collection}", build_timeout(target, n), client.load_collection, collection,
          then="then try again")  # fmt: skip
    held = int(client.get_collection_stats(collection, timeout=meta_timeout(target)).get("row_count", -1))
    if held != n:  # a manifest that counts fewer rows would open part of the index, silently
        raise IndexCorruptError(
            f"the collection {collection} holds {held} rows, its manifest {n}",
            "rebuild it with: qa index --force",
        )
    rows = read_rows(client, collection, n, ["chunk", "sentence", "window"])
    texts = {f: [r[f] for r in rows] for f in ("sentence", "window")}
    chunks = read_chunks(rows)
    if documents is not None:
        check_chunks(chunks, documents, f"{where} ({collection})")
    return _assemble(client, collection, manifest, chunks, texts, int(expected["encoder"]["dim"]), warm)


def current_name(target: StoreTarget) -> str | None:
    """The collection the alias points at now: what a running assistant watches for a rebuild."""
    return current_collection(connect(target), target)


def _assemble(
    client: Any,
    collection: str,
    manifest: dict,
    chunks: list[Chunk],
    texts: dict[str, list[str]],
    dim: int,
    warm: bool = True,
) -> StoredIndex:
    """The adapters over a loaded collection whose chunks and BM25 texts are in hand (read, or just
    written); ``warm``: one search per channel now."""
    n = len(chunks)
    k1 = float(manifest["lexical"]["k1"])
    _, _, search_params = vector_index(n, manifest["faiss"]["policy"])
    sentences = MilvusLexical(client, collection, "sentence", texts["sentence"], k1)
    windows = MilvusLexical(client, collection, "window", texts["window"], k1)
    vectors = MilvusVectors(client, collection, n, dim, search_params)
    # The engine builds its search structures on first use (about a second at 10k passages on Milvus
    # Lite): one search per channel now, so the first question is not the one that waits.
    if warm:
        vectors.search(np.ones((1, dim), dtype=np.float32), 1)
        sentences.warm()
        windows.warm()
    # The adapters answer every call the Retriever and the reranker make of a LexicalIndex (duck-typed).
    return StoredIndex(manifest, vectors, chunks, sentences, windows)  # type: ignore[arg-type]


def build_index(
    target: StoreTarget,
    settings: Any,
    encoder: Encoder,
    documents: Sequence[Document],
    *,
    force: bool = False,
    log: Callable[[str], None],
) -> StoredIndex:
    """Build into a new collection, reusing the previous build's vectors of unchanged sentences."""
    from ..indexing import LEXICAL, chunk_corpus, expected_manifest, passage_text

    client = connect(target)
    expected = expected_manifest(settings, encoder, documents)
    by_id = {doc.id: doc for doc in documents}
    chunks = chunk_corpus(documents, settings.window)
    with _build_lock:
        previous = current_collection(client, target)
        keys = [sentence_key(c.text) for c in chunks]
        reuse, why, forced = lent_vectors(client, target, previous, expected, keys, force, settings.index_dir)
        sentences = [c.text for c in chunks]  # and what an interrupted build kept is lent too
        pieces = resuming(settings.index_dir, target, expected, sentences, reuse, forced, encoder, log)
        manifest = {**expected, "build": build_stamp(), "chunks": len(chunks), "files": {}}
        manifest["lexical_stats"] = {**LEXICAL}
        windows = [passage_text(c, by_id) for c in chunks]
        plan = Plan(manifest, chunks, windows, reuse, pieces.encode)
        with checkpointed(pieces):
            name, embedded, texts = write_collection(
                client, target, plan, encoder.dim, float(LEXICAL["k1"]), float(LEXICAL["b"])
            )
            switch_alias(client, target, name)
    if embedded < len(chunks):
        source = "the previous build" if why == "ok" else why
        if pieces.resumed:  # all of them, or beside the previous build's and the local index's
            source = ("" if pieces.resumed == len(reuse) else f"{source} and ") + "an interrupted build"
        how = f"reused {len(chunks) - embedded:,} from {source}"
    else:
        how = "full build: " + ("no sentence of the previous build is left" if why == "ok" else why)
    log(f"Milvus build {name}: embedded {embedded:,} of {len(chunks):,} passages ({how})")
    # What was just written, without reading 100k rows back (30 s at that size on Milvus Lite); the
    # manifest as a reader parses it from the collection.
    stored = json.loads(json.dumps(manifest, ensure_ascii=False))
    committed = f"then try again: the build {name} is committed and current, only its load did not finish"
    timed(target, f"loading {name}", build_timeout(target, len(chunks)), client.load_collection, name,
          then=committed)  # fmt: skip
    return _assemble(client, name, stored, chunks, texts, encoder.dim)


def open_index(
    target: StoreTarget,
    settings: Any,
    encoder: Encoder,
    documents: Sequence[Document],
    build: str,
    log: Callable[[str], None],
    read_only: bool = False,
) -> StoredIndex:
    """``qa.opening.open_or_build`` for Milvus: load, else build when allowed (build is auto, never or force).
    ``read_only`` (``qa info``, with ``never``) writes nothing and leaves the passage table (read from
    the cache, or computed: 30 s at 100k passages) and the warm-up searches to the first question."""
    require_pymilvus(target)
    from ..indexing import expected_manifest
    from .tables import cached_table

    index, force = None, build == "force"
    by_id = {doc.id: doc for doc in documents}
    if build == "never" and target.kind == "lite" and not os.path.lexists(target.uri):
        # before connecting: Milvus Lite would create an empty database there (qa info creates nothing);
        # a folder that cannot hold one is told first, as "qa index" would fail on it
        check_folder(target)
        raise IndexMissingError(f"no index in {target.display}", target.build_hint)
    try:
        if not force:
            try:
                expected = expected_manifest(settings, encoder, documents)
                index = load_index(target, expected, by_id, warm=not read_only)
                if not read_only:  # qa info leaves the disk as it was
                    drop_kept(settings.index_dir, target, _build_lock, log)
            except (IndexMissingError, IndexStaleError, IndexMismatchError) as exc:
                if build == "never":
                    raise
                log(f"{exc.message}; building it now")
                # rows that do not match their manifest lend no vectors to the rebuild
                force = isinstance(exc, IndexMismatchError)
        if index is None:
            index = build_index(target, settings, encoder, documents, force=force, log=log)
            log(f"index: {len(index.chunks)} passages from {len(documents)} document(s) in {target.display}")
    except failures() as exc:  # the engine refused something, or a deadline passed: one line
        said = refused(exc, f"the Milvus server at {target.uri}")  # this user: credentials, privileges
        if said is not None and target.kind == "server":
            raise said from None
        unanswered, message = silent(exc)
        if unanswered and target.kind == "server":
            raise IndexError_(
                f"the Milvus server at {target.uri} does not answer: {message[:200]}",
                "check that it runs and is reachable, then try again",
            ) from None
        raise IndexError_(
            f"Milvus ({target.display}): {message}",
            "see the Milvus server's log"
            if target.kind == "server"
            else "the database may be damaged: rebuild it at a new path with: qa index --store milvus:NEW.db",
        ) from None
    table = partial(cached_table, settings.index_dir, target, index.manifest, index.chunks, by_id)
    if read_only:
        index.table_source = partial(table, write=False)
    else:
        index.table = table()
    return index
