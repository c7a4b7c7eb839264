"""qa.batch.writers and outputs: formats, overwrite protection, CSV injection, output checks, disk full."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest

from qa.batch import read_questions, run_batch
from qa.batch.writers import CSV_COLUMNS
from qa.errors import InputError, OutputError

from .helpers import FakeAnswer, csv_rows, disk_full_at, ids_of, jsonl, md_ids, write


def test_extra_fields_colliding_with_output_fields_are_prefixed(tmp_path):
    src = write(tmp_path / "q.jsonl", '{"question": "Apa?", "answer": "gold", "line": 9, "score": 1}\n')
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.jsonl")
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.csv")
    (out,) = jsonl(tmp_path / "o.jsonl")
    assert out["input_answer"] == "gold" and out["input_line"] == 9 and out["line"] == 1
    assert out["answer"]["text"] == "Jawaban untuk Apa?"
    (row,) = csv_rows(tmp_path / "o.csv")
    assert (
        row["input_answer"] == "gold" and row["answer"] == "Jawaban untuk Apa?" and row["input_score"] == "1"
    )


def test_refuses_to_overwrite_unless_force(tmp_path):
    src = write(tmp_path / "q.txt", "Apa itu A?\n")
    out = write(tmp_path / "out.jsonl", "precious\n")
    fake = FakeAnswer()
    with pytest.raises(InputError, match="exists; use --resume to continue it or --force to overwrite"):
        run_batch(read_questions(src), fake, out)
    assert out.read_text() == "precious\n" and fake.calls == []
    run_batch(read_questions(src), fake, out, force=True)
    assert [o["question"] for o in jsonl(out)] == ["Apa itu A?"]
    empty = write(tmp_path / "empty.jsonl", "")
    run_batch(read_questions(src), fake, empty)  # an empty file is not worth protecting
    assert len(jsonl(empty)) == 1


def test_resume_refuses_a_file_that_is_not_ours(tmp_path):
    src = write(tmp_path / "q.txt", "Apa itu A?\n")
    for name, text in [("o.jsonl", "[1, 2]\n"), ("o.csv", "name,age\nx,1\n"), ("o.md", "# My notes\n")]:
        out = write(tmp_path / name, text)
        with pytest.raises(InputError, match="does not look like a qa batch output"):
            run_batch(read_questions(src), FakeAnswer(), out, resume=True)
        assert out.read_text() == text


def test_unknown_output_extension(tmp_path):
    with pytest.raises(InputError, match=r"\.jsonl, \.csv, \.md"):
        run_batch([], FakeAnswer(), tmp_path / "out.xlsx")


def test_empty_input_still_writes_a_valid_file(tmp_path):
    for ext in ("jsonl", "csv", "md"):
        s = run_batch([], FakeAnswer(), tmp_path / f"o.{ext}")
        assert s.total == 0 and ids_of(tmp_path / f"o.{ext}") == []
    assert (tmp_path / "o.csv").read_text(encoding="utf-8-sig").startswith("id,line,question,answer,")


def test_csv_output_header_values_and_injection_neutralised(tmp_path):
    src = write(
        tmp_path / "q.csv",
        'id,question,note\nh1,"=HYPERLINK(""http://evil"",""klik"")",=1+1\nh2,@SUM(1),-0.5\n'
        "h3,Apa itu zzz?,+62 21\nh4,-5 derajat?,'x\n",
    )
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.csv", chunk_size=2)
    raw = (tmp_path / "o.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    rows = csv_rows(tmp_path / "o.csv")
    assert list(rows[0])[:16] == [
        "id", "line", "question", "answer", "source", "location", "score", "confidence", "abstained",
        "message", "notice", "error", "passage_1_text", "passage_1_source", "passage_1_location",
        "passage_1_score",
    ]  # fmt: skip
    # an answer without a location (results of older versions) is located by its document
    assert rows[0]["location"] == "doc.txt" and rows[0]["passage_2_location"] == "doc.txt › Bab 2"
    assert list(rows[0])[-1] == "note" and "passage_2_score" in rows[0]
    assert rows[0]["question"] == '\'=HYPERLINK("http://evil","klik")' and rows[0]["note"] == "'=1+1"
    assert rows[1]["question"] == "'@SUM(1)" and rows[1]["note"] == "-0.5"  # a plain number stays a number
    assert rows[2]["note"] == "'+62 21" and rows[3]["question"] == "'-5 derajat?" and rows[3]["note"] == "''x"
    assert rows[0]["score"] == "-0.25" and rows[0]["abstained"] == "false" and rows[0]["source"] == "doc.txt"
    assert rows[2]["abstained"] == "true" and rows[2]["answer"] == "" and rows[2]["confidence"] == "0.1"
    assert rows[0]["passage_1_text"].endswith("\nsecond line")
    for row in rows:
        for cell in row.values():
            assert cell[:1] not in ("=", "+", "@") and not (
                cell.startswith("-") and cell != "-0.5" and cell != "-0.25"
            )


def test_md_report(tmp_path):
    src = write(
        tmp_path / "q.jsonl",
        '{"question": "Apa itu A?"}\n{"question": "zzz?"}\n[1]\n{"question": "Siapa\\nB?"}\n',
    )
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.md")
    text = (tmp_path / "o.md").read_text()
    assert text.startswith("# Hasil tanya-jawab\n")
    assert "### 1. Apa itu A?\n\n> Jawaban untuk Apa itu A?\n" in text
    assert "Sumber: `doc.txt` · skor -0.250 · keyakinan" in text
    assert "### 2. zzz?\n\nMaaf, dokumen tidak memuat jawaban untuk pertanyaan ini." in text
    assert "### 3. \\[1\\]\n\n**Galat** (baris 3): line 3 is a JSON array, not an object" in text
    assert "### 4. Siapa B?\n" in text
    assert md_ids(tmp_path / "o.md") == ["1", "2", "3", "4"]


def test_md_report_says_why_it_abstained(tmp_path):
    """An abstention prints the result's message (its reason), not the generic sentence."""

    class Reasoned(FakeAnswer):
        def __call__(self, questions: list[str]) -> list[dict]:
            out = super().__call__(questions)
            for res in out:
                if res["abstained"]:
                    res["message"] = "Dokumen tidak menyebut\nlokasi kantor."
            return out

    src = write(tmp_path / "q.jsonl", '{"question": "zzz di mana kantornya?"}\n{"question": "Apa itu A?"}\n')
    run_batch(read_questions(src), Reasoned(), tmp_path / "o.md")
    text = (tmp_path / "o.md").read_text()
    expected = "### 1. zzz di mana kantornya?\n\nDokumen tidak menyebut lokasi kantor.\n\nKeyakinan: 0.100"
    assert expected in text
    assert "Maaf, dokumen tidak memuat" not in text
    assert "### 2. Apa itu A?\n\n> Jawaban untuk Apa itu A?\n" in text


# ----------------------------------------------------------------------------------------- issue 12


def _link(kind: str, src: Path, tmp_path: Path) -> Path:
    if kind == "same":
        return src
    alias = tmp_path / f"alias{src.suffix}"
    if kind == "symlink":
        alias.symlink_to(src)
    else:
        os.link(src, alias)
    return alias


@pytest.mark.parametrize("kind", ["same", "symlink", "hardlink", "dotted"])
@pytest.mark.parametrize("ext", [".jsonl", ".csv"])
@pytest.mark.parametrize("mode", [{"force": True}, {"resume": True}, {"resume": True, "force": True}])
def test_the_output_is_never_the_input(tmp_path, kind, ext, mode):
    """``qa batch same.jsonl -o same.jsonl --force`` used to empty the question file."""
    body = '{"id": "a", "question": "Apa?"}\n' if ext == ".jsonl" else "id,question\na,Apa?\n"
    src = write(tmp_path / f"same{ext}", body)
    out = tmp_path / "." / f"same{ext}" if kind == "dotted" else _link(kind, src, tmp_path)
    fake = FakeAnswer()
    with pytest.raises(InputError, match="is the question file") as exc:
        run_batch(read_questions(src), fake, out, source=src, **mode)
    assert exc.value.exit_code == 2 and fake.calls == []
    assert src.read_text() == body


def test_output_that_stdin_reads_is_refused(tmp_path, monkeypatch):
    """``qa batch - -o q.jsonl < q.jsonl``."""
    src = write(tmp_path / "q.jsonl", '{"question": "Apa?"}\n')
    with src.open("rb") as f:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(f))
        with pytest.raises(InputError, match="is the question file") as exc:
            run_batch(read_questions("-"), FakeAnswer(), tmp_path / "q.jsonl", source="-")
    assert src.read_text() == '{"question": "Apa?"}\n'
    assert "standard input reads from it" in str(exc.value) and "file -" not in str(exc.value)


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_resume_refuses_the_output_of_another_question_file(tmp_path, ext):
    """``qa batch A.txt -o AB`` then ``qa batch B.txt -o AB --resume`` kept A's answers under B's ids."""
    a = write(tmp_path / "A.txt", "Apa itu A?\nSiapa A?\nKapan A?\n")
    b = write(tmp_path / "B.txt", "Apa itu A?\nSiapa B?\nKapan B?\nDi mana B?\n")
    out = tmp_path / f"AB.{ext}"
    run_batch(read_questions(a), FakeAnswer(), out, k=2)
    before = out.read_bytes()
    fake = FakeAnswer()
    with pytest.raises(InputError, match=r"record '2' answers another question than line 2") as exc:
        run_batch(read_questions(b), fake, out, resume=True, k=2)
    assert "new output" in exc.value.hint and "--force" in exc.value.hint
    assert out.read_bytes() == before and fake.calls == []
    same = run_batch(read_questions(a), FakeAnswer(), out, resume=True, k=2)  # its own input: fine
    assert same.skipped == 3 and out.read_bytes() == before


def test_csv_header_cells_are_neutralised_like_data_cells(tmp_path):
    src = write(
        tmp_path / "q.csv",
        'question,"=HYPERLINK(""http://evil"",""x"")",@SUM(1+1),+cmd,-2+3,-0.5\nApa?,1,2,3,4,5\n',
    )
    js = write(tmp_path / "q.jsonl", '{"question": "Apa?", "=1+2": "a", "@cmd": "b", "\\tx": "c"}\n')
    for source, out in ((src, tmp_path / "o.csv"), (js, tmp_path / "j.csv")):
        run_batch(read_questions(source), FakeAnswer(), out, k=1)
        with out.open(encoding="utf-8-sig", newline="") as f:
            header = next(csv.reader(f))
        extra = header[len(header) - (5 if source == src else 3) :]
        assert all(cell[:1] not in "=+@\t" for cell in header), header
        assert all(not cell.startswith("-") or cell == "-0.5" for cell in header), header
        assert extra[0].startswith("'") and extra[1].startswith("'")
        full = out.read_bytes()
        out.write_bytes(full[:-3])  # and such a file still resumes to the same bytes
        run_batch(read_questions(source), FakeAnswer(), out, resume=True, k=1)
        assert out.read_bytes() == full


def test_csv_resumed_with_other_columns_is_refused_and_a_bare_header_replaced(tmp_path):
    src = write(tmp_path / "q.txt", "Apa?\nSiapa?\n")
    out = tmp_path / "o.csv"
    run_batch(list(read_questions(src))[:1], FakeAnswer(), out, k=2)
    before = out.read_bytes()
    with pytest.raises(InputError, match="columns are not the ones this run writes") as exc:
        run_batch(read_questions(src), FakeAnswer(), out, resume=True, k=1)
    unexpected = "passage_2_location, passage_2_score, passage_2_source, passage_2_text"
    assert f"(unexpected {unexpected})" in exc.value.message
    assert out.read_bytes() == before
    bare = write(tmp_path / "bare.csv", "\ufeff" + ",".join(CSV_COLUMNS) + "\r\n")
    s = run_batch(read_questions(src), FakeAnswer(), bare, resume=True, k=2)  # what an old failed run left
    assert s.answered == 2 and csv_rows(bare)[0]["passage_2_text"].startswith("passage 2 for Apa?")


def test_jsonl_resumed_with_another_k_is_refused_not_mixed(tmp_path):
    """Before: records with 2 passages, then records with 1, in one file, without a word."""
    src = write(tmp_path / "q.txt", "Apa?\nSiapa?\nKapan?\n")
    out = tmp_path / "o.jsonl"
    run_batch(list(read_questions(src))[:1], FakeAnswer(), out, k=2)
    before = out.read_bytes()
    answer = FakeAnswer()
    with pytest.raises(InputError, match="written with -k 2, this run asks for 1") as exc:
        run_batch(read_questions(src), answer, out, resume=True, k=1)
    assert "-k it was written with (2)" in (exc.value.hint or "")
    assert out.read_bytes() == before and answer.calls == []  # refused before any work
    s = run_batch(read_questions(src), FakeAnswer(), out, resume=True, k=2)
    assert (s.skipped, s.answered) == (1, 2) and [r["k"] for r in jsonl(out)] == [2, 2, 2]
    old = write(
        tmp_path / "old.jsonl",
        "".join(ln.replace('"k": 2, ', "") + "\n" for ln in before.decode().splitlines()),
    )
    assert (
        run_batch(read_questions(src), FakeAnswer(), old, resume=True, k=1).skipped == 1
    )  # older files: no k
    assert jsonl(old)[1]["k"] == 1


def test_disk_full_is_one_clear_error_and_the_output_stays_resumable(tmp_path, monkeypatch):
    src = write(tmp_path / "q.txt", "".join(f"Q{i}?\n" for i in range(10)))
    for ext in ("jsonl", "csv", "md"):
        ref, out = tmp_path / f"ref.{ext}", tmp_path / f"o.{ext}"
        run_batch(read_questions(src), FakeAnswer(), ref, chunk_size=3, k=2)
        with monkeypatch.context() as m:
            disk_full_at(m, 3)
            with pytest.raises(OutputError) as exc:
                run_batch(read_questions(src), FakeAnswer(), out, chunk_size=3, k=2)
        assert exc.value.message == f"disk full writing {out}; 6 answers kept, rerun with --resume"
        assert exc.value.exit_code == 6
        assert ids_of(out) == [str(i) for i in range(1, 7)]  # the failed chunk was cut back off
        s = run_batch(read_questions(src), FakeAnswer(), out, chunk_size=3, resume=True, k=2)
        assert s.skipped == 6 and out.read_bytes() == ref.read_bytes()


def test_a_real_full_device_gives_the_same_error(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    src = write(tmp_path / "q.txt", "Apa?\n")
    out = tmp_path / "o.jsonl"
    out.symlink_to("/dev/full")
    with pytest.raises(OutputError, match=f"disk full writing {out}; nothing was written"):
        run_batch(read_questions(src), FakeAnswer(), out)
    assert out.is_symlink()  # not ours to remove


def test_md_report_shows_html_in_questions_and_answers_as_text(tmp_path):
    """Before: a question holding '<!--' hid the rest of the rendered report (up to the next '-->'),
    and '<img src=x onerror=...>' in a question or a passage was live HTML in Markdown viewers."""
    src = write(
        tmp_path / "q.jsonl",
        '{"question": "Apa <!-- itu"}\n'
        '{"question": "<img src=x onerror=alert(1)> & A?"}\n'
        '{"question": "Siapa B?"}\n',
    )
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.md")
    text = (tmp_path / "o.md").read_text()
    visible = re.sub(r"<!-- qa:id=\S+ q=[0-9a-f]{16} -->\n", "", text)  # our resume markers, one per section
    assert "<" not in visible
    assert "### 1. Apa &lt;!-- itu\n" in text and "> Jawaban untuk Apa &lt;!-- itu\n" in text
    assert "### 2. &lt;img src=x onerror=alert(1)> &amp; A?\n" in text
    assert md_ids(tmp_path / "o.md") == ["1", "2", "3"]
    s = run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.md", resume=True)  # keys: the raw question
    assert s.skipped == 3


def test_md_report_shows_control_characters_as_escapes(tmp_path):
    """Before: `cat report.md` ran the escape sequences of a question or passage (clear screen, retitle)."""
    src = write(tmp_path / "q.jsonl", '{"question": "Apa \\u001b[2J itu\\u009b?"}\n')
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.md")
    text = (tmp_path / "o.md").read_text()
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    assert "### 1. Apa \\x1b\\[2J itu\\x9b?\n" in text and "> Jawaban untuk Apa \\x1b[2J itu\\x9b?" in text


def test_input_fields_named_like_result_fields_are_kept_apart(tmp_path):
    """Before: an input 'reason' or 'message' was overwritten by the result's, and an input 'notice'
    was written as if the assistant had given that notice."""
    from qa.answer import Result

    fields = set(Result("q", True, 0.0, [], notice="n", reason="r").to_dict()) - {"question"}
    fields |= {"question_sha256", "k"}
    src = write(
        tmp_path / "q.jsonl", json.dumps({"question": "Apa?", **{f: f"in-{f}" for f in fields}}) + "\n"
    )
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.jsonl", k=1)
    run_batch(read_questions(src), FakeAnswer(), tmp_path / "o.csv", k=1)
    rec = jsonl(tmp_path / "o.jsonl")[0]
    for f in fields:
        assert rec[f"input_{f}"] == f"in-{f}" and rec.get(f) != f"in-{f}"
    row = csv_rows(tmp_path / "o.csv")[0]
    assert row["input_notice"] == "in-notice" and row["input_message"] == "in-message"


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_force_onto_a_full_disk_leaves_the_old_output_as_it_was(tmp_path, monkeypatch, ext):
    """Before: ``--force`` emptied the old output before its first chunk was safely written, so a full
    disk (or quota) at that moment lost the old file and left an empty one."""
    import errno

    import qa.batch.writers
    from qa.batch.lock import sidecar
    from qa.errors import OutputError

    src = write(tmp_path / "q.txt", "Apa A?\nSiapa B?\n")
    out = write(tmp_path / f"o.{ext}", "precious\n")
    out.chmod(0o640)

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(qa.batch.writers.os, "fsync", full)
        with pytest.raises(OutputError, match=f"disk full writing {out}; the file was left as it was"):
            run_batch(read_questions(src), FakeAnswer(), out, force=True)
    assert out.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"o.{ext}", "q.txt"]  # no new file left either
    sidecar(out, "qa-new").write_text("left by a killed run")  # removed by the next run on this output
    link = tmp_path / f"link.{ext}"
    link.symlink_to(out)
    s = run_batch(read_questions(src), FakeAnswer(), link, force=True)
    assert s.answered == 2 and ids_of(out) == ["1", "2"] and "precious" not in out.read_text()
    assert link.is_symlink() and (out.stat().st_mode & 0o777) == 0o640  # the file replaced, as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"link.{ext}", f"o.{ext}", "q.txt"]


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_disk_full_during_a_resume_counts_the_answers_kept_once(tmp_path, monkeypatch, ext):
    """Before: a resumed report counted the sections it found twice ("15 answers kept" for 9)."""
    out = tmp_path / f"o.{ext}"
    run_batch(read_questions(write(tmp_path / "q.txt", "".join(f"Q{i}?\n" for i in range(6)))),
              FakeAnswer(), out, chunk_size=3, k=2)  # fmt: skip
    src = write(tmp_path / "q.txt", "".join(f"Q{i}?\n" for i in range(12)))
    with monkeypatch.context() as m:
        disk_full_at(m, 2)
        with pytest.raises(OutputError) as exc:
            run_batch(read_questions(src), FakeAnswer(), out, chunk_size=3, k=2, resume=True)
    assert exc.value.message == f"disk full writing {out}; 9 answers kept, rerun with --resume"
    assert len(ids_of(out)) == 9


def test_force_where_the_file_system_refuses_chmod_still_replaces_the_output(tmp_path, monkeypatch):
    """A FAT-formatted USB stick refuses chmod (EPERM). Before: ``--force`` failed there on every run, with
    "0 answers kept, rerun with --resume", and left its half-made ``.qa-new`` file beside the output."""
    import qa.batch.writers

    src = write(tmp_path / "q.txt", "Apa A?\nSiapa B?\n")
    out = write(tmp_path / "o.jsonl", "old\n")

    def refused(fd: int, mode: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(qa.batch.writers.os, "fchmod", refused)
    s = run_batch(read_questions(src), FakeAnswer(), out, force=True)
    assert s.answered == 2 and ids_of(out) == ["1", "2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.jsonl", "q.txt"]


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_an_interrupt_just_after_force_replaced_the_output_keeps_the_new_first_chunk(
    tmp_path, monkeypatch, ext
):
    """``--force``'s first chunk is written beside the old output and renamed over it. Ctrl-C or SIGTERM
    landing just after the rename, before the writer noted it, made the clean-up "drop the unfinished new
    file": it truncated the file now at the output's name to 0 bytes, so the old answers and the new were
    both gone. The output now holds the whole first chunk, which ``--resume`` continues."""
    import qa.batch.writers

    src = write(tmp_path / "q.txt", "Apa A?\nSiapa B?\nKapan C?\nDi mana D?\n")
    out = tmp_path / f"o.{ext}"
    run_batch(read_questions(src), FakeAnswer(), out, chunk_size=2)
    real_replace = os.replace

    def replaced_then_interrupted(src_path, dst_path) -> None:
        real_replace(src_path, dst_path)
        raise KeyboardInterrupt

    monkeypatch.setattr(qa.batch.writers.os, "replace", replaced_then_interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_batch(read_questions(src), FakeAnswer(), out, chunk_size=2, force=True)
    monkeypatch.undo()
    assert out.stat().st_size > 0 and {p.name for p in tmp_path.iterdir()} == {out.name, "q.txt"}
    s = run_batch(read_questions(src), FakeAnswer(), out, chunk_size=2, resume=True)
    assert s.skipped == 2 and s.answered == 2


def test_resume_refuses_a_jsonl_of_someone_elses_records_and_leaves_it_whole(tmp_path):
    """A JSONL of the user's own (a question file: ``{"id", "question"}`` per line) given as the output of
    a ``--resume``: its lines were taken for answers an older qa wrote, "1 already done", the answers
    appended to it, and a line without an id further down was "a torn tail": everything from there cut."""
    src = write(tmp_path / "q.txt", "Apa itu A?\nSiapa B?\n")
    theirs = '{"id": "1", "question": "Apa itu A?"}\n{"note": "my own notes"}\n{"id": "9", "question": "x"}\n'
    out = write(tmp_path / "mine.jsonl", theirs)
    with pytest.raises(InputError, match="line 1 is not an answer qa wrote"):
        run_batch(read_questions(src), FakeAnswer(), out, resume=True)
    assert out.read_text() == theirs
    ours = tmp_path / "o.jsonl"  # answers of ours with a line of the user's appended: refused, not cut
    run_batch(read_questions(src), FakeAnswer(), ours)
    before = ours.read_text() + '{"note": "checked by Ani"}\n'
    ours.write_text(before)
    with pytest.raises(InputError, match="line 3 is not an answer qa wrote"):
        run_batch(read_questions(src), FakeAnswer(), ours, resume=True)
    assert ours.read_text() == before


def test_resume_refuses_a_csv_with_rows_of_someone_elses_and_leaves_it_whole(tmp_path):
    """A row the user added under our header (``x,y,z``, another width) was cut as a torn tail by
    ``--resume``: a torn write leaves its last row unfinished, never a whole row of another width."""
    src = write(tmp_path / "q.txt", "Apa itu A?\nSiapa B?\n")
    out = tmp_path / "o.csv"
    run_batch(read_questions(src), FakeAnswer(), out, k=2)
    with out.open("a", encoding="utf-8", newline="") as fh:
        fh.write("\r\n")  # a blank line is nothing to keep or lose: the resume goes on past it
    three = write(tmp_path / "q3.txt", "Apa itu A?\nSiapa B?\nKapan C?\n")
    s = run_batch(read_questions(three), FakeAnswer(), out, k=2, resume=True)
    assert s.skipped == 2 and s.answered == 1 and ids_of(out) == ["1", "2", "3"]
    before = out.read_bytes() + b"x,y,z\r\n"
    out.write_bytes(before)
    with pytest.raises(InputError, match="a row of 3 cells under its header"):
        run_batch(read_questions(three), FakeAnswer(), out, k=2, resume=True)
    assert out.read_bytes() == before
