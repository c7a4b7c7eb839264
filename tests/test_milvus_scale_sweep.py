"""The Milvus store swept again as a host meets it (reliability.md section 33): store specs written the
way pymilvus writes a server's URI, credentials in refused specs, a store inside the corpus folder, a
collection whose vectors are not its manifest's, builds interrupted mid-insert."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import InputError
from qa.milvus.target import parse_store
from scripts.trials import qa_command, qa_env

from .conftest import CORPUS, DOC, ROOT, FakeEncoder
from .milvus_helpers import fake_qa, one_error_line

SECRET = "s3cret-T0ken"


def test_milvus_colon_before_a_servers_http_uri_names_that_server() -> None:
    """``milvus:http://HOST:PORT`` (``milvus:`` before the URI pymilvus takes, as ``milvus:PATH.db`` is
    before a path) was refused as "bad Milvus Lite path": the server form was ``milvus://`` only."""
    assert parse_store("milvus:http://10.0.0.5:19530") == parse_store("milvus://10.0.0.5:19530")
    assert parse_store("milvus:https://milvus.internal:443/kb_hr") == parse_store(
        "milvus+https://milvus.internal:443/kb_hr"
    )
    assert parse_store("milvus:http.db").kind == "lite"  # a file named so is still a path


def test_an_unreachable_server_fails_fast_with_one_line(tmp_path: Path) -> None:
    """Nothing listens on port 1: one line, exit 5, in seconds (not pymilvus's retries)."""
    started = time.monotonic()
    proc = fake_qa(
        CORPUS, tmp_path / "index", "ask", "apa tugas asisten?", "--store", "milvus:http://127.0.0.1:1"
    )
    assert proc.returncode == 5 and time.monotonic() - started < 30
    assert "cannot reach the Milvus server at http://127.0.0.1:1" in one_error_line(proc)
    assert not (tmp_path / "index").exists()


@pytest.mark.parametrize(
    "spec",
    [
        f"milvus://user:{SECRET}@[::1",  # refused as unparsable before the credentials were looked at
        f"milvus://user:{SECRET}@h:19530/kb?x=1",  # refused for its query, the whole spec quoted
        f"milvus://h:19530/kb?token={SECRET}",
        f"milvus://h:19530/kb#{SECRET}",
        f"milvus://user:{SECRET}@h:notaport",
        f"milvus:http://root:{SECRET}@127.0.0.1:1",
        f"milvus:ftp://root:{SECRET}@host/x",  # read as a Lite path, quoted as one
    ],
)
def test_a_refused_store_spec_never_quotes_its_credentials(spec: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_store(spec)
    assert SECRET not in refused.value.message and SECRET not in (refused.value.hint or "")


def test_the_cli_refusing_a_uri_with_a_password_does_not_print_it(tmp_path: Path) -> None:
    proc = fake_qa(CORPUS, tmp_path / "index", "info", QA_STORE=f"milvus://admin:{SECRET}@[::1")
    assert proc.returncode == 2 and SECRET not in proc.stderr + proc.stdout
    one_error_line(proc)


def test_a_lite_database_inside_the_corpus_folder_is_refused_before_it_is_made(tmp_path: Path) -> None:
    """``--store milvus:corpus/kb.db``: the build succeeded, then every command failed on the corpus
    ("corpus file kb.db/LOCK is of a type that cannot be read", exit 3), as an index folder there would
    have, which is refused. Now refused the same way, before anything is created; a hidden name is fine."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text((CORPUS / DOC).read_text(encoding="utf-8"), encoding="utf-8")
    for inside in (corpus / "kb.db", corpus / "sub" / "kb.db"):
        with pytest.raises(InputError, match="Milvus Lite database .* is inside the corpus folder"):
            Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=f"milvus:{inside}")
    Settings(corpus_dir=corpus, index_dir=tmp_path / "index", store=f"milvus:{corpus / '.kb.db'}")
    proc = fake_qa(corpus, tmp_path / "index", "index", "--store", f"milvus:{corpus / 'kb.db'}")
    assert proc.returncode == 2 and "hidden one such as" in proc.stderr
    one_error_line(proc)
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt"] and not (tmp_path / "index").exists()


class _WideEncoder(FakeEncoder):
    """Another model, of another dimension."""

    model, dim = "fake-wide", 96


@pytest.mark.slow
def test_a_collection_not_its_manifests_is_refused_or_rebuilt_not_answered_from(
    tmp_path: Path,
) -> None:
    """Vectors of 96 dimensions under a manifest naming a 64-dimension encoder (a manifest restored or
    copied from another build): `qa info` said all was well and every question failed in the engine
    ("matmul: ... size 96 is different from 64", hint "ask again"). A collection renamed behind the alias:
    "the manifest ... is unreadable", hint `--force`, under `auto` too. Both are now a mismatch: one line
    under `never`, rebuilt without the collection's vectors under `auto`."""
    from qa.embedding import describe
    from qa.errors import IndexMismatchError
    from qa.milvus.schema import P_MANIFEST
    from qa.milvus.target import connect, forget

    spec = f"milvus:{tmp_path / 'store.db'}"
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=spec)
    quiet = {"log": lambda m: None}
    try:
        wide = Assistant(settings, encoder=_WideEncoder(), **quiet)
        client, name = connect(parse_store(spec)), wide.index.vectors.collection
        forged = {**wide.index.manifest, "encoder": describe(FakeEncoder())}
        client.alter_collection_properties(name, properties={P_MANIFEST: json.dumps(forged)})
        with pytest.raises(IndexMismatchError, match="vectors of dimension 96, its manifest's encoder 64"):
            Assistant(settings, encoder=FakeEncoder(), build="never", **quiet)
        rebuilt = Assistant(settings, encoder=FakeEncoder(), **quiet)
        assert rebuilt.index.vectors.collection != name and rebuilt.ask("apa tugas asisten?").passages

        client.rename_collection(rebuilt.index.vectors.collection, "moved_by_hand")
        with pytest.raises(IndexMismatchError, match="moved_by_hand was renamed"):
            Assistant(settings, encoder=FakeEncoder(), build="never", **quiet)
        again = Assistant(settings, encoder=FakeEncoder(), **quiet)
        assert again.ask("apa tugas asisten?").passages and "moved_by_hand" in client.list_collections()
    finally:
        forget(parse_store(spec))


@pytest.fixture(scope="module")
def big_store(tmp_path_factory) -> tuple[Path, Path, str]:
    """A corpus of three insert batches (1,100+ passages), built once into Milvus Lite."""
    from .conftest import seed_and_synthetic

    root = tmp_path_factory.mktemp("big")
    corpus = seed_and_synthetic(root / "corpus", seed=11, passages=1100, per_doc=275)
    spec = f"milvus:{root / 'kb.db'}"
    built = fake_qa(corpus, root / "index", "index", "--store", spec)
    assert built.returncode == 0, built.stderr
    return corpus, root / "index", spec


def _collections(spec: str) -> list[str]:
    from qa.milvus.target import connect, forget

    target = parse_store(spec)
    try:
        return sorted(connect(target).list_collections())
    finally:
        forget(target)  # the file is free again for the next qa process


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_build_interrupted_mid_insert_drops_its_half_written_collection(big_store, sig) -> None:
    """Ctrl-C or SIGTERM after the first batch was inserted left the half-written collection (`building`)
    on disk until the next build; the local store removes its half-written folder on the way out. The
    previous build answers throughout, and the next build starts clean."""
    corpus, index, spec = big_store
    before = _collections(spec)
    env = qa_env(corpus, index, QA_TEST_HOLD_BUILD="2")
    proc = subprocess.Popen([*qa_command(real=False), "index", "--force", "--store", spec], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    for _ in range(2):  # the first batch embedded and inserted, the second one being embedded
        assert proc.stdout.readline().strip() == "encoding"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (128 + sig, -sig) and "Traceback" not in err, err
    assert _collections(spec) == before
    asked = fake_qa(corpus, index, "ask", "apa tugas asisten menteri?", "--store", spec)
    assert asked.returncode == 0 and "asisten" in asked.stdout, asked.stderr


def test_a_lite_path_starting_with_a_tilde_is_in_the_home_folder(tmp_path: Path, monkeypatch) -> None:
    """No shell expands ``~`` after ``milvus:`` (nor in a service's environment file): the store was
    ``./~/kb.db``, refused as "the folder ./~ does not exist", hint "create it first (mkdir -p)", which
    would have made a folder named ``~``."""
    monkeypatch.setenv("HOME", str(tmp_path))
    assert parse_store("milvus:~/kb.db").uri == str(tmp_path / "kb.db")


def test_a_lite_path_that_is_a_broken_link_is_named_as_such(tmp_path: Path) -> None:
    """A link left pointing at a moved database: Lite's own mkdir failed, "File exists", hint "choose a
    path in a folder you can write"; nothing is created at the link's target."""
    (tmp_path / "kb.db").symlink_to(tmp_path / "gone" / "kb.db")
    for command in (["info"], ["ask", "apa tugas asisten?"]):
        proc = fake_qa(CORPUS, tmp_path / "index", *command, "--store", f"milvus:{tmp_path / 'kb.db'}")
        assert proc.returncode == 5 and "symbolic link to" in one_error_line(proc), proc.stderr
    assert not (tmp_path / "gone").exists() and not (tmp_path / "index").exists()


def _as_a_user_bound_by_permissions(command: list[str]) -> list[str]:
    """``command`` as run by a user whom file permissions bind: root without its override capabilities."""
    import os
    import shlex
    import shutil

    if os.geteuid() != 0:
        return command
    if not shutil.which("capsh"):
        pytest.skip("root, and no capsh to drop the permission override")
    drop = "--drop=cap_dac_override,cap_dac_read_search,cap_fowner"
    return ["capsh", drop, "--", "-c", shlex.join(command)]


@pytest.mark.slow
def test_a_database_the_user_may_only_read_says_lite_must_write_to_it(tmp_path: Path) -> None:
    """A database in a read-only folder (another user's, a read-only mount): "Permission denied", hint
    "choose a path in a folder you can write", which leads to building a second database beside it.
    Milvus Lite writes its LOCK even to answer; the hint now says so, and the database is untouched."""
    spec = f"milvus:{tmp_path / 'shared' / 'kb.db'}"
    (tmp_path / "shared").mkdir()
    assert fake_qa(CORPUS, tmp_path / "index", "index", "--store", spec).returncode == 0
    before = sorted(str(p) for p in (tmp_path / "shared").rglob("*"))
    for path in [tmp_path / "shared", *(tmp_path / "shared").rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    command = [*qa_command(real=False), "ask", "apa tugas asisten?", "--store", spec]
    proc = subprocess.run(_as_a_user_bound_by_permissions(command), env=qa_env(CORPUS, tmp_path / "index"),
                          cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 5 and "Permission denied" in one_error_line(proc)
    assert "let this user write to it" in proc.stderr
    assert sorted(str(p) for p in (tmp_path / "shared").rglob("*")) == before
    for path in [tmp_path / "shared", *(tmp_path / "shared").rglob("*")]:
        path.chmod(path.stat().st_mode | 0o200)  # so pytest can remove it


def test_a_lite_path_under_a_file_is_told_as_such(tmp_path: Path) -> None:
    """``milvus:notes.txt/kb.db``: "the folder notes.txt does not exist", hint ``mkdir -p``, which fails
    on the file there; nothing of it is touched."""
    from qa.errors import IndexError_
    from qa.milvus.lite import check_folder

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(IndexError_, match="notes.txt is a file, not a folder") as refused:
        check_folder(parse_store(f"milvus:{tmp_path / 'notes.txt' / 'kb.db'}"))
    assert "mkdir" not in (refused.value.hint or "")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
