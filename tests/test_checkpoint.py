"""An interrupted index build keeps the vectors it embedded (``qa/checkpoint.py``), and the next build
embeds only the rest; a checkpoint of another encoder, or damaged, is ignored with one line."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa import checkpoint as checkpoint_module
from qa.ann import all_vectors
from qa.batch.destination import check_place
from qa.checkpoint import CHECKPOINT, PARTIAL
from qa.config import Settings
from qa.corpus import load_corpus
from qa.errors import IndexError_, InputError
from qa.indexing import ENCODE_BATCH, build_index
from qa.manifest import read_manifest
from qa.milvus.resume import checkpoint_folder
from qa.milvus.target import parse_store
from qa.ownership import index_file_of

from .conftest import ROOT, CountingEncoder, seed_and_synthetic

STOP_AFTER = 3 * ENCODE_BATCH  # passages embedded before the stop


class Stopped(CountingEncoder):
    """Embeds ``after`` passages, then is stopped as Ctrl-C (or SIGTERM: ``SystemExit``) stops a build."""

    def __init__(self, after: int = STOP_AFTER, stop: BaseException | None = None) -> None:
        super().__init__()
        self.after, self.stop = after, stop or KeyboardInterrupt()

    def encode_passages(self, texts, batch_size: int = 64):
        if len(self.passages) >= self.after:
            raise self.stop
        return super().encode_passages(texts, batch_size)


@pytest.fixture(autouse=True)
def at_once(monkeypatch) -> None:
    """A checkpoint is due from the first batch, and the next only in a long while: so what a stop leaves
    beyond the first batch is what the stop itself kept. (By default a build keeps nothing before 10 s
    of embedding: the fake encoder takes milliseconds.)"""
    monkeypatch.setattr(checkpoint_module, "INTERVAL", 0.0)
    monkeypatch.setattr(checkpoint_module, "COST", 1e9)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    corpus = seed_and_synthetic(tmp_path / "corpus", seed=1, passages=300, per_doc=50)
    return Settings(corpus_dir=corpus, index_dir=tmp_path / "index")


def _build(settings: Settings, encoder, **kw) -> tuple[object, list[str]]:
    logs: list[str] = []
    return build_index(settings, encoder, load_corpus(settings.corpus_dir), log=logs.append, **kw), logs


def _interrupted(settings: Settings, encoder: Stopped) -> list[str]:
    logs: list[str] = []
    with pytest.raises(type(encoder.stop)):
        build_index(settings, encoder, load_corpus(settings.corpus_dir), log=logs.append)
    return logs


def _distinct(index) -> int:
    return len({c.text for c in index.chunks})


def _same_as_a_clean_build(index, settings: Settings, tmp_path: Path) -> None:
    """Same chunks, bitwise the same vectors, the same manifest but for the build stamp."""
    clean_settings = replace(settings, index_dir=tmp_path / "clean")
    clean, _ = _build(clean_settings, CountingEncoder())
    assert index.chunks == clean.chunks
    assert np.array_equal(all_vectors(index.vectors), all_vectors(clean.vectors))
    ours, theirs = (_but_the_stamp(read_manifest(i)) for i in (settings.index_dir, clean_settings.index_dir))
    assert ours == theirs


def _but_the_stamp(manifest: dict) -> dict:
    """A manifest without its build stamp (and the build's marker file, which holds the build id)."""
    files = {name: digest for name, digest in manifest["files"].items() if name != ".qa-build"}
    return {**{k: v for k, v in manifest.items() if k != "build"}, "files": files}


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), SystemExit(143)], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_build_keeps_its_vectors_and_the_rerun_embeds_only_the_rest(settings, tmp_path, stop):
    _interrupted(settings, Stopped(stop=stop))
    assert (settings.index_dir / CHECKPOINT).is_file()  # the only thing left: no build was committed
    assert read_manifest(settings.index_dir) is None
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)
    assert f"reusing {STOP_AFTER:,} vectors from an interrupted build" in logs
    assert len(encoder.passages) == _distinct(index) - STOP_AFTER
    stats = read_manifest(settings.index_dir)["build"]["incremental"]
    assert stats["resumed"] == STOP_AFTER and stats["embedded"] == len(encoder.passages)
    assert not (settings.index_dir / CHECKPOINT).exists()  # a committed build removes it
    _same_as_a_clean_build(index, settings, tmp_path)


def test_a_second_interruption_keeps_the_first_ones_vectors_too(settings, tmp_path) -> None:
    _interrupted(settings, Stopped())
    logs = _interrupted(settings, Stopped(after=ENCODE_BATCH))
    assert f"reusing {STOP_AFTER:,} vectors from an interrupted build" in logs
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)
    kept = STOP_AFTER + ENCODE_BATCH
    assert f"reusing {kept:,} vectors from an interrupted build" in logs
    assert len(encoder.passages) == _distinct(index) - kept
    _same_as_a_clean_build(index, settings, tmp_path)


@pytest.mark.parametrize(
    ("target", "failure"),
    [
        # a full disk at the commit, after the whole corpus was embedded
        ("qa.indexing.write_index", IndexError_("cannot write the index folder: No space left on device")),
        # Ctrl-C in the FAISS phase (minutes on a big corpus): before, only the last periodic checkpoint
        # was left (here the first batch), and the rerun embedded everything after it
        ("qa.indexing.build_vector_index", KeyboardInterrupt()),
    ],
    ids=["commit-fails", "stopped-before-commit"],
)
def test_a_build_stopped_or_failed_after_its_embedding_keeps_every_vector(
    settings, tmp_path, monkeypatch, target: str, failure: BaseException
) -> None:
    """The embedding done, whatever stops the build before its commit lands: the rerun embeds nothing."""

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(target, fail)
    with pytest.raises(type(failure)):
        _build(settings, CountingEncoder())
    monkeypatch.undo()
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)
    assert (
        encoder.passages == [] and f"reusing {_distinct(index):,} vectors from an interrupted build" in logs
    )
    _same_as_a_clean_build(index, settings, tmp_path)


def test_the_previous_build_lends_first_and_the_checkpoint_the_rest(settings, tmp_path) -> None:
    first, _ = _build(settings, CountingEncoder())
    (settings.corpus_dir / "zz-new.txt").write_text(
        "\n".join(f"Kalimat baru nomor {i} tentang kerja sama luar negeri." for i in range(300)) + "\n",
        "utf-8",
    )
    new = {f"Kalimat baru nomor {i} tentang kerja sama luar negeri." for i in range(300)}
    _interrupted(settings, Stopped(after=ENCODE_BATCH))  # the new file's first batch kept
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)
    assert f"reusing {ENCODE_BATCH:,} vectors from an interrupted build" in logs
    assert set(encoder.passages) <= set(new) and len(encoder.passages) == len(new) - ENCODE_BATCH
    assert any(line.startswith("incremental build") for line in logs)
    _same_as_a_clean_build(index, settings, tmp_path)


def _other_encoder(path: Path) -> None:
    with np.load(path) as data:
        arrays = dict(data)
    arrays["sections"] = np.array(str(arrays["sections"]).replace("fake", "another"))
    np.savez(path, **arrays)


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _a_flipped_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:  # a byte inside the stored vectors, not in a header
        info = zf.getinfo("vectors.npy")
    at = info.header_offset
    names, extra = (
        int.from_bytes(data[at + 26 : at + 28], "little"),
        int.from_bytes(data[at + 28 : at + 30], "little"),
    )
    data[at + 30 + names + extra + 200] ^= 0x40
    path.write_bytes(bytes(data))


def _pickled(path: Path) -> None:
    np.savez(path, format=np.array(checkpoint_module.FORMAT), keys=np.array([object()], dtype=object))


def _nan(path: Path) -> None:
    with np.load(path) as data:
        arrays = dict(data)
    arrays["vectors"][3, 5] = np.nan
    np.savez(path, **arrays)


def _short(path: Path) -> None:
    with np.load(path) as data:
        arrays = dict(data)
    arrays["keys"] = arrays["keys"][:-1]
    np.savez(path, **arrays)


def _text(path: Path) -> None:
    path.write_text("not numpy at all\n", encoding="utf-8")


def _declaring(path: Path, name: str, shape: tuple[int, ...], dtype: str) -> None:
    """The checkpoint with member ``name`` replaced by a bare ``.npy`` header declaring ``shape``: a few
    bytes on disk that ``np.load`` would allocate in full (terabytes here) before reading them."""
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if k != name}
    header = io.BytesIO()
    descr = np.lib.format.dtype_to_descr(np.dtype(dtype))
    np.lib.format.write_array_header_1_0(header, {"descr": descr, "fortran_order": False, "shape": shape})
    np.savez(path, **arrays)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(f"{name}.npy", header.getvalue())


def _terabytes_of_vectors(path: Path) -> None:
    _declaring(path, "vectors", (10**10, 384), "<f4")


def _terabytes_of_format(path: Path) -> None:
    _declaring(path, "format", (10**12,), "<U13")


def _deep_format_header(path: Path) -> None:
    """A ``format`` header of 6,000 minus signs (numpy reads headers up to 10 kB): Python's parser runs out
    of stack on it, a MemoryError no reader caught (a traceback from every build and open)."""
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if k != "format"}
    text = b"{'descr': " + b"-" * 6000 + b"1}\n"
    np.savez(path, **arrays)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("format.npy", b"\x93NUMPY\x01\x00" + len(text).to_bytes(2, "little") + text)


@pytest.mark.parametrize(
    "damage, said",
    [
        (_other_encoder, "embedded with another encoder"),
        (_truncated, "moved to .qa-embedded.npz.kept-"),  # its format unreadable: it might not be ours
        (_a_flipped_byte, "damaged"),
        (_pickled, "damaged"),
        (_nan, "NaN"),
        (_short, "arrays disagree"),
        (_text, "moved to .qa-embedded.npz.kept-"),
        (_terabytes_of_vectors, "damaged"),  # a header np.load trusted: MemoryError, a traceback
        (_terabytes_of_format, "moved to .qa-embedded.npz.kept-"),
        (_deep_format_header, "moved to .qa-embedded.npz.kept-"),
    ],
    ids=[
        *("other-encoder", "truncated", "flipped-byte", "pickled", "nan", "short", "text"),
        *("tb-vectors", "tb-format", "deep-header"),
    ],
)
def test_a_checkpoint_of_another_encoder_or_damaged_is_ignored_in_one_line(settings, damage, said) -> None:
    _interrupted(settings, Stopped())
    damage(settings.index_dir / CHECKPOINT)
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)
    notes = [line for line in logs if "interrupted build" in line]
    assert len(notes) == 1 and notes[0].startswith("ignoring ")
    assert said in notes[0] and "\n" not in notes[0]
    assert len(encoder.passages) == _distinct(index)  # none of them trusted
    assert not (settings.index_dir / CHECKPOINT).exists()


def test_a_forced_full_rebuild_takes_no_kept_vectors(settings) -> None:
    _build(settings, CountingEncoder())
    _interrupted(settings, Stopped())  # the index is current: a forced rebuild, interrupted
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)  # current, so again a forced one
    assert len(encoder.passages) == _distinct(index) and not any("interrupted" in line for line in logs)


def test_a_folder_in_the_checkpoints_place_is_never_removed_and_the_build_goes_on(settings) -> None:
    """A folder under the partial file's name is the user's and stays. Each write now has a name of its
    own (section 162), so the folder no longer keeps the build from keeping its vectors either."""
    settings.index_dir.mkdir()
    (settings.index_dir / PARTIAL).mkdir()
    (settings.index_dir / PARTIAL / "mine.txt").write_text("the user's\n", encoding="utf-8")
    logs = _interrupted(settings, Stopped())
    assert not any(line.startswith("cannot keep the vectors embedded so far") for line in logs)
    index, logs = _build(settings, CountingEncoder())
    assert any("reusing" in line for line in logs)
    assert (settings.index_dir / PARTIAL / "mine.txt").read_text(encoding="utf-8") == "the user's\n"
    assert index.chunks


USERS = b"PK\x03\x04 the user's own archive"


def _users_file(path: Path) -> Path:
    path.write_bytes(USERS)
    return path.parent.parent / "corpus"  # nothing else to look at


def _link_to_users_file(path: Path) -> Path:
    target = path.parent.parent / "mine.npz"
    target.write_bytes(USERS)
    path.symlink_to(target)
    return target


@pytest.mark.parametrize("put", [_users_file, _link_to_users_file], ids=["file", "link"])
def test_what_is_in_the_checkpoints_place_and_not_ours_is_moved_aside_never_deleted(settings, put) -> None:
    """Not one this tool wrote (no ``format`` of ours, or a link): an interrupted build and the next build
    leave it whole under a new name, and still keep and take their own checkpoint."""
    settings.index_dir.mkdir()
    theirs = settings.index_dir / CHECKPOINT
    target = put(theirs)
    before = os.readlink(theirs) if theirs.is_symlink() else theirs.read_bytes()
    logs = _interrupted(settings, Stopped())
    aside = [p for p in settings.index_dir.iterdir() if p.name.startswith(f"{CHECKPOINT}.kept-")]
    assert len(aside) == 1 and any(f"moved to {aside[0].name}" in line for line in logs)
    assert (os.readlink(aside[0]) if aside[0].is_symlink() else aside[0].read_bytes()) == before
    assert target.is_dir() or target.read_bytes() == USERS
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)
    assert any(line.startswith("reusing ") for line in logs)  # our own checkpoint, beside theirs
    assert len(encoder.passages) < _distinct(index)
    assert [p.name for p in settings.index_dir.iterdir() if p.name.startswith(CHECKPOINT)] == [aside[0].name]


def test_what_cannot_be_moved_aside_stays_and_the_build_keeps_no_checkpoint(settings, monkeypatch) -> None:
    def refused(index_dir: Path) -> str:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(checkpoint_module, "move_aside", refused)
    settings.index_dir.mkdir()
    _users_file(settings.index_dir / CHECKPOINT)
    logs = _interrupted(settings, Stopped())
    assert any("cannot be moved aside (Permission denied)" in line for line in logs)
    index, _ = _build(settings, CountingEncoder())
    assert (settings.index_dir / CHECKPOINT).read_bytes() == USERS and index.chunks


def test_a_checkpoint_is_synced_with_its_folder_like_the_manifest(settings, monkeypatch) -> None:
    """The rename that puts it in place is synced too: else a power cut could lose it though written."""
    synced: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.fstat(fd).st_ino)
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    _interrupted(settings, Stopped())
    assert settings.index_dir.stat().st_ino in synced
    assert (settings.index_dir / CHECKPOINT).stat().st_ino in synced


def test_an_output_linked_to_the_checkpoint_is_a_file_of_the_index(settings) -> None:
    _interrupted(settings, Stopped())
    link = settings.index_dir.parent / "answers.jsonl"
    link.symlink_to(settings.index_dir / CHECKPOINT)
    assert index_file_of(link, settings.index_dir) == (settings.index_dir / CHECKPOINT).resolve()


def test_an_output_linked_to_a_milvus_builds_checkpoint_is_refused(settings) -> None:
    """``qa batch -o`` a link to the checkpoint a Milvus build keeps (section 157, its second reading):
    ``--force`` would have written the answers over the vectors, as over the local one's."""
    _interrupted(settings, Stopped())
    store = parse_store(f"milvus:{settings.index_dir.parent / 'a.db'}")
    folder = checkpoint_folder(settings.index_dir, store)
    folder.mkdir(parents=True)
    os.replace(settings.index_dir / CHECKPOINT, folder / CHECKPOINT)
    link = settings.index_dir.parent / "answers.jsonl"
    link.symlink_to(folder / CHECKPOINT)
    with pytest.raises(InputError, match="a file of the index: the answers would replace it"):
        check_place(link, settings.corpus_dir, settings.index_dir)
    (settings.index_dir.parent / "other").mkdir()  # the same names elsewhere are the user's
    os.replace(folder / CHECKPOINT, settings.index_dir.parent / "other" / CHECKPOINT)
    assert index_file_of(settings.index_dir.parent / "other" / CHECKPOINT, settings.index_dir) is None


SLOW_BUILD = textwrap.dedent("""
    import sys, time
    sys.path[:0] = [{root!r}, {tests!r}]
    import qa.checkpoint
    from conftest import CountingEncoder
    from qa.config import Settings
    from qa.corpus import load_corpus
    from qa.indexing import build_index
    qa.checkpoint.INTERVAL = 0.05
    class Slow(CountingEncoder):
        def encode_passages(self, texts, batch_size=64):
            time.sleep(0.1)
            return super().encode_passages(texts, batch_size)
    settings = Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2])
    build_index(settings, Slow(), load_corpus(settings.corpus_dir), log=print)
""")


def test_a_killed_build_leaves_its_last_checkpoint_and_the_rerun_takes_exactly_it(settings, tmp_path) -> None:
    """SIGKILL: no handler runs, so what the rerun takes is what the periodic checkpoints wrote."""
    script = SLOW_BUILD.format(root=str(ROOT), tests=str(ROOT / "tests"))
    command = [sys.executable, "-c", script, str(settings.corpus_dir), str(settings.index_dir)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, kept = time.monotonic() + 120, settings.index_dir / CHECKPOINT
    while not kept.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert proc.poll() is None, "the build ended before it was killed: nothing was tested"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    with np.load(kept) as data:
        held = len(data["keys"])
    assert 0 < held < 300
    encoder = CountingEncoder()
    index, logs = _build(settings, encoder)
    assert f"reusing {held:,} vectors from an interrupted build" in logs
    assert len(encoder.passages) == _distinct(index) - held
    _same_as_a_clean_build(index, settings, tmp_path)


def test_a_build_stopped_within_its_first_seconds_of_embedding_keeps_nothing(settings, monkeypatch) -> None:
    """Under ``INTERVAL`` of embedding a stop keeps nothing: that little is soon embedded again, and a
    first build leaves no folder behind (section 29; ``tests/test_cli_leftovers.py``)."""
    monkeypatch.setattr(checkpoint_module, "INTERVAL", 10.0)
    _interrupted(settings, Stopped())
    assert not settings.index_dir.exists()
