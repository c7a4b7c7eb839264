"""A document name with a newline or a tab where the CLI still printed it raw after section 166 (its second
reading): the list of documents ``--doc`` names, a corpus file's refusal, the index's stale reasons. Each
split its line at the newline; each now quotes the name as ``qa ask``'s source line does."""

from __future__ import annotations

import pytest

from qa.answer import Passage, Result
from qa.corpus import find_documents, read_document
from qa.errors import CorpusError, InputError
from qa.manifest import stale_reasons
from qa.paths import document_named
from qa.printable import format_result

NAME = "lap\noran\tx.txt"
SHOWN = "'lap\\noran\\tx.txt'"


def test_an_unknown_doc_lists_the_documents_quoted(tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        document_named("nope", {NAME, "b.txt"}, str(tmp_path))
    assert caught.value.hint == f"documents: b.txt, {SHOWN}"


def test_an_ambiguous_doc_names_its_documents_quoted(tmp_path) -> None:
    with pytest.raises(InputError) as caught:
        document_named(NAME, {f"a/{NAME}", f"b/{NAME}"}, str(tmp_path))
    assert caught.value.message.endswith(f"names 2 documents of the corpus: 'a/{SHOWN[1:]}, 'b/{SHOWN[1:]}")
    assert "\n" not in str(caught.value).replace("\nhint:", "")


@pytest.mark.parametrize(
    ("suffix", "data", "said"),
    [(".txt", b"\xff\xfe", "is not valid UTF-8"), (".txt", b"", "is empty"), (".pdf", b"%PDF-1.4 x", "PDF")],
)
def test_a_corpus_file_refused_is_named_quoted(tmp_path, suffix, data, said) -> None:
    name = NAME.removesuffix(".txt") + suffix
    (tmp_path / name).write_bytes(data)
    with pytest.raises(CorpusError, match=said) as caught:
        read_document(tmp_path / name, name)
    assert caught.value.message.startswith(f"corpus file 'lap\\noran\\tx{suffix}' ")
    assert str(caught.value.args[0]) == caught.value.message


def test_a_pdf_s_scanned_pages_warning_names_it_quoted(tmp_path) -> None:
    from qa.corpus import load_corpus

    from .documents import write_scanned_pdf

    write_scanned_pdf(tmp_path / "lap\noran.pdf", ["Tugas direktur adalah memimpin rapat.", None])
    told: list[str] = []
    (doc,) = load_corpus(tmp_path, told.append)
    assert told == list(doc.warnings) and told[0].startswith("corpus file 'lap\\noran.pdf': page 2 of its 2")


def test_a_corpus_file_of_another_type_is_named_quoted(tmp_path) -> None:
    (tmp_path / "t\ny.xyz").write_text("x")
    with pytest.raises(CorpusError, match=r"^corpus file 't\\ny.xyz' is of a type that cannot be read"):
        find_documents(tmp_path)


def test_the_stale_reasons_quote_a_name_added_removed_or_changed() -> None:
    old = {"format_version": 1, "corpus": {NAME: "a", "gone\n.txt": "b"}}
    new = {"format_version": 1, "corpus": {NAME: "c", "new\t.txt": "d"}}
    assert stale_reasons(old, new) == [
        "corpus file added: 'new\\t.txt'",
        "corpus file removed: 'gone\\n.txt'",
        f"corpus file changed: {SHOWN}",
    ]


def _passage(rank: int) -> Passage:
    return Passage(rank, f"{NAME}#{rank}", NAME, f"Kalimat {rank}.", 0.9, 0, 9, 0, 9, 0.8, 1.0, 1.0, "both",
                   f"Kalimat {rank}.", 0, 9)  # fmt: skip


def test_qa_ask_s_answer_line_quotes_the_name_as_its_other_passages_do() -> None:
    """Section 166's test abstained, so only the other passages' lines were checked: the answer's own
    source line passed raw as well (a mutation of it went unseen)."""
    text = format_result(Result("apa?", False, 0.9, [_passage(1), _passage(2)]))
    assert f"  — {SHOWN}  ['lap\\noran\\tx.txt#1']  score 0.900  confidence 0.90  (both)" in text
    assert f"   — {SHOWN}  ['lap\\noran\\tx.txt#2']  score 0.900  (both)" in text and NAME not in text


def test_the_page_quotes_the_answer_s_document_when_the_top_passage_is_another() -> None:
    """``answer_card`` names the answer's ``source`` itself (not ``place``) when the passages listed do
    not start with it: there only ``name_html`` quoted it, and no test of section 166 reached it."""
    from qa.ui import render

    answer = {"text": "Cuti.", "source": NAME, "chunk_id": "other#0", "score": 0.9, "highlights": []}
    top = {
        "rank": 1,
        "chunk_id": "b.txt#0",
        "source": "b.txt",
        "text": "x",
        "score": 0.9,
        "matched_by": "both",
    }
    card = render.answer_card(
        {"abstained": False, "confidence": 0.9, "answer": answer, "passages": [top]}, 0.5
    )
    assert f"Sumber: <b><bdi>{SHOWN.replace(chr(39), '&#x27;')}</bdi></b>" in card, card


@pytest.mark.parametrize(
    ("name", "shown"),
    [("kantor .txt ", "'kantor .txt '"), (" a.md", "' a.md'"), ("   ", "'   '"), ("a b.txt", "a b.txt")],
)
def test_a_name_with_white_space_at_an_end_is_quoted(tmp_path, name: str, shown: str) -> None:
    """``x.txt `` was shown ``x.txt``: the space passed for the line's own, and ``--doc x.txt`` typed from
    it named no document. Quoted as a folder's name with white space at an end is; a space inside is not."""
    with pytest.raises(InputError) as caught:
        document_named("nope", {name}, str(tmp_path))
    assert caught.value.hint == f"documents: {shown}"
