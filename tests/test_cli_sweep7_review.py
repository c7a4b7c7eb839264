"""Section 72 read again (docs/reliability.md section 74): where its fixes misread an ordinary file or
broke what worked. Each test failed on the code before its fix."""

from __future__ import annotations

import io
import json

import pytest

from .cli_helpers import qa_run


@pytest.mark.parametrize(
    "first",
    ["%PDF-1.7 itu format apa?", "%PDF-A apa bedanya dengan PDF biasa?", "%PDF-2.0, apa yang baru?"],
    ids=["version-and-words", "pdf-a", "version-comma"],
)
def test_a_question_file_whose_first_question_names_a_pdf_version_is_read(settings, tmp_path, first) -> None:
    """Section 72 named "%PDF-" a PDF's signature, five printable bytes: a text file of questions starting
    with them was refused whole ("not a text file: it is a PDF"). A PDF's header line is its version alone,
    or binary bytes follow it; text starting so is asked."""
    src = tmp_path / "soal.txt"
    src.write_text(f"{first}\nApa tugas asisten?\n", encoding="utf-8")
    out = tmp_path / "jawaban.jsonl"
    r = qa_run(settings, "batch", str(src), "-o", str(out))
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [rec["question"] for rec in records] == [first, "Apa tugas asisten?"]


@pytest.mark.parametrize(
    "head",
    [b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", b"%PDF-1.7\r\n1 0 obj\n", b"%PDF-1.3 %\xe2\xe3\xcf\xd3\n"],
    ids=["binary-comment", "crlf-ascii", "comment-on-the-header-line"],
)
def test_a_pdf_renamed_is_still_named_a_pdf(head) -> None:
    """Its header line alone, or binary bytes after "%PDF-" (the comment PDF writers add to say so)."""
    from qa.batch.binary import binary_kind
    from qa.file_errors import FileError

    # the kind as data since section 138 (FileError), said "a PDF" as before
    assert binary_kind(head) == (FileError("pdf"), "copy its questions into a .txt file, one per line")
    assert FileError("pdf").what() == "a PDF"


def test_a_message_the_stream_cannot_encode_is_escaped_not_the_end_of_every_message() -> None:
    """A UnicodeEncodeError is a ValueError: section 72's wrapper took one message it could not encode
    (standard error set to ``ascii:strict``, a library's warning with an accent) for a broken stream and
    pointed it at the null device: that message and every later one, the final error line included, gone."""
    from qa.diagnostics import quiet_on_failure

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors="strict", write_through=True)
    wrapped = quiet_on_failure(stream)
    print("warning: kolom 'Pertanyaan Saya é' ditanya", file=wrapped)
    print("error: the question file is empty", file=wrapped)
    assert raw.getvalue().decode("ascii").splitlines() == [
        "warning: kolom 'Pertanyaan Saya \\xe9' ditanya", "error: the question file is empty"]  # fmt: skip
