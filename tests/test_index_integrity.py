"""Index integrity (issue 7): every damaged index file or manifest is *detected*, never answered from.

A damaged index is either rebuilt (``build="auto"`` on a stale index) or refused with a message naming the
problem and the fix (qa/store.py verifies, qa/manifest.py says what must match).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from qa.errors import IndexCorruptError, IndexStaleError
from qa.manifest import MANIFEST
from scripts.trials import answers, open_index, qa_command, qa_env

from .conftest import CORPUS, DOC
from .index_helpers import DAMAGE, build_dir, flip_middle, refused

PROBE = "apa tugas asisten menteri?"


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_index_file_damaged_is_refused_by_name_then_rebuilt_by_force(built, damage: str) -> None:
    """Each file the manifest lists, damaged each way: refused with build=never AND auto (a checksum failure
    is never silently papered over), named in the message; ``qa index --force`` repairs it."""
    settings, manifest, reference = built
    build = build_dir(settings)
    pristine = settings.index_dir.parent / "pristine"
    shutil.copytree(build, pristine)
    assert len(manifest["files"]) >= 6  # vectors, chunks, the BM25 arrays and their vocabularies
    for name in manifest["files"]:
        DAMAGE[damage](build / name)
        for policy in ("never", "auto"):
            err = refused(settings, IndexCorruptError, str(build / name), "qa index --force", build=policy)
            assert "missing" in err.message or "checksum" in err.message
        shutil.rmtree(build)
        shutil.copytree(pristine, build)
    DAMAGE[damage](build / "vectors.faiss")
    assert answers(open_index(settings, build="force")) == reference
    assert answers(open_index(settings)) == reference


def test_files_swapped_between_two_builds_are_refused(built, tmp_path: Path) -> None:
    """Builds of two corpora: any file of one put into the other, or the whole folder, is refused."""
    settings, manifest, _ = built
    other_corpus = tmp_path / "other-corpus"
    other_corpus.mkdir()
    text = (CORPUS / DOC).read_text(encoding="utf-8")
    (other_corpus / DOC).write_text(text.replace("menteri", "duta besar"), encoding="utf-8")
    other = replace(settings, corpus_dir=other_corpus, index_dir=tmp_path / "other-index")
    open_index(other, build="auto")
    mine, theirs = build_dir(settings), build_dir(other)
    swapped = 0
    for name in manifest["files"]:
        if (mine / name).read_bytes() == (theirs / name).read_bytes():
            continue  # identical in both builds: nothing to detect
        saved = (mine / name).read_bytes()
        shutil.copy(theirs / name, mine / name)
        refused(settings, IndexCorruptError, str(mine / name), "checksum")
        (mine / name).write_bytes(saved)
        swapped += 1
    assert swapped >= 5
    open_index(settings)  # restored: loads again
    shutil.rmtree(mine)
    shutil.copytree(theirs, mine)  # the other build under this build's id
    refused(settings, IndexCorruptError, "checksum")


def test_a_manifest_and_build_from_another_corpus_are_stale_and_rebuilt(built, tmp_path: Path) -> None:
    """Another corpus' manifest and build copied over: refused as stale or rebuilt; never its answers."""
    settings, _, reference = built
    other_corpus = tmp_path / "other-corpus"
    other_corpus.mkdir()
    (other_corpus / "lain.txt").write_text("Duta besar mewakili negara di luar negeri.\n", encoding="utf-8")
    other = replace(settings, corpus_dir=other_corpus, index_dir=tmp_path / "other-index")
    open_index(other, build="auto")
    for child in other.index_dir.iterdir():
        target = settings.index_dir / child.name
        (shutil.copytree if child.is_dir() else shutil.copy)(child, target)
    refused(
        settings, IndexStaleError, "corpus file added: " + DOC, "corpus file removed: lain.txt", "qa index"
    )
    logs: list[str] = []
    rebuilt = open_index(settings, build="auto", log=logs.append)
    assert any("stale" in line and "building it now" in line for line in logs)
    assert answers(rebuilt) == reference


@pytest.mark.parametrize(
    ("section", "change", "reason"),
    [
        ("encoder", {"model": "intfloat/multilingual-e5-base"}, "encoder.model"),
        ("encoder", {"runtime": "sentence-transformers", "dim": 384}, "encoder.dim"),
        ("chunking", {"window": 3}, "chunking.window"),
        ("lexical", {"k1": 0.9}, "lexical.k1"),
        ("corpus", {DOC: "sha256:" + "0" * 64}, "corpus file changed"),
        ("format_version", 0, "index format 0"),  # an older format; a newer one: test_index_lifecycle.py
    ],
)
def test_a_manifest_from_another_model_or_corpus_is_stale(
    built, section: str, change: object, reason: str
) -> None:
    settings, manifest, reference = built
    path = settings.index_dir / MANIFEST
    edited = {**manifest, section: {**manifest[section], **change} if isinstance(change, dict) else change}
    path.write_text(json.dumps(edited), encoding="utf-8")
    refused(settings, IndexStaleError, reason, "qa index")
    logs: list[str] = []
    assert answers(open_index(settings, build="auto", log=logs.append)) == reference
    assert any(reason in line for line in logs)  # the rebuild says why


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"{not json",
        b"\x00\xff\xfe garbage",
        b'{"files": {}',
        "\ufeff{}".encode(),
        b"\xff" * 100_000,
    ],
)
def test_a_manifest_that_is_not_json_is_refused(built, content: bytes) -> None:
    settings, _, _ = built
    (settings.index_dir / MANIFEST).write_bytes(content)
    for policy in ("never", "auto"):
        refused(settings, IndexCorruptError, MANIFEST, "qa index --force", build=policy)


@pytest.mark.parametrize(
    "content", ["[]", "null", "42", '"manifest"', "true", '{"files": []}', '{"build": {}}']
)
def test_a_manifest_that_is_not_an_object_is_refused(built, content: str) -> None:
    settings, _, _ = built
    (settings.index_dir / MANIFEST).write_text(content, encoding="utf-8")
    refused(settings, IndexCorruptError, "not an index manifest", "qa index --force")


def test_a_manifest_pointing_at_a_missing_build_is_refused(built) -> None:
    settings, manifest, _ = built
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, "build": {"id": "nope"}}))
    refused(settings, IndexCorruptError, "missing")
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, "build": {}}))
    refused(settings, IndexCorruptError, "missing")


@pytest.mark.parametrize("section", ["encoder", "chunking", "lexical", "corpus", "build"])
def test_a_manifest_with_a_section_of_the_wrong_type_is_refused(built, section: str) -> None:
    settings, manifest, _ = built
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, section: "x"}))
    refused(settings, IndexCorruptError, "not an index manifest")


def test_a_manifest_that_lists_no_files_does_not_disable_the_checksums(built) -> None:
    settings, manifest, _ = built
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, "files": {}}))
    vectors = build_dir(settings) / "vectors.faiss"
    data = bytearray(vectors.read_bytes())
    data[-8] ^= 0x40  # a float of the last vector: still a valid FAISS file
    vectors.write_bytes(bytes(data))
    refused(settings, IndexCorruptError)


def test_cli_reports_a_damaged_index_with_exit_5_and_no_traceback(built) -> None:
    settings, _, _ = built
    flip_middle(build_dir(settings) / "chunks.jsonl")
    r = subprocess.run(
        [*qa_command(real=False), "ask", PROBE], capture_output=True, text=True, timeout=60,
        env=qa_env(settings.corpus_dir, settings.index_dir),
    )  # fmt: skip
    assert r.returncode == 5 and "Traceback" not in r.stderr, r.stderr
    assert (
        "chunks.jsonl does not match its checksum" in r.stderr
        and "hint: rebuild it with: qa index --force" in r.stderr
    )
    assert r.stdout == ""  # no answer at all
