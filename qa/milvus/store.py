"""Open, verify and (re)build the index in Milvus with the guarantees of the local store.

The manifest (encoder, chunker, lexical settings, corpus hashes) is a property of each collection and is
checked on open exactly as ``manifest.json`` is: a stale collection is rebuilt or refused, a collection
this package did not write (no ``qa.owner``, or not ``complete``) is refused. Builds within one process
are serialised; Milvus Lite allows one process per ``.db`` file, so it has no other writer.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..corpus import Document
from ..embedding import Encoder
from ..errors import IndexCorruptError, IndexMissingError, IndexStaleError
from ..manifest import build_stamp, stale_reasons
from ..store import StoredIndex
from .adapters import MilvusLexical, MilvusVectors, read_chunks, read_rows
from .build import current_collection, previous_vectors, properties, switch_alias, write_collection
from .schema import OWNER, P_MANIFEST, P_OWNER, P_STATE, sentence_key, text_terms, vector_index
from .target import StoreTarget, connect

_build_lock = threading.Lock()


def load_index(target: StoreTarget, expected: dict) -> StoredIndex:
    """The index the alias points at; never one that differs from ``expected``."""
    client = connect(target)
    collection = current_collection(client, target)
    where = f"Milvus store {target.display}"
    if collection is None:
        raise IndexMissingError(f"no index in the {where}", "build it with: qa index --store ...")
    props = properties(client, collection)
    if props.get(P_OWNER) != OWNER or props.get(P_STATE) != "complete":
        raise IndexCorruptError(
            f"the collection {collection} behind {target.name} is not a complete index of this assistant",
            "rebuild it with: qa index --force, or choose another name",
        )
    try:
        manifest = json.loads(props[P_MANIFEST])
        if not isinstance(manifest, dict) or not isinstance(manifest.get("encoder"), dict):
            raise ValueError("not a manifest")
    except (KeyError, ValueError):
        raise IndexCorruptError(
            f"the manifest of {collection} is unreadable", "rebuild it with: qa index --force"
        ) from None
    reasons = stale_reasons(manifest, expected)
    if reasons:
        raise IndexStaleError(
            f"the index in the {where} is stale: " + "; ".join(reasons), "rebuild it with: qa index"
        )
    n, dim = int(manifest.get("chunks", -1)), int(expected["encoder"]["dim"])
    rows = read_rows(client, collection, n, ["chunk", "sentence", "window"])
    chunks = read_chunks(rows)
    vocab = {f: {t for r in rows for t in text_terms(r[f])} for f in ("sentence", "window")}
    k1 = float(manifest["lexical"]["k1"])
    _, _, search_params = vector_index(n, manifest["faiss"]["policy"])
    return StoredIndex(
        manifest,
        MilvusVectors(client, collection, n, dim, search_params),
        chunks,
        MilvusLexical(client, collection, "sentence", n, vocab["sentence"], k1),  # type: ignore[arg-type]
        MilvusLexical(client, collection, "window", n, vocab["window"], k1),  # type: ignore[arg-type]
    )


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
    from ..indexing import LEXICAL, chunk_corpus, encode_all, expected_manifest, passage_text

    client = connect(target)
    expected = expected_manifest(settings, encoder, documents)
    by_id = {doc.id: doc for doc in documents}
    chunks = chunk_corpus(documents, settings.window)
    with _build_lock:
        previous = current_collection(client, target)
        reuse, current, why = previous_vectors(
            client, previous, expected, [sentence_key(c.text) for c in chunks]
        )
        if current and force:
            reuse, why = {}, "the index was current, so this is a forced full rebuild"
        manifest = {**expected, "build": build_stamp(), "chunks": len(chunks), "files": {}}
        manifest["lexical_stats"] = {**LEXICAL}
        name, embedded = write_collection(
            client,
            target,
            manifest,
            chunks,
            [passage_text(c, by_id) for c in chunks],
            reuse,
            lambda texts: encode_all(encoder, texts, None),
            encoder.dim,
            float(LEXICAL["k1"]),
            float(LEXICAL["b"]),
        )
        switch_alias(client, target, name, previous)
    how = f"incremental: reused {len(chunks) - embedded:,}" if reuse else f"full build: {why}"
    log(f"Milvus build {name}: embedded {embedded:,} of {len(chunks):,} passages ({how})")
    return load_index(target, expected)


def open_index(
    target: StoreTarget,
    settings: Any,
    encoder: Encoder,
    documents: Sequence[Document],
    build: str,
    log: Callable[[str], None],
) -> StoredIndex:
    """``Assistant._open`` for Milvus: load, else build when allowed (build is auto, never or force)."""
    from ..indexing import expected_manifest

    if build != "force":
        try:
            return load_index(target, expected_manifest(settings, encoder, documents))
        except (IndexMissingError, IndexStaleError) as exc:
            if build == "never":
                raise
            log(f"{exc.message}; building it now")
    index = build_index(target, settings, encoder, documents, force=build == "force", log=log)
    log(f"index: {len(index.chunks)} passages from {len(documents)} document(s) in {target.display}")
    return index
