"""A Milvus server that answers but does not finish a build's flush or load within its deadline (a busy
server, a big collection, a query node short of memory; reliability.md section 64): pymilvus polls the
work's state until the deadline, every poll answered. Milvus Lite's gRPC server in this process, under a
server's rules, its polls patched to say "not done yet"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qa.errors import IndexError_
from qa.milvus.target import StoreTarget, connect, forget

from .conftest import CORPUS
from .milvus_held import BUILD, Held, held  # noqa: F401 - a fixture
from .test_milvus_stalled_build import Recording, _assistant

pytest.importorskip("milvus_lite")

QUESTION = "apa tugas asisten menteri?"


class Unfinished:
    """While ``flush`` or ``load`` is set, the server's answer to pymilvus's poll is that the flush (of
    any collection) or the load (of a collection other than the ``spared``) is still under way."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from milvus_lite.adapter.grpc.servicer import MilvusServicer
        from pymilvus.grpc_gen import common_pb2, milvus_pb2

        self.flush = self.load = False
        self.spared: set[str] = set()
        progress, flushed = MilvusServicer.GetLoadingProgress, MilvusServicer.GetFlushState

        def loading(servicer: Any, request: Any, context: Any) -> Any:
            if self.load and request.collection_name not in self.spared:
                return milvus_pb2.GetLoadingProgressResponse(status=common_pb2.Status(), progress=50)
            return progress(servicer, request, context)

        def flushing(servicer: Any, request: Any, context: Any) -> Any:
            if self.flush:
                return milvus_pb2.GetFlushStateResponse(status=common_pb2.Status(), flushed=False)
            return flushed(servicer, request, context)

        # before the connection: Lite's server takes its handlers then
        monkeypatch.setattr(MilvusServicer, "GetLoadingProgress", loading)
        monkeypatch.setattr(MilvusServicer, "GetFlushState", flushing)


def _settings(tmp_path: Path) -> Any:
    from qa.config import Settings

    return Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")


@pytest.mark.parametrize(("step", "doing"), [("flush", "flushing qa_passages_"),
                                             ("load", "creating the collection qa_passages_")])  # fmt: skip
def test_a_rebuild_the_server_does_not_finish_in_time_is_told_so_dropped_and_the_old_build_kept(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held: Held,  # noqa: F811 - the fixture imported above
    step: str,
    doing: str,
) -> None:
    """A rebuild whose flush (or the load of its new collection) the server had not finished at the
    deadline was told as a server that "stopped answering … no reply within 3 s", hint "check that the
    server runs and is reachable": the server answered every poll. Now it says the server answers but
    did not finish, and to look at the server's load; the rebuild's collection is dropped, the alias
    still names the previous build, which answers, and a rebuild once the server keeps up succeeds."""
    slow = Unfinished(monkeypatch)
    target = StoreTarget("server", str(tmp_path / "kb.db"))
    settings = _settings(tmp_path)
    try:
        client = connect(target)
        _assistant(settings, target, client, monkeypatch, "auto")
        first = client.describe_alias("qa_passages")["collection_name"]
        slow.spared, slow.flush, slow.load = {first}, step == "flush", step == "load"
        held.hold(doing, BUILD)  # only the flush or the load held back: the other calls keep the product's
        with pytest.raises(IndexError_) as info:
            _assistant(settings, target, client, monkeypatch, "force")
        said, hint = info.value.message, info.value.hint or ""
        assert f"did not finish {doing}" in said and "within 3 s: it answers" in said, said
        assert "busy" in hint and "reachable" not in hint and "qa index" in hint, hint
        assert client.describe_alias("qa_passages")["collection_name"] == first
        assert client.list_collections() == [first]  # the unfinished one dropped
        assert _assistant(settings, target, client, monkeypatch, "never").ask(QUESTION).passages
        slow.flush = slow.load = False
        held.release()
        _assistant(settings, target, client, monkeypatch, "force")
        assert client.describe_alias("qa_passages")["collection_name"] != first
    finally:
        forget(target)


def test_a_load_unfinished_after_the_commit_says_the_build_is_current_not_to_rebuild(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held: Held,  # noqa: F811 - the fixture imported above
) -> None:
    """A build loads its collection once the alias names it, to answer from it: past that load's
    deadline the hint said "run qa index again (a build left unfinished is dropped by the next one)",
    for a build committed and current. Now it says so and to try again; the next open answers from it."""
    slow = Unfinished(monkeypatch)
    target = StoreTarget("server", str(tmp_path / "kb.db"))
    settings = _settings(tmp_path)
    try:
        client = Recording(connect(target))
        client.before["create_alias"] = lambda: setattr(slow, "load", True)
        held.hold("loading qa_passages_", BUILD)
        with pytest.raises(IndexError_) as info:
            _assistant(settings, target, client, monkeypatch, "auto")
        built = client.describe_alias("qa_passages")["collection_name"]
        assert f"did not finish loading {built}" in info.value.message, info.value.message
        committed = f"the build {built} is committed and current, only its load did not finish"
        assert (info.value.hint or "").endswith(committed), info.value.hint
        assert client.list_collections() == [built]
        slow.load = False
        held.release()
        assert _assistant(settings, target, client, monkeypatch, "never").ask(QUESTION).passages
    finally:
        forget(target)
