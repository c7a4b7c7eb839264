"""An unknown ``--doc`` in a large corpus: the hint lists a few documents and the one closest to the name
typed, not every document (docs/reliability.md section 167)."""

from __future__ import annotations

import pytest

from qa.errors import InputError
from qa.paths import LISTED, document_named

MANY = [f"kompas/paragraf-{i:04d}.txt" for i in range(1369)]  # FacQA's corpus as documents


def _hint(name: str, ids: list[str]) -> str:
    with pytest.raises(InputError) as caught:
        document_named(name, ids, "/nowhere/corpus")
    assert caught.value.hint is not None
    return caught.value.hint


def test_a_large_corpus_lists_a_few_documents_and_how_many() -> None:
    hint = _hint("nothing-like-it.pdf", MANY)
    assert hint.startswith(f"documents ({len(MANY)}): kompas/paragraf-0000.txt, ")
    assert hint.count(".txt") == LISTED and hint.endswith(", …") and len(hint) < 400


def test_a_typo_in_a_large_corpus_names_the_document_closest_to_it() -> None:
    typo = _hint("paragraf-1234.tx", MANY)
    assert typo.startswith("did you mean kompas/paragraf-1234.txt? documents (1369)")
    assert _hint("kompas/paragraf-0999.text", MANY).startswith("did you mean kompas/paragraf-0999.txt? ")


def test_a_small_corpus_lists_every_document_as_before() -> None:
    ids = [f"d{i}.txt" for i in range(LISTED)]
    assert _hint("paragraf-1234.tx", ids) == "documents: " + ", ".join(sorted(ids))
