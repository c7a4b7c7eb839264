"""qa.batch.readers, sources and tables: every input format, encoding, line ending and layout."""

from __future__ import annotations

import io
import json
import sys

import pytest

from qa.batch import MAX_QUESTION_CHARS, count_questions, read_questions, run_batch
from qa.errors import InputError

from .helpers import FakeAnswer, ids_of, write


def test_txt_skips_blank_and_comment_lines_and_uses_line_numbers(tmp_path):
    src = write(tmp_path / "q.txt", "\ufeffApa itu A?\n\n  # komentar\n  Siapa B?  \r\n\nKapan C?")
    recs = list(read_questions(src))
    assert [(r.line, r.id, r.question, r.error) for r in recs] == [
        (1, "1", "Apa itu A?", None),
        (4, "4", "Siapa B?", None),
        (6, "6", "Kapan C?", None),
    ]
    assert count_questions(src) == 3


def test_jsonl_id_and_extra_fields_carried(tmp_path):
    src = write(
        tmp_path / "q.jsonl",
        '{"id": "a1", "question": "Apa itu A?", "topic": "x", "n": 3}\n\n{"question": "Siapa B?"}\n'
        '{"id": 7, "Question": "Kapan C?", "answer": "mine"}\n',
    )
    recs = list(read_questions(src))
    assert [(r.line, r.id, r.question) for r in recs] == [
        (1, "a1", "Apa itu A?"),
        (3, "3", "Siapa B?"),
        (4, "7", "Kapan C?"),
    ]
    assert recs[0].extra == {"topic": "x", "n": 3}
    assert recs[2].extra == {"answer": "mine"}
    assert all(r.error is None for r in recs)


@pytest.mark.parametrize(
    ("name", "text", "expected_q", "expected_extra", "ids"),
    [
        (
            "bom.csv",
            "\ufeffid,question,topic\nq1,Apa itu A?,x\nq2,Siapa B?,y\n",
            ["Apa itu A?", "Siapa B?"],
            {"topic": "x"},
            True,
        ),
        (
            "semi.csv",
            "ID;Question;kategori\nq1;Apa itu A, B?;x\nq2;Siapa B?;y\n",
            ["Apa itu A, B?", "Siapa B?"],
            {"kategori": "x"},
            True,
        ),
        (
            "quoted.csv",
            'question,id\n"Apa itu\nA?",q1\n"Siapa ""B""?",q2\n',
            ["Apa itu\nA?", 'Siapa "B"?'],
            {},
            True,
        ),
        (
            "pipe.csv",
            "no|question\n1|Apa itu A?\n2|Siapa B?\n",
            ["Apa itu A?", "Siapa B?"],
            {"no": "1"},
            False,
        ),
        (
            "tab.tsv",
            "question\tid\tx\nApa itu A?\tq1\t1\nSiapa B?\tq2\t2\n",
            ["Apa itu A?", "Siapa B?"],
            {"x": "1"},
            True,
        ),
        ("pertanyaan.csv", "Pertanyaan\r\nApa itu A?\r\nSiapa B?\r\n", ["Apa itu A?", "Siapa B?"], {}, False),
    ],
)
def test_csv_variants(tmp_path, name, text, expected_q, expected_extra, ids):
    recs = list(read_questions(write(tmp_path / name, text)))
    assert [r.question for r in recs] == expected_q
    assert all(r.error is None for r in recs)
    assert recs[0].extra == expected_extra
    assert [r.id for r in recs] == (["q1", "q2"] if ids else ["2", "3"])


def test_csv_line_numbers_are_physical_start_lines(tmp_path):
    src = write(tmp_path / "q.csv", 'id,question\na,"Apa\nitu\nA?"\n\nb,Siapa B?\n')
    assert [(r.id, r.line) for r in read_questions(src)] == [("a", 2), ("b", 6)]


def test_csv_without_question_header_uses_first_column_and_keeps_first_row(tmp_path):
    src = write(tmp_path / "q.csv", "Apa itu A?,x\nSiapa B?,y\n")
    recs = list(read_questions(src))
    assert [(r.id, r.question, r.extra) for r in recs] == [
        ("1", "Apa itu A?", {"column_2": "x"}),
        ("2", "Siapa B?", {"column_2": "y"}),
    ]


def test_single_column_csv_with_commas_in_questions(tmp_path):
    src = write(tmp_path / "q.csv", "Apa itu A?\nSiapa, dan kapan, B?\n")
    assert [r.question for r in read_questions(src)] == ["Apa itu A?", "Siapa, dan kapan, B?"]


def test_bad_rows_become_error_records(tmp_path):
    long_q = "x" * (MAX_QUESTION_CHARS + 1)
    txt = write(tmp_path / "q.txt", b"Apa itu A?\nbad \xff\xfe bytes\n" + long_q.encode() + b"\nSiapa B?\n")
    recs = list(read_questions(txt))
    assert [r.question for r in recs][0::3] == ["Apa itu A?", "Siapa B?"]
    assert "not valid UTF-8" in recs[1].error and recs[1].line == 2
    assert "too long" in recs[2].error
    assert recs[0].error is None and recs[3].error is None

    js = write(
        tmp_path / "q.jsonl",
        '{"question": "Apa itu A?"}\n{"question": "broken\n[1, 2]\n{"question": ""}\n{"id": "x"}\n'
        '{"question": 42}\n{"question": "Siapa B?"}\n',
    )
    recs = list(read_questions(js))
    assert [r.error is None for r in recs] == [True, False, False, False, False, False, True]
    assert "not valid JSON" in recs[1].error
    assert "not an object" in recs[2].error
    assert recs[3].error == "empty question"
    assert recs[4].error == "no question field/column" and recs[4].id == "x"
    assert "not a string" in recs[5].error

    cs = write(
        tmp_path / "q.csv", b"id,topic,question\na,t,Apa itu A?\nb,t\nc,t,\nd,t,caf\xe9?\ne,t,Siapa B?\n"
    )
    recs = list(read_questions(cs))
    assert [r.id for r in recs] == ["a", "b", "c", "d", "e"]
    assert recs[1].error == "no question field/column"
    assert recs[2].error == "empty question"
    assert "not valid UTF-8" in recs[3].error
    assert recs[4].error is None


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b'\n{"id": "j1", "question": "Apa itu A?"}\n{"question": "Siapa B?"}\n', "jsonl"),
        (b"Apa itu A?\nSiapa B?\n", "txt"),
    ],
)
def test_stdin_detects_jsonl_or_txt(monkeypatch, payload, kind):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload), encoding="utf-8"))
    recs = list(read_questions("-"))
    assert [r.question for r in recs] == ["Apa itu A?", "Siapa B?"]
    assert recs[0].id == ("j1" if kind == "jsonl" else "1")
    assert count_questions("-") is None


def test_stdin_undecodable_line_is_an_error_record(monkeypatch):
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Apa?\n\xff\xff\nSiapa?\n"), encoding="utf-8")
    )
    assert [r.error is None for r in read_questions("-")] == [True, False, True]


def test_unreadable_files_raise_input_error_naming_the_file(tmp_path):
    cases = {
        tmp_path / "missing.txt": "not found",
        tmp_path: "directory",
        write(tmp_path / "q.pdf", "x"): "unsupported",
        write(tmp_path / "bin.txt", b"\x00\x01\x02PK\x00"): "not a text file",
    }
    (tmp_path / "dir.csv").mkdir()
    cases[tmp_path / "dir.csv"] = "directory"
    for path, words in cases.items():
        with pytest.raises(InputError, match=words) as exc:
            read_questions(path)
        assert str(path) in str(exc.value)
        assert exc.value.exit_code == 2


def test_jsonl_lines_no_writer_could_write_are_error_rows(tmp_path):
    """Lone surrogate escapes and absurd nesting parse as JSON but crash UTF-8 writers and json.dumps."""
    deep = "[" * 5000 + "]" * 5000
    src = write(
        tmp_path / "q.jsonl",
        '{"question": "apa\\ud800?"}\n{"question": "ok?", "id": "x\\udfff"}\n'
        f'{{"question": "ok?", "m": {deep}}}\n{{"question": "ok?", "m": {"[" * 70 + "]" * 70}}}\n'
        '{"question": "\\ud83d\\ude00 emoji?", "m": [[1]]}\n',
    )
    recs = list(read_questions(src))
    assert [r.error is None for r in recs] == [False, False, False, False, True]
    assert "lone surrogate" in recs[0].error and "lone surrogate" in recs[1].error
    assert "nested too deeply" in recs[2].error and "nested deeper than 64" in recs[3].error
    assert recs[4].question == "\U0001f600 emoji?"
    for ext in ("jsonl", "csv", "md"):
        s = run_batch(read_questions(src), FakeAnswer(), tmp_path / f"o.{ext}")
        assert (s.errors, s.answered) == (4, 1)
        assert ids_of(tmp_path / f"o.{ext}") == ["1", "2", "3", "4", "5"]
        (tmp_path / f"o.{ext}").read_bytes().decode("utf-8")  # valid UTF-8 throughout


def test_control_characters_alone_are_an_empty_question(tmp_path):
    """The assistant treats control characters as blanks; the reader must agree, or a row of them would
    reach the model and be refused there."""
    src = write(
        tmp_path / "q.jsonl", '{"question": "\\u0000\\u0001 \\u007f\\u0085"}\n{"question": "a\\u0000b?"}\n'
    )
    recs = list(read_questions(src))
    assert [r.error for r in recs] == ["empty question", None]
    assert recs[1].question == "a\x00b?"


def test_count_questions_matches_records(tmp_path):
    src = write(tmp_path / "q.csv", 'question\n"multi\nline"\n\nB?\n   \n')
    assert count_questions(src) == len(list(read_questions(src))) == 2
    assert count_questions(tmp_path / "missing.txt") is None


# ----------------------------------------------------------------------------------------- issue 12


@pytest.mark.parametrize("ext", [".txt", ".csv", ".tsv", ".jsonl"])
def test_cr_only_line_endings_end_lines(tmp_path, ext):
    """Old-Mac / some exports end lines with a lone CR: each is a question, never one merged row, and no
    "universal-newline mode" message leaks from the csv module."""
    questions = ["Apa itu A, dan B?", "Siapa C?", "Kapan D?"]
    if ext == ".jsonl":
        body = "\r".join(json.dumps({"question": q}) for q in questions) + "\r"
    elif ext in (".csv", ".tsv"):
        body = "question\r" + "\r".join(f'"{q}"' for q in questions) + "\r"
    else:
        body = "\r".join(questions) + "\r"
    recs = list(read_questions(write(tmp_path / f"q{ext}", body)))
    assert [r.question for r in recs] == questions
    assert all(r.error is None for r in recs)
    mixed = write(tmp_path / f"m{ext}", body.replace("\r", "\r\n", 1))  # CRLF then CR: still three
    assert [r.question for r in read_questions(mixed)] == questions


def test_csv_quoted_question_with_cr_only_newlines_inside(tmp_path):
    src = write(tmp_path / "q.csv", 'id,question\ra,"Apa\ritu A?"\rb,Siapa B?\r')
    assert [(r.id, r.question, r.line) for r in read_questions(src)] == [
        ("a", "Apa\ritu A?", 2),
        ("b", "Siapa B?", 4),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Apa itu A, dan B?\nSiapa C, D?\n",  # every row one comma: still prose, not two columns
        "Apa itu A, dan B?\nSiapa C?\nKapan D, E, dan F?\n",  # ragged: not a table
        "Jika A, maka B; apa C?\n",
    ],
)
def test_headerless_questions_with_commas_stay_whole(tmp_path, text):
    warnings: list[str] = []
    recs = list(read_questions(write(tmp_path / "q.csv", text), warn=warnings.append))
    assert [r.question for r in recs] == text.strip().split("\n")
    assert all(r.extra == {} for r in recs) and warnings == []


def test_one_column_header_keeps_commas_in_questions(tmp_path):
    src = write(tmp_path / "q.csv", "pertanyaan\nApa itu A, dan B?\nSiapa C,D?\n")
    assert [r.question for r in read_questions(src)] == ["Apa itu A, dan B?", "Siapa C,D?"]


def test_headerless_table_is_read_with_a_warning_naming_the_column(tmp_path):
    warnings: list[str] = []
    src = write(tmp_path / "q.csv", "Apa itu A?,x\nSiapa B?,y\n")
    assert [r.question for r in read_questions(src, warn=warnings.append)] == ["Apa itu A?", "Siapa B?"]
    assert len(warnings) == 1 and "column 1" in warnings[0] and str(src) in warnings[0]


def test_csv_without_a_question_column_uses_the_only_text_column_or_refuses(tmp_path):
    """Never ask the header row or the id column: one text column is used (and said), several refused."""
    warnings: list[str] = []
    src = write(tmp_path / "q.csv", "id,teks\nq1,Apa itu A?\nq2,Siapa B?\n")
    recs = list(read_questions(src, warn=warnings.append))
    assert [(r.id, r.question) for r in recs] == [("q1", "Apa itu A?"), ("q2", "Siapa B?")]
    assert len(warnings) == 1 and "'teks'" in warnings[0]
    numbered = write(tmp_path / "n.csv", "no;kalimat\n1;Apa itu A?\n2;Siapa B?\n")
    assert [r.question for r in read_questions(numbered, warn=warnings.append)] == ["Apa itu A?", "Siapa B?"]
    assert "'kalimat'" in warnings[-1]
    ambiguous = write(tmp_path / "a.csv", "id,teks,catatan\nq1,Apa itu A?,x\n")
    with pytest.raises(InputError, match="no question column") as exc:
        read_questions(ambiguous)
    assert "'teks'" in exc.value.message and "pertanyaan" in (exc.value.hint or "")


BOMS = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "bomless-le", "bomless-be"])
@pytest.mark.parametrize("ext", [".txt", ".csv", ".jsonl"])
def test_utf16_files_are_decoded(tmp_path, encoding, ext):
    """What Excel's "Unicode text" and Notepad's "Unicode" save: with a BOM, or recognised by its NULs."""
    questions = ["Apa tugas asisten menteri?", "Siapa yang mengatur café, dan kapan?"]
    if ext == ".jsonl":
        text = "".join(json.dumps({"id": f"q{i}", "question": q}) + "\r\n" for i, q in enumerate(questions))
    elif ext == ".csv":
        text = "id\tpertanyaan\r\n" + "".join(f"q{i}\t{q}\r\n" for i, q in enumerate(questions))
    else:
        text = "".join(q + "\r\n" for q in questions)
    codec = {"bomless-le": "utf-16-le", "bomless-be": "utf-16-be"}.get(encoding, encoding)
    data = BOMS.get(encoding, b"") + text.encode(codec)
    recs = list(read_questions(write(tmp_path / f"q{ext}", data)))
    assert [r.question for r in recs] == questions and all(r.error is None for r in recs)
    if ext != ".txt":
        assert [r.id for r in recs] == ["q0", "q1"]


@pytest.mark.parametrize("bom", [b"\xff\xfe", b""])
def test_excel_unicode_text_saved_as_txt_is_read_as_its_table(tmp_path, bom):
    """Excel's "Unicode text" is a .txt of tab-separated UTF-16 rows: its header and ids are no questions."""
    text = "id\tPertanyaan\tcatatan\r\nq1\tApa tugas asisten menteri?\tx\r\n"
    text += "q2\tKapan rapat, dan di mana?\t\r\n"
    recs = list(read_questions(write(tmp_path / "excel.txt", bom + text.encode("utf-16-le"))))
    assert [(r.id, r.question, r.extra.get("catatan"), r.error) for r in recs] == [
        ("q1", "Apa tugas asisten menteri?", "x", None),
        ("q2", "Kapan rapat, dan di mana?", "", None),
    ]


def test_a_txt_with_tabs_but_no_question_header_is_still_one_question_per_line(tmp_path):
    src = write(tmp_path / "q.txt", "Apa\titu A?\nquestion: siapa B?\n")
    assert [r.question for r in read_questions(src)] == ["Apa\titu A?", "question: siapa B?"]


def test_utf16_line_with_a_lone_surrogate_or_cut_end_is_its_own_error_row(tmp_path):
    data = b"\xff\xfe" + "Apa A?\n".encode("utf-16-le") + b"\x00\xd8" + "x?\nSiapa B?\n".encode("utf-16-le")
    recs = list(read_questions(write(tmp_path / "q.txt", data + b"Z")))
    assert [r.error is None for r in recs] == [True, False, True, False]  # the cut "Z" is the last line
    assert "not valid UTF-16" in recs[1].error and "not valid UTF-16" in recs[3].error
    assert recs[2].question == "Siapa B?"


def test_utf8_bom_and_binary_files(tmp_path):
    assert [r.question for r in read_questions(write(tmp_path / "b.txt", b"\xef\xbb\xbfApa?\r\n"))] == [
        "Apa?"
    ]
    with pytest.raises(InputError, match="not a text file"):
        read_questions(write(tmp_path / "z.txt", b"PK\x03\x04\x00\x00\x08\x00\x00\x00!\x00\xff\x00"))


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv"])
def test_an_over_long_question_is_never_copied_whole(tmp_path, ext):
    """A 100 KB row is an error record holding only its start, and says how long it was; a 1 MB line is
    not even read whole (MAX_LINE_BYTES): its error names the line."""

    def question_file(question: str):  # noqa: ANN202
        body = {"txt": question, "jsonl": json.dumps({"question": question}),
                "csv": f'question\n"{question}"'}  # fmt: skip
        tail = '\n{"question": "Apa?"}\n' if ext == "jsonl" else "\nApa?\n"
        return write(tmp_path / f"q.{ext}", body[ext] + tail)

    long_q = "tugas asisten " * 7_500
    src = question_file(long_q)
    (rec, ok) = read_questions(src)
    assert f"question too long ({len(long_q.strip())} characters, limit {MAX_QUESTION_CHARS})" == rec.error
    assert len(rec.question) < 300 and rec.question.startswith("tugas asisten")
    assert ok.error is None
    for out_ext in ("jsonl", "csv", "md"):
        out = tmp_path / f"o.{out_ext}"
        run_batch(read_questions(src), FakeAnswer(), out, force=out.exists())
        assert out.stat().st_size < 20_000 and ids_of(out) == ["1" if ext != "csv" else "2", ok.id]
    (rec, ok) = read_questions(question_file(long_q * 10))
    n = 2 if ext == "csv" else 1
    assert rec.line == n and rec.error.startswith(f"line {n} is too long (") and "not read past" in rec.error
    assert len(rec.question) < 300 and "tugas asisten" in rec.question and ok.error is None


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    ["Apa itu A?\r\nSiapa B?\r\n", '{"id": "j1", "question": "Apa itu A?"}\n{"question": "Siapa B?"}\n'],
)
def test_stdin_in_utf16_is_decoded_like_a_file(monkeypatch, encoding, text):
    """Before: read as UTF-8, 'S i a p a   B ?' was asked, a NUL line became a third row."""
    raw = io.BufferedReader(io.BytesIO(text.encode(encoding)))  # a real stdin's buffer can peek
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(raw, encoding="utf-8"))
    recs = list(read_questions("-"))
    assert [(r.question, r.error) for r in recs] == [("Apa itu A?", None), ("Siapa B?", None)]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_jsonl_numbers_json_cannot_hold_are_error_rows_not_invalid_output(tmp_path, value):
    src = write(tmp_path / "q.jsonl", f'{{"question": "Apa A?", "n": {value}}}\n{{"question": "Siapa B?"}}\n')
    recs = list(read_questions(src))
    assert "NaN or infinite" in (recs[0].error or "") and recs[1].error is None
    out = tmp_path / "a.jsonl"
    run_batch(read_questions(src), FakeAnswer(), out)
    for line in out.read_text(encoding="utf-8").splitlines():  # strict JSON: what other tools accept
        json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} written"))


@pytest.mark.parametrize(
    ("data", "ids"),
    [
        ("sep=;\r\nid;question\r\nq1;Apa itu A?\r\nq2;Siapa B?\r\n", ["q1", "q2"]),
        (
            "\ufeffSEP=|\nno|teks\n1|Apa itu A?\n2|Siapa B?\n",
            ["3", "4"],
        ),  # no question header: the one text column
        ("sep=,\nApa itu A?\nSiapa B?\n", ["2", "3"]),
    ],
)
def test_excels_sep_line_names_the_delimiter_and_is_not_a_row(tmp_path, data, ids):
    """Before: 'sep=;' was read as a data row, so the header and the id column were asked as questions."""
    src = write(tmp_path / "q.csv", data)
    recs = list(read_questions(src))
    assert [(r.id, r.question, r.error) for r in recs] == [
        (ids[0], "Apa itu A?", None),
        (ids[1], "Siapa B?", None),
    ]
    assert count_questions(src) == 2


def test_an_unquoted_comma_in_the_last_column_question_stays_in_the_question(tmp_path):
    """Before: 'Berapa gaji 1,5 juta?' under an 'id,question' header asked 'Berapa gaji 1' silently."""
    src = write(tmp_path / "q.csv", "id,question\nq1,Berapa gaji 1,5 juta?\nq2,Siapa, dan kapan?,\nq3,Apa?\n")
    recs = list(read_questions(src))
    assert [(r.id, r.question, r.extra, r.error) for r in recs] == [
        ("q1", "Berapa gaji 1,5 juta?", {}, None),
        ("q2", "Siapa, dan kapan?", {}, None),  # a trailing delimiter is not part of it
        ("q3", "Apa?", {}, None),
    ]


def test_a_row_wider_than_its_header_elsewhere_is_an_error_row_not_a_shifted_question(tmp_path):
    src = write(tmp_path / "q.csv", "id,question,note\nq1,Berapa gaji 1,5 juta?,x\nq2,Apa?,y\nq3,Siapa?,z,\n")
    recs = list(read_questions(src))
    assert recs[0].id == "q1" and "4 cells but the header has 3" in (recs[0].error or "")
    assert [(r.id, r.question, r.extra, r.error) for r in recs[1:]] == [
        ("q2", "Apa?", {"note": "y"}, None),
        ("q3", "Siapa?", {"note": "z"}, None),
    ]


@pytest.mark.parametrize(
    "text",
    ["Apa A,B?\n", "Apa A,B?\nSiapa C,D?\n", "Apa A;B?\n", "Apa tugas A,B dan C?\nSiapa kepala D,E?\n"],
)
def test_a_headerless_question_with_a_comma_is_not_cut_before_its_question_mark(tmp_path, text):
    """Before: ``Apa A,B?`` alone (or every line with one such comma) was read as a two-column table,
    "Apa A" asked and "B?" kept as column_2, with a warning; a split that leaves the question mark
    outside column 1 (the column asked) is no table split."""
    warnings: list[str] = []
    recs = list(read_questions(write(tmp_path / "q.csv", text), warn=warnings.append))
    assert [r.question for r in recs] == text.strip().split("\n")
    assert all(r.extra == {} for r in recs) and warnings == []


def test_a_headerless_table_whose_questions_are_in_column_1_is_still_a_table(tmp_path):
    warnings: list[str] = []
    src = write(tmp_path / "q.csv", "Apa itu A?,bab 1\nJelaskan B,bab 2\nSiapa C?,bab 3\n")
    recs = list(read_questions(src, warn=warnings.append))
    assert [(r.question, r.extra) for r in recs] == [
        ("Apa itu A?", {"column_2": "bab 1"}),
        ("Jelaskan B", {"column_2": "bab 2"}),
        ("Siapa C?", {"column_2": "bab 3"}),
    ]
    assert len(warnings) == 1 and "asking column 1" in warnings[0]


def test_headerless_lines_with_decimal_commas_are_one_question_each(tmp_path):
    warnings: list[str] = []
    src = write(tmp_path / "q.csv", "Berapa gaji 1,5 juta per bulan?\nApakah tunjangan 2,5 persen?\n")
    recs = list(read_questions(src, warn=warnings.append))
    assert [r.question for r in recs] == ["Berapa gaji 1,5 juta per bulan?", "Apakah tunjangan 2,5 persen?"]
    assert warnings == [] and all(r.extra == {} for r in recs)


def test_a_question_file_gone_before_it_is_read_is_an_input_error(tmp_path):
    """Before: FileNotFoundError (or any I/O error while reading) escaped as a traceback mid-batch."""
    src = write(tmp_path / "q.txt", "Apa?\n")
    recs = read_questions(src)  # checked and sampled now; read lazily by the run
    src.unlink()
    with pytest.raises(InputError, match="cannot read question file"):
        list(recs)


@pytest.mark.parametrize(
    ("data", "questions"),
    [
        ('"Kantor di mana?\nSiapa B?\nKapan C?\n', ['"Kantor di mana?', "Siapa B?", "Kapan C?"]),
        ('question\n"Kantor di mana?\nSiapa B?\n', ['"Kantor di mana?', "Siapa B?"]),
        ('id,question\n1,"Kantor, di mana?\n2,Siapa B?\n3,"Apa ""A"" itu?" kata dia\n', None),
        (
            'id,question\n1,"Di mana,\nkantornya?"\n2,Siapa B?\n',
            ["Di mana,\nkantornya?", "Siapa B?"],
        ),  # legit
    ],
    ids=["eof-headerless", "eof-header", "stray-quote-later", "quoted-newline-kept"],
)
def test_an_unclosed_quote_does_not_merge_the_following_questions(tmp_path, data, questions):
    """Before: a quote opened and never closed (or closed by a stray quote further down) made every
    following line part of one question: three questions asked as one, silently."""
    src = write(tmp_path / "q.csv", data)
    recs = list(read_questions(src))
    if questions is None:  # the lines of the broken row come back one by one, as written
        assert [r.question for r in recs] == ['"Kantor, di mana?', "Siapa B?", '"Apa ""A"" itu?" kata dia']
    else:
        assert [r.question for r in recs] == questions
    assert all(r.error is None for r in recs) and count_questions(src) == len(recs)


def test_a_question_the_assistant_would_find_empty_is_an_empty_question_row(tmp_path):
    src = write(tmp_path / "q.txt", "-\n?\n\u200b\u200b\n…!\nApa itu A?\n")
    assert [r.error for r in read_questions(src)] == ["empty question"] * 4 + [None]


@pytest.mark.parametrize("ext", ["txt", "jsonl", "csv", "tsv"])
def test_files_joined_with_cat_read_like_one_file(tmp_path, ext):
    """``cat a.csv b.csv > all.csv`` (or appending exports, each with its BOM and header): the second
    part's BOM made its JSONL line "not valid JSON" (an error row) and its CSV id start with U+FEFF, and
    its header row was asked as a question ("question", id "id"). Each part now reads as if alone."""
    bom = "\ufeff"
    part = {
        "txt": lambda qs: "".join(f"{q}\n" for _, q in qs),
        "jsonl": lambda qs: "".join(json.dumps({"id": i, "question": q}) + "\n" for i, q in qs),
        "csv": lambda qs: "id,question\n" + "".join(f"{i},{q}\n" for i, q in qs),
        "tsv": lambda qs: "id\tquestion\n" + "".join(f"{i}\t{q}\n" for i, q in qs),
    }[ext]
    a, b = [("a1", "Apa tugas asisten?")], [("b1", "Siapa menterinya?"), ("b2", "Kapan rapatnya?")]
    joined = write(tmp_path / f"all.{ext}", bom + part(a) + bom + part(b))
    recs = list(read_questions(joined))
    assert [(r.question, r.error) for r in recs] == [(q, None) for _, q in a + b]
    if ext != "txt":
        assert [r.id for r in recs] == ["a1", "b1", "b2"]
    assert count_questions(joined) == 3


def test_a_fifo_named_like_a_question_file_is_refused_at_once(tmp_path):
    """``mkfifo q.txt``: with no writer, opening it waited forever; with one, its lines were read by the
    first pass (the layout) and the batch then failed "File or stream is not seekable"."""
    import os
    import threading

    fifo = tmp_path / "q.txt"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_questions(fifo)
        except BaseException as exc:  # noqa: BLE001 - what it raised is the result
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # blocked in open(): a writer end releases it
        os.close(os.open(fifo, os.O_RDWR))
        pytest.fail("reading a FIFO question file blocked")
    (exc,) = outcome
    assert isinstance(exc, InputError) and "is a pipe or device, not a question file" in exc.message
    assert "qa batch -" in (exc.hint or "")


def test_a_huge_row_costs_one_pass_not_one_substitution_per_blank(tmp_path):
    """A 40 MB JSONL question ("apa apa …") took 34 s and 1 GB in ``qa batch``: the emptiness test
    deleted every blank (10M substitutions) in each of the file's three passes. It now stops at the
    first visible character (CPU seconds, so loaded cores do not fail it)."""
    import time

    src = write(tmp_path / "q.jsonl", json.dumps({"question": "apa " * 5_000_000}) + "\n")
    start = time.process_time()
    (rec,) = read_questions(src)
    assert time.process_time() - start < 1.5  # 2.5 s before, 0.35 s after, on this machine
    line = len(json.dumps({"question": "apa " * 5_000_000}))  # counted as it streamed by, never kept
    assert rec.error.startswith(f"line 1 is too long ({line} code points; a question holds at most")
