"""Security (issue 7): no unsafe deserialisation or code execution in the product, and an upload's name
is never used as a path."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}


def unsafe_uses(path: Path) -> list[str]:
    """Unsafe deserialisation or code execution in one file, found on the syntax tree (comments and
    docstrings that merely *mention* pickle do not count)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [
                f"{where} import {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            found.append(f"{where} from {node.module} import")
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            owner = (
                func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            )
            if name in UNSAFE_CALLS and (isinstance(func, ast.Name) or owner == "builtins"):
                found.append(f"{where} {name}(")  # not a method that happens to be called eval (torch)
            if (owner, name) in {
                ("yaml", "load"),
                ("yaml", "unsafe_load"),
                ("torch", "load"),
                ("os", "system"),
            }:
                found.append(f"{where} {owner}.{name}(")
            for kw in node.keywords:
                risky = kw.arg in ("allow_pickle", "trust_remote_code", "shell")
                if risky and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                    found.append(f"{where} {name}({kw.arg}=True)")
    return found


def test_no_pickle_eval_exec_or_unsafe_loads_in_the_product() -> None:
    files = sorted((ROOT / "qa").rglob("*.py")) + [ROOT / "app.py"]  # subpackages (batch, ui) too
    assert len(files) > 10
    assert [hit for f in files if f.exists() for hit in unsafe_uses(f)] == []


def test_the_scanner_does_find_unsafe_code(tmp_path: Path) -> None:
    """The check above can fail: each pattern it looks for is caught in a sample file."""
    sample = ROOT / "tests" / ".unsafe_sample.py"
    sample.write_text(
        "import pickle\nfrom marshal import loads\nimport yaml, numpy as np, torch, os, subprocess\n"
        "eval(x)\nexec(y)\nyaml.load(s)\nnp.load(f, allow_pickle=True)\ntorch.load(p)\nos.system(c)\n"
        "subprocess.run(c, shell=True)\n# pickle in a comment is fine\nmodel.eval()\nre.compile(p)\n",
        encoding="utf-8",
    )
    try:
        hits = unsafe_uses(sample)
    finally:
        sample.unlink()
    assert len(hits) == 9, hits


def test_an_uploaded_file_name_is_never_used_as_a_path(settings, fake_encoder, tmp_path: Path) -> None:
    """The UI keeps only the (checked) extension of an upload's name: a hostile name writes nothing outside
    the app's own work folder. (Size, type and empty-file limits: tests/test_webapp.py.)"""
    from tests.ui_helpers import make_app

    app = make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0)
    hostile = tmp_path / "uploads" / "..%2F..%2Fjawaban;$(touch pwned) `x` \u202etxt.csv"
    hostile.parent.mkdir()
    hostile.write_text("question\napa tugas asisten menteri?\n", encoding="utf-8")
    before = sorted(p for p in tmp_path.rglob("*") if "web" not in p.parts)
    summary, csv_path, jsonl_path, _ = app.run_file(str(hostile), 3)
    assert summary.answered == 1
    for out in (csv_path, jsonl_path):
        assert out.resolve().is_relative_to((tmp_path / "web").resolve())
        assert out.name in ("jawaban.csv", "jawaban.jsonl")
    assert sorted(p for p in tmp_path.rglob("*") if "web" not in p.parts) == before
    copies = [p.name for p in (tmp_path / "web").rglob("*") if p.is_file()]
    assert sorted(copies) == ["jawaban.csv", "jawaban.jsonl", "pertanyaan.csv"]
