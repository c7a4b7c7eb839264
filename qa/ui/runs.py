"""The Batch tab's result folders: one fresh folder per upload under the app's work folder, holding a
copy of the upload and then its answers, kept :data:`RUN_TTL` seconds for downloading, then pruned.

The upload is copied once, so Gradio's cache may drop its own copy while the answers are written; the
folder is the unit that is removed, whether the run failed, the visitor left or its time is up.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from ..errors import OutputError
from .visitor import server_side

RUN_TTL = 3600  # seconds a batch's result folder is kept for downloading


def copy_in(workdir: Path, path: Path, ext: str) -> Path:
    """A fresh folder holding a copy of the upload as ``pertanyaan<ext>`` (a full disk here is the
    server's problem, told to the visitor as such)."""
    run: Path | None = None
    try:
        run = Path(tempfile.mkdtemp(prefix="batch-", dir=workdir))
        shutil.copyfile(path, run / f"pertanyaan{ext}")
        return run
    except OSError as exc:
        if run is not None:
            shutil.rmtree(run, ignore_errors=True)
        where = run or workdir
        detail = exc.strerror or exc
        raise server_side(
            OutputError(f"cannot copy the upload into {where} ({detail})", errno=exc.errno)
        ) from None


def prune(workdir: Path, ttl: float = RUN_TTL) -> None:
    """Drop result folders older than ``ttl``, so a long-running Space does not fill its disk. Another
    upload may remove a folder between the listing and its ``stat`` (its own failed run, or the same
    prune): that is skipped, never the end of this visitor's upload."""
    cutoff = time.time() - ttl
    for d in workdir.glob("batch-*"):
        try:
            old = d.lstat().st_mtime < cutoff
        except OSError:
            continue
        if old:
            shutil.rmtree(d, ignore_errors=True)
