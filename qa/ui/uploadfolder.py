"""Gradio's upload folder: where it is, how much room its disk has, and what abandoned uploads left in it.

:class:`qa.ui.bodylimit.BodyLimit` asks both before it lets an upload in (docs/reliability.md
section 7): uploads stop while the disk is nearly full, and the parts of uploads whose client
went away are removed first, since Gradio never removes them.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

STALE_PART_SECONDS = 15 * 60
_PART = re.compile(r"tmp[a-z0-9_]{8}")  # tempfile.NamedTemporaryFile's names, as Gradio's upload makes them


def upload_folder() -> Path:
    """The folder of Gradio's uploads (GRADIO_TEMP_DIR, as Gradio picks it)."""
    from gradio.utils import get_upload_folder

    return Path(get_upload_folder())


def upload_folder_free() -> int:
    """Free bytes on the disk that holds Gradio's uploads."""
    folder = upload_folder()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return shutil.disk_usage(folder).free


def tidy_upload_folder(folder: Path | None = None, age: float = STALE_PART_SECONDS) -> int:
    """Remove what uploads whose client went away left behind; returns how many files.

    Gradio writes an upload to a ``tmp…`` file at the top of its folder and removes it on a malformed
    form only: a client that disconnects mid-upload leaves it (up to 5 MB) for good, and Gradio's
    hourly clean-up never sees it. Such a file unchanged for ``age`` seconds is no upload in progress.
    Nothing is removed when the folder is the system's shared temporary folder (GRADIO_TEMP_DIR=/tmp):
    other programs' files are named the same way there."""
    folder = upload_folder() if folder is None else folder
    cutoff, removed = time.time() - age, 0
    try:
        if folder.resolve() == Path(tempfile.gettempdir()).resolve():
            return 0
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        try:
            part = _PART.fullmatch(entry.name) and entry.is_file(follow_symlinks=False)
            if part and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue  # gone meanwhile, or not ours to remove
    return removed
