"""The visible files below a corpus folder, with symbolic links handled on purpose.

Symbolic links are followed, to files and to folders alike (a shared folder linked into the corpus
is part of it), but never silently dropped: a link that points nowhere, a link loop (a folder that
links back to itself or to a folder above it) and a name that is not a regular file (a FIFO named
``x.txt`` would block the build forever) stop the build with a message naming the path, as the README
promises for any file that cannot be used. So does a name that is not UTF-8 (Latin-1 bytes from an old
archive): it could not be written into the index or printed. Hidden files and folders (a leading ``.``)
are skipped, and so is the owner file Word, Excel and PowerPoint keep beside a document open in them
(``~$panduan.docx``, hidden on Windows; it is not a document, and its document is read). That one is told
by what it is, not by its name alone: a document a user named ``~$catatan.txt`` is read like any other.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import CorpusError
from .printable import shown_path

OWNER_PREFIX, OWNER_MAX = "~$", 1024  # Office's owner files are 162 or 165 bytes


def hidden(name: str) -> bool:
    """Whether the walk skips a file or folder of this name, whatever it holds (a leading ``.``)."""
    return name.startswith(".")


def office_owner_file(name: str, path: Path, size: int) -> bool:
    """Whether a regular file is Office's owner file of an open document: named ``~$…``, tiny, binary
    (the user's name padded with NULs, and again in UTF-16). A text a user chose to name so has no NUL,
    and a real document is larger: skipping either would drop it from the corpus without a word."""
    if not name.startswith(OWNER_PREFIX) or size > OWNER_MAX:
        return False
    try:
        with open(path, "rb") as fh:
            return b"\0" in fh.read(OWNER_MAX + 1)
    except OSError:
        return False  # the reader names what is wrong with it


def visible_files(corpus_dir: Path) -> list[Path]:
    """Every visible regular file below ``corpus_dir`` (links followed, loops refused), in name order."""
    found: list[Path] = []
    root = os.stat(corpus_dir)
    _walk(corpus_dir, corpus_dir, [(root.st_dev, root.st_ino)], found)
    return found


def _walk(folder: Path, corpus_dir: Path, above: list[tuple[int, int]], found: list[Path]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        where = _rel(folder, corpus_dir)
        raise CorpusError(f"cannot read corpus folder {where}: {exc.strerror or exc}") from None
    for entry in entries:
        if hidden(entry.name):
            continue
        path = Path(entry.path)
        if not _is_utf8(entry.name):  # os.scandir hands undecodable bytes over as lone surrogates
            raise CorpusError(
                f"corpus path {shown_path(_rel(path, corpus_dir))} has a name that is not valid UTF-8",
                "rename it (e.g. convmv -f latin1 -t utf-8), or move it out of the corpus folder",
            )
        try:
            info = os.stat(path)  # follows links
        except FileNotFoundError:
            if not entry.is_symlink():
                continue  # removed while we looked
            raise CorpusError(
                f"corpus link {_rel(path, corpus_dir)} points to nothing ({os.readlink(path)})",
                "fix the link or remove it",
            ) from None
        except OSError as exc:  # ELOOP (a link to itself), EACCES...
            where = _rel(path, corpus_dir)
            raise CorpusError(f"cannot use corpus path {where}: {exc.strerror or exc}") from None
        if stat.S_ISDIR(info.st_mode):
            key = (info.st_dev, info.st_ino)
            if key in above:
                raise CorpusError(
                    f"corpus folder link {_rel(path, corpus_dir)} loops back to a folder above it",
                    "remove the link or point it elsewhere",
                )
            _walk(path, corpus_dir, [*above, key], found)
        elif stat.S_ISREG(info.st_mode):
            if not office_owner_file(entry.name, path, info.st_size):
                found.append(path)
        else:
            raise CorpusError(f"corpus path {_rel(path, corpus_dir)} is not a regular file")


def _rel(path: Path, corpus_dir: Path) -> str:
    return path.relative_to(corpus_dir).as_posix() if path != corpus_dir else str(corpus_dir)


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
