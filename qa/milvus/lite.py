"""Milvus Lite's side of opening a ``.db`` path: what its folder may hold before we let Lite write into
it, and which of the possible causes made an open fail (Lite logs the exception, pymilvus reports only
"Open local milvus failed"); and the folders of collections Lite never finished creating, which only a
look into that folder finds."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import stat
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import IndexError_, IndexLockedError

if TYPE_CHECKING:
    from .target import StoreTarget

# What Milvus Lite keeps at the top of its folder (milvus_lite.db); ``LOCK`` is there from the first open.
# Also our passage-table cache (qa.milvus.tables.FOLDER), there when the index folder is the .db itself.
_LITE_ENTRIES = {
    "milvus-tables",
    "LOCK",
    "collections",
    "databases",
    "aliases.json",
    "database_properties.json",
    ".database-staging",
    "aliases.json.tmp",  # left by Lite when killed while it rewrote the file
    "database_properties.json.tmp",
}
# Our calibration files (qa.calibration), there too when the index folder is the .db itself, and the
# temporary file a killed `qa calibrate` may leave beside them, and a file of that name it kept aside.
_OURS = re.compile(r"\.?calibration(-[0-9a-f]{12})?\.json(\.\d+\.tmp|\.kept-\d{8}T\d{6}Z)?")
# What Milvus Lite's create_collection writes into a collection's new folder before its schema.json
# (written to this name, then renamed): a folder holding nothing else is a creation that never finished.
_CREATING = "schema.json.tmp"
_SCHEMA_MAX = 64 * 1024  # bytes: a qa collection's schema takes about 3 KB (its manifest comes later)


class Failure(logging.Handler):
    """Keeps the exception Milvus Lite logs when it cannot open a file (pymilvus then reports only
    "Open local milvus failed"), so the user is told which of the possible causes it was."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.exc: BaseException | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.exc = record.exc_info[1]


def open_error(target: StoreTarget, exc: BaseException | None, message: str) -> IndexError_:
    """Why a Milvus Lite file did not open: held by another process, not a database, or unreadable."""
    where = f"cannot open the Milvus Lite database {target.uri}"
    if type(exc).__name__ == "DataDirLockedError":
        return IndexLockedError(
            f"{where}: another process has it open",
            "Milvus Lite serves one process per .db file (a running qa serve, app.py or qa batch, say): "
            "stop that process first, or run a Milvus server and use --store milvus://HOST:PORT",
        )
    if os.path.exists(target.uri) and not os.path.isdir(target.uri):
        return IndexError_(
            f"{where}: it is a file, not a Milvus Lite database (which is a folder)",
            "choose a new path ending in .db; qa creates it",
        )
    if isinstance(exc, OSError) and os.path.isdir(target.uri):  # a database this user may only read
        return IndexError_(
            f"{where}: {exc.strerror or exc}",
            "Milvus Lite writes into its folder even to answer (its LOCK file): let this user write to "
            "it, or copy it to a folder you can write",
        )
    if isinstance(exc, OSError):
        return IndexError_(f"{where}: {exc.strerror or exc}", "choose a path in a folder you can write")
    detail = f"{type(exc).__name__}: {exc}" if exc is not None else message
    return IndexError_(f"{where}: {detail}", "rebuild it at a new path with: qa index --store milvus:NEW.db")


def check_folder(target: StoreTarget) -> None:
    """A Lite path's folder must exist, and a folder at the path must be empty or Milvus Lite's own: Lite
    opens any folder, rewrites its ``aliases.json`` and empties its ``.database-staging``, so a user's
    folder named ``x.db`` would be written into."""
    where = f"cannot open the Milvus Lite database {target.uri}"
    if not os.path.isdir(os.path.dirname(target.uri)):
        _missing_folder(where, os.path.dirname(target.uri))
    if os.path.islink(target.uri) and not os.path.exists(target.uri):  # Lite's mkdir: "File exists"
        raise IndexError_(
            f"{where}: it is a symbolic link to {os.readlink(target.uri)}, which does not exist",
            "create the folder it points to, remove the link, or choose a new path ending in .db",
        )
    if not os.path.isdir(target.uri):
        return
    try:
        entries = set(os.listdir(target.uri))
    except OSError as exc:
        raise IndexError_(
            f"{where}: {exc.strerror or exc}", "choose a path in a folder you can read and write"
        ) from None
    theirs = {e for e in entries if not _OURS.fullmatch(e)}
    if entries and ("LOCK" not in entries or not theirs <= _LITE_ENTRIES):
        held = ", ".join(sorted(theirs - _LITE_ENTRIES or entries)[:3])
        raise IndexError_(
            f"{where}: it is a folder that is not a Milvus Lite database (it holds {held})",
            "choose a new path ending in .db; qa creates it and never writes into your folder",
        )


def _missing_folder(where: str, folder: str) -> None:
    """Why the database's folder is not one, told by what stands nearest to it: ``mkdir -p`` helps
    only when nothing does (it fails on a file or a broken link, an unmounted volume's say)."""
    found = folder
    while not os.path.lexists(found) and os.path.dirname(found) != found:
        found = os.path.dirname(found)
    if os.path.islink(found) and not os.path.exists(found):
        raise IndexError_(
            f"{where}: {found} is a symbolic link to {os.readlink(found)}, which does not exist",
            "create (or mount) the folder it points to, or choose a path in an existing folder",
        )
    if not os.path.isdir(found):
        raise IndexError_(f"{where}: {found} is a file, not a folder", "choose a path in a folder")
    raise IndexError_(
        f"{where}: the folder {folder} does not exist",
        "create it first (mkdir -p), or choose a path in an existing folder",
    )


def remove_unfinished(target: StoreTarget, ours: Callable[[str], bool]) -> None:
    """Remove the folders of collections whose creation Milvus Lite began and never finished (a build
    SIGKILLed inside create_collection, a disk full there): Lite lists only folders holding a
    schema.json, so it can neither describe nor drop them, and each stayed for good. Only a folder
    ``ours`` names (this alias's builds) that is ``_unfinished``: Lite has no writer but this process,
    which holds its LOCK and builds one collection at a time, so none is still being created. Called
    after the commit: a folder it cannot read or remove is left, and nothing here waits or raises."""
    root = os.path.join(target.uri, "collections")
    with contextlib.suppress(OSError):
        for entry in os.listdir(root):
            folder = os.path.join(root, entry)
            with contextlib.suppress(OSError):
                if ours(entry) and _unfinished(folder):
                    shutil.rmtree(folder)


def _unfinished(folder: str) -> bool:
    """Whether ``folder`` is what Lite's create_collection leaves when cut short: a real folder (not a
    link to one elsewhere) holding nothing, or only the schema's temporary file as a regular file no
    larger than a schema of ours (a link, a FIFO or a bigger file is not Lite's, and reading one could
    hang a committed build), whose owner is qa's when it reads as JSON (one cut short cannot say, and
    is ours by its name alone)."""
    from .schema import OWNER, P_OWNER

    if os.path.islink(folder) or not set(os.listdir(folder)) <= {_CREATING}:
        return False
    path = os.path.join(folder, _CREATING)
    try:
        held = os.lstat(path)
    except FileNotFoundError:
        return True
    if not stat.S_ISREG(held.st_mode) or held.st_size > _SCHEMA_MAX:
        return False
    with open(path, "rb") as f:
        raw = f.read(_SCHEMA_MAX + 1)
    try:
        schema = json.loads(raw)
    except (ValueError, RecursionError):  # cut short (or not JSON at all: never what a qa build wrote)
        return True
    props = schema.get("properties") if isinstance(schema, dict) else None
    return isinstance(props, dict) and props.get(P_OWNER) == OWNER
