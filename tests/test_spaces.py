"""What Hugging Face Spaces reads: README front matter, requirements.txt (it ignores pyproject), app.py."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys

import gradio
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10 has no tomllib; tomli is the same parser
    tomllib = pytest.importorskip("tomli")

SPACE_COLORS = {"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}


def front_matter() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n"), "README.md must start with the Spaces YAML front matter"
    block, sep, _ = text[4:].partition("\n---\n")
    assert sep, "the front matter is not closed by a '---' line"
    data = yaml.safe_load(block)
    assert isinstance(data, dict)
    return data


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


CPU_TORCH_INDEX = "https://download.pytorch.org/whl/cpu"


def requirement_lines() -> list[str]:
    text = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def requirements() -> dict[str, Requirement]:
    reqs = {}
    for line in requirement_lines():
        if line.startswith("-"):
            continue  # pip options (index URLs), checked by test_torch_is_the_cpu_build_from_the_cpu_index
        req = Requirement(line)
        assert canonicalize_name(req.name) not in reqs, f"{req.name} listed twice"
        reqs[canonicalize_name(req.name)] = req
    return reqs


def by_name(specs: list[str]) -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, specs)}


def test_front_matter_describes_a_gradio_space():
    meta = front_matter()
    assert meta["sdk"] == "gradio"
    assert meta["app_file"] == "app.py" and (ROOT / meta["app_file"]).is_file()
    assert meta["title"] and meta["emoji"]
    assert {meta["colorFrom"], meta["colorTo"]} <= SPACE_COLORS
    assert meta["pinned"] is False and meta["license"] == "apache-2.0"
    assert "intfloat/multilingual-e5-small" in meta["preload_from_hub"]


def test_sdk_version_is_the_installed_and_pinned_gradio():
    meta = front_matter()
    assert str(meta["sdk_version"]) == gradio.__version__
    pin = by_name(pyproject()["project"]["optional-dependencies"]["ui"])["gradio"]
    assert pin.specifier == SpecifierSet(f"=={meta['sdk_version']}")


def test_python_version_is_a_string_the_package_accepts():
    version = front_matter()["python_version"]
    assert isinstance(version, str), 'quote it ("3.11"): YAML reads 3.10 as the number 3.1'
    assert SpecifierSet(pyproject()["project"]["requires-python"]).contains(f"{version}.0")


def test_requirements_match_pyproject_exactly():
    project = pyproject()["project"]
    declared = by_name(project["dependencies"])
    declared["gradio"] = by_name(project["optional-dependencies"]["ui"])["gradio"]
    reqs = requirements()
    reqs.pop("torch")  # not ours but sentence-transformers'; pinned here only to pick its CPU build
    assert set(reqs) == set(declared), "requirements.txt and pyproject declare different packages"
    for name, req in declared.items():
        assert reqs[name].specifier == req.specifier, f"{name}: {reqs[name]} vs pyproject {req}"
        assert reqs[name].marker == req.marker and reqs[name].extras == req.extras


def test_torch_is_the_cpu_build_from_the_cpu_index():
    """Unpinned, torch arrives on Spaces as the CUDA build (GBs of libraries a CPU Space never uses)."""
    from importlib.metadata import requires

    options = [line.split() for line in requirement_lines() if line.startswith("-")]
    assert options == [["--extra-index-url", CPU_TORCH_INDEX]], "only the PyTorch CPU index may be added"
    torch = requirements()["torch"]
    (pin,) = torch.specifier
    assert pin.operator == "==" and pin.version.endswith("+cpu"), f"{torch}: pin the +cpu build exactly"
    needed = [Requirement(r) for r in requires("sentence-transformers") or []]
    (wanted,) = [r for r in needed if canonicalize_name(r.name) == "torch" and not r.marker]
    assert wanted.specifier.contains(pin.version), f"sentence-transformers needs {wanted}, pinned {pin}"


def test_app_file_only_starts_the_web_ui():
    tree = ast.parse((ROOT / front_matter()["app_file"]).read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert [(i.module, [a.name for a in i.names]) for i in imports] == [("qa.ui.start", ["main"])]
    assert "main()" in ast.unparse(tree.body[-1])


HUB_FILE_BYTES = 10 * 1024 * 1024  # the Hub refuses a larger file outside LFS/Xet


def test_the_snapshot_a_space_gets_is_text_files_the_hub_accepts():
    """Every tracked file but those the README's deployment removes is text (no NUL byte) under the Hub's
    bound: a binary file committed anywhere would make the documented push refused (section 76). What
    the README claims is what is checked: it named the largest file and its size, unchecked, which went
    stale as the file grew (0.4 MB, then "about 0.5 MB" when it was 0.54; section 81)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    removed = set(re.findall(r"git rm -q --cached (\S+)", readme))
    assert removed, "the README's deployment command no longer reads as this test expects: update the pattern"
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    files = [name for name in listed.decode().split("\0") if name and name not in removed]
    assert "app.py" in files and "requirements.txt" in files
    sizes = {}
    for name in files:
        path = ROOT / name
        if path.is_symlink() or not path.is_file():  # deleted in the working tree: not this check's business
            continue
        data = path.read_bytes()
        assert b"\0" not in data, f"{name} is binary: the Hub refuses it outside LFS"
        sizes[name] = len(data)
    largest = max(sizes, key=sizes.__getitem__)
    assert sizes[largest] < HUB_FILE_BYTES, (largest, sizes[largest])
    assert "under the Hub's 10 MB bound" in " ".join(readme.split())
