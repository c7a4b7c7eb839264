"""Section 158: a hostile-use sweep of the index build's checkpoint. A build killed while it writes its
commit keeps the checkpoint for the next build, and a commit that fails on a full disk still lands when
the checkpoint's space is what it lacked."""

from __future__ import annotations

import errno
import os
import subprocess

import numpy as np
import pytest

from qa import checkpoint as checkpoint_module
from qa.buildlock import unwritable
from qa.checkpoint import CHECKPOINT, PARTIAL
from qa.config import Settings
from qa.corpus import load_corpus
from qa.errors import IndexError_
from qa.opening import open_or_build
from scripts.trials import qa_command, qa_env

from . import test_checkpoint
from .conftest import ROOT, CountingEncoder, seed_and_synthetic
from .test_checkpoint import STOP_AFTER, Stopped, _build, _distinct, _interrupted

# test_checkpoint's fixtures, the same here: a checkpoint due from the first batch, a 300-passage corpus
at_once, settings = test_checkpoint.at_once, test_checkpoint.settings


@pytest.mark.slow
def test_a_build_killed_while_it_writes_its_commit_leaves_the_checkpoint_to_the_next(settings) -> None:
    """SIGKILL (the OOM killer, a closed container) while ``qa index`` writes its build: the checkpoint
    went before the commit, so every vector an interrupted build kept was embedded again."""
    _interrupted(settings, Stopped())  # STOP_AFTER vectors kept
    env = {**qa_env(settings.corpus_dir, settings.index_dir), "QA_TEST_HOLD_WRITE": "60"}
    proc = subprocess.Popen([*qa_command(real=False), "index"], env=env, cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "writing\n"  # inside write_index
    finally:
        proc.kill()
        _, err = proc.communicate(timeout=30)
    assert f"reusing {STOP_AFTER:,} vectors from an interrupted build" in err
    assert (settings.index_dir / CHECKPOINT).is_file()
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)
    assert f"reusing {STOP_AFTER:,} vectors from an interrupted build" in logs
    assert len(encoder.passages) == _distinct(index) - STOP_AFTER
    assert not os.path.lexists(settings.index_dir / CHECKPOINT)  # the commit removed it


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT], ids=["disk-full", "quota"])
def test_a_commit_short_of_the_checkpoints_space_lands_without_it(settings, monkeypatch, code) -> None:
    """A disk (or a quota) that has room for the build only once the checkpoint is gone: it is removed
    and the commit tried once more, as when it went first."""
    import qa.indexing

    real, tries = qa.indexing.write_index, []

    def full_while_kept(index_dir, manifest, index):
        tries.append(os.path.lexists(index_dir / CHECKPOINT))
        if tries[-1]:
            raise unwritable(index_dir, OSError(code, os.strerror(code)))
        return real(index_dir, manifest, index)

    _interrupted(settings, Stopped())
    monkeypatch.setattr(qa.indexing, "write_index", full_while_kept)
    index, logs = _build(settings, CountingEncoder())
    assert tries == [True, False] and index.chunks
    assert not os.path.lexists(settings.index_dir / CHECKPOINT)


def test_a_commit_refused_for_another_reason_is_not_retried_without_the_checkpoint(settings, monkeypatch):
    """Any failed commit (EACCES, a link in the build's place) removed the checkpoint and wrote the build
    again: twice the commit's time for the same refusal, and the kept vectors only as safe as their
    second write. No space would let such a commit through: it fails once, the checkpoint stays."""
    import qa.indexing

    tries: list[bool] = []

    def refused(index_dir, manifest, index):
        tries.append(os.path.lexists(index_dir / CHECKPOINT))
        raise unwritable(index_dir, PermissionError(errno.EACCES, os.strerror(errno.EACCES)))

    _interrupted(settings, Stopped())
    monkeypatch.setattr(qa.indexing, "write_index", refused)
    with pytest.raises(IndexError_, match="Permission denied"):
        _build(settings, CountingEncoder())
    assert tries == [True] and checkpoint_module.is_ours(settings.index_dir / CHECKPOINT)


def _open_current(settings: Settings) -> None:
    docs = {d.id: d for d in load_corpus(settings.corpus_dir)}
    open_or_build(settings, CountingEncoder(), docs, "auto", lambda m: None)


def _forced_rebuild(settings: Settings) -> None:
    _build(settings, CountingEncoder())  # the index is current: a forced full rebuild


@pytest.mark.parametrize("then", [_open_current, _forced_rebuild], ids=["open-current", "forced-rebuild"])
def test_a_checkpoint_write_cut_short_by_a_kill_does_not_stay_for_good(settings, then) -> None:
    """A build SIGKILLed while it wrote its first checkpoint leaves ``.qa-embedded.partial`` alone (as big
    as the checkpoint: hundreds of MB on a big corpus). Only the next write or a non-forced commit
    removed it: an open that found the index current, or a forced rebuild, kept it for good."""
    _build(settings, CountingEncoder())
    (settings.index_dir / PARTIAL).write_bytes(b"PK\x03\x04" + bytes(4096))
    then(settings)
    assert sorted(p.name for p in settings.index_dir.iterdir() if p.name.startswith(".qa-")) == []


@pytest.mark.slow
def test_a_milvus_checkpoint_folder_that_is_a_link_is_never_written_through(tmp_path) -> None:
    """``milvus-tables/embedded-<hash>`` linked to a folder elsewhere: a build moved a file of that folder
    aside there, wrote its checkpoint into it and removed it again. The tables' cache already refuses a
    link in its place; the checkpoint now does too (each build keeps none, says so once, and commits)."""
    pytest.importorskip("milvus_lite")
    from qa.milvus import target as milvus_target
    from qa.milvus.resume import checkpoint_folder
    from qa.milvus.target import parse_store

    corpus = seed_and_synthetic(tmp_path / "corpus", seed=1, passages=300, per_doc=100)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=f"milvus:{tmp_path / 's.db'}")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    np.savez(elsewhere / CHECKPOINT, format=np.array(checkpoint_module.FORMAT))  # even one that reads as ours
    theirs = (elsewhere / CHECKPOINT).read_bytes()
    folder = checkpoint_folder(settings.index_dir, parse_store(settings.store))
    folder.parent.mkdir(parents=True)
    folder.symlink_to(elsewhere, target_is_directory=True)
    docs = {d.id: d for d in load_corpus(corpus)}
    try:
        logs: list[str] = []
        with pytest.raises(KeyboardInterrupt):
            open_or_build(settings, Stopped(), docs, "auto", logs.append)
        assert sorted(p.name for p in elsewhere.iterdir()) == [CHECKPOINT]
        open_or_build(settings, CountingEncoder(), docs, "auto", logs.append)
        open_or_build(settings, CountingEncoder(), docs, "auto", logs.append)  # finds it current
    finally:
        milvus_target.forget(parse_store(settings.store))
    assert sorted(p.name for p in elsewhere.iterdir()) == [CHECKPOINT]
    assert (elsewhere / CHECKPOINT).read_bytes() == theirs and folder.is_symlink()
    said = [line for line in logs if "is a link" in line]
    assert len(said) == 2 and said[0].startswith("cannot keep the vectors embedded so far"), logs  # a build
