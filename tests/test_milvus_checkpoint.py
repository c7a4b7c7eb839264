"""A Milvus build keeps the vectors it embedded when it is interrupted (``qa/milvus/resume.py``), as a
local build does, and the next build embeds only the rest; the commit, or an open that finds the
collection current, removes the checkpoint (section 157). Milvus Lite in this process (hence ``slow``)
with the fake encoder; the real command and model are ``test_milvus_checkpoint_cli.py``."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from qa import checkpoint as checkpoint_module
from qa.checkpoint import CHECKPOINT
from qa.config import Settings
from qa.corpus import load_corpus
from qa.incremental import sentence_key
from qa.milvus import build as milvus_build
from qa.milvus import target as milvus_target
from qa.milvus.adapters import read_rows
from qa.milvus.alias import new_name, switch_alias
from qa.milvus.resume import checkpoint_folder
from qa.milvus.schema import OWNER, P_BEAT, P_OWNER, P_STATE
from qa.milvus.target import connect, parse_store
from qa.opening import open_or_build

from .conftest import CountingEncoder, FakeEncoder, seed_and_synthetic
from .milvus_helpers import milvus_server
from .test_checkpoint import Stopped

pytest.importorskip("milvus_lite")
pytestmark = pytest.mark.slow

PIECE = 128  # passages a build inserts (and embeds) at a time here: a stop falls in its second piece
STOP_AFTER = PIECE + 64


@pytest.fixture(autouse=True)
def at_once(monkeypatch) -> None:
    monkeypatch.setattr(checkpoint_module, "INTERVAL", 0.0)  # due from the first batch
    monkeypatch.setattr(checkpoint_module, "COST", 1e9)  # and then only what a stop keeps
    monkeypatch.setattr(milvus_build, "INSERT_BATCH", PIECE)


@pytest.fixture
def settings(tmp_path: Path):
    corpus = seed_and_synthetic(tmp_path / "corpus", seed=1, passages=400, per_doc=100)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=f"milvus:{tmp_path / 's.db'}")
    yield settings
    milvus_target.forget(parse_store(settings.store))


def _open(settings: Settings, encoder, build: str = "auto", read_only: bool = False):
    logs: list[str] = []
    docs = {d.id: d for d in load_corpus(settings.corpus_dir)}
    return open_or_build(settings, encoder, docs, build, logs.append, read_only), logs


def _kept(settings: Settings) -> Path:
    return checkpoint_folder(settings.index_dir, parse_store(settings.store)) / CHECKPOINT


def _vectors_are_their_sentences(index, settings: Settings) -> None:
    """Every row's vector is its own sentence's (a kept vector under another key would not be)."""
    collection = index.manifest["store"]["collection"]
    rows = read_rows(
        connect(parse_store(settings.store)), collection, len(index.chunks), ["sentence_key", "vector"]
    )
    texts = [c.text for c in index.chunks]
    assert [r["sentence_key"] for r in rows] == [sentence_key(t) for t in texts]
    expected = FakeEncoder().encode_passages(texts)
    assert np.allclose(np.array([r["vector"] for r in rows], dtype=np.float32), expected, atol=1e-6)


def test_an_interrupted_milvus_build_keeps_its_vectors_and_the_rerun_embeds_only_the_rest(settings) -> None:
    with pytest.raises(KeyboardInterrupt):
        _open(settings, Stopped(after=STOP_AFTER))
    with np.load(_kept(settings)) as data:
        assert len(data["keys"]) == STOP_AFTER  # the first piece and the second's first batch
    encoder = CountingEncoder()
    index, logs = _open(settings, encoder)
    distinct = len({c.text for c in index.chunks})
    assert f"reusing {STOP_AFTER:,} vectors from an interrupted build" in logs
    assert len(encoder.passages) == distinct - STOP_AFTER
    assert any("reused" in line and "from an interrupted build" in line for line in logs), logs
    assert not os.path.lexists(_kept(settings)) and not os.path.lexists(_kept(settings).parent)  # committed
    _vectors_are_their_sentences(index, settings)


def test_a_milvus_build_stopped_at_its_switch_keeps_every_vector(settings, monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("qa.milvus.store.switch_alias", fail)
    with pytest.raises(KeyboardInterrupt):
        _open(settings, CountingEncoder())
    monkeypatch.setattr("qa.milvus.store.switch_alias", switch_alias)
    encoder = CountingEncoder()
    index, _ = _open(settings, encoder)
    assert encoder.passages == [] and not os.path.lexists(_kept(settings))
    _vectors_are_their_sentences(index, settings)


def _left_behind(settings: Settings) -> None:
    """A build after a file was added is interrupted; the file is taken out again: the collection is
    current, and a checkpoint no build would lend is left."""
    _open(settings, CountingEncoder())
    new = settings.corpus_dir / "zz-new.txt"
    new.write_text(
        "\n".join(f"Kalimat baru nomor {i} tentang kerja sama." for i in range(200)) + "\n", "utf-8"
    )
    with pytest.raises(KeyboardInterrupt):
        _open(settings, Stopped(after=64))
    assert _kept(settings).is_file()
    new.unlink()


def test_an_open_that_finds_the_collection_current_removes_a_checkpoint_left(settings) -> None:
    """``qa info``'s read-only open leaves it; the next open that may write removes it."""
    _left_behind(settings)
    _open(settings, CountingEncoder(), "never", read_only=True)
    assert _kept(settings).is_file()
    _, logs = _open(settings, CountingEncoder())
    assert not os.path.lexists(_kept(settings)) and not os.path.lexists(_kept(settings).parent)
    assert any(line.startswith("removed the vectors an interrupted build kept") for line in logs), logs


def test_a_forced_rebuild_commits_without_a_checkpoint_left(settings) -> None:
    _left_behind(settings)
    encoder = CountingEncoder()
    index, _ = _open(settings, encoder, "force")
    assert len(encoder.passages) == len({c.text for c in index.chunks})  # it took nothing kept
    assert not os.path.lexists(_kept(settings))


def test_a_build_running_on_the_server_in_another_process_keeps_its_checkpoint(tmp_path: Path) -> None:
    """Two processes on one server through one index folder (section 157's first Left): an open that
    found the collection current removed the checkpoint of a build running in the other (the lock is
    per process). That build's collection, still building with a fresh heartbeat, now keeps it; once
    it is gone the next open removes the file."""
    with milvus_server(tmp_path) as (uri, _):
        corpus = seed_and_synthetic(tmp_path / "corpus", seed=1, passages=200, per_doc=100)
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=uri)
        target = parse_store(uri)
        try:
            _left_behind(settings)
            client, running = connect(target), new_name(target)
            client.create_collection(running, dimension=4)  # what the other process's build made
            beat = {P_OWNER: OWNER, P_STATE: "building", P_BEAT: str(int(time.time()))}
            client.alter_collection_properties(running, properties=beat)
            _, logs = _open(settings, CountingEncoder())
            assert _kept(settings).is_file() and not any(line.startswith("removed") for line in logs)
            client.drop_collection(running)  # that build ended
            _, logs = _open(settings, CountingEncoder())
            assert not os.path.lexists(_kept(settings)), logs
        finally:
            milvus_target.forget(target)
