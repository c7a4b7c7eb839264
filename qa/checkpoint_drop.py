"""What is left of a checkpoint once no build can lend from it, and its removal (section 157).

An index that is committed, or found current by an open that may write, needs none of the vectors an
interrupted build kept: left, they would hold the disk for ever. The local and the Milvus open share
one clean-up (:func:`drop_unused`), so the guards of section 158 (nothing to do without a checkpoint or a
cut-short write, never through a linked folder) are written once. Apart from ``qa.checkpoint``, which
writes and reads a checkpoint, to keep each module to one job.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from . import checkpoint_partial
from .checkpoint import CHECKPOINT, is_ours


def left(folder: Path) -> bool:
    """Whether ``folder`` may hold a checkpoint, or a write of one a kill cut short (an lstat and a
    listing of the folder, a few names)."""
    return os.path.lexists(folder / CHECKPOINT) or bool(checkpoint_partial.found(folder))


def discard(folder: Path) -> bool:
    """Remove the checkpoint of ``folder`` when this tool wrote it (anything else stays), and a write of
    one a kill cut short (a partial file no writer holds: it stayed for good, section 158); whether
    either went. For an index that is current: no build would lend its vectors (section 157)."""
    went = False
    if os.path.lexists(folder / CHECKPOINT) and is_ours(folder / CHECKPOINT):
        with contextlib.suppress(OSError):
            (folder / CHECKPOINT).unlink()
        went = not os.path.lexists(folder / CHECKPOINT)
    return checkpoint_partial.clean(folder) or went  # the names are ours and never read


def drop_unused(
    folder: Path,
    lock: AbstractContextManager[bool],
    unused: Callable[[], bool],
    log: Callable[[str], None],
    own_folder: bool = False,
) -> None:
    """What an open that found its index current does with a checkpoint left, local or Milvus (section 157):
    one lstat when there is none; else, under ``lock`` (the build lock taken without waiting: False when a
    build holds it, which keeps its own), if ``unused`` (asked under it) says no build may lend from it,
    only a checkpoint of ours goes (:func:`discard`), said in one line, with ``folder`` left empty when it
    is the checkpoint's ``own_folder`` (a Milvus store's; never an index folder), which is never read or
    emptied through a link (section 158)."""
    if (own_folder and folder.is_symlink()) or not left(folder):
        return
    with lock as taken:
        if taken and unused() and discard(folder):
            log(f"removed the vectors an interrupted build kept in {folder}: the index is current")
            with contextlib.suppress(OSError):
                if own_folder:
                    folder.rmdir()
