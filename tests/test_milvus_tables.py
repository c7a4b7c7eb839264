"""The passage table of a Milvus collection: computed at its first open, read from the local cache at the
next, recomputed when the cache does not match or is damaged, and pruned with the collection (Milvus Lite
with the fake encoder, hence `slow`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.milvus import tables
from qa.milvus import target as milvus_target
from qa.milvus.target import parse_store
from qa.passage_table import table_arrays

from .conftest import CORPUS, DOC, FakeEncoder

pytest.importorskip("milvus_lite")
pytestmark = pytest.mark.slow

QUESTIONS = [
    "apa tugas utama asisten?",
    "berapa 2,5 persen dari 1.000.000?",
    "apakah asisten bisa memutuskan?",
]


@pytest.fixture
def setup(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / DOC).write_text((CORPUS / DOC).read_text(encoding="utf-8"), encoding="utf-8")
    spec = f"milvus:{tmp_path / 'store.db'}"
    yield Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=spec)
    milvus_target.forget(parse_store(spec))


def _open(settings: Settings, build: str = "auto") -> Assistant:
    return Assistant(settings, encoder=FakeEncoder(), build=build, log=lambda m: None)


def _folders(settings: Settings) -> list[Path]:
    root = settings.index_dir / tables.FOLDER
    return sorted(p for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []


def _answers(a: Assistant) -> list:
    return [(r.confidence, [p.chunk_id for p in r.passages]) for r in a.ask_many(QUESTIONS)]


def _same_table(a: dict, b: dict) -> bool:
    return all(
        np.array_equal(a[f"cues_{k}"], b[f"cues_{k}"])
        and np.array_equal(a[f"{k}_bigrams"].codes, b[f"{k}_bigrams"].codes)
        and np.array_equal(a[f"{k}_bigrams"].indices, b[f"{k}_bigrams"].indices)
        and a[f"{k}_bigrams"].ids == b[f"{k}_bigrams"].ids
        for k in ("sentence", "window")
    )


def test_second_open_reads_the_cached_table(setup: Settings, monkeypatch) -> None:
    first = _open(setup)
    [folder] = _folders(setup)
    stamp = json.loads((folder / tables.STAMP).read_text(encoding="utf-8"))
    assert stamp["collection"] == first.index.manifest["store"]["collection"]
    assert stamp["passages"] == len(first.index.chunks)
    computed = table_arrays(first.index.chunks, first.retriever.passage_texts)
    assert _same_table(first.index.table, computed)

    def never(*args, **kwargs):
        raise AssertionError("the cached table should have been read")

    monkeypatch.setattr(tables, "table_arrays", never)
    second = _open(setup, build="never")
    assert _same_table(second.index.table, computed)
    assert _answers(second) == _answers(first)


def test_damaged_or_foreign_cache_is_recomputed_and_never_trusted(setup: Settings) -> None:
    first = _open(setup)
    expected = _answers(first)
    [folder] = _folders(setup)
    (folder / "table.npz").write_bytes(b"not a zip file")
    again = _open(setup, build="never")
    assert _answers(again) == expected
    assert _same_table(again.index.table, first.index.table)
    # a stamp that names other passages (say, a copy from another machine's build) is not read either
    stamp = json.loads((folder / tables.STAMP).read_text(encoding="utf-8"))
    (folder / tables.STAMP).write_text(json.dumps({**stamp, "passages": 3}), encoding="utf-8")
    assert _answers(_open(setup, build="never")) == expected
    assert json.loads((folder / tables.STAMP).read_text(encoding="utf-8")) == stamp  # rewritten


def test_a_rebuild_replaces_the_cache_and_leaves_foreign_folders(setup: Settings) -> None:
    first = _open(setup)
    [old] = _folders(setup)
    mine = setup.index_dir / tables.FOLDER / "notes-of-the-user"
    mine.mkdir()
    (mine / tables.STAMP).write_text('{"kind": "something else"}', encoding="utf-8")
    rebuilt = _open(setup, build="force")
    assert rebuilt.index.manifest["store"]["collection"] != first.index.manifest["store"]["collection"]
    folders = _folders(setup)
    assert old not in folders and mine in folders and len(folders) == 2
    assert _answers(rebuilt) == _answers(first)


def test_a_cache_folder_that_is_not_ours_is_left_alone(setup: Settings, tmp_path: Path) -> None:
    first = _open(setup)
    [folder] = _folders(setup)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("mine", encoding="utf-8")
    for name in folder.iterdir():
        name.unlink()
    folder.rmdir()
    folder.symlink_to(elsewhere)  # the cache's own name, but a link to something of the user's
    again = _open(setup, build="never")
    assert _answers(again) == _answers(first)
    assert folder.is_symlink() and (elsewhere / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert [p.name for p in elsewhere.iterdir()] == ["keep.txt"]
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".tmp-")]


def test_an_unwritable_index_folder_only_costs_the_cache(setup: Settings, monkeypatch) -> None:
    import errno

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tables.save_table.__module__ + ".np.savez", read_only)
    a = _open(setup)
    assert a.ask(QUESTIONS[0]).passages
    assert _folders(setup) == []
    assert not [p for p in (setup.index_dir / tables.FOLDER).iterdir()]  # no temporary folder left


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def test_qa_info_on_a_store_without_its_cache_writes_nothing(setup: Settings) -> None:
    """`qa info` on an existing Milvus store computed the passage table the cache lacked (a copied
    database, a cleaned index folder) and wrote `milvus-tables/` into the index folder: an information
    command changed the disk. Real `qa index` and `qa info` processes (fake encoder) on Milvus Lite."""
    import subprocess

    from scripts.trials import qa_command, qa_env

    from .conftest import ROOT

    def qa(*args: str) -> subprocess.CompletedProcess:
        env = qa_env(setup.corpus_dir, setup.index_dir, QA_STORE=setup.store)
        return subprocess.run([*qa_command(real=False), *args], env=env, cwd=ROOT, capture_output=True,
                              text=True, timeout=300)  # fmt: skip

    built = qa("index")
    assert built.returncode == 0, built.stderr
    [folder] = _folders(setup)
    shutil.rmtree(setup.index_dir / tables.FOLDER)  # as on another machine, or after a tidy-up
    before = _tree(setup.index_dir)
    shown = qa("info")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["passages"] > 0
    assert _tree(setup.index_dir) == before and not (setup.index_dir / tables.FOLDER).exists()
    with pytest.raises(ValueError, match="read_only"):
        Assistant(setup, encoder=FakeEncoder(), build="auto", read_only=True)
    _open(setup, build="never")  # any other open still fills the cache
    assert [p.name for p in _folders(setup)] == [folder.name]


def test_a_read_only_open_leaves_the_reranker_to_the_first_question(setup: Settings, monkeypatch) -> None:
    """`qa info` on a store without its cache computed the passage table (about 30 s at 100k passages),
    the BM25 postings and the corpus centroid, and ran the warm-up searches, for a command that asks
    nothing, then threw the table away. A read-only open now leaves them to the first question, which
    still answers as any open does and still writes nothing."""
    from qa.milvus import keywords

    first = _open(setup)
    expected = _answers(first)
    shutil.rmtree(setup.index_dir / tables.FOLDER)
    made: list[str] = []
    for module, name in ((tables, "table_arrays"), (keywords, "postings")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, real=real, name=name: made.append(name) or real(*a))
    shown = Assistant(setup, encoder=FakeEncoder(), build="never", read_only=True, log=lambda m: None)
    assert shown.info()["passages"] == len(first.index.chunks) and made == []
    assert _answers(shown) == expected and "table_arrays" in made
    assert not (setup.index_dir / tables.FOLDER).exists()
