"""What ``make setup`` installs (docs/reliability.md section 87): pip installs the CPU build of torch first,
through the machine's pip settings, and uv installs the rest around it. uv reads no pip settings: a torch it
had to fetch itself would be PyPI's, the multi-GB CUDA build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests.conftest import ROOT

from .test_spaces import requirements

MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def _setup_recipe() -> list[str]:
    """The commands of the Makefile's install rule (the one that touches the stamp), in order."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("$(STAMP):"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return recipe


def _torch_pins(command: str) -> list[str]:
    return [str(Requirement(m).specifier) for m in re.findall(r"\btorch==[\w.+]+", command)]


def test_pip_installs_torch_before_uv_and_uv_is_held_to_the_same_torch() -> None:
    """The torch pip installs, the one the uv step is held to and the CPU build Spaces gets agree: bumped
    in one place only, uv would replace pip's torch with PyPI's CUDA build (or fail far from the cause)."""
    recipe = _setup_recipe()
    pip_torch = [i for i, c in enumerate(recipe) if "-m pip install" in c and _torch_pins(c)]
    uv = [i for i, c in enumerate(recipe) if "uv pip install" in c]
    assert len(pip_torch) == 1 and len(uv) == 1 and pip_torch[0] < uv[0], recipe
    # pip's pins: $(TORCH) (the CPU build, expanded by make: not read here) and, where no CPU build can be
    # reached, PyPI's; uv is held to the release, which both are
    (pinned,) = _torch_pins(recipe[pip_torch[0]])
    assert _torch_pins(recipe[uv[0]]) == [pinned], recipe[uv[0]]
    assert "$(TORCH)" in recipe[pip_torch[0]]
    assert re.search(r"^TORCH := .*torch==2\.13\.0\+cpu", MAKEFILE, re.M)
    # compiled as pip leaves it: no first import compiles under a test's clock
    assert "--compile-bytecode" in recipe[uv[0]]
    (spaces,) = requirements()["torch"].specifier  # ==X+cpu: the same release, its CPU build named
    assert SpecifierSet(pinned).contains(spaces.version), (pinned, spaces)


def test_uv_takes_the_installed_torch_as_the_pinned_one_without_fetching(tmp_path: Path) -> None:
    """The step uv runs, offline with an empty cache: the torch pip installed (``2.13.0+cpu``) satisfies
    the pin, so uv changes nothing; had it wanted another torch it would have had to download it."""
    uv = Path(sys.executable).with_name("uv")
    if not uv.is_file():
        pytest.skip("uv is not in this environment (make setup installs it)")
    (pinned,) = _torch_pins(next(c for c in _setup_recipe() if "uv pip install" in c))
    env = {**os.environ, "UV_CACHE_DIR": str(tmp_path / "cache"), "UV_NO_CONFIG": "1"}
    command = [str(uv), "pip", "install", "--dry-run", "--offline", "--python", sys.executable]
    done = subprocess.run([*command, f"torch{pinned}"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and "Would make no changes" in done.stderr, done.stderr
    other = subprocess.run([*command, "torch==2.0.0"], capture_output=True, text=True, env=env, timeout=120)
    assert other.returncode != 0 and "network was disabled" in other.stderr, other.stderr  # it would fetch


def test_make_test_runs_the_whole_suite_on_two_workers_one_file_each() -> None:
    """``make test`` and ``make test-fast`` run pytest-xdist (in the dev extra ``make setup`` installs)
    with each file on one worker, so a module's server, index or browser starts once (section 93); what
    each selects is unchanged: everything, and everything but ``slow``."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dev = re.search(r"^dev = \[\n(.*?)^\]", pyproject, re.M | re.S)
    assert dev and "pytest-xdist" in {Requirement(r).name for r in re.findall(r'^ +"([^"]+)"', dev[1], re.M)}
    assert re.search(r"^TEST_WORKERS \?= 2$", MAKEFILE, re.M)
    assert "PYTEST := $(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadfile\n" in MAKEFILE
    recipes = {m[1]: m[2] for m in re.finditer(r"^([\w-]+):.*\n\t(.*)$", MAKEFILE, re.M)}
    assert recipes["test"] == "$(PYTEST)" and recipes["test-fast"] == '$(PYTEST) -m "not slow"'
