"""Who may use the index folder when (qa/store.py): read-only folders, two builds at once, a load racing
a rebuild. The store never gives an answer from a stale or half-written index."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from qa.errors import IndexError_, IndexStaleError
from qa.manifest import read_manifest
from scripts.trials import CORPUS, PROBES, answers, open_index, qa_command, qa_env

from .conftest import DOC
from .index_helpers import refused


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` read-only even for root: a read-only bind mount, else chattr +i, else chmod."""
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True).returncode == 0
    if (
        mounted
        and subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True).returncode == 0
    ):
        try:
            yield
        finally:
            subprocess.run(["umount", str(path)], check=True)
        return
    if mounted:
        subprocess.run(["umount", str(path)], check=True)
    if (
        shutil.which("chattr")
        and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    ):
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        return
    pytest.skip("cannot make a directory read-only for root here (no bind mount, no chattr)")


def _is_read_only(path: Path) -> bool:
    try:
        (path / ".probe").touch()
    except OSError:
        return True
    (path / ".probe").unlink()
    return False


def test_read_only_index_dir_still_answers_when_fresh_and_refuses_clearly_when_stale(built) -> None:
    settings, _, reference = built
    doc = settings.corpus_dir / DOC
    with read_only(settings.index_dir):
        assert _is_read_only(settings.index_dir)
        assert answers(open_index(settings, build="auto")) == reference  # loading never writes
        doc.write_text(doc.read_text(encoding="utf-8") + "\nKalimat baru.\n", encoding="utf-8")
        with pytest.raises(IndexError_) as info:
            open_index(settings, build="auto")  # stale, and the rebuild cannot write
        assert "cannot write the index" in info.value.message and "--index" in (info.value.hint or "")
        refused(settings, IndexStaleError, "corpus file changed")
        r = subprocess.run(
            [*qa_command(real=False), "ask", PROBES[0]], capture_output=True, text=True, timeout=60,
            env=qa_env(settings.corpus_dir, settings.index_dir),
        )  # fmt: skip
        assert r.returncode == 5 and "cannot write the index" in r.stderr and "Traceback" not in r.stderr
        assert r.stdout == ""  # the stale index gave no answer


def test_an_index_path_under_a_file_is_a_clear_error(settings, tmp_path: Path) -> None:
    """The other way to get an unwritable index folder, also for root: its parent is a file."""
    (tmp_path / "a-file").write_text("x")
    bad = replace(settings, index_dir=tmp_path / "a-file" / "index")
    for policy in ("auto", "never"):
        with pytest.raises(IndexError_) as info:
            open_index(bad, build=policy)
        assert str(bad.index_dir) in info.value.message and "not a folder" in info.value.message
        assert "--index" in (info.value.hint or "")


def test_two_builds_at_once_serialise_on_the_lock(built, tmp_path: Path) -> None:
    """`qa index --force` twice at once: the second waits for the first; both succeed; the result loads.
    An order, not seconds: the first holds the lock until the second has said it waits (a first build
    held 1.5 s was over before a second process started at load 12, and "it waited 1 s" held anyway)."""
    settings, _, reference = built
    env = qa_env(settings.corpus_dir, settings.index_dir)
    go = tmp_path / "go"
    command = [*qa_command(real=False), "index", "--force"]
    first = subprocess.Popen(command, env={**env, "QA_TEST_HOLD_BUILD_UNTIL": str(go)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    second = None
    try:
        assert first.stdout.readline().strip() == "encoding"  # the first now holds the lock
        second = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        said = []
        for line in second.stderr:  # to its end if it never waits
            said.append(line)
            if "is building the index" in line:
                break
        go.touch()  # the first may finish now
        first_out, first_err = first.communicate(timeout=60)
        second_out, second_err = second.communicate(timeout=60)
    finally:
        for proc in (first, second):
            if proc is not None:
                proc.kill()
                proc.wait()
    assert first.returncode == 0 and second.returncode == 0, (first_err, second_err)
    assert "waiting for it" in said[-1], said  # it waited for the lock instead of interleaving
    builds = [p for p in settings.index_dir.iterdir() if p.is_dir()]
    assert [p.name for p in builds] == [read_manifest(settings.index_dir)["build"]["id"]]  # one, the last
    assert answers(open_index(settings)) == reference


@pytest.mark.slow
def test_two_real_qa_index_force_at_once(tmp_path: Path, real_assistant) -> None:
    """The real CLI and model, no harness: both succeed, and the index left behind loads and answers."""
    index_dir = tmp_path / "index"
    env = qa_env(CORPUS, index_dir)
    procs = [subprocess.Popen([*qa_command(real=True), "index", "--force"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all("index ready" in out for out, _ in outs)
    settings = replace(real_assistant.settings, index_dir=index_dir)
    reloaded = open_index(settings, build="never", encoder=real_assistant.encoder)
    assert answers(reloaded) == answers(real_assistant)  # same corpus and model: the same answers


def test_a_load_racing_a_rebuild_retries_with_the_new_manifest(built, monkeypatch) -> None:
    """Deterministic version of the race scripts/crash_trials.py measures (loads during rebuilds)."""
    import qa.store as store

    settings, _, reference = built
    real_sha = store.sha256_file
    raced: list[Path] = []

    def racing(path: Path) -> str:
        if not raced:  # another process rebuilds right after this reader has read the manifest
            raced.append(path)
            open_index(settings, build="force")
        return real_sha(path)

    monkeypatch.setattr(store, "sha256_file", racing)
    assert answers(open_index(settings)) == reference


def test_a_build_renamed_away_after_its_checksums_passed_is_read_again_from_the_new_manifest(
    built, monkeypatch
) -> None:
    """Section 98's sweep renames an old build ``.qa-tmp-<id>`` and empties it. A one-shot reader (``qa ask``
    opens with ``build="auto"``) that verified the old build's checksums and is about to open its files
    when a concurrent ``qa index --force`` commits and sweeps is not told to rebuild: ``load_index``
    re-reads the manifest, which moved, and opens the new build (no rebuild of its own). The retry is
    only for a manifest that moved: a build folder gone under an unchanged manifest is refused at once."""
    import qa.store as store

    settings, manifest, reference = built
    old = manifest["build"]["id"]
    real_read, real_load = store.read_vectors_and_chunks, store._load
    raced: list[Path] = []

    def racing(build: Path):  # type: ignore[no-untyped-def]
        if not raced:  # between the verified checksums and the first file opened
            raced.append(build)
            open_index(settings, build="force")
            assert not (settings.index_dir / old).exists()  # swept (renamed, then emptied)
        return real_read(build)

    monkeypatch.setattr(store, "read_vectors_and_chunks", racing)
    said: list[str] = []
    reader = open_index(settings, build="auto", log=said.append)
    assert raced == [settings.index_dir / old] and not said  # no "building it now": no rebuild of its own
    assert reader.index.manifest["build"]["id"] == read_manifest(settings.index_dir)["build"]["id"] != old
    assert answers(reader) == reference
    # a real missing build (the manifest unchanged) is one attempt and the error it always was
    loads: list[str] = []
    monkeypatch.setattr(store, "_load", lambda *a: loads.append("load") or real_load(*a))
    current = read_manifest(settings.index_dir)["build"]["id"]
    shutil.rmtree(settings.index_dir / current)
    error = refused(settings, IndexError_, "is missing", build="auto")  # a qa ask: not rebuilt either
    assert "index --force" in str(error) and loads == ["load"]
