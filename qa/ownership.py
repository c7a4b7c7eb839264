"""What in an index folder this tool made, and may therefore delete.

The index folder is the user's choice and may hold anything (a backup named ``20240101-foto``, a
``.tmp-mine`` folder). A build or temporary folder is ours only when it carries the marker file we
write into it the moment we create it, holding its build id; the previous build named by a valid
manifest (built before markers existed) is ours only file by file, as its manifest lists them.
Folder names alone never decide what is deleted, with one exception that holds nothing: an *empty*
``.qa-tmp-<build id>`` (or one holding only its marker, part-written), what a stop between a folder's
creation and its marker, or between its marker's removal and its own, leaves (``is_remnant``).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
from pathlib import Path

from .manifest import MANIFEST, is_build_id, looks_like_ours

MARKER = ".qa-build"  # inside every build and temporary folder this tool creates; holds the build id
TMP_PREFIX = ".qa-tmp-"
STAGED = ".manifest.staged"  # the next manifest, written inside its build folder before the commit
# The files an index folder holds beside its builds: the manifest, the calibrations (qa.calibration: one
# for the local store, one a Milvus store), the lock of a file system that cannot lock folders and the
# vectors an interrupted build kept (qa.checkpoint).
_INDEX_FILES = re.compile(
    r"manifest\.json|calibration(-[0-9a-f]{12})?\.json|\.lock|\.qa-embedded\.(npz|partial(-[0-9]+-[0-9a-f]{8})?)"
)
_MILVUS_KEPT = re.compile(r"embedded-[0-9a-f]{8}")  # ``qa.milvus.resume.checkpoint_folder``


def keep_foreign_manifest(index_dir: Path, build_id: str) -> None:
    """A ``manifest.json`` this tool did not write is renamed aside, never overwritten."""
    if not looks_like_ours(index_dir):
        os.rename(index_dir / MANIFEST, index_dir / f"{MANIFEST}.kept-{build_id}")


def is_marked(path: Path) -> bool:
    """True for a real folder this tool created: its marker names the build it was made for."""
    if path.is_symlink() or not path.is_dir() or (path / MARKER).is_symlink():
        return False
    try:
        build_id = (path / MARKER).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return is_build_id(build_id) and path.name in (build_id, TMP_PREFIX + build_id)


def marked_folder_of(path: Path, index_dir: Path) -> Path | None:
    """The folder this tool made (a build or temporary folder) in an index folder that ``path`` lies in,
    if any: whatever a user puts there goes with it at the next build, and the build's own check refuses
    a stranger's file. An index folder is ``index_dir`` or one holding a manifest; a build folder copied
    elsewhere (``cp -r index/<build> backup/``) is removed by no build, and an output may go there."""
    try:
        resolved, index = path.resolve(), index_dir.resolve()

        def in_an_index(folder: Path) -> bool:
            return folder.parent == index or os.path.lexists(folder.parent / MANIFEST)

        # a folder on the way that cannot be looked into (EACCES) raised a traceback: not ours by what we
        # can see, and writing there fails with its own message
        return next((p for p in resolved.parents if is_marked(p) and in_an_index(p)), None)
    except (OSError, RuntimeError):
        return None


def index_file_of(path: Path, index_dir: Path) -> Path | None:
    """The file of an index folder this tool keeps beside its builds (manifest, calibration, lock) that
    ``path`` is by any name, if any. Only a link reaches one with an output's extension (``-o a.jsonl``
    naming ``index/manifest.json``), and ``--force`` then wrote the answers over the manifest: every
    command refused the index until it was rebuilt."""
    try:
        resolved, index = path.resolve(), index_dir.resolve()
    except (OSError, RuntimeError):
        return None
    folder = resolved.parent
    in_an_index = folder == index or os.path.lexists(folder / MANIFEST) or _kept_by_milvus(folder, index)
    return resolved if in_an_index and _INDEX_FILES.fullmatch(resolved.name) else None


def _kept_by_milvus(folder: Path, index: Path) -> bool:
    """A Milvus build's checkpoint folder (``qa.milvus.resume``): its file is one of the index's too."""
    if folder.parent.parent != index or not _MILVUS_KEPT.fullmatch(folder.name):
        return False
    from .milvus.tables import FOLDER  # only now: it imports the indexing code

    return folder.parent.name == FOLDER


def remove_marked(path: Path) -> None:
    """Delete a folder this tool made, its marker last: a kill or an undeletable file part-way leaves
    the rest still marked, so the next build removes it (``shutil.rmtree`` takes the marker whenever
    the directory order puts it, leaving an unmarked remnant that nothing would ever remove).

    The marker's removal and the folder's are two system calls: a stop between them (a kill, a third
    Ctrl-C) left an empty, unmarked folder. A build folder is therefore renamed to its temporary name
    first (still marked), so what such a stop leaves is an empty ``.qa-tmp-<id>``: ``is_remnant``."""
    with contextlib.suppress(OSError):  # never fails a build: what cannot go now goes next time
        path = _as_temporary(path)
        for child in path.iterdir():
            if child.name != MARKER:
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    with contextlib.suppress(OSError):
                        child.unlink()
        if next((c for c in path.iterdir() if c.name != MARKER), None) is None:
            (path / MARKER).unlink()
            path.rmdir()


def _as_temporary(path: Path) -> Path:
    """A marked build folder ``<id>`` renamed ``.qa-tmp-<id>`` (one step: marked under either name);
    left where it is when that name is taken or the rename fails."""
    if path.name.startswith(TMP_PREFIX):
        return path
    temporary = path.with_name(TMP_PREFIX + path.name)
    if os.path.lexists(temporary):
        return path
    try:
        os.rename(path, temporary)
    except OSError:
        return path
    return temporary


def is_remnant(path: Path) -> bool:
    """True for what a stop leaves of a temporary folder of ours between two system calls: a folder named
    ``.qa-tmp-<build id>`` (as only this tool names one) holding nothing, or nothing but its marker
    part-written (a prefix of its build id: stopped while writing it). Nothing in it is anyone's, and
    without its marker no other rule would ever remove it."""
    build_id = path.name[len(TMP_PREFIX) :] if path.name.startswith(TMP_PREFIX) else ""
    if not is_build_id(build_id) or path.is_symlink() or not path.is_dir():
        return False
    marker = path / MARKER
    try:
        inside = [c.name for c in itertools.islice(path.iterdir(), 2)]
        if not inside:
            return True
        if inside != [MARKER] or marker.is_symlink() or not marker.is_file():
            return False
        with marker.open("rb") as fh:
            return f"{build_id}\n".encode().startswith(fh.read(64))
    except OSError:
        return False


def remove_ours(path: Path) -> None:
    """Remove ``path`` if this tool made it: a marked folder whole (``remove_marked``), a remnant of one
    (``is_remnant``) by ``rmdir``, which removes nothing anyone put there since."""
    if is_marked(path):
        remove_marked(path)
    elif is_remnant(path):
        with contextlib.suppress(OSError):
            (path / MARKER).unlink(missing_ok=True)
            path.rmdir()


def remove_old_builds(index_dir: Path, keep: str, previous: dict | None = None) -> None:
    """Delete the builds and temporary folders this tool made that the manifest no longer points at.

    Marked folders go whole, and so do the remnants a stop left of one (``is_remnant``); the previous
    build, when it predates the markers, loses only the files its manifest lists (and the folders they
    leave empty). Nothing else in the folder is touched.
    """
    for path in list(index_dir.iterdir()):  # listed first: a build folder is renamed as it goes
        if path.name != keep:
            remove_ours(path)
    old = (previous or {}).get("build", {}).get("id")
    if previous is None or not is_build_id(old) or old == keep or is_marked(index_dir / old):
        return
    build = index_dir / old
    if build.is_symlink() or not build.is_dir():
        return
    for name in previous["files"]:
        target = build / name
        if within(build, name) and (target.is_symlink() or target.is_file()):
            target.unlink(missing_ok=True)  # a link itself goes, never what it points at
    for folder in sorted((p for p in build.rglob("*") if p.is_dir()), reverse=True) + [build]:
        with contextlib.suppress(OSError):
            folder.rmdir()  # only when empty


def within(build: Path, name: str) -> bool:
    """True when ``name`` (a manifest's file name) is a plain path inside ``build``: relative, without
    ``..``, and no folder on the way is a link (a ``lexical`` folder replaced by a link to the user's
    own folder would make the user's files look like the build's). The name itself may be a link."""
    rel = Path(name)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        return False
    return not any((build / folder).is_symlink() for folder in list(rel.parents)[:-1])
