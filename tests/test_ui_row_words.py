"""Every kind of batch row error reaches the page's Status in Indonesian, from its code (reliability 133).

The page read each row's English ``error`` back with a list of regular expressions: a sentence reworded
in ``qa.batch`` matched none and was shown in English. Here each kind goes through the real readers and
the Batch tab's handler; the sentences are then reworded where ``qa.batch`` keeps them, and the page's
words must not move while the files' do.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from qa.batch import RowError, TooLong, read_questions
from qa.batch import row_errors as batch_row_errors
from qa.batch.csv_fields import CELL_CAP
from qa.batch.row_errors import LENGTH_CODES, ROW_CODES
from qa.ui import pages, row_words
from scripts.fakes import FakeEncoder
from tests.ui_helpers import make_app, run_to_end

MARK = "\u0301"  # a combining acute: one character with the letter it follows, one more code point
DEEP = '{"question": "profil", "m": ' + "[" * 70 + "]" * 70 + "}"
FIELD_CAP = csv.field_size_limit()

G = "galat: "
LONG = "galat: pertanyaan terlalu panjang "
CODE_POINTS = "titik kode Unicode; batasnya 2000 titik kode)"
# Each upload as (its lines, the preview's Status of each): line 1 of each is a question answered.
JSONL = [
    (b'{"question": "apa tugas asisten?"}', "terjawab"),
    (b'{"question": ""}', G + "pertanyaan kosong"),
    (b'{"id": "x"}', G + "tidak ada kolom pertanyaan"),
    (b'{"question": 5}', G + "pertanyaan bukan teks"),
    (b"{oops", G + "baris 5 bukan JSON yang sah"),
    (b'["apa tugas?"]', G + "baris 6 berisi array (daftar) JSON, bukan objek {...}"),
    (
        b'{"question": "a", "question": "b"}',
        G + "baris 7 menyebut 'question' dua kali dalam satu objek (JSON hanya menyimpan satu nilainya)",
    ),
    (
        b'{"question": "a", "Pertanyaan": "b"}',
        G + "baris 8 punya 2 kolom pertanyaan ('question', 'Pertanyaan'); sisakan satu",
    ),
    (b'{"question": "\\ud800"}', G + "baris 9 memuat escape Unicode yang tidak sah"),
    (b'{"question": "a", "n": NaN}', G + "baris 10 memuat angka yang tidak bisa disimpan JSON"),
    (DEEP.encode(), G + "baris 11 bersarang lebih dari 64 tingkat"),
    (b'{"question": "' + b"x" * 600 + b'"}', LONG + "(600 karakter, batasnya 500)"),
    (b"null", G + "baris 13 berisi null JSON, bukan objek {...}"),
    (b'{"question": "caf\xe9?"}', G + "baris 14 bukan teks UTF-8 yang sah"),
]
TXT = [
    (b"apa tugas asisten?", "terjawab"),
    (b"-", G + "pertanyaan kosong"),
    (b"caf\xe9 apa?", G + "baris 3 bukan teks UTF-8 yang sah"),
    (b"x" * 1_100_000, LONG + f"(1100000 {CODE_POINTS}"),  # over the readers' line bound: not read past it
    (b"y" * 2100, LONG + "(2100 karakter, batasnya 500)"),
    (("a" + MARK * 8001).encode(), LONG + f"(1 karakter, tetapi 8002 {CODE_POINTS}"),
]
CSV = [
    (b"id,question,catatan", None),
    (b"a,apa tugas asisten?,x", "terjawab"),
    (b"b,Apa tugas, dan gaji?,y",
     G + "baris 3: 4 sel, padahal baris judul punya 3 (ada ',' di dalam sel tanpa tanda kutip?)"),
    (b"c", G + "tidak ada kolom pertanyaan"),
    (b"d,caf\xe9?,z", G + "baris 5 bukan teks UTF-8 yang sah"),
    (f'e,"a{MARK * (FIELD_CAP + 5)}",z'.encode(), LONG + f"(lebih dari {FIELD_CAP} {CODE_POINTS}"),
    (f'f,apa?,"{("x" * 900_000 + chr(10)) * 5}"'.encode(),  # a note over CELL_CAP, on lines the reader takes
     G + f"kolom 'catatan' terlalu panjang (lebih dari {CELL_CAP} titik kode Unicode): "
     "baris ini tidak ditanyakan"),
]  # fmt: skip
UPLOADS = [
    (name, b"".join(line + b"\n" for line, _ in rows), [s for _, s in rows if s is not None])
    for name, rows in (("q.jsonl", JSONL), ("q.txt", TXT), ("q.csv", CSV))
]


@pytest.fixture
def app(settings, tmp_path):
    return make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)


def _shown(app, tmp_path: Path, name: str, data: bytes) -> tuple[list[str], list[str]]:
    """The preview's Status column, and the ``error`` each row of the JSONL download holds."""
    upload = tmp_path / name
    upload.write_bytes(data)
    _, preview, files = run_to_end(app.batch_view(str(upload), 2))
    jsonl = Path(next(f for f in files if f.endswith(".jsonl")))
    errors = [json.loads(line).get("error") or "" for line in jsonl.read_text(encoding="utf-8").splitlines()]
    return list(preview["Status"]), errors


@pytest.mark.parametrize(("name", "data", "statuses"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_each_row_error_kind_reaches_the_page_in_indonesian(app, tmp_path, name, data, statuses) -> None:
    shown, errors = _shown(app, tmp_path, name, data)
    assert shown == statuses
    assert (
        all(e.isascii() for e in errors) and sum(map(bool, errors)) == len(statuses) - 1
    )  # the files: English


def test_the_uploads_above_hold_every_kind_the_readers_make(tmp_path) -> None:
    """A code added to qa.batch without a row above (and words on the page) fails here. malformed_csv
    comes from no real file on this Python (3.11's csv reads a NUL byte), so it is said directly;
    ``refused`` is the answerer's, never the readers' (below)."""
    made = set()
    for name, data, _ in UPLOADS:
        (tmp_path / name).write_bytes(data)
        made |= {r.why.code for r in read_questions(tmp_path / name) if r.why is not None}
    assert made == set(ROW_CODES) - {"malformed_csv", "refused"}
    assert set(row_words.WORDS) | set(LENGTH_CODES) == set(ROW_CODES)
    assert set(batch_row_errors.ENGLISH) | {"too_long"} == set(ROW_CODES)
    malformed = RowError("malformed_csv", 7, detail="unexpected end of data")
    assert malformed.said() == "line 7: malformed CSV (unexpected end of data)"
    assert pages._status({"error": malformed.said()}, malformed) == "galat: baris 7: CSV yang rusak"


@pytest.mark.parametrize(("name", "data", "statuses"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_rewording_the_english_in_qa_batch_does_not_change_the_page(
    app, tmp_path, monkeypatch, name, data, statuses
) -> None:
    """The point of section 133: the sentences are reworded where qa.batch keeps them; the files say the
    new words (so the rewording took), the page's Status says what it said before."""
    reworded = {code: f"ROW {code.upper()} AT {{line}} {{detail}}" for code in batch_row_errors.ENGLISH}
    monkeypatch.setattr(batch_row_errors, "ENGLISH", reworded)
    monkeypatch.setattr(TooLong, "said", lambda self: f"ROW REFUSED FOR LENGTH {self.code_points}")
    shown, errors = _shown(app, tmp_path, name, data)
    assert [e for e in errors if e] and all(e.startswith("ROW ") for e in errors if e), errors
    assert shown == statuses


def test_a_file_without_codes_shows_its_error_as_written(tmp_path) -> None:
    """The page never parses the English back: a results file read without the reader's codes (none
    is, today: the page previews only the run it just made) shows each error as the file words it."""
    out = tmp_path / "jawaban.jsonl"
    rows = [{"id": "1", "line": 1, "question": "{", "error": "line 1 is not valid JSON (Expecting value)"},
            {"id": "2", "line": 2, "question": "", "error": "empty question"}]  # fmt: skip
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert list(pages.preview_table(out)["Status"]) == [
        "galat: line 1 is not valid JSON (Expecting value)",
        "galat: empty question",
    ]
    codes = {1: RowError("not_json", 1, detail="Expecting value"), 2: RowError("empty")}
    assert list(pages.preview_table(out, codes)["Status"]) == [
        "galat: baris 1 bukan JSON yang sah",
        "galat: pertanyaan kosong",
    ]


def test_a_quoted_name_is_cut_on_the_page() -> None:
    """A JSON name may be megabytes: quoted on the page, it is cut at 80 characters (the files keep it)."""
    name = repr("k" * 300)
    why = RowError("name_twice", 4, (name,))
    assert name in why.said()
    assert row_words.row_error(why) == (
        f"baris 4 menyebut '{'k' * 78}… dua kali dalam satu objek (JSON hanya menyimpan satu nilainya)"
    )


def test_a_quoted_name_is_cut_between_two_characters(app, tmp_path) -> None:
    """Cut at the 79th code point, a name ending in a flag showed half of it (a lone regional indicator,
    another character) and a letter lost its marks; the cut now falls between two characters."""
    flag, marked = "k" * 77 + "\U0001f1ee\U0001f1e9" + "x", "k" * 76 + "e" + MARK * 3 + "x"
    lines = ['{"question": "apa tugas asisten?"}']
    for name in (flag, marked):
        quoted = json.dumps(name, ensure_ascii=False)
        lines.append(f'{{"question": "a", {quoted}: 1, {quoted}: 2}}')
    shown, _ = _shown(app, tmp_path, "q.jsonl", "".join(line + "\n" for line in lines).encode())
    twice = " dua kali dalam satu objek (JSON hanya menyimpan satu nilainya)"
    cut = [f"baris 2 menyebut '{'k' * 77}…", f"baris 3 menyebut '{'k' * 76}…"]  # the flag, the marked e: gone
    assert shown[1:] == [G + said + twice for said in cut]


def test_a_question_the_answerer_refuses_is_said_in_indonesian_and_the_files_keep_its_words(
    app, tmp_path, monkeypatch
) -> None:
    """A question the answerer refuses alone (``qa.batch.answering``) had no code: the page's Status
    showed the answerer's English ("galat: the question is …"). The readers refuse every question the
    assistant does today, so the assistant is made to refuse one here; its words keep braces and a dash,
    which the files must write as they were."""
    from qa.assistant import Assistant
    from qa.errors import InputError
    from qa.reading import Reading

    said = "the question {0} is refused \u2014 {line} é"
    real_read = Assistant.read

    def read(self: Assistant, question: object) -> Reading:
        if question == "tolak aku":
            raise InputError(said, "a hint the row never shows")
        return real_read(self, question)

    monkeypatch.setattr(Assistant, "read", read)
    upload = b"apa tugas asisten?\ntolak aku\napa tugas menteri?\n"
    shown, errors = _shown(app, tmp_path, "q.txt", upload)
    assert shown[1] == G + "pertanyaan ini ditolak saat hendak dijawab", shown
    assert not shown[0].startswith(G) and not shown[2].startswith(G), shown  # the others answered
    assert errors == ["", said, ""]  # the JSONL's words: the answerer's, byte for byte
    csv_file = next((tmp_path / "web").rglob("jawaban.csv"))
    assert said in csv_file.read_text(encoding="utf-8-sig")
