"""Leftovers of the index and store sweeps (docs/reliability.md section 12): the build lock survives a
tidy user, a model changed in place makes the index stale, a calibration applies to its own store only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

_HOLD = """
import sys
from pathlib import Path
from qa.writing import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""
_TRY = """
import sys
from pathlib import Path
from qa.errors import IndexLockedError
from qa.writing import build_lock
try:
    with build_lock(Path(sys.argv[1]), wait=False):
        print("acquired")
except IndexLockedError:
    print("locked out")
"""


def _try_lock(index_dir: Path) -> str:
    out = subprocess.run([sys.executable, "-c", _TRY, str(index_dir)], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_deleting_files_in_the_index_folder_during_a_build_does_not_let_a_second_build_start(tmp_path):
    """Two real processes: the first holds the build lock; a user then deletes every file of the index
    folder (a `.lock` among them, before the fix); the second must still be locked out."""
    index_dir = tmp_path / "index"
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(index_dir)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        for path in index_dir.iterdir():  # a user tidying the folder
            path.unlink()
        assert _try_lock(index_dir) == "locked out"
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)
    assert _try_lock(index_dir) == "acquired"
    assert list(index_dir.iterdir()) == []  # the lock leaves nothing behind in the user's folder
