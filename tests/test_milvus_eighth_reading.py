"""Second reading of the eighth Milvus sweep (reliability.md section 85): a refusal of this user told by
Milvus's codes, a newer release decided by the index format alone, and the vectors a build takes from a
local index. Real Milvus Lite throughout (its engine in this process, as a file or behind a server's
rules), the fake encoder and a real local index on disk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from qa.errors import IndexError_, IndexStaleError
from qa.milvus.target import StoreTarget, connect, forget

from .conftest import CORPUS, FakeEncoder
from .milvus_helpers import edit_manifest
from .test_milvus_stalled_build import _assistant

pytest.importorskip("milvus_lite")

ALIAS = "qa_passages"
QUESTION = "apa tugas asisten menteri?"


@pytest.mark.parametrize(
    ("code", "compatible", "said"),
    [(1400, 0, "refused the user 'bob'"), (1800, 0, "refused the user 'bob'"),
     (1401, 0, "refused a privilege to the user 'bob'"), (0, 3, "refused a privilege to the user 'bob'")],
)  # fmt: skip
def test_a_refusal_in_a_response_status_is_told_by_its_code_not_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, compatible: int, said: str
) -> None:
    """A server may put its refusal in a response's status rather than gRPC's code: Milvus's 1400 ("not
    authenticated"), 1800 ("user hasn't authenticated"), 1401 ("privilege not permitted"), or the
    deprecated ErrorCode PermissionDenied (3). It was recognised by English words a release may change;
    worded otherwise it was "Milvus (…): …", hint "see the Milvus server's log". Now by its code."""
    from milvus_lite.adapter.grpc.servicer import MilvusServicer
    from pymilvus.grpc_gen import common_pb2, milvus_pb2

    from qa.config import Settings

    monkeypatch.setenv("MILVUS_USER", "bob")
    monkeypatch.setenv("MILVUS_PASSWORD", "s3cret")
    words = "Zugriff verweigert: ListAliases"  # no word the sweep's patterns knew
    status = common_pb2.Status(code=code, error_code=compatible, reason=words)
    answer = milvus_pb2.ListAliasesResponse(status=status)
    monkeypatch.setattr(MilvusServicer, "ListAliases", lambda self, request, context: answer)
    target = StoreTarget("server", str(tmp_path / "kb.db"))
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    try:
        with pytest.raises(IndexError_) as info:
            _assistant(settings, target, connect(target), monkeypatch, "auto")
    finally:
        forget(target)
    message, hint = info.value.message, info.value.hint or ""
    assert said in message and words in message and "s3cret" not in message + hint, message
    assert "log" not in hint and ("check MILVUS_USER" in hint or "grant that user's role" in hint), hint


def test_a_newer_release_is_decided_by_the_index_format_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build stamped by a later package version but of this format opens as it is (nothing rebuilt);
    an older format is stale, rebuilt under ``auto`` and refused as stale under ``never``, as before the
    sweep; a format that is no integer (``"2"``) is no newer release's either."""
    from qa.config import Settings

    target = StoreTarget("lite", str(tmp_path / "kb.db"))
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")

    try:
        client = connect(target)
        _assistant(settings, target, client, monkeypatch, "auto")
        first = client.describe_alias(ALIAS)["collection_name"]
        stamp = json.loads(client.describe_collection(first)["properties"]["qa.manifest"])["build"]
        edit_manifest(client, first, build={**stamp, "qa_version": "99.0.0"})
        assert _assistant(settings, target, client, monkeypatch, "never").ask(QUESTION).passages
        assert client.describe_alias(ALIAS)["collection_name"] == first
        for older in (0, "2"):
            edit_manifest(client, client.describe_alias(ALIAS)["collection_name"], format_version=older)
            with pytest.raises(IndexStaleError, match=f"index format {older} != supported 1"):
                _assistant(settings, target, client, monkeypatch, "never")
            before = client.describe_alias(ALIAS)["collection_name"]
            assert _assistant(settings, target, client, monkeypatch, "auto").ask(QUESTION).passages
            assert client.describe_alias(ALIAS)["collection_name"] != before
    finally:
        forget(target)


class _OtherModel(FakeEncoder):
    model = "another-model"


class _OtherPrefix(FakeEncoder):
    passage_prefix = "dokumen: "


class _Counted(FakeEncoder):
    """The fake encoder, counting the passages it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.passages = 0

    def encode_passages(self, texts: Any, batch_size: int = 64) -> Any:
        self.passages += len(texts)
        return super().encode_passages(texts, batch_size)


OTHER = [(FakeEncoder, 3), (_OtherModel, 1), (_OtherPrefix, 1)]


@pytest.mark.parametrize(("encoder", "window"), OTHER, ids=["window", "model", "prefix"])
def test_a_local_index_of_other_settings_lends_no_vector(
    tmp_path: Path, encoder: type[FakeEncoder], window: int
) -> None:
    """A Milvus build takes a local index's vectors only when its encoder (model, prefixes, dimension)
    and chunking agree: one built with another window, model or passage prefix lends none, and the
    collection answers as one a forced build embedded afresh."""
    from qa.assistant import Assistant
    from qa.config import Settings

    index, quiet = tmp_path / "index", lambda m: None
    Assistant(Settings(corpus_dir=CORPUS, index_dir=index, window=window), encoder=encoder(), log=quiet)
    answers = []
    for name, build, local in (("kb.db", "auto", index), ("fresh.db", "force", tmp_path / "none")):
        counted, spec = _Counted(), f"milvus:{tmp_path / name}"
        settings = Settings(corpus_dir=CORPUS, index_dir=local, store=spec)
        try:
            milvus = Assistant(settings, encoder=counted, build=build, log=quiet)
            answers.append([milvus.ask(q).to_dict() for q in (QUESTION, "siapa yang mengangkat menteri?")])
        finally:
            forget(StoreTarget("lite", str(tmp_path / name)))
        assert counted.passages == len(milvus.index.chunks), name  # every passage embedded here
    assert answers[0] == answers[1]


def test_a_rebuild_the_previous_build_lends_every_vector_reads_no_local_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each Milvus build read and checksummed the whole local index (150 MB at 100k passages) even when
    the previous build lent every sentence (a file renamed); it is now read only for what is missing."""
    import qa.incremental
    from qa.assistant import Assistant
    from qa.config import Settings

    corpus, read = tmp_path / "corpus", []
    shutil.copytree(CORPUS, corpus)
    index = tmp_path / "index"
    settings = Settings(corpus_dir=corpus, index_dir=index, store=f"milvus:{tmp_path / 'kb.db'}")
    Assistant(Settings(corpus_dir=corpus, index_dir=index), encoder=FakeEncoder(), log=lambda m: None)
    real = qa.incremental.load_previous
    monkeypatch.setattr(qa.incremental, "load_previous", lambda *a: read.append(a[0]) or real(*a))
    logged: list[str] = []
    try:
        Assistant(settings, encoder=FakeEncoder(), log=logged.append)
        assert read == [tmp_path / "index"] and any("embedded 0 of" in m for m in logged), logged  # lent all
        forget(StoreTarget("lite", str(tmp_path / "kb.db")))
        name = corpus / "asisten-menteri-kerjasama-luar-negeri.txt"
        name.rename(corpus / "renamed.txt")
        read.clear()
        Assistant(settings, encoder=FakeEncoder(), log=logged.append)
        assert read == [] and "embedded 0 of" in logged[-2] and "previous build)" in logged[-2], logged
    finally:
        forget(StoreTarget("lite", str(tmp_path / "kb.db")))
