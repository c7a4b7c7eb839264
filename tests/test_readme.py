"""The README against the code: the design map names every module and no other; every exit code is listed."""

import re

import pytest

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


def _subcommand_flags() -> dict[str, list[tuple[str, ...]]]:
    """Each command's options (the top level's as "qa"), each as the tuple of its spellings."""
    import argparse

    from qa.cli_args import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = {"qa": parser, **subparsers.choices}
    return {
        name: [tuple(a.option_strings) for a in sub._actions if a.option_strings and a.dest != "help"]
        for name, sub in commands.items()
    }


def test_every_flag_of_qa_help_is_documented() -> None:
    """--window, --query-prefix, eval's -k and --worst, --version: in `qa --help`, not in the README."""
    named = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", README))
    undocumented = sorted(
        f"qa {name} {spellings[-1]}"
        for name, options in _subcommand_flags().items()
        for spellings in options
        if not named.intersection(spellings)
    )
    assert undocumented == []


def test_every_qa_environment_variable_is_documented() -> None:
    """QA_MODEL, QA_QUERY_PREFIX, QA_PASSAGE_PREFIX and QA_WINDOW were read by qa and named nowhere here."""
    sources = (p.read_text(encoding="utf-8") for p in (ROOT / "qa").rglob("*.py"))
    read = {name for text in sources for name in re.findall(r"\bQA_[A-Z_]+\b", text)}
    assert sorted(v for v in read if v not in README) == []


def test_nothing_a_user_reads_or_runs_points_outside_the_repository_for_data() -> None:
    """A fresh clone has no ``../shared`` (the developers' evaluation folder): ``data/eval/README.md``
    told a user to pass ``--corpus ../shared/eval/facqa/corpus``, and docs/benchmarks.md named it as the
    bench's FacQA corpus, while both read ``data/eval/facqa/corpus``. The history (reliability.md) may."""
    files = [*ROOT.glob("*.*"), ROOT / "Makefile", ROOT / ".ci" / "run"]
    for folder in ("qa", "docs", "data", "benchmarks", "scripts", "training"):
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".md", ".py", ".txt", ".toml")]
    said = {p: p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file()}
    assert [
        str(p.relative_to(ROOT))
        for p, text in said.items()
        if "../shared" in text and p.name != "reliability.md"
    ] == []


def test_the_web_apps_bounds_are_the_ones_the_readme_states() -> None:
    """Section 55 raised the unread answers a session may hold from 16 to 64; the README still said 16.
    Each bound of the "Fair sharing" paragraph, as the code has it."""
    from qa.ui import asking, bodylimit, limits, serving, unread
    from qa.ui.app import BATCH_CONCURRENCY, BATCH_LINE

    text = " ".join(README.split())
    words = {2: "Two", 4: "four"}
    stated = [
        f"capped at {limits.MAX_WEB_QUESTION_CHARS} characters",
        f"a request body over {bodylimit.MAX_REQUEST_BYTES // 1024} KB is refused",
        f"{words[BATCH_CONCURRENCY]} uploads are answered at once and {words[BATCH_LINE]} more wait",
        f"at most {asking.PER_SESSION} waiting per session, {asking.LINE} in all",
        f"for the {serving.SESSIONS:,} most recent sessions",
        f"are bounded: {unread.PER_SESSION} per session",
        f"go after {unread.IDLE_SECONDS / 60:g} minutes",
        f"while more than {unread.TOTAL:,} wait in all",
        f"a bounded queue ({serving.QUEUE_SIZE} waiting",
    ]
    assert [s for s in stated if s not in text] == []


def _make_commands(target: str) -> list[str]:
    """What ``make TARGET`` would run here, as make itself expands it (``-n``: nothing is run)."""
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("no make on this machine")
    out = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "-C", str(ROOT), target],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return out.stdout.splitlines()


def test_make_installs_the_cpu_build_of_torch_the_readme_promises() -> None:
    """The README said `make` installs torch 2.13.0, "the CPU build"; it ran ``pip install torch==2.13.0``,
    which takes PyPI's Linux wheel: the CUDA build, whose cuda-toolkit and nvidia-* dependencies are
    gigabytes. It now installs what requirements.txt gives a Space: the +cpu pin from PyTorch's CPU index."""
    import platform

    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    index = re.search(r"^--extra-index-url (\S+)$", requirements, flags=re.M)
    pin = re.search(r"^(torch==\S+)$", requirements, flags=re.M)
    assert index and pin and pin.group(1).endswith("+cpu")
    (torch,) = [c for c in _make_commands("setup") if re.search(r"-m pip install .*\btorch\b", c)]
    # tried in turn: pip's own settings (a local wheel), PyTorch's CPU index, then PyPI's torch with a note
    local, indexed, *_ = torch.split(" || ")
    assert "--extra-index-url" not in local and f"--extra-index-url {index.group(1)}" in indexed
    wanted = pin.group(1) if platform.system() == "Linux" else pin.group(1).removesuffix("+cpu")
    for attempt in (local, indexed):
        assert [w for w in attempt.split() if w.startswith("torch")] == [wanted], attempt
    assert f"`{pin.group(1).removesuffix('+cpu')}`" in README and "the CPU build" in README


def test_every_flag_the_readme_gives_a_qa_command_is_one_it_takes() -> None:
    """The other direction of the test above: a flag written after ``qa COMMAND`` anywhere in the README
    (tables, examples, prose) must be in that command's ``--help``, so a renamed or dropped flag cannot
    live on in the front door."""
    flags = _subcommand_flags()
    text = re.sub(r"\\\n\s*", " ", README).replace("\\|", " ")  # continued lines; a table's escaped |
    wrong = []
    for command, rest in re.findall(r"\bqa (index|ask|batch|eval|calibrate|info|serve)\b([^`|\n#]*)", text):
        known = {s for spellings in flags[command] for s in spellings}
        named = re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", rest)
        wrong += [f"qa {command} {f}" for f in named if f not in known]
    assert sorted(set(wrong)) == []


def _anchors(markdown: str) -> set[str]:
    """GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#{1,6} (.+)$", markdown, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in headings}


def test_every_link_to_a_section_finds_it() -> None:
    """Links such as ``[The corpus](#the-corpus)`` or ``docs/cli.md#interrupted`` resolve to a heading,
    so moving detail out of the README (section 89) cannot leave a link pointing nowhere."""
    broken = sorted(set(re.findall(r"\]\(#([\w-]+)\)", README)) - _anchors(README))
    for page, anchor in re.findall(r"\]\((docs/[\w.-]+\.md)#([\w-]+)\)", README):
        if anchor not in _anchors((ROOT / page).read_text(encoding="utf-8")):
            broken.append(f"{page}#{anchor}")
    assert broken == []


def _transcript() -> list[tuple[list[str], list[str]]]:
    """The ``$ .venv/bin/qa ...`` commands of the README's first console example, each with the lines
    the README shows it printing."""
    import shlex

    block = README.split("```console\n", 1)[1].split("```", 1)[0]
    runs: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ .venv/bin/qa "):
            runs.append((shlex.split(line.removeprefix("$ .venv/bin/qa ")), []))
        elif line.strip():
            runs[-1][1].append(line)
    return runs


def _same_line(shown: str, printed: str) -> bool:
    """``printed`` as the README shows it: a line cut with " ..." is a prefix, and figures may differ
    in the last digit (another CPU's float kernels), words and everything else may not."""
    if shown.endswith(" ..."):
        shown, printed = shown[:-4], printed[: len(shown) - 4]
    a, b = shown.split(), printed.split()
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        try:
            if abs(float(x.strip("();")) - float(y.strip("();"))) > 0.011:
                return False
        except ValueError:
            if x != y:
                return False
    return True


@pytest.mark.slow
def test_the_readmes_qa_ask_transcript_is_what_qa_prints(real_index_dir) -> None:
    """The front door's first example, run with the bundled model over the shipped corpus: each line the
    README shows is a line ``qa ask`` prints, in order (answers, sources, scores, confidences, the
    abstention messages), and the ``encoder:`` line is on standard error as the README says."""
    import subprocess

    from scripts.trials import qa_command, qa_env

    from .conftest import CORPUS

    runs = _transcript()
    assert len(runs) == 3
    for args, shown in runs:
        proc = subprocess.run([*qa_command(real=True), *args], env=qa_env(CORPUS, real_index_dir), cwd=ROOT,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        printed = [line for line in proc.stdout.splitlines() if line.strip()]
        expected = [line for line in shown if not line.startswith("encoder: ")]
        assert len(printed) >= len(expected), (args, proc.stdout)
        wrong = [(s, p) for s, p in zip(expected, printed) if not _same_line(s, p)]
        assert wrong == [], args
        assert all(line in proc.stderr.splitlines() for line in shown if line.startswith("encoder: "))


def test_the_settings_table_says_what_each_flags_help_says() -> None:
    """Each row of the README's "Settings every command takes" names the variable and the default that
    the flag's own ``--help`` line names (``--model``'s help named no default; it names it now)."""
    import argparse

    from qa.cli_args import build_parser

    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = {s: a.help or "" for a in subparsers.choices["ask"]._actions for s in a.option_strings}
    table = README.split("| flag | variable | default | what it sets |", 1)[1].split("\n\n", 1)[0]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    assert len(rows) == 7
    wrong = []
    for flags, variables, defaults, _ in rows:
        named = zip(re.findall(r"`(--[\w-]+)", flags), re.findall(r"`(QA_\w+)`", variables),
                    re.findall(r"`([^`]*)`|(\d+)", defaults), strict=True)  # fmt: skip
        for flag, variable, (quoted, number) in named:
            default = (quoted or number).rstrip("/")
            if variable not in helps[flag] or default not in helps[flag]:
                wrong.append((flag, variable, default, helps[flag]))
    assert wrong == []
