"""Write a build into a new collection, complete before any reader can see it.

A build streams: each batch of passages is embedded (or its vectors taken from the previous build, by
sentence key) and inserted, so memory stays bounded and a large corpus can be embedded by several jobs
writing to one collection. The collection carries ``qa.state=building`` until every row is in and
flushed; then its manifest is stored as a property and the state becomes ``complete``; moving the alias
to it is the commit (``alias.switch_alias``). On a server every call has a deadline (``reach``), so a
server that stalls mid-build is one line naming the step, not a build that waits for ever.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..chunking import Chunk
from ..errors import IndexError_
from ..incremental import VECTOR_SECTIONS, sentence_key
from ..manifest import stale_reasons
from .alias import new_name, properties
from .reach import build_timeout, meta_timeout, timed
from .schema import (
    MAX_TEXT,
    OWNER,
    P_BEAT,
    P_MANIFEST,
    P_OWNER,
    P_STATE,
    engine_text,
    make_index_params,
    make_schema,
    vector_index,
)
from .target import StoreTarget

INSERT_BATCH = 512
FORCED = "the index was current, so this is a forced full rebuild"
LOOKUP_BATCH = 256


@dataclass
class Plan:
    """What a build writes: its manifest (completed at the commit), the passages with their window
    texts, the vectors it may reuse by sentence key, and how to embed the others."""

    manifest: dict
    chunks: Sequence[Chunk]
    windows: Sequence[str]
    reuse: dict[str, list[float]]
    encode: Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class Lent:
    """What the previous build lends: its vectors by sentence key, why none were ("ok" when they may be,
    for the build's log line), and whether this is a forced rebuild of a current build, which takes
    none from anywhere (told by this flag, not by comparing the log text)."""

    vectors: dict[str, list[float]]
    why: str
    forced: bool = False


def previous_vectors(
    client: Any, target: StoreTarget, collection: str | None, expected: dict, keys: Sequence[str],
    force: bool = False,
) -> Lent:  # fmt: skip
    """Vectors of the previous build by sentence key, and why none were reused.
    ``force``: a current build lends none, and is not read (loaded, looked up) for them: a forced rebuild
    is how a build that cannot be read any more is replaced."""
    if collection is None:
        return Lent({}, "no previous index")
    props = properties(client, collection, meta_timeout(target))
    try:
        manifest = json.loads(props.get(P_MANIFEST, ""))
    except ValueError:
        return Lent({}, "previous collection has no manifest")
    for section in VECTOR_SECTIONS:
        if manifest.get(section) != expected[section]:
            return Lent({}, f"previous index has another {section.replace('_', ' ')}")
    if force and not stale_reasons(manifest, expected):
        return Lent({}, FORCED, forced=True)
    found: dict[str, list[float]] = {}
    wanted = sorted(set(keys))
    held = int(manifest.get("chunks") or 0)
    timed(target, f"loading {collection}", build_timeout(target, held), client.load_collection, collection)
    doing = f"reading the vectors of the previous build {collection}"
    for i in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[i : i + LOOKUP_BATCH]
        for r in timed(target, doing, build_timeout(target), client.query, collection,
                       filter=f"sentence_key in {json.dumps(batch)}",
                       output_fields=["sentence_key", "vector"]):  # fmt: skip
            found[r["sentence_key"]] = r["vector"]
    return Lent(found, "ok")


def lent_vectors(
    client: Any, target: StoreTarget, previous: str | None, expected: dict, keys: Sequence[str], force: bool,
    index_dir: Path,
) -> tuple[dict[str, list[float]], str, bool]:  # fmt: skip
    """The vectors a build takes by sentence key, from where, and whether it is a forced rebuild (which
    keeps no checkpoint either): the previous build's (``previous_vectors``) and, for the sentences it
    lacks, a local index's of the same encoder in ``index_dir`` (moving from the local store, or back to
    Milvus after serving an edited corpus locally). A forced rebuild of a current build takes none, as
    the local store's ``qa index --force``; of a stale one, both lend."""
    lent = previous_vectors(client, target, previous, expected, keys, force)
    reuse, why = lent.vectors, lent.why
    wanted = set(keys) - set(reuse)
    if lent.forced or not wanted:  # nothing to look up: the local index is not read (150 MB at 100k)
        return reuse, why, lent.forced
    from ..incremental import load_previous

    local, _ = load_previous(index_dir, expected)  # checksummed; the encoder's and chunking's as ours
    held = zip((sentence_key(c.text) for c in local.chunks), local.vectors) if local is not None else ()
    found = {k: v.tolist() for k, v in held if k in wanted}
    if not found:
        return reuse, why, False
    where = f"vectors of the local index in {index_dir}"
    return {**reuse, **found}, f"the previous build and {where}" if reuse else where, False


def write_collection(
    client: Any, target: StoreTarget, plan: Plan, dim: int, k1: float, b: float
) -> tuple[str, int, dict[str, list[str]]]:
    """Create, fill and commit a collection for ``plan``; returns its name, the texts embedded and the
    engine texts of its two BM25 fields (what opening it would read back). A build that fails or is
    interrupted (Ctrl-C, SIGTERM) part-way, its creation included, drops its collection on the way out,
    as the local store removes its half-written folder; only a SIGKILLed one (or a server that stopped
    answering) leaves it, for the next build to drop."""
    name = new_name(target)
    schema = make_schema(client, dim)
    index_params = make_index_params(client, len(plan.chunks), plan.manifest["faiss"]["policy"], k1, b)
    try:
        # pymilvus gives the deadline to each step: the collection, its index, its load. A step after the
        # first that fails (its deadline passed, Ctrl-C) leaves the collection made: dropped below too.
        timed(target, f"creating the collection {name}", build_timeout(target), client.create_collection,
              name, schema=schema, index_params=index_params,
              properties={P_OWNER: OWNER, P_STATE: "building", P_BEAT: str(int(time.time()))})  # fmt: skip
        embedded, texts = _fill(client, target, name, plan)
    except BaseException:
        with contextlib.suppress(Exception):  # a server gone away: the next build drops it
            client.drop_collection(name, timeout=meta_timeout(target))
        raise
    return name, embedded, texts


def _fill(client: Any, target: StoreTarget, name: str, plan: Plan) -> tuple[int, dict[str, list[str]]]:
    """Insert every row batch by batch, flush, store the manifest and mark the collection complete."""
    chunks, reuse, total = plan.chunks, plan.reuse, len(plan.chunks)
    embedded, wait = 0, meta_timeout(target)
    fresh: dict[str, list[float]] = {}
    texts: dict[str, list[str]] = {"sentence": [], "window": []}
    for lo in range(0, total, INSERT_BATCH):
        part = chunks[lo : lo + INSERT_BATCH]
        keys = [sentence_key(c.text) for c in part]
        todo = list(dict.fromkeys(c.text for c, k in zip(part, keys) if k not in reuse and k not in fresh))
        if todo:
            for text, vec in zip(todo, plan.encode(todo)):
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
                "window": engine_text(plan.windows[lo + i]),
            }
            if max(len(row[f].encode("utf-8")) for f in ("chunk", "sentence", "window")) > MAX_TEXT:
                raise IndexError_(
                    f"passage {c.chunk_id} is longer than Milvus allows ({MAX_TEXT} bytes)",
                    "split the paragraph into sentences, or use the local store",
                )
            rows.append(row)
            texts["sentence"].append(row["sentence"])
            texts["window"].append(row["window"])
        doing = f"inserting passages {lo + 1:,}-{lo + len(part):,} of {total:,} into {name}"
        timed(target, doing, build_timeout(target), client.insert, name, rows)
        timed(target, doing, wait, client.alter_collection_properties, name,
              properties={P_BEAT: str(int(time.time()))})  # fmt: skip
    timed(target, f"flushing {name} ({total:,} passages)", build_timeout(target, total), client.flush, name)
    kind, params, _ = vector_index(total, plan.manifest["faiss"]["policy"])
    manifest = plan.manifest
    manifest["faiss"] = {**manifest["faiss"], "type": kind, "params": params, "ntotal": total}
    manifest["store"] = {"backend": "milvus", "collection": name}
    manifest["build"] = {**manifest["build"], "id": name}  # what `qa info` and the Tentang tab show
    # the heartbeat now says when it was committed (``alias.SWITCHING``)
    props = {P_MANIFEST: json.dumps(manifest, ensure_ascii=False), P_STATE: "complete",
             P_BEAT: str(int(time.time()))}  # fmt: skip
    timed(target, f"committing {name}", wait, client.alter_collection_properties, name, properties=props)
    return embedded, texts
