"""The index on disk: manifest round trip, every stale cause, atomic writes, FAISS vs a NumPy oracle."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.assistant import Assistant
from qa.chunking import SPLITTER
from qa.errors import IndexCorruptError, IndexMissingError, IndexStaleError
from qa.indexing import expected_manifest
from qa.manifest import FORMAT_VERSION, MANIFEST, read_manifest
from qa.store import load_index

from .conftest import DOC, ROOT, FakeEncoder


def test_manifest_round_trip_and_build_stamp(fake_assistant) -> None:
    index_dir = fake_assistant.settings.index_dir
    m = read_manifest(index_dir)
    assert m["format_version"] == FORMAT_VERSION
    assert m["build"]["qa_version"] == "0.1.0" and m["build"]["created"] and m["build"]["python"]
    assert m["encoder"] == {
        "runtime": "fake",
        "model": "fake-hash-bow",
        "dim": 64,
        "query_prefix": "query: ",
        "passage_prefix": "passage: ",
        "normalized": True,
    }
    assert m["chunking"]["splitter"] == SPLITTER and m["chunking"]["window"] == 1
    assert list(m["corpus"]) == [DOC] and m["corpus"][DOC].startswith("sha256:")
    assert set(m["files"]) >= {"vectors.faiss", "chunks.jsonl"}
    assert m["faiss"]["ntotal"] == 10
    # loading with the same expectations gives back the same manifest
    docs = list(fake_assistant.documents.values())
    loaded = load_index(index_dir, expected_manifest(fake_assistant.settings, fake_assistant.encoder, docs))
    assert loaded.manifest == m and len(loaded.chunks) == 10


def _stale(settings, encoder, match: str) -> None:
    with pytest.raises(IndexStaleError, match=match):
        Assistant(settings, encoder=encoder, build="never", log=lambda m: None)


def test_each_stale_cause_is_detected_and_named(fake_assistant, settings, corpus_dir: Path) -> None:
    enc = FakeEncoder()
    Assistant(settings, encoder=enc, build="never", log=lambda m: None)  # fresh: loads fine
    _stale(replace(settings, window=2), enc, r"chunking\.window: 1 -> 2")
    enc2 = FakeEncoder()
    enc2.model = "another-model"
    _stale(settings, enc2, r"encoder\.model")
    enc3 = FakeEncoder()
    enc3.query_prefix = "question: "
    _stale(settings, enc3, r"encoder\.query_prefix")
    # format version
    path = settings.index_dir / MANIFEST
    m = json.loads(path.read_text())
    path.write_text(json.dumps({**m, "format_version": 0}))
    _stale(settings, enc, "index format 0")
    path.write_text(json.dumps(m))
    # corpus edited, added, removed
    (corpus_dir / DOC).write_text((corpus_dir / DOC).read_text() + "\nKalimat baru.", encoding="utf-8")
    _stale(settings, enc, f"corpus file changed: {DOC}")
    (corpus_dir / "baru.md").write_text("Dokumen baru.", encoding="utf-8")
    _stale(settings, enc, "corpus file added: baru.md")


def test_stale_index_is_rebuilt_automatically_and_says_so(fake_assistant, settings, corpus_dir: Path) -> None:
    (corpus_dir / DOC).write_text("Asisten menteri menyiapkan laporan harian.\n", encoding="utf-8")
    logs: list[str] = []
    a = Assistant(settings, encoder=FakeEncoder(), log=logs.append)
    assert any("stale" in line and "building it now" in line for line in logs)
    assert len(a.index.chunks) == 1 and a.ask("laporan harian").passages[0].text.startswith("Asisten")


def test_missing_index_with_build_never_names_the_fix(settings) -> None:
    with pytest.raises(IndexMissingError, match="no index") as info:
        Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
    assert "qa index" in str(info.value)


@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "manifest-garbage"])
def test_damaged_index_is_refused(fake_assistant, settings, damage: str) -> None:
    m = read_manifest(settings.index_dir)
    build = settings.index_dir / m["build"]["id"]
    target = build / "vectors.faiss"
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "flip":
        data = bytearray(target.read_bytes())
        data[-1] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "delete":
        (build / "chunks.jsonl").unlink()
    else:
        (settings.index_dir / MANIFEST).write_text("{not json")
    with pytest.raises(IndexCorruptError):
        Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)


def test_rebuild_replaces_the_build_and_removes_the_old_one(fake_assistant, settings) -> None:
    first = read_manifest(settings.index_dir)["build"]["id"]
    Assistant(settings, encoder=FakeEncoder(), build="force", log=lambda m: None)
    second = read_manifest(settings.index_dir)["build"]["id"]
    assert first != second
    assert sorted(p.name for p in settings.index_dir.iterdir() if p.is_dir()) == [second]


def test_faiss_search_equals_numpy_brute_force(fake_assistant) -> None:
    index = fake_assistant.index
    vecs = index.vectors.reconstruct_n(0, index.vectors.ntotal)
    rng = np.random.default_rng(0)
    queries = rng.normal(size=(20, vecs.shape[1])).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    scores, ids = index.vectors.search(queries, 5)
    oracle = queries @ vecs.T
    assert np.array_equal(ids, np.argsort(-oracle, axis=1, kind="stable")[:, :5])
    assert np.allclose(scores, np.take_along_axis(oracle, ids, axis=1), atol=1e-5)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    sys.path[:0] = [{root!r}, {tests!r}]
    import qa.indexing as indexing
    from conftest import FakeEncoder
    from qa.assistant import Assistant
    from qa.config import Settings
    real = indexing.encode_all
    def slow(*a, **k):
        print("encoding", flush=True)
        time.sleep(30)
        return real(*a, **k)
    indexing.encode_all = slow
    Assistant(Settings(corpus_dir=sys.argv[1], index_dir=sys.argv[2]), encoder=FakeEncoder(), build="force")
""")


def test_build_killed_halfway_leaves_the_old_index_usable(fake_assistant, settings, corpus_dir) -> None:
    before = read_manifest(settings.index_dir)
    script = KILL_SCRIPT.format(root=str(ROOT), tests=str(ROOT / "tests"))
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(corpus_dir), str(settings.index_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout.readline().strip() == "encoding"
    time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert read_manifest(settings.index_dir) == before
    a = Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
    assert len(a.index.chunks) == 10
