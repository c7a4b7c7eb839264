"""The README against the code: the design map names every module and no other; every exit code is listed."""

import re

from qa import errors, trees

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
PACKAGES = ("batch", "ui", "milvus", "readers")


def _design_map() -> str:
    section = README.split("\n## Design\n", 1)[1]
    return section.split("```", 2)[1]


def test_the_design_map_names_every_module_of_qa() -> None:
    """Four branches split modules out while the map stayed as it was: 28 modules went unnamed."""
    design = _design_map()
    missing = [p.name for p in (ROOT / "qa").glob("*.py") if p.name != "__init__.py" and p.name not in design]
    for package in PACKAGES:
        listed = re.search(rf"{package}/ \(([^)]*)\)", design)  # "batch/ (sources, readers, ...)"
        names = set(re.findall(r"\w+", listed.group(1))) if listed else set()
        modules = [p.stem for p in (ROOT / "qa" / package).glob("*.py") if p.stem != "__init__"]
        missing += [f"{package}/{m}.py" for m in modules if m not in names]
    assert missing == []


def test_the_design_map_names_no_module_that_does_not_exist() -> None:
    named = set(re.findall(r"\b(\w+)\.py\b", _design_map()))
    assert sorted(n for n in named if not (ROOT / "qa" / f"{n}.py").exists()) == []


def test_the_exit_status_table_lists_every_exit_code_of_the_typed_errors() -> None:
    table = README.split("| exit status | meaning |", 1)[1].split("\n\n", 1)[0]
    listed = {int(code) for code in re.findall(r"^\| (\d+)", table, flags=re.M)}
    typed = [errors.InputError, errors.CorpusError, errors.EncoderError, errors.IndexError_]
    codes = {cls.exit_code for cls in typed} | {errors.OutputError.exit_code, trees.ModelError.exit_code, 0}
    assert codes <= listed
