"""Where a batch may write: the checks before an output file is opened, and opening it.

An output is refused before any work when the run must not write it: the question file itself under any
name (``--force`` would empty it before the first question is read), a folder, a FIFO or socket (opening
a FIFO blocks), an unknown extension, or an existing file without ``--resume``/``--force``; and, for the
command line, a place where the next index would read or remove it (``check_place``).
"""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..paths import refusal
from ..printable import quoted_path
from .cells import OUTPUT_EXTENSIONS
from .lock import OutputLock, sidecar
from .outputs import WRITERS
from .writers import Writer


def same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
        sa, sb = a.stat(), b.stat()
    except (OSError, RuntimeError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def output_paths(output: str | Path | Sequence[str | Path]) -> list[Path]:
    """``run_batch``'s output or outputs as paths; one file named twice (again, or by a link to it) is
    refused: two writers would append to it."""
    outputs = [Path(output)] if isinstance(output, (str, Path)) else [Path(o) for o in output]
    if not outputs:
        raise ValueError("run_batch needs at least one output")
    for i, a in enumerate(outputs):
        if any(same_file(a, b) or a == b for b in outputs[:i]):
            raise InputError(f"{a} is given twice as an output")
    return outputs


def _is_stdin(path: Path) -> bool:
    """Whether ``path`` is the file standard input reads (``qa batch - -o same.jsonl < same.jsonl``)."""
    try:
        si, so = os.fstat(sys.stdin.fileno()), path.stat()
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return stat.S_ISREG(si.st_mode) and (si.st_dev, si.st_ino) == (so.st_dev, so.st_ino)


def check_place(path: Path, corpus_dir: Path, index_dir: Path) -> None:
    """Refuse an output inside the corpus folder (the next index would take the answers for a document,
    or refuse the corpus), inside a folder qa made for an index (the next build removes it), or that is
    a file of the index itself, by a link (the answers would replace it)."""
    from ..config import in_corpus
    from ..ownership import index_file_of, marked_folder_of

    if in_corpus(corpus_dir, path):
        raise InputError(
            f"{path} is inside the corpus folder {corpus_dir}: the next index would take the answers for a "
            "document (or refuse the corpus)",
            "write the answers outside the corpus folder",
        )
    built = marked_folder_of(path, index_dir)
    if built is not None:  # the index's own check would refuse the answers as a stranger's file
        raise InputError(
            f"{path} is inside {built}, a folder qa made for an index: the next build removes it, answers "
            "and all",
            "write the answers outside the index folder",
        )
    kept = index_file_of(path, index_dir)
    if kept is not None:  # --force would write the answers over it
        raise InputError(
            f"{path} is {kept}, a file of the index: the answers would replace it and break the index",
            "write the answers to a file of their own, e.g. -o answers" + path.suffix.lower(),
        )


def check_output(path: Path, *, resume: bool, force: bool, source: str | Path | None = None) -> bool:
    """Refuse an output the run must not write (InputError) before any work; True when it has content.

    The output is never the question file, by any name (a symlink, a hard link, stdin redirected
    from it): ``--force`` would empty it before the first question is read.
    """
    kind = path.suffix.lower()
    if str(path) == "-":  # "unsupported output type '(no extension)'" said nothing to someone piping
        raise InputError(
            "the answers go to a file, not to standard output (-o -)",
            f"name one ending in {', '.join(OUTPUT_EXTENSIONS)}: -o answers.jsonl, then cat answers.jsonl",
        )
    refused = refusal(path)
    if refused:
        raise InputError(f"{path}: cannot write output ({refused})", "choose another output path with -o")
    if path.is_dir():  # before the extension: a folder has none, and "unsupported type" hid the mistake
        hint = f"e.g. -o {path / 'answers.jsonl'}"
        raise InputError(f"{path}: is a directory, expected an output file", hint)
    if kind not in WRITERS:
        raise InputError(
            f"{path}: unsupported output type {quoted_path(kind or '(no extension)')}",
            f"use one of: {', '.join(OUTPUT_EXTENSIONS)}",
        )
    if path.is_fifo() or path.is_socket():  # opening a FIFO blocks the run until a reader comes
        raise InputError(f"{path}: is a pipe or socket, expected an output file")
    if source is not None and (_is_stdin(path) if str(source) == "-" else same_file(Path(source), path)):
        named = "standard input reads from it" if str(source) == "-" else str(source)  # not "file -"
        raise InputError(
            f"{path} is the question file ({named}); the answers would overwrite the questions",
            "write the answers to another file, e.g. answers" + kind,
        )
    exists = path.exists() and path.stat().st_size > 0
    if exists and not resume and not force:
        raise InputError(f"{path} exists; use --resume to continue it or --force to overwrite")
    return exists


def open_writer(path: Path, *, resume: bool, force: bool, source: str | Path | None = None) -> Writer:
    """The writer for ``path``'s extension, after :func:`check_output`, holding the output's lock
    (:mod:`qa.batch.lock`; released by ``Writer.close``); the output itself is not touched yet.

    The content check is repeated under the lock: a run that finished in between made the output
    non-empty, and it must not be overwritten without ``--force``.
    """
    check_output(path, resume=True, force=False, source=source)  # all but "exists": a busy output says so
    lock = OutputLock(path)
    try:
        existing = path if path.exists() else next(p for p in path.parents if p.exists())
        if not existing.is_dir() and existing != path:
            raise NotADirectoryError(errno.ENOTDIR, f"{existing} is not a folder")
        if not os.access(existing, os.W_OK):  # a read-only mount was "Permission denied": no chmod helps
            if os.statvfs(existing).f_flag & os.ST_RDONLY:
                raise OSError(errno.EROFS, "Read-only file system")
            raise PermissionError(errno.EACCES, "Permission denied")
        lock.acquire()
        sidecar(path, "qa-new").unlink(missing_ok=True)  # left by a --force run killed mid-first-chunk
        exists = check_output(path, resume=resume, force=force, source=source)
        writer = WRITERS[path.suffix.lower()](path, resume and exists)
    except OSError as exc:
        lock.release()
        hint = "choose another output path with -o"
        raise InputError(f"{path}: cannot write output ({exc.strerror or exc})", hint) from None
    except BaseException:
        lock.release()
        raise
    writer.lock = lock
    return writer


def records_in(path: Path) -> int | None:
    """How many whole records an output holds (what ``--resume`` would skip; a torn last one is not
    counted), or None when it cannot be read as an output of ours."""
    try:
        return len(WRITERS[path.suffix.lower()](path, resume=True).done)
    except (KeyError, OSError, ValueError, InputError):
        return None
