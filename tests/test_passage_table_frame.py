"""The name cue without the document's frame: a capitalised word whose stems every other passage repeats
(the index's shared stems) is the document's own name, no answer to "siapa" (docs/quality.md,
"Thirty-third round")."""

from __future__ import annotations

import numpy as np
import pytest

from qa.analysis import tokenize
from qa.passage_table import CUE_NAMES, PassageTable, cue_matrix

FRAME = frozenset(tokenize("asisten menteri kerjasama luar negeri"))
PROFILE = (
    "Profil orang yang cocok untuk tipe pekerjaan Asisten Menteri Kerjasama Luar Negeri adalah seseorang "
    "yang memiliki pengetahuan yang luas."
)


def _cues(text: str, shared: frozenset[str] = frozenset()) -> set[str]:
    return {c for c, v in zip(CUE_NAMES, cue_matrix([text], shared)[0]) if v}


def test_the_documents_own_name_is_no_name_cue() -> None:
    assert "name" in _cues(PROFILE)  # no shared stems (FacQA): read as before
    assert "name" not in _cues(PROFILE, FRAME)


def test_a_name_beside_the_frame_still_counts() -> None:
    assert "name" in _cues("Tugas Asisten Menteri Luar Negeri dipegang oleh Budi Santoso.", FRAME)
    assert "name" in _cues("Ia bekerja bersama Menteri Retno.", FRAME)  # one word of it not shared
    assert "name" in _cues("Ia datang Dan pergi.", FRAME)  # a function word has no stem: never the frame


def test_the_place_cue_keeps_its_capital() -> None:
    """A place after a locative preposition is an answer to "di mana" even when the document repeats it
    (the place cue reads a preposition, which the frame's name in a sentence rarely follows)."""
    assert "place" in _cues("Ia bertugas di Kementerian Luar Negeri.", FRAME)


def test_shared_stems_change_only_the_framed_words() -> None:
    texts = [PROFILE, "Pada tahun 1998 ada 25 orang di Jakarta.", "Kemarin Budi Santoso datang karena sakit."]
    before, after = cue_matrix(texts), cue_matrix(texts, FRAME)
    name = CUE_NAMES.index("name")
    assert after[0, name] == 0 and before[0, name] == 1
    after[0, name] = 1
    assert np.array_equal(before, after)


def test_a_table_computed_at_open_reads_the_index_shared_stems(fake_assistant, monkeypatch) -> None:
    """An index whose stored table is from other rules (one built before) has it recomputed at open,
    with the shared stems the runtime reads (the seed document's name)."""
    index = fake_assistant.index
    shared = index.lexical.shared
    assert shared >= FRAME
    monkeypatch.setattr(index, "table", None)
    table = PassageTable(index, fake_assistant.retriever.passage_texts)
    sentences = [c.text for c in index.chunks]
    assert np.array_equal(table.cues_sentence, cue_matrix(sentences, shared))
    assert not np.array_equal(table.cues_sentence, cue_matrix(sentences))
    assert np.array_equal(table.cues_window, cue_matrix(fake_assistant.retriever.passage_texts, shared))


def test_a_build_stores_the_table_with_the_shared_stems(fake_assistant) -> None:
    index = fake_assistant.index
    assert index.table is not None
    sentences = [c.text for c in index.chunks]
    assert np.array_equal(index.table["cues_sentence"], cue_matrix(sentences, index.lexical.shared))


@pytest.mark.slow
def test_who_is_the_assistant_minister_is_refused(real_assistant, monkeypatch) -> None:
    """The document names no person; the profile passage's only capitals are the document's name. With
    the name counted as a name cue (the rule before) the question was answered (0.52)."""
    question = "siapa nama asisten menteri saat ini?"
    assert real_assistant.ask(question).abstained
    table = real_assistant.search.table
    texts = real_assistant.retriever.passage_texts
    monkeypatch.setattr(table, "cues_sentence", cue_matrix([c.text for c in real_assistant.index.chunks]))
    monkeypatch.setattr(table, "cues_window", cue_matrix(texts))
    assert not real_assistant.ask(question).abstained
