"""qa.passage_table: the flat bigram postings answer exactly what a naive set of pairs per passage does."""

from __future__ import annotations

import random

import numpy as np

from qa.analysis import tokenize
from qa.passage_table import Bigrams

WORDS = "kerja sama luar negeri menteri asisten laporan rapat diplomat negara pertemuan bilateral".split()


def _naive(texts: list[str], stems: list[str], rows: np.ndarray) -> np.ndarray:
    pairs = list(dict.fromkeys(zip(stems, stems[1:])))
    sets = [set(zip(t, t[1:])) for t in map(tokenize, texts)]
    found = [[p in sets[r] for p in pairs] for r in rows]
    return np.array(found, dtype=np.float32).reshape(len(rows), len(pairs))


def test_bigram_presence_equals_the_naive_sets() -> None:
    rng = random.Random(7)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(0, 9))) for _ in range(300)] + ["", "yang dan di"]
    table = Bigrams(texts)
    for _ in range(200):
        question = tokenize(" ".join(rng.choices(WORDS + ["unknownword"], k=rng.randint(0, 6))))
        rows = np.array(sorted(rng.sample(range(len(texts)), rng.randint(0, 30))), dtype=np.int64)
        assert np.array_equal(table.presence(question, rows), _naive(texts, question, rows))


def test_no_passages_and_no_pairs() -> None:
    assert Bigrams([]).presence(["kerja", "sama"], np.arange(0)).shape == (0, 1)
    assert Bigrams(["kerja"]).presence(["kerja", "sama"], np.arange(1)).tolist() == [[0.0]]
