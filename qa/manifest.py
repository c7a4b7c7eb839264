"""The index manifest: the commit point of a build and the record of everything it must match.

It holds a format version, a build stamp, the encoder, chunker and lexical settings, a SHA-256 per
corpus file and per index file. ``stale_reasons`` says, in words, why a stored index no longer
answers for the current settings and corpus; ``read_manifest`` refuses anything not of its shape.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import platform
import re
import stat
from pathlib import Path
from typing import Any

from .errors import IndexCorruptError, IndexError_
from .paths import refusal
from .printable import shown_name

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Manifest sections that must equal what the current settings and corpus would produce.
CHECKED = ("format_version", "encoder", "chunking", "text", "lexical", "extraction", "corpus", "faiss")
# Sections of which only the keys the expectation names are compared: "faiss" also records what was
# built (type, size, parameters), which follows from the corpus; only the policy choosing it is checked.
PARTIAL = ("faiss",)
UNWRITABLE_HINT = "make it writable or choose another with --index / QA_INDEX"
# A build id is a plain folder name of one shape (UTC time + random hex): anything else in a manifest,
# such as "/", ".." or an absolute path, would make a reader open files outside the index folder.
BUILD_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")
REBUILD_HINT = "rebuild it with: qa index --force"
# a folder or manifest this user may not read is not damaged, and a rebuild as this user fails too
UNREADABLE_HINT = "let this user read the index folder and its files, or choose another with --index"


def unreadable(path: object, exc: PermissionError) -> IndexError_:
    """The error for an index file or folder this user may not read (EACCES, EPERM): not damaged, and a
    rebuild as this user would be refused too, so it says how to fix the permissions."""
    return IndexError_(f"cannot read {path}: {exc.strerror or exc}", UNREADABLE_HINT)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def corpus_key(manifest: dict) -> str:
    """16 hex digits naming where answers come from: the SHA-256 of every corpus file and the embedding
    model (not the build stamp: a rebuild of the same corpus answers alike). A batch output records it,
    so a resume never appends answers from another corpus to answers from this one."""
    source = {"corpus": manifest.get("corpus"), "model": (manifest.get("encoder") or {}).get("model")}
    return hashlib.sha256(json.dumps(source, sort_keys=True).encode()).hexdigest()[:16]


def _check_no_dangling_link(index_dir: Path) -> None:
    """Refuse an index path through a symbolic link to nothing (a moved or unmounted disk): the build
    failed on it with "cannot write the index folder …: No such file or directory", hint "make it
    writable", which fits nothing there. Not made: the link's target may be a disk not mounted yet."""
    for path in (index_dir, *index_dir.parents):
        if path.is_symlink() and not path.exists():
            where = "is" if path == index_dir else f"goes through {path},"
            target = os.readlink(path)
            raise IndexError_(
                f"the index path {index_dir} {where} a symbolic link to {target}, which is not there",
                "create the folder it points to (or mount its disk), or choose another with --index",
            )


def read_manifest(index_dir: Path) -> dict | None:
    """The manifest, or None when no index was built here; garbage raises IndexCorruptError."""
    path = index_dir / MANIFEST
    refused = refusal(index_dir)
    if refused:  # not a damaged index: the folder itself cannot be reached (a name too long, a link loop)
        raise IndexError_(f"the index path {index_dir} cannot be used: {refused}", UNWRITABLE_HINT)
    try:
        raw = read_regular(path)
    except FileNotFoundError:
        _check_no_dangling_link(index_dir)
        return None
    except NotADirectoryError:
        hint = "choose a folder with --index / QA_INDEX"  # "make it writable" fits no file
        raise IndexError_(f"the index path {index_dir} is not a folder", hint) from None
    except PermissionError as exc:  # EACCES, EPERM: "rebuild it" sent the user to a second refusal
        raise unreadable(path, exc) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise IndexCorruptError(f"cannot read {path}: {reason}", REBUILD_HINT) from None
    try:
        manifest = json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON, a 5,000-digit number, 100k nested brackets
        raise IndexCorruptError(f"{path} is not valid JSON", REBUILD_HINT) from None
    if not _well_formed(manifest):
        raise IndexCorruptError(f"{path} is not an index manifest", REBUILD_HINT)
    if not is_build_id(manifest.get("build", {}).get("id")):
        raise IndexCorruptError(
            f"{path} names no valid build folder (missing, or not a plain folder name)", REBUILD_HINT
        )
    return manifest


def read_regular(path: Path) -> str:
    """The UTF-8 text of ``path`` if it is a regular file. Anything else named like the manifest (a FIFO,
    a link to /dev/zero) is refused without being read: reading would block or never end."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return fh.read().decode("utf-8")


def is_build_id(value: Any) -> bool:
    """True for a folder name this tool could have given a build (never a path or a dot name)."""
    return isinstance(value, str) and BUILD_ID.fullmatch(value) is not None


def looks_like_ours(index_dir: Path) -> bool:
    """False when ``manifest.json`` exists but was not written by this tool (any version).

    A rebuild replaces our own manifest, even a damaged one; it must not overwrite a user's file
    that merely has the same name in a folder chosen as the index folder.
    """
    try:
        manifest = json.loads(read_regular(index_dir / MANIFEST))
    except FileNotFoundError:
        return not (index_dir / MANIFEST).is_symlink()  # a dangling link is the user's too
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(manifest, dict) and "format_version" in manifest and "files" in manifest


def _well_formed(manifest: Any) -> bool:
    """The shape every reader relies on: JSON objects where sections are, a str -> str file list."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        return False
    sections = ("encoder", "chunking", "text", "lexical", "extraction", "corpus", "build", "faiss")
    if any(not isinstance(manifest.get(name, {}), dict) for name in sections):
        return False
    count = manifest.get("chunks", 0)  # compared with the files' sizes: a list or object cannot be
    if isinstance(count, bool) or not isinstance(count, int):
        return False
    return all(isinstance(k, str) and isinstance(v, str) for k, v in manifest["files"].items())


def _describe(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= 80 else text[:77] + "..."


def stale_reasons(manifest: dict, expected: dict) -> list[str]:
    """Human-readable differences between a stored manifest and the current expectations."""
    reasons = []
    if manifest.get("format_version") != expected["format_version"]:
        return [f"index format {manifest.get('format_version')} != supported {expected['format_version']}"]
    for section in CHECKED[1:]:
        old, new = manifest.get(section) or {}, expected.get(section) or {}
        if section in PARTIAL:
            old = {key: old.get(key) for key in new}
        if section == "corpus":
            added, removed = sorted(set(new) - set(old)), sorted(set(old) - set(new))
            changed = sorted(k for k in set(old) & set(new) if old[k] != new[k])
            for what, names in (("added", added), ("removed", removed), ("changed", changed)):
                reasons += [f"corpus file {what}: {shown_name(d)}" for d in names]  # a newline quoted
            continue
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                reasons.append(f"{section}.{key}: {_describe(old.get(key))} -> {_describe(new.get(key))}")
    return reasons


def build_stamp() -> dict:
    """When and with which versions a build was made, for ``qa info`` and bug reports (the id that names
    the build is added as it is written: qa/writing.py)."""
    import numpy as np

    from . import __version__

    return {
        "qa_version": __version__,
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
