"""Two processes writing one checkpoint folder (section 162): two builds of one alias of a Milvus server
from one index folder share it. Each writer is a real process writing through ``qa.checkpoint``'s own
writer, held half-way through its file (``np.savez`` wrapped to write half, wait, then the rest), so the
writes interleave where a kill would tear them."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import qa.checkpoint_partial as partials
from qa.checkpoint import CHECKPOINT, read_checkpoint
from qa.checkpoint_drop import discard
from qa.checkpoint_partial import create
from qa.ownership import index_file_of

ROOT = Path(__file__).resolve().parents[1]
DIM = 8
EXPECTED = {"format_version": 1, "encoder": {"name": "writers", "dim": DIM}, "chunking": {"size": 1}}

WRITER = """
import io, json, sys, time
from pathlib import Path
import numpy as np
import qa.checkpoint as cp

folder, tag, signals = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
real = np.savez

def held(fh, **arrays):  # the real bytes, written in two halves with a wait between
    buffer = io.BytesIO()
    real(buffer, **arrays)
    data = buffer.getvalue()
    fh.write(data[: len(data) // 2])
    fh.flush()
    (signals / f"{tag}-half").touch()
    while not (signals / f"{tag}-go").exists():
        time.sleep(0.01)
    fh.write(data[len(data) // 2 :])

np.savez = held
cp.INTERVAL = 0.0
expected = json.loads(sys.argv[4])
texts = [f"{tag} kalimat {i}" for i in range(200)]
checkpoint = cp.Checkpoint(folder, expected, None, lambda line: print(line, flush=True), parents=True)
checkpoint.begin(texts)
checkpoint.step(np.full((len(texts), expected["encoder"]["dim"]), float(len(tag)), dtype=np.float32))
print("done", flush=True)
"""


def _writer(folder: Path, tag: str, signals: Path) -> subprocess.Popen[str]:
    import json

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = [sys.executable, "-c", WRITER, str(folder), tag, str(signals), json.dumps(EXPECTED)]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _at_half(signals: Path, tag: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not (signals / f"{tag}-half").exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never reached its write"
        time.sleep(0.01)


def _finish(signals: Path, tag: str, proc: subprocess.Popen[str]) -> str:
    (signals / f"{tag}-go").touch()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return out


def _kept_keys(folder: Path) -> int:
    kept, note = read_checkpoint(folder, EXPECTED)
    assert kept is not None, note
    assert (kept.vectors == kept.vectors[0, 0]).all()
    return int(kept.vectors[0, 0])


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path]:
    signals = tmp_path / "signals"
    signals.mkdir()
    return tmp_path / "index" / "milvus-tables" / "embedded-0123abcd", signals


def test_a_writer_killed_mid_write_beside_another_leaves_the_others_checkpoint_whole(setup) -> None:
    """A writes half its file; B starts its own write (on main it unlinked A's ``.qa-embedded.partial``
    and wrote a new one under that name); A finishes and renames (on main: B's half-written file), then B
    is SIGKILLed. The checkpoint must be A's, whole, never the half of B's."""
    folder, signals = setup
    first = _writer(folder, "aa", signals)
    _at_half(signals, "aa", first)
    second = _writer(folder, "bbbb", signals)
    try:
        _at_half(signals, "bbbb", second)
        out = _finish(signals, "aa", first)
        assert "cannot keep" not in out and "done" in out
    finally:
        second.send_signal(signal.SIGKILL)
        second.wait()
    assert _kept_keys(folder) == 2  # A's vectors (2.0), whole


def test_a_killed_writers_file_goes_at_the_next_write_and_a_live_writers_never(setup) -> None:
    """A writer killed mid-write leaves its partial file: the next write removes it. A clean-up while
    another writer writes (an open that finds the collection current, ``discard``) leaves that one's
    file, whose rename then lands whole."""
    folder, signals = setup
    killed = _writer(folder, "k", signals)
    _at_half(signals, "k", killed)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert len([p for p in os.listdir(folder) if p.startswith(".qa-embedded.partial")]) == 1
    live = _writer(folder, "live", signals)
    _at_half(signals, "live", live)
    assert len([p for p in os.listdir(folder) if p.startswith(".qa-embedded.partial")]) == 1  # k's went
    discard(folder)  # not the live writer's file
    out = _finish(signals, "live", live)
    assert "cannot keep" not in out
    assert _kept_keys(folder) == 4
    assert sorted(os.listdir(folder)) == [CHECKPOINT]
    assert np.load(folder / CHECKPOINT, allow_pickle=False)["keys"].shape == (200,)


def test_an_output_linked_to_a_writers_partial_file_is_refused(tmp_path: Path) -> None:
    """``qa batch -o`` a link to a partial file (``ownership`` counts the names this module gives as the
    index's files, so ``--force`` never writes answers over one): the name ``create`` really gives, in the
    index folder and in a Milvus build's checkpoint folder; a stranger's near-name is not one."""
    index = tmp_path / "index"
    index.mkdir()
    (index / "manifest.json").write_text("{}", encoding="utf-8")
    for folder in (index, index / "milvus-tables" / "embedded-0123abcd"):
        partial, fd = create(folder, parents=True)
        os.close(fd)
        link = tmp_path / "answers.jsonl"
        link.symlink_to(partial)
        assert index_file_of(link, index) == partial.resolve()
        link.unlink()
    stranger = index / ".qa-embedded.partial-mine"
    stranger.touch()
    assert index_file_of(stranger, index) is None


def test_a_writer_whose_folder_was_removed_meanwhile_makes_it_again(tmp_path: Path, monkeypatch) -> None:
    """Another build's commit empties a Milvus checkpoint folder between a writer's clean-up and its new
    file (the folder really removed there): the writer makes the folder again and writes on."""
    folder = tmp_path / "index" / "milvus-tables" / "embedded-0123abcd"
    folder.mkdir(parents=True)
    real, calls = partials.uuid.uuid4, []

    def removing_first():  # the name is chosen just before the file is made: the folder goes then
        if not calls:
            shutil.rmtree(folder)
        calls.append(1)
        return real()

    monkeypatch.setattr(partials, "uuid", type("U", (), {"uuid4": staticmethod(removing_first)}))
    path, fd = create(folder, parents=False)
    os.close(fd)
    assert path.parent == folder and path.is_file() and len(calls) == 2


def test_a_lock_failing_otherwise_leaves_no_file_nor_descriptor(tmp_path: Path, monkeypatch) -> None:
    """``flock`` failing with neither "busy" nor "unsupported" (EIO on a network mount): the write is not
    made, and its new file and descriptor go with it."""

    def failing(fd: int, *, wait: bool) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(partials, "flock", failing)
    fds = len(os.listdir("/proc/self/fd"))
    with pytest.raises(OSError, match="Input/output"):
        create(tmp_path, parents=False)
    assert os.listdir(tmp_path) == [] and len(os.listdir("/proc/self/fd")) == fds
