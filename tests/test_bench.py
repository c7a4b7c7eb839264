"""The benchmark harness: deterministic generated corpora and the stand-in encoder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qa.chunking import chunk_document
from qa.synth import Generator, StandInEncoder, write_corpus


def test_generator_is_deterministic_and_seeded() -> None:
    a, b, c = Generator(seed=6), Generator(seed=6), Generator(seed=7)
    assert list(a.corpus(1_200)) == list(b.corpus(1_200))
    assert a.questions(20) == b.questions(20)
    assert list(a.corpus(1_200)) != list(c.corpus(1_200))
    assert a.questions(20) != c.questions(20)


def test_generated_sizes_are_exact_and_nested(tmp_path: Path) -> None:
    gen = Generator()
    small, large = list(gen.corpus(1_000)), list(gen.corpus(2_500))
    assert large[:2] == small  # the 10k corpus is the start of the 100k one
    assert sum(len(chunk_document(d, t)) for d, t in large) == 2_500  # one sentence, one passage
    paths = write_corpus(tmp_path, 1_200)
    assert [p.name for p in paths] == ["synth-00000.txt", "synth-00001.txt", "synth-00002.txt"]
    text = paths[0].read_text(encoding="utf-8")
    assert " yang " in text and "\n" in text.strip()  # Indonesian function words; several lines


def test_stand_in_encoder_is_deterministic_normalized_and_sees_shared_words() -> None:
    enc = StandInEncoder()
    texts = [
        "menteri membahas kerja sama ekonomi",
        "menteri membahas kerja sama budaya",
        "hujan deras di pulau",
    ]
    v = enc.encode_passages(texts)
    assert np.array_equal(v, StandInEncoder().encode_passages(texts))
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2]
    assert enc.runtime == "standin" and StandInEncoder(queries=enc).runtime == "standin+standin"
