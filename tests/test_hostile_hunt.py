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
