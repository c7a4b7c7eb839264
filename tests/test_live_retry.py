"""A rebuilt index that fails to open is tried again with a bounded back-off (qa/live.py,
docs/reliability.md section 21): before, it was tried once per change of its stamp, so a failure the
stamp does not see end (a copy whose build folder arrives after its manifest, a Milvus server away for
a moment) left the server on the old index until the next rebuild."""

from __future__ import annotations

import dataclasses
import shutil

from qa.errors import IndexCorruptError
from qa.live import RETRY_MAX, LiveAssistant
from qa.manifest import MANIFEST
from scripts.trials import open_index

from .conftest import FakeEncoder
from .ui_helpers import make_app

BY_HAND = 1e9  # no look starts by itself: these tests look with reopen_if_changed()
NEW = "Kantor asisten menteri berada di gedung Pancasila, Jakarta Pusat."


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_reopen_that_fails_a_few_times_is_retried_with_a_growing_delay_and_logged_once_per_failure(
    settings, tmp_path, monkeypatch
) -> None:
    import qa.assistant

    clock, logs, tries = _Clock(), [], []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    live = LiveAssistant(app.live.current(), BY_HAND, log=logs.append, clock=clock)
    first = live.current()
    (settings.corpus_dir / "kantor.txt").write_text(NEW + "\n", encoding="utf-8")
    open_index(settings, build="auto")
    real = qa.assistant.Assistant
    failures = ["disk busy", "disk busy", "disk busy", "a file is missing"]

    def flaky(*args, **kwargs):
        tries.append(clock.now)
        if len(tries) <= len(failures):
            raise IndexCorruptError(failures[len(tries) - 1])
        return real(*args, **kwargs)

    monkeypatch.setattr(qa.assistant, "Assistant", flaky)
    for clock.now in [0.0, 1.0, 1.9, 2.0, 3.0, 5.9, 6.0, 10.0, 13.9, 14.0, 29.9, 30.0]:
        live.reopen_if_changed()
    assert tries == [0.0, 2.0, 6.0, 14.0, 30.0]  # 2 s, 4 s, 8 s, 16 s apart: the disk is not hammered
    assert live.current() is not first and "kantor.txt" in live.current().documents
    failed = [m for m in logs if "cannot be opened" in m]
    assert len(failed) == 2 and "disk busy" in failed[0] and "a file is missing" in failed[1], failed
    assert all("still serving the previous one" in m for m in failed)
    # the delay it says is the one it keeps: 2 s after the first failure, 16 s after the fourth
    assert "trying again in 2 s" in failed[0] and "trying again in 16 s" in failed[1], failed
    assert "index reopened" in logs[-1]


def test_a_reopen_that_keeps_failing_is_tried_at_most_once_a_minute_and_a_new_change_at_once(
    settings, tmp_path, monkeypatch
) -> None:
    import qa.assistant

    clock, logs, tries = _Clock(), [], []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    live = LiveAssistant(app.live.current(), BY_HAND, log=logs.append, clock=clock)
    (settings.index_dir / MANIFEST).write_text("{half a manifest", encoding="utf-8")

    def count(*args, **kwargs):
        tries.append(clock.now)
        raise IndexCorruptError("unreadable")

    monkeypatch.setattr(qa.assistant, "Assistant", count)
    while clock.now < 600:
        live.reopen_if_changed()
        clock.now += 0.5
    gaps = [b - a for a, b in zip(tries, tries[1:], strict=False)]
    assert gaps[:5] == [2.0, 4.0, 8.0, 16.0, 32.0] and set(gaps[5:]) == {RETRY_MAX}, gaps
    assert len([m for m in logs if "cannot be opened" in m]) == 1
    (settings.index_dir / MANIFEST).write_text("{another half", encoding="utf-8")  # a new rebuild
    live.reopen_if_changed()
    assert tries[-1] == clock.now and len([m for m in logs if "cannot be opened" in m]) == 2


def test_a_served_index_whose_build_folder_arrives_after_its_manifest_is_opened_when_it_does(
    settings, tmp_path
) -> None:
    """A real index on disk, rebuilt elsewhere and copied in manifest first (a deploy job, a sync tool):
    the first look finds the manifest naming a build folder not there yet; the folder then arrives,
    and the manifest's stamp does not change again. Before, the old index was served until a restart."""
    clock, logs = _Clock(), []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    app.live = LiveAssistant(app.live.current(), BY_HAND, log=logs.append, clock=clock)
    first = app.live.current()
    (settings.corpus_dir / "kantor.txt").write_text(NEW + "\n", encoding="utf-8")
    elsewhere = dataclasses.replace(settings, index_dir=tmp_path / "built-elsewhere")
    built = open_index(elsewhere, build="auto").index.manifest["build"]["id"]
    shutil.copy2(elsewhere.index_dir / MANIFEST, settings.index_dir / MANIFEST)
    assert not app.live.reopen_if_changed()
    assert any("cannot be opened" in m for m in logs) and app.live.current() is first
    shutil.copytree(elsewhere.index_dir / built, settings.index_dir / built)
    clock.now = 1.0
    assert not app.live.reopen_if_changed()  # not before its delay
    clock.now = 2.0
    assert app.live.reopen_if_changed()
    assert [p["source"] for p in app.ask("di gedung mana kantor asisten menteri?", 1)["passages"]] == [
        "kantor.txt"
    ]


def test_a_documents_warning_is_logged_once_not_at_every_reopen_or_retry(settings, tmp_path) -> None:
    """Section 50: a reader's warning (a PDF's scanned page, section 42) was logged at every reopen of
    a served index, and at each retry of a reopen that fails (every minute, for as long as it fails):
    the same line in the server's log again and again. It is logged once per server."""
    from .documents import write_scanned_pdf

    write_scanned_pdf(settings.corpus_dir / "surat.pdf", [NEW, None])
    clock, logs = _Clock(), []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    first = app.live.current()
    assert len(first.warnings) == 1 and "surat.pdf: page 2 of its 2" in first.warnings[0]
    live = LiveAssistant(first, BY_HAND, log=logs.append, clock=clock)
    (settings.corpus_dir / "kantor.txt").write_text(NEW + "\n", encoding="utf-8")
    open_index(settings, build="auto")
    assert live.reopen_if_changed()
    (settings.corpus_dir / "lain.txt").write_text("Rapat dimulai pukul delapan pagi.\n", encoding="utf-8")
    manifest = settings.index_dir / MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8") + " ", encoding="utf-8")  # stale: not rebuilt
    for clock.now in [0.0, 2.0, 6.0, 14.0]:
        assert not live.reopen_if_changed()
    assert len([m for m in logs if "cannot be opened" in m]) == 1, logs
    assert not [m for m in logs if m.startswith("warning:")], logs


def test_a_failure_after_the_served_index_came_back_is_logged_again_and_tried_at_once(
    settings, tmp_path
) -> None:
    """Section 130: the index folder moved away (logged: "cannot be opened"), then back as it was (the
    same stamp as the one served: nothing to reopen), then away again, a mount that flaps. The second
    outage was silent, its failure taken for a repeat of the first, and not even tried while the first
    one's delay ran."""
    clock, logs = _Clock(), []
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    live = LiveAssistant(app.live.current(), BY_HAND, log=logs.append, clock=clock)
    first = live.current()
    index, away = settings.index_dir, tmp_path / "away"
    for clock.now in (0.0, 1.5):  # the second outage within the first one's 2 s delay
        index.rename(away)
        assert not live.reopen_if_changed()
        away.rename(index)
        clock.now += 0.5
        assert not live.reopen_if_changed()  # the served index itself: nothing to reopen
    failed = [m for m in logs if "cannot be opened" in m]
    assert len(failed) == 2 and all("trying again in 2 s" in m for m in failed), logs
    assert live.current() is first and not any("index reopened" in m for m in logs)
