"""A fresh user's sweep of the CLI and the index writer (docs/reliability.md section 23): odd paths and
signals. Each test failed on the code before its fix."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

from scripts.trials import answers, open_index, qa_command, qa_env

from .conftest import ROOT


def _odd(tmp_path: Path, name: bytes) -> Path:
    """A path under ``tmp_path`` whose last part is ``name``'s bytes, as the OS gives them to Python."""
    return Path(os.fsdecode(os.fsencode(tmp_path) + b"/" + name))


def test_an_index_folder_whose_name_is_not_utf8_is_read_back(settings, tmp_path: Path) -> None:
    """faiss took the vector file's path as UTF-8 text only: the build was written, and every later
    command refused it ("cannot be read: Wrong number or type of arguments"), exit 5, whose hint to
    rebuild with --force only wrote another build it could not read."""
    odd = replace(settings, index_dir=_odd(tmp_path, b"indeks-\xff lama"))
    built = open_index(odd, build="auto")
    assert answers(open_index(odd, build="never")) == answers(built)

    env = qa_env(settings.corpus_dir, _odd(tmp_path, b"cli-\xfe"))
    for args in (["index"], ["ask", "--json", "apa tugas asisten menteri?"]):
        r = subprocess.run([*qa_command(real=False), *args], env=env, cwd=ROOT, capture_output=True,
                           timeout=120)  # fmt: skip
        assert r.returncode == 0, r.stderr.decode(errors="replace")
    assert json.loads(r.stdout)["passages"]
