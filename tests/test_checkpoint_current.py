"""A checkpoint only serves a build that would lend it (section 157): an index found current by an open
that may write, or committed by a build that kept none (a forced one), leaves none behind; a read-only
open, a build running elsewhere, and a file of the user's in its place are left alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from qa import checkpoint as checkpoint_module
from qa.checkpoint import CHECKPOINT, PARTIAL
from qa.config import Settings
from qa.corpus import load_corpus
from qa.indexing import ENCODE_BATCH, build_index
from qa.opening import open_or_build
from qa.writing import build_lock

from .conftest import CountingEncoder, seed_and_synthetic
from .milvus_helpers import fake_qa
from .test_checkpoint import Stopped

NEW = "zz-new.txt"


@pytest.fixture(autouse=True)
def at_once(monkeypatch) -> None:
    """A checkpoint is due from the first batch (the fake encoder takes milliseconds)."""
    monkeypatch.setattr(checkpoint_module, "INTERVAL", 0.0)


@pytest.fixture
def left(tmp_path: Path) -> Settings:
    """An index current for its corpus, and a checkpoint beside it: a build after a file was added was
    interrupted, and the file was taken out again (the corpus is as the index was built from)."""
    corpus = seed_and_synthetic(tmp_path / "corpus", seed=1, passages=120, per_doc=60)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    build_index(settings, CountingEncoder(), load_corpus(corpus), log=lambda m: None)
    lines = (f"Kalimat baru nomor {i} tentang kerja sama luar negeri." for i in range(3 * ENCODE_BATCH))
    (corpus / NEW).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        build_index(settings, Stopped(after=ENCODE_BATCH), load_corpus(corpus), log=lambda m: None)
    assert (settings.index_dir / CHECKPOINT).is_file()
    (corpus / NEW).unlink()
    return settings


def _open(settings: Settings, build: str = "auto", read_only: bool = False) -> list[str]:
    logs: list[str] = []
    docs = {d.id: d for d in load_corpus(settings.corpus_dir)}
    open_or_build(settings, CountingEncoder(), docs, build, logs.append, read_only)
    return logs


@pytest.mark.parametrize("build", ["auto", "never"])
def test_an_open_that_finds_the_index_current_removes_the_checkpoint(left: Settings, build: str) -> None:
    logs = _open(left, build)
    assert not os.path.lexists(left.index_dir / CHECKPOINT)
    assert f"removed the vectors an interrupted build kept in {left.index_dir}: the index is current" in logs
    assert _open(left) == []  # said once: nothing is left to remove


def test_a_read_only_open_leaves_the_disk_as_it_was(left: Settings) -> None:
    before = (left.index_dir / CHECKPOINT).read_bytes()
    assert _open(left, "never", read_only=True) == []
    assert (left.index_dir / CHECKPOINT).read_bytes() == before


def test_a_build_running_elsewhere_keeps_its_checkpoint(left: Settings) -> None:
    with build_lock(left.index_dir, wait=False):  # held as a build in another process holds it
        _open(left)
    assert (left.index_dir / CHECKPOINT).is_file()


def test_a_file_of_the_users_in_its_place_stays(left: Settings) -> None:
    (left.index_dir / CHECKPOINT).write_bytes(b"PK\x03\x04 the user's own archive")
    _open(left)
    assert (left.index_dir / CHECKPOINT).read_bytes() == b"PK\x03\x04 the user's own archive"


def test_a_forced_rebuild_commits_without_the_checkpoint(left: Settings) -> None:
    (left.index_dir / PARTIAL).write_bytes(b"half of a killed write")
    encoder = CountingEncoder()
    build_index(left, encoder, load_corpus(left.corpus_dir), log=lambda m: None)  # current: a forced one
    assert encoder.passages  # it embedded everything again, took nothing kept
    assert not os.path.lexists(left.index_dir / CHECKPOINT) and not os.path.lexists(left.index_dir / PARTIAL)


@pytest.mark.slow
def test_qa_index_on_a_current_index_removes_it(left: Settings) -> None:
    """The command itself, in its own process: ``qa index`` finds the index current, builds nothing."""
    proc = fake_qa(left.corpus_dir, left.index_dir, "index")
    assert proc.returncode == 0, proc.stderr
    assert "the index is current" in proc.stderr and not os.path.lexists(left.index_dir / CHECKPOINT)
