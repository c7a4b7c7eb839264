"""Second reading of the fifth CLI sweep (docs/reliability.md section 49): what section 41 changed, read
again for regressions and holes with fresh cases. Each test failed on the code before its fix."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

from scripts.trials import qa_command, qa_env
from scripts.webserver import free_port

from .conftest import ROOT

# ``python app.py`` with the fake encoder: the real entry point, Gradio server and index on disk
APP_HARNESS = textwrap.dedent(
    """
    import sys
    sys.path[:0] = [{root!r}]
    import qa.embedding
    from scripts.fakes import FakeEncoder
    qa.embedding.make_encoder = lambda settings, log=None: FakeEncoder()
    from qa.ui.start import main
    main()
    """
).format(root=str(ROOT))


def _serves(url: str, proc: subprocess.Popen, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as page:
                return page.status == 200
        except OSError:
            time.sleep(0.3)
    return False


def test_python_app_py_with_standard_output_closed_serves(settings, tmp_path) -> None:
    """``python app.py >&-`` (a service or job started without a standard output): section 41 gave closed
    streams the null device in ``qa`` only; the web entry point ended in a traceback from uvicorn's
    logging set-up ("Unable to configure formatter 'default'"), exit 1, nothing served. Now it serves."""
    port = free_port()
    env = {**qa_env(settings.corpus_dir, settings.index_dir), "GRADIO_SERVER_PORT": str(port),
           "GRADIO_ANALYTICS_ENABLED": "False", "GRADIO_TEMP_DIR": str(tmp_path / "gradio")}  # fmt: skip
    env.pop("GRADIO_SERVER_NAME", None)
    err = tmp_path / "stderr.txt"
    with err.open("wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-c", APP_HARNESS], stdin=subprocess.DEVNULL, stderr=stderr,
                                env=env, cwd=ROOT, preexec_fn=lambda: os.close(1))  # fmt: skip
        try:
            assert _serves(f"http://127.0.0.1:{port}/", proc), err.read_text()[-2000:]
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    assert "Traceback" not in err.read_text()


@pytest.mark.parametrize(
    "text",
    ["1,Apa tugas asisten,\n2,Siapa atasannya,\n",  # the trailing delimiter many exports write
     "1,,Apa tugas asisten\n2,,Siapa atasannya\n",  # an empty column between
     "1;Apa tugas asisten;;\n2;Siapa atasannya;;\n"],
    ids=["trailing-comma", "empty-column-between", "two-trailing-semicolons"],
)  # fmt: skip
def test_an_empty_column_beside_a_numbered_table_is_not_a_text_column(tmp_path, text) -> None:
    """Section 41 asks the text column beside a column of numbers, and refuses two text columns there. An
    empty column counted as text: "1,Apa tugas asisten," (a trailing comma, as Excel writes a formatted
    empty column) was refused as "columns 2, 3 all hold text", and "1,,Apa" asked the empty column (each
    row an "empty question"). An empty column holds neither: the text is asked."""
    from qa.batch import read_questions

    src = tmp_path / "soal.csv"
    src.write_text(text, encoding="utf-8")
    notes: list[str] = []
    records = list(read_questions(src, warn=notes.append))
    asked = [("Apa tugas asisten", None), ("Siapa atasannya", None)]
    assert [(r.question, r.error) for r in records] == asked
    assert len(notes) == 1 and "column 1 holds only numbers, asking column" in notes[0]


@pytest.mark.parametrize(
    ("typed", "read"),
    [("Berapa gaji\x1b[0", "Berapa gaji"), ("Berapa \x1b[1;31mgaji\x1b[", "Berapa gaji"),
     ("apa tugas \x9b38;5", "apa tugas")],
    ids=["cut-in-reset", "cut-after-introducer", "c1-csi-cut"],
)  # fmt: skip
def test_a_colour_code_cut_at_the_end_of_a_question_does_not_glue_to_its_word(typed, read) -> None:
    """``grep --color=always … | cut -c1-60 > soal.txt`` cuts a sequence before its final byte. Section 41
    dropped only its ``ESC [`` (a two-character escape to the rule), so its parameters joined the word
    before: "Berapa gaji0" (before section 41: the separate word "[0"). Cut at the end, it is all dropped;
    in mid-text a malformed one is left as it was ("Rp\\x9b1.000": the C1 byte alone a space)."""
    from qa.question_text import clean_question

    assert clean_question(typed) == read
    assert clean_question("Rp\x9b1.000") == "Rp 1.000"


@pytest.mark.parametrize("feed", ["utf-16", "binary"])
def test_standard_input_from_a_slow_writer_is_judged_on_its_head_not_its_first_byte(settings, tmp_path, feed):
    """Section 41 refuses standard input with NUL bytes and reads UTF-16 piped in, both from ``peek``: a
    pipe gives what its writer has written so far, so a writer whose first write was one byte (the
    mark's FF, a binary's first byte) got it read as UTF-8: every UTF-16 line "not valid UTF-8", a binary
    rows of errors, exit 0. Its first 4,096 bytes (or all of a shorter input) are now awaited."""
    text = "Apa tugas asisten?\nSiapa atasannya?\n".encode("utf-16")
    data = text if feed == "utf-16" else bytes(range(256)) * 16
    out = tmp_path / "jawaban.jsonl"
    proc = subprocess.Popen([*qa_command(real=False), "batch", "-", "-o", str(out)], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                            env=qa_env(settings.corpus_dir, settings.index_dir))  # fmt: skip
    assert proc.stdin is not None and proc.stderr is not None
    proc.stdin.write(data[:1])
    proc.stdin.flush()
    time.sleep(1.5)  # the process is running and has read that byte alone
    proc.stdin.write(data[1:])
    proc.stdin.close()
    err = proc.stderr.read()
    proc.wait(timeout=120)
    if feed == "binary":
        assert proc.returncode == 2 and err.decode().startswith("error: standard input is not text"), err
        assert not out.exists()
        return
    assert proc.returncode == 0, err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r.get("error")) for r in records] == [("Apa tugas asisten?", None),
                                                                  ("Siapa atasannya?", None)]  # fmt: skip


@pytest.mark.parametrize("header", ["No,Teks,", "id,Teks,", "Teks,No,"])
def test_a_header_with_a_trailing_empty_column_still_finds_its_one_text_column(tmp_path, header) -> None:
    """The same trailing delimiter under a header without a question column ("No,Teks," over "1,Apa tugas
    asisten,"): the empty column counted as a second text column, so the file was refused as naming no
    question column. The one text column is asked, with the warning saying so."""
    from qa.batch import read_questions

    cells = header.split(",")
    rows = [",".join("1" if c == "No" else "Apa tugas asisten" if c == "Teks" else "7" if c == "id" else ""
                     for c in cells)]  # fmt: skip
    src = tmp_path / "soal.csv"
    src.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    notes: list[str] = []
    (record,) = read_questions(src, warn=notes.append)
    assert (record.question, record.error) == ("Apa tugas asisten", None)
    assert len(notes) == 1 and "asking column 'Teks'" in notes[0]


@pytest.mark.slow
def test_real_model_a_question_with_a_cut_colour_code_is_answered_as_the_plain_one(real_assistant) -> None:
    """Bundled e5, the real index: a question whose colour code was cut at its end gets exactly the plain
    question's answer (it was read with "asisten0" for "asisten")."""
    plain = "apa tugas utama asisten menteri?"
    cut = "apa tugas utama \x1b[1;31masisten menteri?\x1b[0"
    assert real_assistant.ask(cut).to_dict() == real_assistant.ask(plain).to_dict()
