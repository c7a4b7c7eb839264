"""A Milvus server that accepts the connection and then stalls during a build (reliability.md section
60): every call a build makes has a deadline, and passing it is one line naming the step."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.errors import IndexError_
from qa.milvus.target import StoreTarget, connect, forget
from scripts.trials import HARNESS, qa_env

from .conftest import CORPUS, ROOT, FakeEncoder
from .milvus_held import BUILD, META, Held, held  # noqa: F401 - a fixture
from .milvus_helpers import StallingProxy, milvus_server

pytest.importorskip("milvus_lite")

LOCAL = {"create_schema", "prepare_index_params", "close"}  # made in this process: no call to a server


class Recording:
    """A client that records the ``timeout`` of every call it passes on (``LOCAL`` ones aside), and
    runs ``before[name]()`` before a call of that name whose arguments ``when`` accepts."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.calls: list[tuple[str, float | None]] = []
        self.before: dict[str, Callable[[], None]] = {}
        self.when: Callable[[str, tuple, dict], bool] = lambda name, args, kwargs: True

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._client, name)
        if name in LOCAL or not callable(real):
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, kwargs.get("timeout")))
            if name in self.before and self.when(name, args, kwargs):
                self.before.pop(name)()
            return real(*args, **kwargs)

        return call


def _assistant(settings: Any, target: StoreTarget, client: Any, monkeypatch: pytest.MonkeyPatch, build: str):
    """An assistant on ``target`` through ``client`` (Lite's engine may stand behind a server's rules)."""
    from qa.assistant import Assistant
    from qa.milvus import store
    from qa.milvus import target as milvus_target

    monkeypatch.setattr(milvus_target, "parse_store", lambda spec: target)
    monkeypatch.setattr(store, "connect", lambda t: client)
    return Assistant(settings, encoder=FakeEncoder(), build=build, log=lambda m: None)


@pytest.mark.parametrize("kind", ["server", "lite"])
def test_every_call_of_a_build_and_an_open_has_a_deadline_on_a_server_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A build's own calls (``create_collection``, ``insert``, ``flush``, ``load_collection``, the
    alias's move, the previous build's lookup) had no deadline: a server that accepted the connection
    and then stalled held ``qa index`` (or the first ``qa serve``) for ever. On a server each now has
    one; Milvus Lite, which runs in this process, has none, as before (section 51)."""
    import shutil

    from qa.config import Settings

    target = StoreTarget(kind, str(tmp_path / "kb.db"))  # Milvus Lite's engine, a server's rules or its own
    client = Recording(connect(target))
    corpus = Path(shutil.copytree(CORPUS, tmp_path / "corpus"))
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store="milvus:unused.db")
    try:
        _assistant(settings, target, client, monkeypatch, "auto")  # a first build
        with (corpus / "tambahan.txt").open("w", encoding="utf-8") as added:
            added.write("Asisten menteri juga menyusun laporan tahunan.\n")
        marked = len(client.calls)
        _assistant(settings, target, client, monkeypatch, "auto")  # a rebuild: the previous vectors read
        assert {"load_collection", "query"} <= {name for name, _ in client.calls[marked:]}
        _assistant(settings, target, client, monkeypatch, "never")  # an open
    finally:
        forget(target)
    called = {name for name, _ in client.calls}
    assert {"create_collection", "insert", "flush", "load_collection", "query", "alter_alias",
            "create_alias", "alter_collection_properties", "get_collection_stats"} <= called  # fmt: skip
    if kind == "server":
        assert [name for name, timeout in client.calls if timeout is None] == []
    else:  # the searches and reads of a question (section 33) keep their deadlines on Lite too
        assert {timeout for name, timeout in client.calls if name not in ("search", "query", "get")} == {None}


@pytest.mark.parametrize("hung", ["Flush", "LoadCollection"])
def test_a_server_whose_call_hangs_behind_a_live_connection_is_told_after_the_deadline(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held: Held,  # noqa: F811 - the fixture imported above
    hung: str,
) -> None:
    """A server that keeps its connection alive (gRPC's keepalive pings answered, so the client never
    gives up on the connection) while one call never completes: a Milvus proxy waiting on a data node or
    query node that is gone. Without a deadline the build waited for ever; now it ends after that call's
    deadline, naming the step, and its collection is dropped (the load is a step of its creation, which
    left it: reliability section 64). Milvus Lite's gRPC server in this process, under a server's rules,
    with the handler of ``hung`` held until the test ends; only the call that meets it has a short
    deadline (the drop of the collection, which the server answers, had 2 s and missed it on a loaded
    CI machine, leaving the collection listed)."""
    import threading

    from milvus_lite.adapter.grpc.servicer import MilvusServicer

    from qa.config import Settings

    released = threading.Event()
    real = getattr(MilvusServicer, hung)

    def holding(self: Any, request: Any, context: Any) -> Any:
        released.wait(120)
        return real(self, request, context)

    monkeypatch.setattr(MilvusServicer, hung, holding)  # before the connection: Lite's server takes it then
    target = StoreTarget("server", str(tmp_path / "kb.db"))
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    # pymilvus loads a collection it creates with an index: a hung load is met there first
    doing = {"Flush": "flushing qa_passages_", "LoadCollection": "creating the collection qa_passages_"}[hung]
    held.hold(doing, BUILD)
    try:
        client = connect(target)
        started = time.monotonic()
        with pytest.raises(IndexError_, match=f"stopped answering while {doing}"):
            _assistant(settings, target, client, monkeypatch, "auto")
        assert time.monotonic() - started < BUILD + META + 15
        assert client.list_collections() == []  # the handler still held: the build's own clean-up
    finally:
        released.set()
        forget(target)


def test_an_alias_move_the_server_applies_after_its_deadline_leaves_a_current_build(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    held: Held,  # noqa: F811 - the fixture imported above
) -> None:
    """The alias's move (the commit) held by the server past its deadline, then applied: the build was
    told to have failed with "run qa index again (a build left unfinished is dropped by the next one)",
    and the next open found it current. The hint now says the build is complete and the server may
    still make it current; it does, and the next open answers from it, built once."""
    import threading

    from milvus_lite.adapter.grpc.servicer import MilvusServicer

    from qa.config import Settings

    released, real = threading.Event(), MilvusServicer.CreateAlias

    def holding(self: Any, request: Any, context: Any) -> Any:
        released.wait(60)
        return real(self, request, context)

    monkeypatch.setattr(MilvusServicer, "CreateAlias", holding)  # before the connection
    target = StoreTarget("server", str(tmp_path / "kb.db"))
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    held.hold("moving the alias", META)
    try:
        client = Recording(connect(target))
        with pytest.raises(IndexError_, match="stopped answering while moving the alias qa_passages") as info:
            _assistant(settings, target, client, monkeypatch, "auto")
        [built] = client.list_collections()  # complete, kept: the move may still come
        complete = f"({built} is complete: the server may still make it current)"
        assert (info.value.hint or "").endswith(complete), info.value.hint
        released.set()
        held.release()
        deadline = time.monotonic() + 30
        while "qa_passages" not in client.list_aliases()["aliases"] and time.monotonic() < deadline:
            time.sleep(0.05)
        client.calls.clear()
        again = _assistant(settings, target, client, monkeypatch, "auto")
        assert again.index.manifest["build"]["id"] == built and "create_collection" not in dict(client.calls)
        assert again.ask("apa tugas asisten menteri?").passages
    finally:
        released.set()
        forget(target)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A real Milvus server process (Milvus Lite's engine behind Milvus's gRPC API): its port."""
    with milvus_server(tmp_path_factory.mktemp("srv")) as (uri, _proc):
        yield int(uri.rsplit(":", 1)[1])


def _committing(name: str, args: tuple, kwargs: dict) -> bool:
    return "qa.state" in (kwargs.get("properties") or {}) and kwargs["properties"]["qa.state"] == "complete"


STEPS = {  # the call before which the server stalls -> what the message says it stopped answering in
    "create_collection": "creating the collection",
    "insert": "inserting passages 1-10 of 10 into",
    "flush": "flushing",
    "alter_collection_properties": "committing",
    "create_alias": "moving the alias",
    "load_collection": "loading",
}


@pytest.mark.slow
@pytest.mark.parametrize("step", list(STEPS))
def test_a_server_that_stalls_mid_build_is_one_line_naming_the_step(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    server: int,
    held: Held,  # noqa: F811 - the fixture imported above
    step: str,
) -> None:
    """A real server process behind a relay that, just before one of the build's calls, stops
    forwarding while holding the connection (a frozen server, a dropped network): the build waited
    for ever. It now ends after that call's deadline (and the drop of its unfinished collection, which
    meets the same silence) as ``IndexError_`` (exit 5) naming the step; once the server answers again,
    the next open answers from a complete collection. The calls before the stall and after it ends have
    the product's deadlines: they only have to succeed."""
    from qa.config import Settings
    from qa.milvus.target import parse_store

    proxy = StallingProxy(server)
    alias = f"kb_{step}"
    target = parse_store(f"milvus://127.0.0.1:{proxy.port}/{alias}")
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    try:
        client = Recording(connect(target))
        client.before[step] = held.stalling(proxy.stall)
        held.hold(STEPS[step], META if step in ("alter_collection_properties", "create_alias") else BUILD)
        if step == "alter_collection_properties":
            client.when = _committing
        started = time.monotonic()
        with pytest.raises(IndexError_) as info:
            _assistant(settings, target, client, monkeypatch, "auto")
        waited = time.monotonic() - started
        said = info.value.message
        assert f"the Milvus server at {target.uri} stopped answering while {STEPS[step]}" in said, said
        hints = {"load_collection": "is committed and current", "create_alias": "may still make it current"}
        then = hints.get(step, "qa index")  # the load after the commit; the move, which the server may apply
        assert "\n" not in info.value.message and then in (info.value.hint or ""), info.value.hint
        assert waited < 2 * BUILD + META + 10, waited  # create_collection: its steps, one deadline each
        proxy.resume()
        held.release()
        client.before.clear()
        again = _assistant(settings, target, client, monkeypatch, "auto")
        assert again.ask("apa tugas asisten menteri?").passages
    finally:
        proxy.close()
        forget(target)


@pytest.mark.slow
def test_a_server_that_stalls_while_an_open_loads_the_collection_says_so_and_to_try_again(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    server: int,
    held: Held,  # noqa: F811 - the fixture imported above
) -> None:
    """An open (``qa ask``, ``qa serve``'s reopen) loads the collection too, which had no deadline: a
    server stalled then held it for ever. It now ends after the load's deadline, and the hint is to try
    again, not to rebuild."""
    from qa.config import Settings
    from qa.milvus.target import parse_store

    proxy = StallingProxy(server)
    target = parse_store(f"milvus://127.0.0.1:{proxy.port}/kb_open")
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    try:
        client = Recording(connect(target))
        _assistant(settings, target, client, monkeypatch, "auto")
        client.before["load_collection"] = held.stalling(proxy.stall)
        held.hold("loading kb_open_", BUILD)
        started = time.monotonic()
        with pytest.raises(IndexError_, match="stopped answering while loading kb_open_") as info:
            _assistant(settings, target, client, monkeypatch, "never")
        assert time.monotonic() - started < BUILD + 10
        assert (info.value.hint or "").endswith("then try again")
    finally:
        proxy.close()
        forget(target)


@pytest.mark.slow
def test_a_real_qa_index_against_a_server_stalled_mid_build_exits_5_with_one_line(
    tmp_path: Path, server: int
) -> None:
    """The same through a real ``qa index`` process (the fake encoder): the relay stalls while the first
    passages are embedded, after the collection was created; the deadlines computed from then on are
    shortened (the creation before it, which only has to succeed, keeps the product's)."""
    proxy = StallingProxy(server)
    stalled = tmp_path / "stalled"
    shorten = (  # the harness's hold waits for ``stalled``, then embeds through this
        "import qa.indexing, qa.milvus.reach as r\n"
        "def _embedding(*args, _real=qa.indexing.encode_all, **kwargs):\n"
        f"    r.BUILD_TIMEOUT, r.BUILD_PER_ROW, r.META_TIMEOUT = {BUILD}, 0.0, {META}\n"
        "    return _real(*args, **kwargs)\n"
        "qa.indexing.encode_all = _embedding\n"
    )
    env = qa_env(CORPUS, tmp_path / "index", QA_TEST_HOLD_BUILD_UNTIL=str(stalled))
    store = f"milvus://127.0.0.1:{proxy.port}/kb_cli"
    try:
        command = [sys.executable, "-c", shorten + HARNESS, "index", "--store", store]
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "encoding"
        proxy.stall()
        stalled.touch()  # an order, not a second a loaded machine may outlast
        started = time.monotonic()
        out, err = proc.communicate(timeout=120)
        waited = time.monotonic() - started
        assert proc.returncode == 5 and "Traceback" not in err, err
        said = err.strip().splitlines()  # the build's own log line ("building it now"), then the error
        assert said[-2].startswith("error: ") and said[-1].startswith("hint: ") and said[:-2] == said[:1], err
        assert "stopped answering while inserting passages 1-10 of 10 into kb_cli_" in said[-2], err
        assert waited < BUILD + META + 10, waited
    finally:
        proxy.close()
