"""Write a build into a new collection and switch the alias to it only when it is complete.

A build streams: each batch of passages is embedded (or its vectors taken from the previous build, by
sentence key) and inserted, so memory stays bounded and a large corpus can be embedded by several jobs
writing to one collection. The collection carries ``qa.state=building`` until every row is in and
flushed; then its manifest is stored as a property, the state becomes ``complete`` and the alias moves.
Readers resolve the alias, so they see the old build or the new one, never half of one. Collections we
created (``qa.owner``) that are neither current nor the one just replaced are dropped afterwards;
the replaced one stays until the next build, so a reader that opened it keeps answering.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..chunking import Chunk
from ..errors import IndexError_
from ..incremental import VECTOR_SECTIONS
from ..manifest import stale_reasons
from .adapters import failures
from .reach import META_TIMEOUT, meta_timeout
from .schema import (
    MAX_TEXT,
    OWNER,
    P_MANIFEST,
    P_OWNER,
    P_STATE,
    engine_text,
    make_index_params,
    make_schema,
    sentence_key,
    vector_index,
)
from .target import StoreTarget

INSERT_BATCH = 512
LOOKUP_BATCH = 256
P_BEAT = "qa.heartbeat"  # epoch seconds of a build's last batch: a running build is not an orphan
ABANDONED = 900  # seconds without a batch after which another build may drop a building collection
# Seconds after its commit that a complete collection no alias points at may still be about to become
# current: its build moves the alias right after the commit, so another build must not drop it then.
SWITCHING = 120


def current_collection(client: Any, target: StoreTarget) -> str | None:
    """The collection the alias points at, None when there is no alias yet. A name or alias that is
    another application's is refused here, before any build: ``--force`` never moves it."""
    other = (
        "choose another path: --store milvus:OTHER.db"
        if target.kind == "lite"
        else "choose another name: --store milvus://HOST:PORT/NAME"
    )
    wait = meta_timeout(target)
    if target.name not in client.list_aliases(timeout=wait).get("aliases", []):
        if client.has_collection(target.name, timeout=wait):
            raise IndexError_(
                f"Milvus has a collection named {target.name} that is not this assistant's alias", other
            )
        return None
    collection = client.describe_alias(target.name, timeout=wait)["collection_name"]
    if properties(client, collection, wait).get(P_OWNER) != OWNER:
        raise IndexError_(
            f"the alias {target.name} in {target.display} points at {collection}, a collection this "
            "assistant did not create: it is left as it is",
            other,
        )
    return collection


def properties(client: Any, collection: str, timeout: float | None = META_TIMEOUT) -> dict:
    """A collection's properties; ``timeout``: ``meta_timeout`` of its store (none on Milvus Lite)."""
    return dict(client.describe_collection(collection, timeout=timeout).get("properties") or {})


def previous_vectors(
    client: Any,
    collection: str | None,
    expected: dict,
    keys: Sequence[str],
    timeout: float | None = META_TIMEOUT,
) -> tuple[dict[str, list[float]], bool, str]:
    """Vectors of the previous build by sentence key, whether that build is current, and why not reused."""
    if collection is None:
        return {}, False, "no previous index"
    props = properties(client, collection, timeout)
    try:
        manifest = json.loads(props.get(P_MANIFEST, ""))
    except ValueError:
        return {}, False, "previous collection has no manifest"
    for section in VECTOR_SECTIONS:
        if manifest.get(section) != expected[section]:
            return {}, False, f"previous index has another {section.replace('_', ' ')}"
    found: dict[str, list[float]] = {}
    wanted = sorted(set(keys))
    client.load_collection(collection)
    for i in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[i : i + LOOKUP_BATCH]
        for r in client.query(
            collection,
            filter=f"sentence_key in {json.dumps(batch)}",
            output_fields=["sentence_key", "vector"],
        ):
            found[r["sentence_key"]] = r["vector"]
    return found, not stale_reasons(manifest, expected), "ok"


def is_build_of(target: StoreTarget, collection: str) -> bool:
    """Whether ``collection`` is named as ``new_name`` names this alias's builds: exactly, since alias
    ``kb``'s prefix ``kb_`` also begins alias ``kb_hr``'s builds (which a build of ``kb`` dropped)."""
    return re.fullmatch(re.escape(target.name) + r"_\d{8}T\d{6}Z_[0-9a-f]{8}", collection) is not None


def new_name(target: StoreTarget) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{target.name}_{stamp}_{uuid.uuid4().hex[:8]}"


def write_collection(
    client: Any,
    target: StoreTarget,
    manifest: dict,
    chunks: Sequence[Chunk],
    windows: Sequence[str],
    reuse: dict[str, list[float]],
    encode: Callable[[list[str]], np.ndarray],
    dim: int,
    k1: float,
    b: float,
) -> tuple[str, int, dict[str, list[str]]]:
    """Create, fill and commit a collection for ``chunks``; returns its name, the texts embedded and the
    engine texts of its two BM25 fields (what opening it would read back). A build that fails or is
    interrupted (Ctrl-C, SIGTERM) part-way drops its collection on the way out, as the local store
    removes its half-written folder; only a SIGKILLed one leaves it, for the next build to drop."""
    name = new_name(target)
    client.create_collection(
        name,
        schema=make_schema(client, dim),
        index_params=make_index_params(client, len(chunks), manifest["faiss"]["policy"], k1, b),
        properties={P_OWNER: OWNER, P_STATE: "building", P_BEAT: str(int(time.time()))},
    )
    try:
        embedded, texts = _fill(client, name, manifest, chunks, windows, reuse, encode)
    except BaseException:
        with contextlib.suppress(Exception):  # a server gone away: the next build drops it
            client.drop_collection(name)
        raise
    return name, embedded, texts


def _fill(
    client: Any,
    name: str,
    manifest: dict,
    chunks: Sequence[Chunk],
    windows: Sequence[str],
    reuse: dict[str, list[float]],
    encode: Callable[[list[str]], np.ndarray],
) -> tuple[int, dict[str, list[str]]]:
    """Insert every row batch by batch, flush, store the manifest and mark the collection complete."""
    embedded = 0
    fresh: dict[str, list[float]] = {}
    texts: dict[str, list[str]] = {"sentence": [], "window": []}
    for lo in range(0, len(chunks), INSERT_BATCH):
        part = chunks[lo : lo + INSERT_BATCH]
        keys = [sentence_key(c.text) for c in part]
        todo = list(dict.fromkeys(c.text for c, k in zip(part, keys) if k not in reuse and k not in fresh))
        if todo:
            for text, vec in zip(todo, encode(todo)):
                fresh[sentence_key(text)] = vec.tolist()
            embedded += len(todo)
        rows = []
        for i, (c, key) in enumerate(zip(part, keys)):
            row: dict[str, Any] = {
                "row": lo + i,
                "sentence_key": key,
                "vector": reuse.get(key) or fresh[key],
                "chunk": json.dumps(c.to_dict(), ensure_ascii=False),
                "sentence": engine_text(c.text),
                "window": engine_text(windows[lo + i]),
            }
            if max(len(row[f].encode("utf-8")) for f in ("chunk", "sentence", "window")) > MAX_TEXT:
                raise IndexError_(
                    f"passage {c.chunk_id} is longer than Milvus allows ({MAX_TEXT} bytes)",
                    "split the paragraph into sentences, or use the local store",
                )
            rows.append(row)
            texts["sentence"].append(row["sentence"])
            texts["window"].append(row["window"])
        client.insert(name, rows)
        client.alter_collection_properties(name, properties={P_BEAT: str(int(time.time()))})
    client.flush(name)
    kind, params, _ = vector_index(len(chunks), manifest["faiss"]["policy"])
    manifest["faiss"] = {**manifest["faiss"], "type": kind, "params": params, "ntotal": len(chunks)}
    manifest["store"] = {"backend": "milvus", "collection": name}
    manifest["build"] = {**manifest["build"], "id": name}  # what `qa info` and the Tentang tab show
    client.alter_collection_properties(  # the heartbeat now says when it was committed (``SWITCHING``)
        name,
        properties={
            P_MANIFEST: json.dumps(manifest, ensure_ascii=False),
            P_STATE: "complete",
            P_BEAT: str(int(time.time())),
        },
    )
    return embedded, texts


def switch_alias(client: Any, target: StoreTarget, name: str) -> None:
    """Point the alias at ``name`` (the commit point), then drop our collections other than the one it
    replaced (read again now: a build elsewhere may have switched it since this one began) and the
    builds still running or just committed: Milvus Lite has no other writer, so there a building
    collection is an orphan; on a server it is one only after ``ABANDONED`` seconds without a batch,
    and a complete one no alias points at is left ``SWITCHING`` seconds after its commit."""
    from pymilvus.exceptions import MilvusException

    replaced = current_collection(client, target)
    if replaced is not None:
        client.alter_alias(name, target.name)
    else:
        try:
            client.create_alias(name, target.name)
        except MilvusException:  # a first build elsewhere made the alias since: "already exists"
            replaced = current_collection(client, target)
            if replaced is None:
                raise
            client.alter_alias(name, target.name)  # the last switch wins, as for later builds
    aliases = client.list_aliases().get("aliases", [])
    aliased = {client.describe_alias(a)["collection_name"] for a in aliases}  # in use: never dropped
    for other in client.list_collections():
        if other in (name, replaced) or other in aliased or not is_build_of(target, other):
            continue
        # Committed already: a collection another process dropped since the listing (its build
        # interrupted, or its own clean-up) is gone as wanted, and one whose description passed its
        # deadline (gRPC's own error: a server slow now) is left for the next build; neither fails
        # this build.
        with contextlib.suppress(*failures()):
            props = properties(client, other, meta_timeout(target))
            if props.get(P_OWNER) != OWNER:
                continue  # not ours: never touched
            if _running(target, props, newer=other > name):
                continue
            client.drop_collection(other)


def _running(target: StoreTarget, props: dict, newer: bool) -> bool:
    """Whether a collection no alias points at may belong to a build elsewhere (so is not dropped): one
    still building, or one just committed whose build is about to move the alias to it (two builds on
    one server: the first to finish dropped the other's complete collection between its commit and its
    switch, or just after the switch, where Milvus Lite's server drops the alias with it)."""
    if target.kind == "lite":
        return False
    building = props.get(P_STATE) == "building"
    try:
        return time.time() - float(props[P_BEAT]) < (ABANDONED if building else SWITCHING)
    except (KeyError, ValueError):
        return building and newer  # a build of a version without heartbeats: only a newer one may run
