"""What a collection behind the alias must prove before it is read: that this assistant wrote it whole,
that its manifest is well formed and current for the corpus and encoder, and that the manifest is its
own (it names this collection; its vectors have the encoder's dimension). The typed errors say which
(``qa.milvus.store`` rebuilds a stale or mismatched index under ``auto``, refuses the rest)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import IndexCorruptError, IndexMismatchError, IndexNewerError, IndexStaleError
from ..manifest import stale_reasons
from .schema import BM25_FIELDS, FIELDS, OWNER, P_MANIFEST, P_OWNER, P_STATE
from .target import StoreTarget


def checked_manifest(target: StoreTarget, collection: str, description: dict, expected: dict) -> dict:
    """The manifest of ``collection`` (``describe_collection``'s answer), never one that differs from
    ``expected``."""
    where = target.display
    props = dict(description.get("properties") or {})
    if props.get(P_OWNER) != OWNER or props.get(P_STATE) != "complete":
        raise IndexCorruptError(
            f"the collection {collection} behind {target.name} is not a complete index of this assistant",
            "rebuild it with: qa index --force, or choose another name",
        )
    try:
        manifest = json.loads(props[P_MANIFEST])
        if isinstance(manifest, dict):  # a later format may be shaped otherwise: said before its shape
            _check_not_newer(target, collection, manifest, expected)
        if not _well_formed(manifest):
            raise ValueError("not a manifest")
    except (KeyError, ValueError, RecursionError):
        raise IndexCorruptError(
            f"the manifest of {collection} is unreadable", "rebuild it with: qa index --force"
        ) from None
    reasons = stale_reasons(manifest, expected)
    if reasons:
        raise IndexStaleError(
            f"the index in {where} is stale: " + "; ".join(reasons), "rebuild it with: qa index"
        )
    _check_belongs(collection, manifest, description)
    return manifest


def _check_not_newer(target: StoreTarget, collection: str, manifest: dict, expected: dict) -> None:
    """A collection a newer release of this assistant wrote (a later index format) is refused, never
    rebuilt over unasked, as the local store refuses such a folder: on a server several hosts share, an
    older ``qa ask`` or ``qa serve`` replaced a newer host's build, which then rebuilt it back. The hint
    names the store: ``qa index --force`` alone replaces the local index, not this collection."""
    version, supported = manifest.get("format_version"), expected["format_version"]
    if isinstance(version, int) and not isinstance(version, bool) and version > supported:
        lite = target.kind == "lite"
        elsewhere = (
            "another path (--store milvus:OTHER.db)" if lite else "another name (milvus://HOST:PORT/NAME)"
        )
        raise IndexNewerError(
            f"the index in {target.display} ({collection}) was built by a newer release of qa (index "
            f"format {version}; this one reads format {supported})",
            f"upgrade qa, use {elsewhere}, or replace it with: qa index --force --store {target.spec}",
        )


def _well_formed(manifest: Any) -> bool:
    """The shape the readers rely on and a passage count. A section an older version did not write yet
    (``text``, ``extraction``) is absent, not malformed: the manifest is then stale, and rebuilt under
    ``auto`` as the local store's is, rather than refused as unreadable."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("store"), dict):
        return False
    sections = ("encoder", "chunking", "text", "lexical", "extraction", "corpus", "build", "faiss")
    n = manifest.get("chunks")
    return (
        all(isinstance(manifest.get(name, {}), dict) for name in sections)
        and isinstance(n, int)
        and not isinstance(n, bool)
        and n > 0
    )


def _check_belongs(collection: str, manifest: dict, description: dict) -> None:
    """The manifest is this collection's: it names it (a collection renamed, or a manifest copied from
    another one, would name another's passage-table cache) and its vectors have the encoder's dimension
    (else every question fails in the engine). IndexMismatchError: rebuilt under ``auto``, without
    reusing these vectors."""
    named = manifest["store"].get("collection")
    if named != collection:
        raise IndexMismatchError(
            f"the collection {collection} was renamed or its manifest copied: the manifest names "
            f"{str(named)[:120]!r}",
            "rebuild it with: qa index",
        )
    fields = {f.get("name"): f for f in description.get("fields") or []}
    _check_fields(collection, fields, description.get("functions") or [])
    dim = (fields.get("vector") or {}).get("params", {}).get("dim")
    if str(dim) != str(manifest["encoder"]["dim"]):
        raise IndexMismatchError(
            f"the collection {collection} holds vectors of dimension {dim}, its manifest's encoder "
            f"{manifest['encoder']['dim']}",
            "rebuild it with: qa index",
        )


def _check_fields(collection: str, fields: dict, functions: list) -> None:
    """The collection has the fields this package writes, of their types, ``row`` its primary key, and
    the engine's BM25 between the text fields and their sparse ones: a collection of another shape
    behind a manifest of ours (made by hand, or by another tool) lacked fields the readers then asked
    for, and ``qa ask`` ended in a traceback (KeyError: 'window'). IndexMismatchError."""

    def kind(field: dict) -> str:
        return str(getattr(field.get("type"), "name", field.get("type")))

    wrong = [name for name, want in FIELDS.items() if name not in fields or kind(fields[name]) != want]
    if not (fields.get("row") or {}).get("is_primary"):
        wrong.append("row (not the primary key)")
    made = {
        (tuple(f.get("input_field_names") or ()), tuple(f.get("output_field_names") or ())) for f in functions
    }
    wrong += [f"{sparse} (no BM25 of {text})" for text, sparse in BM25_FIELDS.items()
              if ((text,), (sparse,)) not in made and sparse in fields]  # fmt: skip
    if wrong:
        raise IndexMismatchError(
            f"the collection {collection} is not shaped as this assistant's index: missing or of another "
            f"type: {', '.join(wrong)}",
            "rebuild it with: qa index",
        )
