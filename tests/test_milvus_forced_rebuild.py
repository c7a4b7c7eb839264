"""``qa index --force`` over a current Milvus build that can no longer be read (reliability.md section
64): a forced rebuild lends none of the previous build's vectors, so it does not read them either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qa.milvus.target import StoreTarget, connect, forget

from .conftest import CORPUS
from .test_milvus_stalled_build import Recording, _assistant

pytest.importorskip("milvus_lite")


@pytest.mark.parametrize("kind", ["server", "lite"])
def test_a_forced_rebuild_replaces_a_current_build_the_server_can_no_longer_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A forced rebuild of a current build loaded it and looked up all its vectors, then threw them away
    (the rebuild embeds everything): 400 lookups of 256 keys at 100k passages, for nothing, and a build
    the server could no longer load (its segments lost, a query node short of memory) failed the rebuild
    meant to replace it: "Milvus (…): segments lost", exit 5, however often it was run. Now the current
    build is not read; the rebuild is committed, and answers."""
    from milvus_lite.adapter.grpc.servicer import MilvusServicer
    from pymilvus.grpc_gen import common_pb2

    from qa.config import Settings

    lost: set[str] = set()
    load = MilvusServicer.LoadCollection

    def loading(servicer: Any, request: Any, context: Any) -> Any:
        if request.collection_name in lost:
            return common_pb2.Status(code=65535, reason="segments lost")
        return load(servicer, request, context)

    monkeypatch.setattr(MilvusServicer, "LoadCollection", loading)  # before the connection (Lite's server)
    target = StoreTarget(kind, str(tmp_path / "kb.db"))
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    try:
        client = Recording(connect(target))
        _assistant(settings, target, client, monkeypatch, "auto")
        first = client.describe_alias("qa_passages")["collection_name"]
        client._client.release_collection(first)  # as a restarted server holds it: not loaded
        lost.add(first)
        client.calls.clear()
        rebuilt = _assistant(settings, target, client, monkeypatch, "force")
        assert "query" not in [name for name, _ in client.calls]  # no vector of the old build looked up
        assert client.describe_alias("qa_passages")["collection_name"] != first
        assert rebuilt.ask("apa tugas asisten menteri?").passages
    finally:
        forget(target)
