"""A path that is not UTF-8 in the CLI's JSON (section 149's Left; docs/reliability.md section 159): valid
UTF-8 JSON, the path as every other line shows it (``\\xNN``), its exact bytes in hex beside it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from qa.printable import emit_json
from scripts.trials import qa_command, qa_env

from .conftest import ROOT


@pytest.mark.parametrize("encoding", [None, "utf-8:strict", "ascii"])
def test_qa_info_names_an_index_folder_that_is_not_utf8_in_valid_json(
    settings, tmp_path: Path, encoding
) -> None:
    """``index_dir`` was the raw byte 0xff (invalid UTF-8) or, on a strict stream, ``\\udcff`` (a lone
    surrogate)."""
    index = os.fsencode(tmp_path) + b"/idx-\xff"
    env = qa_env(settings.corpus_dir, Path(os.fsdecode(index)), LC_ALL="C.UTF-8")
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    for command in ("index", "info"):
        run = subprocess.run(
            [*qa_command(real=False), command], env=env, cwd=ROOT, capture_output=True, timeout=120
        )
        assert run.returncode == 0, run.stderr.decode(errors="replace")
    info = json.loads(run.stdout.decode("utf-8"))  # strict: a raw 0xff fails here
    assert info["index_dir"] == os.fsdecode(tmp_path) + "/idx-\\xff"
    assert bytes.fromhex(info["index_dir_bytes_hex"]) == index
    assert b"\\udcff" not in run.stdout


def test_every_string_of_a_json_output_is_shown_so_and_a_fields_bytes_given(capsys) -> None:
    """Keys, list items and nested fields alike (``qa ask --json``, ``eval --json`` and ``calibrate`` print
    through the same ``emit_json``); a plain value and a typed ``\\xff`` are left as they are."""
    emit_json(
        {"store": "milvus:/d\udcff.db", "docs": ["a\udcfe.md", "b.md"], "k\udcff": {"path": "\\xff"}, "n": 3}
    )
    printed = json.loads(capsys.readouterr().out.encode("utf-8"))
    assert printed == {
        "store": "milvus:/d\\xff.db",
        "store_bytes_hex": b"milvus:/d\xff.db".hex(),
        "docs": ["a\\xfe.md", "b.md"],
        "k\\xff": {"path": "\\xff"},
        "n": 3,
    }
