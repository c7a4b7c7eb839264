"""The Milvus store as a careless or hostile user meets it (reliability.md section 10): store URIs,
folders that are not Milvus Lite's, builds that are interrupted or raced, caches that went stale."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import IndexCorruptError, IndexError_, IndexMismatchError, InputError
from qa.milvus import target as milvus_target
from qa.milvus.adapters import MilvusVectors, read_rows
from qa.milvus.alias import ABANDONED, properties
from qa.milvus.schema import OWNER, P_BEAT, P_MANIFEST, P_OWNER, P_STATE
from qa.milvus.tables import FOLDER
from qa.milvus.target import StoreTarget, connect, parse_store

from .conftest import CORPUS, CountingEncoder, FakeEncoder

pytest.importorskip("milvus_lite")


@pytest.mark.parametrize("port", ["0", "65536", "99999", "-1"])
def test_a_port_outside_1_to_65535_is_refused_not_replaced_by_the_default(port: str) -> None:
    """pymilvus connects to 19530 when given port 0: another server than the one the user named."""
    with pytest.raises(InputError, match="bad Milvus server URI"):
        parse_store(f"milvus://h:{port}")
    assert parse_store("milvus://h:1").uri == "http://h:1"
    assert parse_store("milvus://h:65535").uri == "http://h:65535"


def _snapshot(folder: Path) -> list[tuple[Path, bytes]]:
    return sorted((p.relative_to(folder), p.read_bytes() if p.is_file() else b"") for p in folder.rglob("*"))


def test_a_users_folder_named_like_a_lite_database_is_never_written_into(tmp_path: Path) -> None:
    """Milvus Lite opens any folder, rewrites its aliases.json and empties its .database-staging."""
    mine = tmp_path / "photos.db"
    (mine / ".database-staging").mkdir(parents=True)
    (mine / ".database-staging" / "draft.txt").write_text("draft", encoding="utf-8")
    (mine / "aliases.json").write_text('{"mum": "+62 812"}', encoding="utf-8")
    (mine / "notes.txt").write_text("keep", encoding="utf-8")
    only_aliases = tmp_path / "contacts.db"
    only_aliases.mkdir()
    (only_aliases / "aliases.json").write_text('{"mum": "+62 812"}', encoding="utf-8")
    for folder in (mine, only_aliases):
        before = _snapshot(folder)
        with pytest.raises(IndexError_, match="it is a folder that is not a Milvus Lite database"):
            connect(parse_store(f"milvus:{folder}"))
        assert _snapshot(folder) == before
    # An empty folder, and then the database Milvus Lite made in it, open as before; also with the
    # passage-table cache in it (the index folder given as the .db itself: --index x.db --store milvus:x.db)
    empty = parse_store(f"milvus:{tmp_path / 'empty.db'}")
    (tmp_path / "empty.db").mkdir()
    for _ in range(2):
        connect(empty)
        milvus_target.forget(empty)
        (tmp_path / "empty.db" / FOLDER).mkdir(exist_ok=True)
        (tmp_path / "empty.db" / "aliases.json.tmp").write_text("{", encoding="utf-8")  # Lite killed
    assert (tmp_path / "empty.db" / "LOCK").exists()


@pytest.mark.parametrize(("module", "package"), [("pymilvus", "pymilvus"), ("milvus_lite", "milvus-lite")])
def test_a_missing_milvus_package_is_one_clear_error(tmp_path: Path, monkeypatch, module, package) -> None:
    """``open_index`` imported pymilvus before ``connect`` could say what to install: ImportError."""
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError, as when absent
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=f"milvus:{tmp_path / 'x.db'}")
    with pytest.raises(IndexError_, match=f"needs the Python package {package}") as info:
        Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
    assert "pip install" in (info.value.hint or "") and not (tmp_path / "x.db").exists()


def test_a_failed_milvus_call_is_one_error_with_no_logged_traceback(tmp_path: Path, capfd) -> None:
    """pymilvus logs each failed call with a traceback on its own stderr handler, under the one-line
    error the user is given (seen on a server that dropped a collection or stopped answering)."""
    spec = parse_store(f"milvus:{tmp_path / 'x.db'}")
    try:
        client = connect(spec)
        capfd.readouterr()
        with pytest.raises(IndexCorruptError, match="cannot be read"):
            MilvusVectors(client, "gone", 1, 4, {}).search(np.ones((1, 4), dtype=np.float32), 1)
        err = capfd.readouterr().err
        assert "Traceback" not in err and "RPC error" not in err, err
    finally:
        milvus_target.forget(spec)


def _building(client, name: str, beat: float | None) -> None:
    """A collection as another process's build leaves it while it runs (or after it died)."""
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False)
    schema.add_field("row", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    props = {P_OWNER: OWNER, P_STATE: "building"} | ({} if beat is None else {P_BEAT: str(int(beat))})
    client.create_collection(name, schema=schema, properties=props)


@pytest.mark.slow
def test_a_server_build_never_drops_a_build_running_elsewhere(tmp_path: Path, monkeypatch) -> None:
    """Two ``qa index`` on one server alias: the one that finished first dropped the other's collection
    (named earlier, still building), which then failed with "collection ... does not exist"."""
    server = StoreTarget("server", str(tmp_path / "server.db"))  # a server's rules, Milvus Lite's engine
    monkeypatch.setattr(milvus_target, "parse_store", lambda spec: server)
    client = connect(server)
    try:
        now = time.time()
        _building(client, "qa_passages_20000101T000000Z_aaaaaaaa", now)  # older name, running
        _building(client, "qa_passages_20000101T000001Z_bbbbbbbb", now - ABANDONED - 60)  # died
        _building(client, "qa_passages_20000101T000002Z_cccccccc", None)  # died, before heartbeats
        settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
        built = Assistant(settings, encoder=FakeEncoder(), build="force", log=lambda m: None)
        left = set(client.list_collections())
        assert left == {"qa_passages_20000101T000000Z_aaaaaaaa", built.index.vectors.collection}
        assert properties(client, built.index.vectors.collection, None)[P_BEAT]  # its own heartbeat
    finally:
        milvus_target.forget(StoreTarget("lite", server.uri))


class _Refusing:
    """A client whose every call fails as pymilvus reports it."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def search(self, *args, **kwargs):
        raise self.exc

    query = get = search


def test_a_server_that_stops_answering_is_not_called_a_replaced_collection() -> None:
    """A server down or too slow after the index opened was reported as "cannot be read ... it may have
    been replaced by a newer build: restart" (IndexCorruptError)."""
    import grpc
    from pymilvus.exceptions import MilvusException

    down = MilvusException(code=2, message="Fail connecting to server on h:19530")
    slow = MilvusException(grpc.StatusCode.DEADLINE_EXCEEDED, "[search] Retry timeout: 30s")
    gone = MilvusException(code=100, message="collection not found[collection=qa_passages_x]")
    q = np.ones((1, 4), dtype=np.float32)
    for exc in (down, slow):
        for call in (
            lambda v: v.search(q, 1),
            lambda v: v.reconstruct_batch([0]),
            lambda v: read_rows(v.client, "c", 1, ["chunk"]),
        ):
            with pytest.raises(IndexError_, match="the Milvus server does not answer") as info:
                call(MilvusVectors(_Refusing(exc), "c", 1, 4, {}))
            assert not isinstance(info.value, IndexCorruptError) and "reachable" in (info.value.hint or "")
    with pytest.raises(IndexCorruptError, match="cannot be read") as replaced:
        MilvusVectors(_Refusing(gone), "c", 1, 4, {}).search(q, 1)
    assert "ask again" in (replaced.value.hint or "")  # qa serve follows the alias now (qa/live.py)


@pytest.mark.parametrize("host", ["[::1]", "[fe80::1]"])
def test_an_ipv6_server_address_is_one_clear_error_not_a_traceback(host: str) -> None:
    """``milvus://[::1]:19530``: the brackets were dropped from the URI and pymilvus raised ValueError."""
    target = parse_store(f"milvus://{host}:1/kb")
    assert (target.uri, target.name) == (f"http://{host}:1", "kb")
    with pytest.raises(IndexError_, match="cannot reach the Milvus server") as info:
        connect(target)
    assert "host name" in (info.value.hint or "")


@pytest.mark.parametrize(
    "spec", ["milvus://[::1", "milvus://h]:1", "milvus://h:1/kb?token=s3cret", "milvus://h:1/kb#x"]
)
def test_a_server_uri_with_a_broken_bracket_query_or_fragment_is_refused(spec: str) -> None:
    """An unbalanced bracket raised urlsplit's ValueError (a traceback); ``?token=...`` was dropped
    without a word while the whole spec, token and all, was shown by ``qa info``."""
    with pytest.raises(InputError, match="bad Milvus server URI"):
        parse_store(spec)


@pytest.mark.slow
def test_rows_that_do_not_match_the_corpus_are_refused_or_rebuilt_without_their_vectors(
    tmp_path: Path,
) -> None:
    """A collection whose manifest matches the corpus but whose rows do not (edited, or rows of another
    corpus under a copied manifest) was trusted: its passages were answered as the corpus's text."""
    spec = f"milvus:{tmp_path / 'store.db'}"
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=spec)
    try:
        first = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
        client, name = connect(parse_store(spec)), first.index.vectors.collection
        fields = ["row", "sentence_key", "vector", "chunk", "sentence", "window"]
        row = client.query(name, filter="row == 3", output_fields=fields)[0]
        chunk = json.loads(row["chunk"])
        chunk["text"] = "Asisten menteri berwenang menandatangani perjanjian internasional sendiri."
        client.upsert(name, [{**{f: row[f] for f in fields}, "chunk": json.dumps(chunk)}])
        with pytest.raises(IndexMismatchError, match=r"does not match the corpus \(passage 3"):
            Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
        enc = CountingEncoder()
        again = Assistant(settings, encoder=enc, log=lambda m: None)
        assert again.index.vectors.collection != name
        assert len(enc.passages) == len(again.index.chunks)  # nothing taken from the edited collection
        assert all(c.text != chunk["text"] for c in again.index.chunks)
    finally:
        milvus_target.forget(parse_store(spec))


@pytest.mark.slow
def test_a_damaged_lite_database_is_one_line_that_points_at_the_file_not_a_server_log(
    tmp_path: Path,
) -> None:
    """Milvus Lite has no server log to read: its errors were hinted "see the Milvus server's log"."""
    spec = f"milvus:{tmp_path / 'store.db'}"
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=spec)
    Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
    milvus_target.forget(parse_store(spec))
    (tmp_path / "store.db" / "aliases.json").write_text("garbage{", encoding="utf-8")
    try:
        with pytest.raises(IndexError_, match="Milvus Lite") as info:
            Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
        # worded as lite.py's other hint for a damaged database (it said "build at a new path with qa index")
        way_out = "rebuild it at a new path with: qa index --store milvus:NEW.db"
        assert info.value.hint == f"the database may be damaged: {way_out}"
    finally:
        milvus_target.forget(parse_store(spec))


@pytest.mark.slow
def test_a_build_never_drops_the_builds_of_an_alias_that_extends_its_name(
    tmp_path: Path, monkeypatch
) -> None:
    """Alias ``kb``'s clean-up took every owned collection named ``kb_...``: a build of ``kb`` dropped
    the current build of alias ``kb_hr`` on the same server, whose ``qa ask`` then found no index."""
    uri = str(tmp_path / "server.db")
    targets = {spec: StoreTarget("server", uri, spec.rsplit("/", 1)[1]) for spec in ("s/kb_hr", "s/kb")}
    monkeypatch.setattr(milvus_target, "parse_store", lambda spec: targets[spec])
    try:

        def open_(spec: str, build: str = "auto") -> Assistant:
            s = Settings(corpus_dir=CORPUS, index_dir=tmp_path / spec, store=spec)
            return Assistant(s, encoder=FakeEncoder(), build=build, log=lambda m: None)

        hr = open_("s/kb_hr").index.vectors.collection
        for _ in range(3):  # each build of kb cleans up after itself
            open_("s/kb", build="force")
        assert open_("s/kb_hr", build="never").index.vectors.collection == hr
    finally:
        milvus_target.forget(StoreTarget("lite", uri))


@pytest.mark.slow
def test_a_malformed_or_miscounting_manifest_property_is_refused_in_one_line(tmp_path: Path) -> None:
    """The manifest property, shaped wrong, was a ValueError / TypeError / AttributeError traceback; a
    count of -5 or 3 (of 10 rows) opened an empty or partial index; one copied from another collection
    would have named that one's passage-table cache."""
    spec = f"milvus:{tmp_path / 'store.db'}"
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=spec)
    try:
        first = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
        client, name = connect(parse_store(spec)), first.index.vectors.collection
        good = first.index.manifest
        changes: list[dict] = [
            {"chunks": "abc"},
            {"chunks": [1]},
            {"chunks": -5},
            {"chunks": 3},
            {"lexical": "x"},
            {"store": None},
            {"store": {"backend": "milvus", "collection": "qa_passages_20000101T000000Z_aaaaaaaa"}},
        ]
        for change in changes:
            manifest = json.dumps({**good, **change})
            client.alter_collection_properties(name, properties={P_MANIFEST: manifest})
            with pytest.raises(IndexCorruptError):
                Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
        client.alter_collection_properties(name, properties={P_MANIFEST: json.dumps(good)})
        assert Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None).index.chunks
    finally:
        milvus_target.forget(parse_store(spec))


@pytest.mark.slow
def test_a_manifest_from_an_older_version_is_stale_not_unreadable(tmp_path: Path) -> None:
    """A store built before the manifest gained its ``text`` and ``extraction`` sections (format 1 all
    along) was refused as "the manifest ... is unreadable, rebuild it with --force" by every command, while
    the local store calls such an index stale and rebuilds it under ``auto``."""
    from qa.errors import IndexStaleError

    spec = f"milvus:{tmp_path / 'store.db'}"
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=spec)
    try:
        first = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
        client, name = connect(parse_store(spec)), first.index.vectors.collection
        older = {k: v for k, v in first.index.manifest.items() if k not in ("text", "extraction")}
        client.alter_collection_properties(name, properties={P_MANIFEST: json.dumps(older)})
        with pytest.raises(IndexStaleError, match="stale: text"):
            Assistant(settings, encoder=FakeEncoder(), build="never", log=lambda m: None)
        rebuilt = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
        assert rebuilt.index.vectors.collection != name
        assert "text" in rebuilt.index.manifest and rebuilt.index.chunks == first.index.chunks
    finally:
        milvus_target.forget(parse_store(spec))


def test_a_lite_database_given_as_the_index_folder_still_opens_after_calibrate_kept_a_file_aside(
    tmp_path: Path,
) -> None:
    """--index x.db --store milvus:x.db: qa calibrate keeps a calibration file that is not its own aside as
    ``<name>.kept-<time>``. Before: that name was not one of ours, and the database was then refused as
    "a folder that is not a Milvus Lite database" at every later start."""
    from types import SimpleNamespace

    from qa.calibration import calibration_path, save_threshold

    db = tmp_path / "x.db"
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=db, store=f"milvus:{db}")
    target = parse_store(settings.store)
    connect(target)
    milvus_target.forget(target)
    calibration_path(settings).write_text("not ours", encoding="utf-8")
    index = SimpleNamespace(manifest={"encoder": {"model": "e5"}})
    model = SimpleNamespace(model={})
    assistant = SimpleNamespace(settings=settings, index=index, answerability=model, rerank_model=model)
    save_threshold({"threshold": 0.5}, assistant)  # type: ignore[arg-type]
    assert [p.read_text(encoding="utf-8") for p in db.glob("calibration-*.json.kept-*")] == ["not ours"]
    connect(target)
    milvus_target.forget(target)
