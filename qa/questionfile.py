"""What a question file may be, checked before it is opened: the one rule ``qa batch``, ``qa eval`` and
``qa calibrate`` share, so none of them waits on a FIFO, reads a device forever or reads a folder."""

from __future__ import annotations

from pathlib import Path

from .file_errors import FileError, FileRefused
from .paths import refusal


def check_question_file(path: Path, hint: str) -> None:
    """Refuse, before it is opened, what cannot be a question file: a path the OS refuses, a folder,
    nothing, or anything but a regular file. Opening a FIFO waits for a writer forever (``mkfifo
    q.txt``; ``qa eval``/``calibrate`` hung so), a device such as ``/dev/zero`` never ends, and a file
    read twice (the batch's layout pass, then its run) cannot be a stream. ``hint`` says what to do
    instead, for the command at hand."""
    refused = refusal(path)
    if refused:
        raise FileRefused(path, FileError("unreadable", detail=refused))
    if path.is_dir():
        raise FileRefused(path, FileError("directory"))
    if not path.exists():
        raise FileRefused(path, FileError("not_found"))
    if not path.is_file():
        raise FileRefused(path, FileError("device"), hint)
