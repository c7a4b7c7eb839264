"""The Milvus store as a host scaling past one machine meets it (reliability.md section 80): a collection
a newer release of ``qa`` wrote, and a server that refuses this user (its credentials, or a privilege of
its role). Real Milvus Lite throughout: its engine in this process (as a file, or behind a server's rules)
and, in the slow tests, its gRPC server in a process of its own with the real ``qa`` command."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.errors import IndexError_, IndexNewerError
from qa.manifest import FORMAT_VERSION
from qa.milvus.target import StoreTarget, connect, forget

from .conftest import CORPUS
from .milvus_helpers import edit_manifest, fake_qa, milvus_server, one_error_line
from .test_milvus_stalled_build import _assistant

pytest.importorskip("milvus_lite")

ALIAS = "qa_passages"


def _newer(client: Any, collection: str) -> None:
    """Make ``collection``'s manifest one a later release wrote: a later format, a section unknown here
    (a later format need not keep this one's shape)."""
    edit_manifest(client, collection, format_version=FORMAT_VERSION + 1, store=["shaped", "otherwise"])


@pytest.mark.parametrize("kind", ["lite", "server"])
def test_a_collection_a_newer_release_wrote_is_refused_never_rebuilt_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """The local store refuses an index of a newer release (exit 5, "upgrade qa, … or qa index --force");
    on Milvus its collection was called stale ("index format 2 != supported 1") and ``qa ask``,
    ``qa serve`` or ``qa index`` rebuilt over it: on a server several hosts share, a host not yet upgraded
    replaced the upgraded one's build, which then rebuilt it back. Now refused under ``auto`` and
    ``never``, the alias unmoved and nothing created; ``--force`` still replaces it."""
    from qa.config import Settings

    target = StoreTarget(kind, str(tmp_path / "kb.db"))
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    try:
        client = connect(target)
        _assistant(settings, target, client, monkeypatch, "auto")
        first = client.describe_alias(ALIAS)["collection_name"]
        _newer(client, first)
        for build in ("auto", "never"):
            with pytest.raises(IndexNewerError, match="built by a newer release of qa") as info:
                _assistant(settings, target, client, monkeypatch, build)
            hint = info.value.hint or ""  # the store named: qa index --force alone is the local one's (§85)
            assert "upgrade qa" in hint and f"qa index --force --store {target.spec}" in hint, hint
        assert client.list_collections() == [first]
        assert client.describe_alias(ALIAS)["collection_name"] == first
        forced = _assistant(settings, target, client, monkeypatch, "force")
        assert client.describe_alias(ALIAS)["collection_name"] != first
        assert forced.ask("apa tugas asisten menteri?").passages
    finally:
        forget(target)


def _refusing(monkeypatch: pytest.MonkeyPatch, method: str, code: str, details: str) -> set[str]:
    """Milvus Lite's gRPC servicer refusing ``method`` as a server with authentication refuses it, from
    the moment the returned set holds "on" (set before the connection: Lite's server takes it then)."""
    import grpc  # type: ignore[import-untyped]
    from milvus_lite.adapter.grpc.servicer import MilvusServicer

    real, switch = getattr(MilvusServicer, method), {"on"}

    def refuse(self: Any, request: Any, context: Any) -> Any:
        if "on" in switch:
            context.abort(getattr(grpc.StatusCode, code), details)
        return real(self, request, context)

    monkeypatch.setattr(MilvusServicer, method, refuse)
    return switch


AUTH = "auth check failure, please check username and password are correct"


@pytest.mark.parametrize(
    ("env", "said", "hint"),
    [
        ({}, "refused a connection without credentials", "the server requires them: set MILVUS_TOKEN"),
        ({"MILVUS_PASSWORD": "s3cret"}, "refused a connection without credentials",
         "MILVUS_PASSWORD is set but MILVUS_USER is not"),
        ({"MILVUS_USER": "bob", "MILVUS_PASSWORD": "s3cret"}, "refused the user 'bob' (MILVUS_USER)",
         "check MILVUS_USER and MILVUS_PASSWORD"),
        ({"MILVUS_TOKEN": "bob:s3cret"}, "refused the token in MILVUS_TOKEN", "check MILVUS_TOKEN"),
        # reliability §85: a user alone sends nothing too (pymilvus sends a user only with a password),
        # and a MILVUS_USER in the token's form is not quoted (it holds the password)
        ({"MILVUS_USER": "bob"}, "refused a connection without credentials",
         "MILVUS_USER is set but MILVUS_PASSWORD is not"),
        ({"MILVUS_USER": "bob:s3cret", "MILVUS_PASSWORD": "x"},
         "refused the user in MILVUS_USER (not shown: it is not a user name)", "check MILVUS_USER"),
    ],
)  # fmt: skip
def test_credentials_the_server_refuses_are_told_as_such_not_as_an_unreachable_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict, said: str, hint: str
) -> None:
    """A server with authentication refusing the connection's credentials (gRPC's UNAUTHENTICATED) was
    "cannot reach the Milvus server at …", hint "check that it runs, the address, and MILVUS_TOKEN / …",
    whatever was set; a MILVUS_PASSWORD without MILVUS_USER was dropped without a word. Now the refusal
    says what was sent (never a secret) and what to set."""
    for name in ("MILVUS_TOKEN", "MILVUS_USER", "MILVUS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _refusing(monkeypatch, "Connect", "UNAUTHENTICATED", AUTH)
    target = StoreTarget("server", str(tmp_path / "kb.db"))
    try:
        with pytest.raises(IndexError_) as info:
            connect(target)
    finally:
        forget(target)
    message, advice = info.value.message, info.value.hint or ""
    assert said in message and AUTH in message and "cannot reach" not in message, message
    assert hint in advice and "s3cret" not in message + advice, advice


PRIVILEGE = "PrivilegeSearch: permission deny to reader in the `default` database"


def test_a_privilege_the_users_role_lacks_is_told_as_such_when_asking_and_building(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user whose role lacks a privilege (gRPC's PERMISSION_DENIED): a question was "the Milvus
    collection … cannot be read: …", hint "it may have been replaced by a newer build: ask again"; a build
    "Milvus (…): …", hint "see the Milvus server's log". Now both name the refusal and the privilege to
    grant, and a refused build leaves the alias where it was."""
    from qa.config import Settings

    monkeypatch.setenv("MILVUS_USER", "reader")
    monkeypatch.setenv("MILVUS_PASSWORD", "r3ad")  # pymilvus sends a user only with a password
    target = StoreTarget("server", str(tmp_path / "kb.db"))
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store="milvus:unused.db")
    try:
        creating = PRIVILEGE.replace("Search", "CreateCollection")
        switches = [_refusing(monkeypatch, "Search", "PERMISSION_DENIED", PRIVILEGE),
                    _refusing(monkeypatch, "CreateCollection", "PERMISSION_DENIED", creating)]  # fmt: skip
        for switch in switches:
            switch.clear()
        client = connect(target)
        assistant = _assistant(settings, target, client, monkeypatch, "auto")
        first = client.describe_alias(ALIAS)["collection_name"]
        for switch in switches:
            switch.add("on")
        with pytest.raises(IndexError_) as asked:
            assistant.ask("apa tugas asisten menteri?")
        with pytest.raises(IndexError_) as built:
            _assistant(settings, target, client, monkeypatch, "force")
        assert client.describe_alias(ALIAS)["collection_name"] == first
        assert client.list_collections() == [first]
    finally:
        forget(target)
    for info, privilege in ((asked, "PrivilegeSearch"), (built, "PrivilegeCreateCollection")):
        message, advice = info.value.message, info.value.hint or ""
        assert "refused a privilege to the user 'reader' (MILVUS_USER)" in message and privilege in message
        assert advice.startswith("grant that user's role the privilege named"), advice
        assert "replaced" not in advice and "log" not in advice


# A real Milvus Lite server process with authentication, as a Milvus server with
# common.security.authorizationEnabled answers: no authorization header, wrong credentials, and a user
# whose role may read but not create collections (AUTH is the message of the tests above).
AUTH_SERVER = """
import base64, runpy, sys
import grpc
from milvus_lite.adapter.grpc import server as lite
USERS = {"root:Milvus": "admin", "reader:r3ad": "reader"}
AUTH = "auth check failure, please check username and password are correct"
def refuse(code, details):
    return grpc.unary_unary_rpc_method_handler(lambda request, context: context.abort(code, details))
class Auth(grpc.ServerInterceptor):
    def intercept_service(self, continuation, call):
        sent = dict(call.invocation_metadata).get("authorization")
        if sent is None:
            return refuse(grpc.StatusCode.UNAUTHENTICATED, "missing authorization in header")
        role = USERS.get(base64.b64decode(sent).decode())
        if role is None:
            return refuse(grpc.StatusCode.UNAUTHENTICATED, AUTH)
        method = call.method.rsplit("/", 1)[-1]
        if role == "reader" and method.startswith(("Create", "Drop", "Insert", "Alter", "Flush")):
            user = base64.b64decode(sent).decode().split(":")[0]
            return refuse(grpc.StatusCode.PERMISSION_DENIED,
                          f"Privilege{method}: permission deny to {user} in the `default` database")
        return continuation(call)
real = lite.grpc.server
lite.grpc.server = lambda *a, **k: real(*a, interceptors=[Auth()], **k)
sys.argv = ["milvus_lite", *sys.argv[1:]]
runpy.run_module("milvus_lite", run_name="__main__")
"""


@pytest.fixture
def auth_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``milvus_server``'s real server process, behind the authentication of AUTH_SERVER."""
    real = subprocess.Popen

    def popen(command: list[str], **kwargs: Any) -> subprocess.Popen:
        if command[1:3] == ["-m", "milvus_lite"]:
            command = [sys.executable, "-c", AUTH_SERVER, *command[3:]]
        return real(command, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    with milvus_server(tmp_path) as (uri, _):
        monkeypatch.setattr(subprocess, "Popen", real)
        yield uri


@pytest.mark.slow
def test_a_real_qa_against_a_server_with_authentication(tmp_path: Path, auth_server: str) -> None:
    """Through the real ``qa`` command and a real server process that checks credentials: the right
    token builds and answers; none, a password without its user, a wrong password and a reader's build
    are each one line (exit 5) saying so, and the reader still answers. ``qa info`` of a build a newer
    release made is refused, and ``qa ask`` does not rebuild over it."""
    store, index = f"{auth_server}/kb_hr", tmp_path / "index"
    admin = {"MILVUS_TOKEN": "root:Milvus"}
    built = fake_qa(CORPUS, index, "index", "--store", store, **admin)
    assert built.returncode == 0, built.stderr
    cases = [
        ({}, "refused a connection without credentials: missing authorization in header", "set MILVUS_TOKEN"),
        ({"MILVUS_PASSWORD": "Milvus"}, "refused a connection without credentials",
         "MILVUS_PASSWORD is set but MILVUS_USER is not"),
        ({"MILVUS_USER": "root", "MILVUS_PASSWORD": "wrong"},
         f"refused the user 'root' (MILVUS_USER): {AUTH}", "check MILVUS_USER and MILVUS_PASSWORD"),
        # §85: a user alone sends nothing; the token's form in MILVUS_USER is not quoted (its password)
        ({"MILVUS_USER": "root"}, "refused a connection without credentials: missing authorization",
         "MILVUS_USER is set but MILVUS_PASSWORD is not"),
        ({"MILVUS_USER": "root:wrong", "MILVUS_PASSWORD": "wrong"},
         f"refused the user in MILVUS_USER (not shown: it is not a user name): {AUTH}", "check MILVUS_USER"),
    ]  # fmt: skip
    for env, said, hint in cases:
        unset = {"MILVUS_TOKEN": "", "MILVUS_USER": "", "MILVUS_PASSWORD": ""}
        proc = fake_qa(CORPUS, index, "ask", "apa tugas asisten menteri?", "--store", store, **(unset | env))
        assert proc.returncode == 5 and said in one_error_line(proc), proc.stderr
        assert hint in proc.stderr and "wrong" not in proc.stderr and "Milvus\n" not in proc.stderr
    reader = {"MILVUS_USER": "reader", "MILVUS_PASSWORD": "r3ad"}
    forced = fake_qa(CORPUS, index, "index", "--force", "--store", store, **reader)
    assert forced.returncode == 5, forced.stderr
    assert (
        "refused a privilege to the user 'reader' (MILVUS_USER): PrivilegeCreateCollection"
        in one_error_line(forced)
    )
    assert "hint: grant that user's role the privilege named" in forced.stderr
    asked = fake_qa(CORPUS, index, "ask", "apa tugas asisten menteri?", "--json", "--store", store, **reader)
    assert asked.returncode == 0 and json.loads(asked.stdout)["passages"], asked.stderr

    from pymilvus import MilvusClient

    client = MilvusClient(uri=auth_server.replace("milvus://", "http://"), token="root:Milvus")
    try:
        collection = client.describe_alias("kb_hr")["collection_name"]
        _newer(client, collection)
        for command in (["info"], ["ask", "apa tugas asisten menteri?"]):
            proc = fake_qa(CORPUS, index, *command, "--store", store, **admin)
            assert proc.returncode == 5, proc.stderr
            assert "was built by a newer release of qa" in one_error_line(proc)
        assert client.list_collections() == [collection]
        token = base64.b64encode(b"root:Milvus").decode()
        assert token not in built.stderr + forced.stderr
    finally:
        client.close()


def test_a_rebuild_takes_the_local_indexs_vectors_beside_the_previous_builds(tmp_path: Path) -> None:
    """A corpus switched between the stores: served on Milvus, edited and served locally for a while
    (its local index embedding the new file), then back on Milvus. The docs say a Milvus build takes the
    local index's vectors; it did only when the alias had no build yet, so this one embedded the new
    file's passages again ("embedded 1 of 11 … reused 10 from the previous build"). Now it takes both."""
    import shutil

    from qa.assistant import Assistant
    from qa.config import Settings

    from .conftest import FakeEncoder

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    milvus = f"milvus:{tmp_path / 'kb.db'}"
    logged: list[str] = []

    def open_(store: str, build: str = "auto") -> Assistant:
        settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=store)
        return Assistant(settings, encoder=FakeEncoder(), build=build, log=logged.append)

    try:
        open_(milvus)
        forget(StoreTarget("lite", str(tmp_path / "kb.db")))
        (corpus / "baru.txt").write_text("Kantor imigrasi buka setiap hari kerja pukul delapan.\n", "utf-8")
        local = open_("local")
        assert any("embedded 11 of 11" in line for line in logged), logged  # its first build here
        logged.clear()
        back = open_(milvus)
        said = [line for line in logged if line.startswith("Milvus build")]
        assert said and "embedded 0 of 11 passages" in said[0], said
        assert f"the previous build and vectors of the local index in {tmp_path / 'index'}" in said[0]
        question = "kapan kantor imigrasi buka?"
        assert back.ask(question).passages[0].chunk_id == local.ask(question).passages[0].chunk_id
        logged.clear()
        open_(milvus, "force")  # a forced rebuild over this alias's build lends nothing
        assert any("embedded 11 of 11" in line for line in logged), logged
        # over a stale build (§85), as the local store's qa index --force: both lend (it took the
        # previous build's only, and embedded the new file's passage again: "embedded 1 of 12")
        forget(StoreTarget("lite", str(tmp_path / "kb.db")))
        (corpus / "lagi.txt").write_text("Paspor baru selesai dalam empat hari kerja.\n", "utf-8")
        open_("local")
        logged.clear()
        open_(milvus, "force")
        said = [line for line in logged if line.startswith("Milvus build")]
        assert said and "embedded 0 of 12 passages (reused 12 from the previous build and" in said[0], said
    finally:
        forget(StoreTarget("lite", str(tmp_path / "kb.db")))


def test_a_connection_another_client_left_open_does_not_stand_in_for_a_new_servers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pymilvus shares one connection per address and token. A client left open to a server that has since
    stopped (a caller's, an earlier test's) was reused for a new server on the same port: no Connect was
    sent, so a server refusing the credentials was never asked (the credentials test above failed so in a
    full run, "DID NOT RAISE"). ``connect`` now opens a dedicated connection."""
    from milvus_lite.adapter.grpc.server import start_server_in_thread
    from pymilvus import MilvusClient

    for name in ("MILVUS_TOKEN", "MILVUS_USER", "MILVUS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    server, db, port = start_server_in_thread(data_dir=str(tmp_path / "a.db"), host="127.0.0.1", port=0)
    left_open = MilvusClient(uri=f"http://127.0.0.1:{port}", timeout=5)
    server.stop(grace=0)
    db.close()
    _refusing(monkeypatch, "Connect", "UNAUTHENTICATED", AUTH)
    server, db, _ = start_server_in_thread(data_dir=str(tmp_path / "b.db"), host="127.0.0.1", port=port)
    target = StoreTarget("server", f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(IndexError_, match="refused a connection without credentials"):
            connect(target)
    finally:
        forget(target)
        server.stop(grace=0)
        db.close()
        left_open.close()
