"""Opening the index while builds elsewhere move the alias on (reliability.md section 70): the collection
read from the alias may be dropped before it is opened, and the alias then names a newer build."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import CORPUS

ALIAS = "qa_passages"


class _SwitchedOnOpen:
    """A client through which, just as we load the collection the alias named, builds elsewhere move the
    alias to ``newer`` and drop the one we read (``moved=False``: the load fails, the alias stays)."""

    def __init__(self, client, newer: str, moved: bool = True) -> None:
        self._client, self._newer, self._moved, self.loads = client, newer, moved, []

    def __getattr__(self, name: str):
        return getattr(self._client, name)

    def load_collection(self, collection: str, timeout: float | None = None) -> None:
        from pymilvus.exceptions import MilvusException

        self.loads.append(collection)
        if len(self.loads) == 1:
            if not self._moved:
                raise MilvusException(message=f"collection '{collection}' cannot be loaded")
            self._client.alter_alias(self._newer, ALIAS)
            self._client.drop_collection(collection)
        self._client.load_collection(collection, timeout=timeout)


@pytest.fixture
def two_builds(tmp_path: Path, monkeypatch):
    """A server-kind target (Milvus Lite's engine) holding two builds; the alias points at the older."""
    pytest.importorskip("milvus_lite")
    from qa.assistant import Assistant
    from qa.config import Settings
    from qa.milvus import target as milvus_target
    from qa.milvus.target import StoreTarget, connect, forget

    from .conftest import FakeEncoder

    server = StoreTarget("server", str(tmp_path / "server.db"))
    monkeypatch.setattr(milvus_target, "parse_store", lambda spec: server)
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    try:
        older, newer = (
            Assistant(settings, encoder=FakeEncoder(), build="force", log=lambda m: None).index
            for _ in range(2)
        )
        client = connect(server)
        client.alter_alias(older.vectors.collection, ALIAS)  # what a reader read a moment ago
        yield server, client, older, newer
    finally:
        forget(server)


@pytest.mark.slow
def test_a_collection_dropped_as_the_alias_moved_on_is_opened_from_the_alias_again(
    two_builds, monkeypatch
) -> None:
    """Two builds elsewhere switched the alias while this process opened the index: the first kept the
    collection it replaced, the second dropped it (seen as "collection ... does not exist", exit 5 from
    a reader between two forced builds). The alias is read again and the collection it names now opens."""
    from qa.milvus import store

    server, client, older, newer = two_builds
    racing = _SwitchedOnOpen(client, newer.vectors.collection)
    monkeypatch.setattr(store, "connect", lambda target: racing)
    opened = store.load_index(server, newer.manifest)
    assert opened.vectors.collection == newer.vectors.collection
    assert opened.chunks == newer.chunks
    assert racing.loads == [older.vectors.collection, newer.vectors.collection]
    assert older.vectors.collection not in client.list_collections()


@pytest.mark.slow
def test_a_failed_open_of_the_collection_the_alias_still_names_is_not_tried_again(
    two_builds, monkeypatch
) -> None:
    """Read again, the alias names the same collection: the failure is the open's, raised as it was
    (``open_index`` makes it one line at the edge), after one load: no loop over a collection that fails."""
    from pymilvus.exceptions import MilvusException

    from qa.milvus import store

    server, client, older, newer = two_builds
    racing = _SwitchedOnOpen(client, newer.vectors.collection, moved=False)
    monkeypatch.setattr(store, "connect", lambda target: racing)
    with pytest.raises(MilvusException, match="cannot be loaded"):
        store.load_index(server, older.manifest)
    assert racing.loads == [older.vectors.collection]


class _SilentOnCount:
    """A client whose server stops answering when the rows are counted, just as the alias moves on."""

    def __init__(self, client, newer: str) -> None:
        self._client, self._newer, self.counts = client, newer, []

    def __getattr__(self, name: str):
        return getattr(self._client, name)

    def get_collection_stats(self, collection: str, timeout: float | None = None) -> dict:
        from pymilvus.exceptions import MilvusException

        self.counts.append(collection)
        self._client.alter_alias(self._newer, ALIAS)
        raise MilvusException(message="Deadline Exceeded: rpc timeout")


@pytest.mark.slow
def test_a_server_that_does_not_answer_the_open_is_told_at_once_not_read_again(
    two_builds, monkeypatch
) -> None:
    """Silence (a deadline passed) is not a collection gone, though the alias moved meanwhile: the open
    fails at once with it, as before, rather than wait as long again for the alias and the next open
    (``qa serve``'s reopen, ``qa ask`` on a server that froze after the connection)."""
    from pymilvus.exceptions import MilvusException

    from qa.milvus import store

    server, client, older, newer = two_builds
    silent = _SilentOnCount(client, newer.vectors.collection)
    monkeypatch.setattr(store, "connect", lambda target: silent)
    with pytest.raises(MilvusException, match="Deadline Exceeded"):
        store.load_index(server, older.manifest)
    assert silent.counts == [older.vectors.collection]


class _AliasRace:
    """Builds elsewhere that move the alias on at every failed open: each read names the next build."""

    def __init__(self, names: list[str | None]) -> None:
        self.names, self.read, self.opened = names, 0, []

    def current(self, client, target) -> str | None:
        self.read += 1
        return self.names[min(self.read - 1, len(self.names) - 1)]

    def open(self, client, target, collection, *args) -> None:
        from pymilvus.exceptions import MilvusException

        from qa.errors import IndexMissingError

        if collection is None:
            raise IndexMissingError("no index", "build it")
        self.opened.append(collection)
        raise MilvusException(message=f"collection '{collection}' does not exist")


@pytest.mark.parametrize(
    ("names", "opened", "reads", "raised"),
    [
        (["a", "b", "c", "d", "e"], ["a", "b", "c"], 3, "'c' does not exist"),  # bounded: the last failure
        (["a", "b", "b"], ["a", "b"], 3, "'b' does not exist"),  # the same collection again: its failure
        (["a", None], ["a"], 2, "no index"),  # the alias was removed meanwhile: no index, as on a first read
    ],
    ids=["a race that never settles", "the alias settles", "the alias is gone"],
)
def test_the_index_is_opened_at_most_reopen_attempts_times(
    monkeypatch, names: list[str | None], opened: list[str], reads: int, raised: str
) -> None:
    """``load_index``'s loop without a server: each open fails as a dropped collection does, and the
    alias names another build each time it is read, or the same one, or none. The alias is read once
    per open at most (none after the last: its failure is the one raised)."""
    pytest.importorskip("pymilvus")
    from pymilvus.exceptions import MilvusException

    from qa.errors import QAError
    from qa.milvus import store
    from qa.milvus.target import StoreTarget

    race = _AliasRace(names)
    monkeypatch.setattr(store, "connect", lambda target: object())
    monkeypatch.setattr(store, "current_collection", race.current)
    monkeypatch.setattr(store, "_open_collection", race.open)
    assert store.REOPEN_ATTEMPTS == 3
    with pytest.raises((MilvusException, QAError), match=raised):
        store.load_index(StoreTarget("server", "http://127.0.0.1:1"), {})
    assert race.opened == opened and race.read == reads


def test_no_index_behind_the_alias_names_the_store_to_build_it_in(monkeypatch) -> None:
    """The hint said "build it with: qa index --store ..." (the "..." left for the user to guess) where the
    alias of a server, or of a Milvus Lite database that exists, names no collection."""
    pytest.importorskip("pymilvus")
    from qa.errors import IndexMissingError
    from qa.milvus import store
    from qa.milvus.target import parse_store

    monkeypatch.setattr(store, "connect", lambda target: object())
    monkeypatch.setattr(store, "current_collection", lambda client, target: None)
    with pytest.raises(IndexMissingError, match="no index in Milvus at http://h:1, alias kb_hr") as info:
        store.load_index(parse_store("milvus://h:1/kb_hr"), {})
    assert info.value.hint == "build it with: qa index --store milvus:http://h:1/kb_hr"


def test_a_build_hint_reads_back_in_a_shell_as_the_same_store(tmp_path: Path, monkeypatch) -> None:
    """A Milvus Lite path holding a space ("my docs") was written bare in "build it with: qa index --store
    milvus:/…/my docs/kb.db": pasted into a shell, ``--store`` got "milvus:/…/my" and "docs/kb.db" was a
    stray argument. Both places that say it (``qa info`` on a database not made yet, a database whose
    alias names no collection) quote it as a shell reads it."""
    pytest.importorskip("pymilvus")
    import shlex

    from qa.errors import IndexMissingError
    from qa.milvus import store
    from qa.milvus.target import parse_store

    (tmp_path / "my docs").mkdir()
    target = parse_store(f"milvus:{tmp_path / 'my docs' / 'kb.db'}")

    def typed(hint: str):
        command = hint.removeprefix("build it with: ")
        argv = shlex.split(command)
        assert argv[:3] == ["qa", "index", "--store"] and len(argv) == 4, command
        return parse_store(argv[3])

    with pytest.raises(IndexMissingError) as before_connecting:
        store.open_index(target, None, None, [], "never", lambda m: None, read_only=True)
    monkeypatch.setattr(store, "connect", lambda target: object())
    monkeypatch.setattr(store, "current_collection", lambda client, target: None)
    with pytest.raises(IndexMissingError) as no_alias:
        store.load_index(target, {})
    for said in (before_connecting.value, no_alias.value):
        assert typed(said.hint) == target
