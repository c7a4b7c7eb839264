"""The alias readers resolve, and the builds behind it: which collection is current, how a build is
named, and the commit (moving the alias) with the clean-up of the builds it leaves behind.

Collections we created (``qa.owner``) that are neither current nor the one just replaced are dropped
after a switch; the replaced one stays until the next build, so a reader that opened it keeps
answering. On a server other processes may be building beside this one: their collections are left
while they may still be in use (``ABANDONED``, ``SWITCHING``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
import uuid
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from ..errors import IndexError_
from .lite import remove_unfinished
from .reach import failures, meta_timeout, timed
from .schema import OWNER, P_BEAT, P_OWNER, P_STATE
from .target import StoreTarget

ABANDONED = 900  # seconds without a batch after which another build may drop a building collection
# Seconds after its commit that a complete collection no alias points at may still be about to become
# current: its build moves the alias right after the commit, so another build must not drop it then.
SWITCHING = 120
MOVE_ATTEMPTS = 3  # moves of the alias refused by a server that may have done them (switch_alias)


def current_collection(client: Any, target: StoreTarget) -> str | None:
    """The collection the alias points at, None when there is no alias yet. A name or alias that is
    another application's is refused here, before any build: ``--force`` never moves it."""
    other = (
        "choose another path: --store milvus:OTHER.db"
        if target.kind == "lite"
        else "choose another name: --store milvus://HOST:PORT/NAME"
    )
    wait = meta_timeout(target)
    # Milvus resolves an alias in has_collection: a name that became an alias since the listing (a
    # first build elsewhere) is told from a collection of that name by listing the aliases again
    if target.name not in client.list_aliases(timeout=wait).get("aliases", []):
        if not client.has_collection(target.name, timeout=wait):
            return None
        if target.name not in client.list_aliases(timeout=wait).get("aliases", []):
            raise IndexError_(
                f"Milvus has a collection named {target.name} that is not this assistant's alias", other
            )
    collection = client.describe_alias(target.name, timeout=wait)["collection_name"]
    if properties(client, collection, wait).get(P_OWNER) != OWNER:
        raise IndexError_(
            f"the alias {target.name} in {target.display} points at {collection}, a collection this "
            "assistant did not create: it is left as it is",
            other,
        )
    return collection


def properties(client: Any, collection: str, timeout: float | None) -> dict:
    """A collection's properties; ``timeout``: ``meta_timeout`` of its store (none on Milvus Lite)."""
    return dict(client.describe_collection(collection, timeout=timeout).get("properties") or {})


def is_build_of(target: StoreTarget, collection: str) -> bool:
    """Whether ``collection`` is named as ``new_name`` names this alias's builds: exactly, since alias
    ``kb``'s prefix ``kb_`` also begins alias ``kb_hr``'s builds (which a build of ``kb`` dropped)."""
    return re.fullmatch(re.escape(target.name) + r"_\d{8}T\d{6}Z_[0-9a-f]{8}", collection) is not None


def new_name(target: StoreTarget) -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{target.name}_{stamp}_{uuid.uuid4().hex[:8]}"


def switch_alias(client: Any, target: StoreTarget, name: str) -> None:
    """Point the alias at ``name`` (the commit point), then drop our collections other than the one it
    replaced (read again now: a build elsewhere may have switched it since this one began) and the
    builds still running or just committed: Milvus Lite has no other writer, so there a building
    collection is an orphan; on a server it is one only after ``ABANDONED`` seconds without a batch,
    and a complete one no alias points at is left ``SWITCHING`` seconds after its commit."""
    from pymilvus.exceptions import MilvusException

    wait, moving = meta_timeout(target), f"moving the alias {target.name} to {name}"
    # a request held on the way (a network that stalled) may still reach the server and move the alias:
    # the next qa index then finds this build current; else this build is dropped and the next one made
    then = f"then run qa index again ({name} is complete: the server may still make it current)"
    replaced = current_collection(client, target)
    for attempt in range(MOVE_ATTEMPTS):
        try:
            move = client.create_alias if replaced is None else client.alter_alias
            timed(target, moving, wait, move, name, target.name, then=then)
            break
        except MilvusException:
            # Refused, yet maybe done: a first build elsewhere made the alias since ("already exists"),
            # or the server moved it and then failed (Milvus Lite's server writes its alias file without
            # a lock: of two moves at once, one fails on "No such file or directory"). Read it again:
            # ours already is the commit; else move it from what it points at now (the last wins).
            now = current_collection(client, target)
            if now == name:
                break
            if attempt == MOVE_ATTEMPTS - 1:
                raise
            replaced = now
    # Committed already: a server that stops answering now leaves the clean-up to the next build.

    def ours(other: str) -> bool:  # this alias's builds but the one just made and the one it replaced
        return other not in (name, replaced) and is_build_of(target, other)

    builds: Iterable[tuple[str, dict | None]] = ()
    with contextlib.suppress(*failures()):
        aliases = client.list_aliases(timeout=wait).get("aliases", [])
        aliased = {client.describe_alias(a, timeout=wait)["collection_name"] for a in aliases}  # in use
        builds = other_builds(client, target, {name, replaced, *aliased})
    for other, props in builds:
        # A collection another process dropped since the listing (its build interrupted, or its own
        # clean-up) is gone as wanted, and one whose description passed its deadline (gRPC's own
        # error: a server slow now) is left for the next build (no ``props``); neither fails this build.
        if props is None or _running(target, props, newer=other > name):
            continue
        with contextlib.suppress(*failures()):
            client.drop_collection(other, timeout=wait)
    if target.kind == "lite":  # what Lite cannot list, so cannot drop: a creation that never finished
        remove_unfinished(target, ours)


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


def build_running(client: Any, target: StoreTarget) -> bool:
    """Whether a build of ``target``'s alias may be running in another process (a server's: Milvus Lite
    has no other writer), one of ours besides the current collection still building or just committed
    (``_running``); so its checkpoint is not taken from it. A server that does not say counts as yes."""
    if target.kind == "lite":
        return False
    unsaid: tuple[type[BaseException], ...] = (IndexError_, *failures())
    try:
        for _, props in other_builds(client, target, {current_collection(client, target)}):
            if props is None or _running(target, props, newer=True):  # not described: may be running
                return True
    except unsaid:
        return True
    return False


def other_builds(
    client: Any, target: StoreTarget, besides: Collection[str | None]
) -> Iterator[tuple[str, dict | None]]:
    """This alias's builds but those ``besides`` (``is_build_of``) that qa made (their ``qa.owner``; another
    owner's are never touched), with their properties: None for one that could not be described (dropped
    since the listing, or a server slow now). The listing itself is made here, and raises here."""
    wait = meta_timeout(target)
    listed = [c for c in client.list_collections(timeout=wait) if c not in besides and is_build_of(target, c)]
    return _described(client, listed, wait)


def _described(client: Any, listed: list[str], wait: float | None) -> Iterator[tuple[str, dict | None]]:
    """Each of ``listed`` described as it is reached (a clean-up drops one before describing the next)."""
    for other in listed:
        try:
            props = properties(client, other, wait)
        except failures():
            yield other, None
            continue
        if props.get(P_OWNER) == OWNER:
            yield other, props
