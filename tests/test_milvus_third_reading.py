"""Second reading of the third Milvus sweep (reliability.md section 51): the deadlines section 46 gave
the calls about collections, read against slow but healthy stores and the clean-up after a commit."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from qa.milvus.target import StoreTarget, connect, forget

from .test_milvus_third_sweep import _left_by_another_build


def _slow_to_describe(monkeypatch: pytest.MonkeyPatch, slow: str, seconds: float) -> None:
    """Milvus Lite's gRPC server (in this process) takes ``seconds`` to describe ``slow``: a server under
    load, or a collection described for the first time since the server started (read from disk)."""
    from milvus_lite.adapter.grpc.servicer import MilvusServicer

    real = MilvusServicer.DescribeCollection

    def describe(self: Any, request: Any, context: Any) -> Any:
        if request.collection_name == slow:
            time.sleep(seconds)
        return real(self, request, context)

    # before the connection: Lite's server takes its handlers when it starts
    monkeypatch.setattr(MilvusServicer, "DescribeCollection", describe)


class _Hurried:
    """A client that gives the description of ``held`` a ``seconds`` deadline, and every other call the
    one it was given: the product's deadline for the calls that only have to succeed (0.3 s for all of
    them was a loaded machine's to miss), a short one for the call the test holds back."""

    def __init__(self, client: Any, held: str, seconds: float) -> None:
        self._client, self._held, self._seconds = client, held, seconds

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def describe_collection(self, name: str, **kwargs: Any) -> Any:
        if name == self._held and kwargs.get("timeout") is not None:
            kwargs["timeout"] = self._seconds
        return self._client.describe_collection(name, **kwargs)


def _deadline(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Section 46's 10 s deadline on the calls about collections, shortened for a test (wherever the
    code under test reads it)."""
    from qa.milvus import alias, reach, store

    for module in (reach, alias, store):
        monkeypatch.setattr(module, "META_TIMEOUT", seconds, raising=False)


@pytest.mark.slow
def test_a_stale_collection_slow_to_describe_after_the_commit_does_not_fail_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Section 46 gave ``describe_collection`` a 10 s deadline; past it pymilvus raises gRPC's own error,
    which the clean-up after the commit did not catch (it skipped only pymilvus's), so a build that had
    already moved the alias was reported as failed (exit 5) when a stale collection was slow to describe
    (a server under load; on Milvus Lite, the first description of a collection reads it from disk)."""
    pytest.importorskip("milvus_lite")
    import grpc  # type: ignore[import-untyped]

    from qa.milvus import alias

    stale, ours = "qa_passages_20000101T000000Z_aaaaaaaa", "qa_passages_20990101T000000Z_bbbbbbbb"
    _slow_to_describe(monkeypatch, stale, 1.0)
    server = StoreTarget("server", str(tmp_path / "server.db"))  # a server's rules, Milvus Lite's engine
    client = connect(server)
    try:
        _left_by_another_build(client, stale, "complete", time.time() - alias.SWITCHING - 60)
        _left_by_another_build(client, ours, "complete", time.time())
        with pytest.raises(grpc.RpcError):  # what the clean-up meets: gRPC's own error, not pymilvus's
            client.describe_collection(stale, timeout=0.3)
        alias.switch_alias(_Hurried(client, stale, 0.3), server, ours)
        assert client.describe_alias("qa_passages")["collection_name"] == ours
        assert set(client.list_collections()) == {stale, ours}  # left for the next build
        alias.switch_alias(client, server, ours)  # the next clean-up that can describe it drops it
        assert client.list_collections() == [ours]
    finally:
        forget(server)


@pytest.mark.slow
def test_a_lite_database_slow_to_describe_opens_not_called_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Section 46's 10 s deadline on the calls about collections applied to Milvus Lite too, which runs
    in this process and reads a collection from disk at its first description since the open (4.4 s at
    100k rows here, 6.9 s from a cold disk; a bigger database or a slower disk passes 10 s): the open
    then failed with "Milvus (Milvus Lite ...): Deadline Exceeded", hint "the database may be damaged:
    build at a new path", and a rebuild did not help. Milvus Lite now has no such deadline."""
    pytest.importorskip("milvus_lite")
    from qa.assistant import Assistant
    from qa.config import Settings

    from .conftest import CORPUS, FakeEncoder

    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=f"milvus:{tmp_path / 'kb.db'}")
    target = StoreTarget("lite", str(tmp_path / "kb.db"))
    try:
        built = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None).index.vectors.collection
    finally:
        forget(target)
    _slow_to_describe(monkeypatch, built, 1.0)  # this open's first description reads it from a slow disk
    _deadline(monkeypatch, 0.3)
    try:
        opened = Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
        assert opened.index.vectors.collection == built
        assert opened.ask("apa tugas asisten menteri?").passages
    finally:
        forget(target)
