"""Small trips of reliability 154, each through the real ``qa`` process (fake-encoder harness): a byte that
is not UTF-8 quoted as ``\\xNN`` by every message naming a path, a question of such bytes said so, and a
UTF-16 file's broken character described in UTF-16's terms."""

from __future__ import annotations

import codecs
import os

import pytest

from .cli_helpers import qa_run

XFF = os.fsdecode(b"\xff")  # what a shell hands Python for the byte 0xff


def _refused(run) -> str:  # noqa: ANN001 - a CompletedProcess
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    return run.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--store", f"milvus:a{XFF}.db"), "Milvus Lite cannot use the path '"),
        (("--store", f"milvus:~nouser{XFF}/kb.db"), "bad Milvus Lite path '~nouser\\xff/kb.db'"),
        (("--store", f"milvus:a\\b{XFF}.db"), "bad Milvus Lite path 'a\\\\b\\xff.db'"),
        (("--store", f"milvus://localhost:19530/na{XFF}me"), "bad Milvus collection name 'na\\xffme'"),
        (("--store", f"mil{XFF}"), "unknown store 'mil\\xff'"),
        (("--index", f"idx{XFF}", "--index", f"b{XFF}"), "given twice ('idx\\xff' and 'b\\xff')"),
    ],
)
def test_a_path_quoted_in_a_refusal_shows_a_byte_that_is_not_utf8_as_other_lines_do(
    settings, args, said
) -> None:
    """These quoted the path with ``repr``: ``'a\\udcff.db'``, where every other line says ``\\xff``
    since sections 149 and 153."""
    err = _refused(qa_run(settings, "ask", "apa tugas asisten?", *args))
    assert said in err and "\\xff" in err and "udcff" not in err, err


def test_an_index_folder_with_white_space_and_a_byte_that_is_not_utf8_is_quoted_so(
    settings, tmp_path
) -> None:
    """``config``'s folder-name refusal quoted ``'…idx\\udcff '``."""
    err = _refused(qa_run(settings, "ask", "apa tugas asisten?", "--index", str(tmp_path / f"idx{XFF} ")))
    assert "idx\\xff ' is not there" in err and "udcff" not in err, err


@pytest.mark.parametrize(("name", "flag"), [(f"q.x{XFF}", "input"), (f"out.x{XFF}", "output")])
def test_a_question_or_answers_file_type_that_is_not_utf8_is_quoted_so(
    settings, tmp_path, name, flag
) -> None:
    """``unsupported … type '.x\\udcff'`` after the file's name shown ``q.x\\xff``."""
    (tmp_path / "q.txt").write_text("apa tugas asisten?\n", encoding="utf-8")
    (tmp_path / f"q.x{XFF}").write_text("apa tugas asisten?\n", encoding="utf-8")
    question, out = ("q.txt", name) if flag == "output" else (name, "out.jsonl")
    err = _refused(qa_run(settings, "batch", question, "-o", out, cwd=tmp_path))
    assert "type '.x\\xff'" in err and "udcff" not in err, err


@pytest.mark.parametrize("typed", [XFF, f"{XFF}{XFF} ?"])
def test_a_question_of_bytes_that_are_not_utf8_is_said_so_not_empty(settings, typed) -> None:
    """``qa ask $'\\xff'`` said "the question is empty": something was typed, in another encoding."""
    err = _refused(qa_run(settings, "ask", typed))
    assert "the question holds bytes that are not UTF-8 ('\\xff" in err, err
    assert "is empty" not in err and "UTF-8 text" in err, err


def test_a_question_with_words_and_a_bad_byte_is_still_asked(settings) -> None:
    """A guard: only a question with nothing else to ask is refused; the byte is a space, as before."""
    run = qa_run(settings, "ask", "--json", f"apa tugas asisten menteri{XFF}?")
    assert run.returncode == 0, run.stderr


def _utf16(text: str) -> bytes:
    return codecs.BOM_UTF16_LE + text.encode("utf-16-le", "surrogatepass")


def test_a_utf16_headers_broken_character_is_told_in_utf16s_terms(settings, tmp_path) -> None:
    """It was "invalid continuation byte at byte 17" (the transcoded UTF-8's), hinted "save … as UTF-16
    text" to a file that is UTF-16."""
    (tmp_path / "q.csv").write_bytes(_utf16("id,question,catat\ud800an\n1,apa tugas asisten?,x\n"))
    err = _refused(qa_run(settings, "batch", "q.csv", "-o", "out.jsonl", cwd=tmp_path))
    assert (
        "its header (line 1) is not valid UTF-16 (half of a character pair, a lone surrogate U+D800, " in err
    )
    assert "at byte 34)" in err and "continuation" not in err, err  # 17 UTF-16 code units before it
    assert "save it again from the program that wrote it, or as UTF-8" in err and "as UTF-16" not in err, err
    assert not (tmp_path / "out.jsonl").exists()


def test_a_utf16_rows_broken_characters_are_told_in_utf16s_terms(settings, tmp_path) -> None:
    """A row's error said the transcoded UTF-8's words too; a cut last byte was "unexpected end of data"."""
    text = "id,question\n1,apa tugas \ud800asisten?\n2,apa tugas \udc00asisten?\n3,siapa asisten menteri"
    (tmp_path / "q.csv").write_bytes(_utf16(text) + b"x")
    run = qa_run(settings, "batch", "q.csv", "-o", "out.jsonl", cwd=tmp_path)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    rows = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    for said in (
        "line 2 is not valid UTF-16 (half of a character pair, a lone surrogate U+D800, at byte 24)",
        "line 3 is not valid UTF-16 (half of a character pair, a lone surrogate U+DC00, at byte 24)",
        "line 4 is not valid UTF-16 (its last character cut short, an odd number of bytes, at byte 46)",
    ):
        assert said in rows, rows
    assert "continuation" not in rows and "unexpected end" not in rows


def test_a_utf8_headers_bad_byte_keeps_its_words_and_hint(settings, tmp_path) -> None:
    """A guard: UTF-8 is described and hinted as before."""
    (tmp_path / "q.csv").write_bytes(b"id,question,catat\xe9an\n1,apa tugas asisten?,x\n")
    err = _refused(qa_run(settings, "batch", "q.csv", "-o", "out.jsonl", cwd=tmp_path))
    assert "not valid UTF-8 (invalid continuation byte at byte 17)" in err, err
    assert 'save the file as UTF-8 (a spreadsheet\'s "CSV UTF-8") or as UTF-16 text' in err, err
