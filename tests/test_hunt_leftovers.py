"""What the hostile hunt left (section 165), section 166: help and version printed to a failing or closed
standard output, ``--k=3`` for ``-k 3``, a document name holding a newline in a line a person reads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

NAME = "lap\noran\tx.txt"  # a document name holding a newline and a tab
SHOWN = "'lap\\noran\\tx.txt'"  # as qa quotes a name it names (printable.quoted_path)
HELPS = [["--version"], ["--help"], ["ask", "--help"], ["batch", "-h"]]


def _qa(args: list[str], **kw: object) -> subprocess.CompletedProcess:
    """The real ``qa ARGS`` (help and version load nothing: no model, no index)."""
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                          timeout=60, **kw)  # type: ignore[call-overload]  # fmt: skip


@pytest.mark.parametrize("args", HELPS)
def test_help_and_version_to_a_full_device_fail_as_every_result_does(args: list[str]) -> None:
    """``qa --version > /dev/full``: argparse drops a failing write, so nothing was said and the exit was 0,
    the text lost. Now: one error line and exit 6, as ``qa ask`` and ``qa info`` there."""
    with open("/dev/full", "w") as full:
        r = _qa(args, stdout=full)
    assert r.returncode == 6, r.stderr
    assert r.stderr == "error: cannot write to standard output (No space left on device)\n"


@pytest.mark.parametrize("args", HELPS)
def test_help_and_version_to_a_closed_standard_output_are_refused(args: list[str]) -> None:
    """``qa --help >&-``: exit 0 with nothing printed anywhere. Exit 2 and a line saying why, as README's
    "a closed standard output for ask, info or eval"."""
    r = _qa(args, stdout=subprocess.DEVNULL, preexec_fn=lambda: os.close(1))
    said = "error: standard output is closed: qa prints the "
    assert r.returncode == 2 and r.stderr.startswith(said), r.stderr


@pytest.mark.parametrize("args", HELPS)
def test_help_and_version_to_a_reader_gone_stay_quiet(args: list[str]) -> None:
    """``qa --help | head -c1``: the reader had what it wanted; no error, exit 0, as ``qa info | head``."""
    read, write = os.pipe()
    os.close(read)  # a reader already gone: the first write meets EPIPE
    try:
        r = _qa(args, stdout=write)
    finally:
        os.close(write)
    assert r.returncode == 0 and r.stderr == "", r.stderr


def test_help_and_version_still_print_to_a_terminal_or_a_file(tmp_path: Path) -> None:
    from qa import __version__

    out = tmp_path / "out.txt"
    with out.open("w") as f:
        assert _qa(["--version"], stdout=f).returncode == 0
    assert out.read_text() == f"qa {__version__}\n"
    r = _qa(["ask", "--help"], stdout=subprocess.PIPE)
    assert r.returncode == 0 and r.stdout.startswith("usage: qa ask ") and r.stdout.endswith("1)\n"), r.stdout


@pytest.mark.parametrize(
    ("args", "meant"),
    [
        (["ask", "--k=3", "apa tugas asisten?"], "-k 3"),
        (["ask", "--k", "3", "apa tugas asisten?"], "-k 3"),
        (["batch", "soal.txt", "-o", "a.jsonl", "--k=5"], "-k 5"),
        (["eval", "lab.jsonl", "--k", "2"], "-k 2"),
        (["ask", "apa?", "--k"], "-k"),
    ],
)
def test_a_short_option_written_long_is_named(capsys, args: list[str], meant: str) -> None:
    """``--k=3`` was argparse's "unrecognized arguments: --k=3": the user meant ``-k 3``; said, exit 2."""
    from qa.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(args)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and f"(did you mean {meant}?)" in err, err
    assert f"usage: qa {args[0]} " in err and "unrecognized arguments: --k" in err, err


@pytest.mark.parametrize(
    "args",
    [
        ["ask", "--x=3", "apa?"],  # no -x: nothing to name
        ["info", "--k=3"],  # info has no -k
        ["ask", "--kk=3", "apa?"],  # not a one-letter option written long: no guess
    ],
)
def test_an_unknown_option_without_a_short_form_is_argparse_s_message(capsys, args: list[str]) -> None:
    from qa.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(args)
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and err.endswith(f"qa: error: unrecognized arguments: {args[1]}\n"), err


def _named_corpus(tmp_path: Path):  # noqa: ANN202 - a Settings
    from qa.config import Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / NAME).write_text("Asisten menteri menyusun laporan kunjungan kerja setiap bulan.\n")
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


def test_a_document_name_with_a_newline_is_quoted_in_qa_ask_s_source_line(tmp_path: Path) -> None:
    """``qa ask`` printed the name raw: its source line split in two at the newline, a tab passing for
    spacing. Quoted now as qa quotes a name it names; ``--json`` keeps the exact name."""
    import json

    from .cli_helpers import qa_run

    settings = _named_corpus(tmp_path)
    r = qa_run(settings, "ask", "laporan kunjungan kerja", "-k", "1")
    assert r.returncode == 0, r.stderr
    assert f"   — {SHOWN}  ['lap\\noran\\tx.txt#0']  score " in r.stdout, r.stdout
    assert "\t" not in r.stdout and NAME not in r.stdout
    lines = r.stdout.splitlines()
    assert all(line.startswith(("Maaf", "(confidence", "1. ", "   — ")) for line in lines), lines
    shown = json.loads(qa_run(settings, "ask", "--json", "laporan kunjungan kerja", "-k", "1").stdout)
    assert shown["passages"][0]["source"] == NAME and shown["passages"][0]["chunk_id"] == f"{NAME}#0"


def test_a_document_name_with_a_newline_is_quoted_in_the_batch_report_and_spreadsheet(tmp_path: Path) -> None:
    """The .md report's ``Sumber:`` line and the CSV's location cells, for people, quote the name; the
    CSV's ``source`` and the JSONL keep it exact (a key a program matches, as ``--doc`` takes it)."""
    from qa.batch import read_questions, run_batch

    from .batch.helpers import csv_rows, fake_result, jsonl, write

    def answer(questions: list[str]) -> list[dict]:
        results = [fake_result(q) for q in questions]
        for result in results:
            for p in [result["answer"], *result["passages"]]:
                p["source"], p["location"] = NAME, {"label": NAME, "page": None, "headings": []}
        return results

    src = write(tmp_path / "q.txt", "apa tugas asisten?\n")
    for ext in ("md", "csv", "jsonl"):
        run_batch(read_questions(src), answer, tmp_path / f"o.{ext}")
    assert f"\nSumber: `{SHOWN}` · skor " in (tmp_path / "o.md").read_text()
    row = csv_rows(tmp_path / "o.csv")[0]
    assert row["location"] == row["passage_1_location"] == "'" + SHOWN  # csv_cell's guard of a leading '
    assert row["source"] == NAME and jsonl(tmp_path / "o.jsonl")[0]["answer"]["source"] == NAME


def test_a_document_name_with_a_newline_is_quoted_on_the_page() -> None:
    """The page's ``Sumber:``, its nearest passages and its table of passages showed the newline as a
    space (HTML) and the tab as nothing: another name than the file's."""
    from qa.ui import render

    p = {"rank": 1, "chunk_id": f"{NAME}#0", "source": NAME, "text": "Cuti 12 hari.", "score": 0.9,
         "dense_score": 0.8, "lexical_score": 1.0, "matched_by": "both"}  # fmt: skip
    answer = {"text": p["text"], "source": NAME, "chunk_id": p["chunk_id"], "score": 0.9, "highlights": []}
    card = render.answer_card({"abstained": False, "confidence": 0.9, "answer": answer, "passages": [p]}, 0.5)
    assert f"Sumber: <b><bdi>{SHOWN.replace(chr(39), '&#x27;')}</bdi></b>" in card, card
    assert list(render.passage_table({"passages": [p]})["Sumber"]) == [SHOWN]
    card = render.answer_card({"abstained": True, "confidence": 0.2, "passages": [p]}, 0.5)
    assert f"(<bdi>{SHOWN.replace(chr(39), '&#x27;')}</bdi>, kemiripan 0.80)" in card, card
