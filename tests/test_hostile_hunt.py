"""Reliability 165: what a careless or hostile user still broke (a document name two files share, Word's
lock file of an open document in the corpus, a calibration threshold that is not a number)."""

from __future__ import annotations

import pytest

from qa.errors import InputError
from qa.paths import document_named


def test_a_file_name_two_documents_share_names_both_not_none(tmp_path) -> None:
    """``qa ask --doc x.txt`` with ``a/x.txt`` and ``b/x.txt`` said "no document named 'x.txt'": untrue,
    and the way out (its folder) was left to be read from the list of every document. The page said
    "cocok dengan 2 dokumen" for the same name; the CLI now says so too."""
    ids = {"a/x.txt", "b/x.txt", "c.md"}
    with pytest.raises(InputError) as info:
        document_named("x.txt", ids, str(tmp_path))
    assert info.value.message == "'x.txt' names 2 documents of the corpus: a/x.txt, b/x.txt"
    assert info.value.hint == "give the one meant with its folder, e.g. --doc a/x.txt"
    assert document_named("b/x.txt", ids, str(tmp_path)) == "b/x.txt"
    many = {f"{n}/x.txt" for n in "abcdef"}
    with pytest.raises(InputError) as info:
        document_named("x.txt", many, str(tmp_path))
    assert info.value.message.endswith(
        "names 6 documents of the corpus: a/x.txt, b/x.txt, c/x.txt, d/x.txt, …"
    )
    with pytest.raises(InputError, match="no document named 'y.txt' in the corpus"):
        document_named("y.txt", ids, str(tmp_path))


def _word_owner_file(user: str) -> bytes:
    """What Word writes as ``~$name.docx`` while ``name.docx`` is open: 162 bytes naming who opened it."""
    ascii_name = bytes([len(user)]) + user.encode("ascii").ljust(53)
    return (ascii_name + bytes([len(user), 0]) + user.encode("utf-16-le")).ljust(162, b"\0")


def test_the_lock_file_word_keeps_beside_an_open_document_is_not_a_document(settings) -> None:
    """A ``.docx`` open in Word while ``qa index`` ran (a shared or synced folder) has Word's owner file
    ``~$panduan.docx`` beside it, hidden on Windows: the build stopped on it with "not a readable Word
    document; open and re-save it in Word", a way out that leads nowhere (an Excel one: "type that cannot
    be read"). Like the hidden files it is, it is skipped; the document it stands for is read."""
    import json

    import docx

    from qa.config import in_corpus

    from .cli_helpers import qa_run

    corpus = settings.corpus_dir
    (corpus / "sub").mkdir()
    document = docx.Document()
    document.add_paragraph("Asisten menteri menyusun laporan kunjungan kerja setiap bulan.")
    document.save(str(corpus / "sub" / "panduan.docx"))
    (corpus / "sub" / "~$panduan.docx").write_bytes(_word_owner_file("sari"))
    (corpus / "~$data.xlsx").write_bytes(_word_owner_file("budi"))
    r = qa_run(settings, "index")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    info = qa_run(settings, "info")
    documents = json.loads(info.stdout)["documents"]
    assert documents == ["asisten-menteri-kerjasama-luar-negeri.txt", "sub/panduan.docx"], info.stderr
    assert in_corpus(corpus, corpus / "sub" / "panduan.docx")  # a ~$ name alone is not hidden: see below


@pytest.mark.parametrize("edited", [True, "0.9"])
def test_a_calibration_threshold_that_is_not_a_number_is_not_used(settings, fake_assistant, edited) -> None:
    """A ``calibration.json`` edited by hand to ``"threshold": true`` was read as 1.0 (``float(True)``):
    every question abstained, with no word of why. ``"0.9"`` was taken as 0.9. A threshold is a JSON
    number; anything else is a malformed calibration, which falls back to the model's as the others do."""
    import json

    from qa.assistant import Assistant
    from qa.calibration import calibration_path, save_threshold

    from .conftest import FakeEncoder

    path = save_threshold({"threshold": 0.4}, fake_assistant)
    assert path == calibration_path(settings)
    assert Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None).threshold == 0.4
    data = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**data, "threshold": edited}), "utf-8")
    assistant = Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
    assert assistant.threshold == assistant.answerability.threshold


def test_a_document_a_user_named_with_a_tilde_dollar_is_read(settings) -> None:
    """Second reading of 165: ``~$`` was skipped by the name alone, so a text a user named
    ``~$catatan.txt`` was dropped from the corpus without a word (an index of one document fewer), and
    an answers file ``-o corpus/~$out.jsonl`` was let into the corpus. Only Office's owner file (tiny,
    binary) is skipped; the rest is a document like any other."""
    import json

    from qa.config import in_corpus

    from .cli_helpers import qa_run

    corpus = settings.corpus_dir
    (corpus / "~$catatan.txt").write_text("Rapat koordinasi dilaksanakan setiap hari Senin.\n", "utf-8")
    (corpus / "~$laporan.docx").write_bytes(_word_owner_file("sari"))  # Word's, of a document gone since
    r = qa_run(settings, "index")
    assert r.returncode == 0, r.stderr
    documents = json.loads(qa_run(settings, "info").stdout)["documents"]
    assert documents == ["asisten-menteri-kerjasama-luar-negeri.txt", "~$catatan.txt"]
    assert in_corpus(corpus, corpus / "~$out.jsonl")
    assert not in_corpus(corpus, corpus / ".hidden" / "out.jsonl")


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ('"threshold": true', "its threshold is true,"),
        ('"threshold": "0.9"', 'its threshold is "0.9",'),
        ('"threshold": NaN', "its threshold is NaN,"),
        ('"threshold": 0.9,', "it is not JSON"),  # the trailing comma of a hand edit
    ],
)
def test_a_calibration_set_aside_as_malformed_is_said(settings, fake_assistant, content, said) -> None:
    """Second reading of 165: a calibration edited by hand into one that is not (a threshold as text, a
    trailing comma) fell back to the model's threshold in silence, so the edit looked applied. It is now
    said once per opening, as a calibration chosen with other models is; none and a good one say nothing."""
    import json

    from qa.assistant import Assistant
    from qa.calibration import save_threshold

    from .conftest import FakeEncoder

    notes: list[str] = []
    opened = Assistant(settings, encoder=FakeEncoder(), build="never", log=notes.append)
    path = save_threshold({"threshold": 0.4}, fake_assistant)
    assert Assistant(settings, encoder=FakeEncoder(), build="never", log=notes.append).threshold == 0.4
    assert notes == []
    text = json.dumps(json.loads(path.read_text("utf-8")), indent=1)
    path.write_text(text.replace('"threshold": 0.4', content, 1), "utf-8")
    reopened = Assistant(settings, encoder=FakeEncoder(), build="never", log=notes.append)
    assert reopened.threshold == opened.threshold
    assert len(notes) == 1 and said in notes[0] and "set aside" in notes[0], notes
    assert f"the model's threshold {opened.threshold} is used" in notes[0]
