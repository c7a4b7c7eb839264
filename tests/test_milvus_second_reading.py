"""The Milvus sweep of reliability.md section 33 read again (section 34): store specs the parser took and
should have refused or told better, credentials in refusals of any form, and a committed build failing on a
collection another process dropped meanwhile."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import InputError
from qa.milvus import target as milvus_target
from qa.milvus.target import connect, parse_store
from scripts.trials import qa_command, qa_env

from .conftest import CORPUS, ROOT, FakeEncoder

SECRET = "s3cret-T0ken"


def _qa(index: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """``qa ARGS`` in a real process with the fake encoder (scripts/trials.py's harness)."""
    return subprocess.run([*qa_command(real=False), *args], env=qa_env(CORPUS, index, **env), cwd=ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.mark.parametrize(
    "spec",
    [
        f"http://root:{SECRET}@localhost:19530",  # "milvus:" forgotten: "unknown store" quoted it whole
        f"https://milvus.internal:443?token={SECRET}",
        f"milvus+http://root:{SECRET}@h:19530",
        f"milvus:root:{SECRET}@localhost:19530",  # "//" forgotten: "bad Milvus Lite path" quoted it
        f"milvus://u:pa/{SECRET}@[::1",  # a password holding / ? or #: cut at the wrong place before
        f"milvus://u:pa#{SECRET}@[::1",
        f"milvus://h:19530?x=a@{SECRET}",
        f"grpc://h:19530#{SECRET}",
        f"milvus:tcp://u:{SECRET}@h:1/kb.db",  # a path ending in .db: a Lite folder "tcp:", its name shown
    ],
)
def test_a_refused_spec_of_any_form_never_quotes_its_credentials(spec: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_store(spec)
    assert SECRET not in str(refused.value) + repr(refused.value) + (refused.value.hint or "")


def test_the_cli_refusing_an_unknown_store_with_a_password_does_not_print_it(tmp_path: Path) -> None:
    proc = _qa(tmp_path / "index", "info", QA_STORE=f"http://root:{SECRET}@localhost:19530")
    assert proc.returncode == 2 and "unknown store" in proc.stderr, proc.stderr
    assert SECRET not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr


def test_a_refused_lite_path_is_quoted_as_written() -> None:
    """Hiding credentials does not mangle a path with an @ in a file name."""
    with pytest.raises(InputError, match="'/data/kb@v2.txt'"):
        parse_store("milvus:/data/kb@v2.txt")


def test_a_tilde_of_no_user_is_refused_not_made_a_folder(tmp_path: Path) -> None:
    """``milvus:~nosuchuser/kb.db``: the shell leaves ``~nosuchuser`` as it is, so the store was
    ``./~nosuchuser/kb.db`` with the hint ``mkdir -p``, which would make a folder of that name (the case
    section 33 fixed for ``~/``)."""
    with pytest.raises(InputError, match="~nosuchuser_qa names no home folder") as refused:
        parse_store("milvus:~nosuchuser_qa/kb.db")
    assert "./~nosuchuser_qa/kb.db" in (refused.value.hint or "")
    assert parse_store("milvus:./~nosuchuser_qa/kb.db").uri == os.path.abspath("~nosuchuser_qa/kb.db")
    proc = _qa(tmp_path / "index", "info", "--store", "milvus:~nosuchuser_qa/kb.db")
    assert proc.returncode == 2 and "names no home folder" in proc.stderr, proc.stderr
    assert not (ROOT / "~nosuchuser_qa").exists()


def test_spaces_after_milvus_colon_are_not_part_of_the_path() -> None:
    """``QA_STORE=milvus: /data/kb.db`` in an environment file: the path was `` /data/kb.db``, relative,
    so the database was made in the working folder under a name starting with a space."""
    assert parse_store("milvus: /data/kb.db").uri == "/data/kb.db"
    assert parse_store("milvus:\t./kb.db ").uri == os.path.abspath("kb.db")
    assert parse_store("milvus: http://h:19530").uri == "http://h:19530"
    assert parse_store("milvus:a:b@c.db").uri == os.path.abspath("a:b@c.db")  # a Linux name, as written


@pytest.mark.skipif(os.sep != "/", reason="a Windows path is a path there")
@pytest.mark.parametrize("path", ["C:\\data\\kb.db", "C:/data/kb.db", "d:kb\\x.db", "/data/my\\ docs/kb.db"])
def test_a_windows_path_is_refused_here_not_made_in_the_working_folder(path: str) -> None:
    """``milvus:C:\\data\\kb.db`` made a database named ``C:\\data\\kb.db`` in the working folder."""
    with pytest.raises(InputError, match="Windows path") as refused:
        parse_store(f"milvus:{path}")
    assert "milvus:/data/my docs/kb.db" in (refused.value.hint or "")


@pytest.mark.parametrize("spec", ["milvus:///srv/qa/kb.db", "milvus://./kb.db", "milvus://kb.db"])
def test_a_lite_path_written_as_a_server_uri_is_told_the_lite_form(spec: str) -> None:
    """Written as SQLAlchemy writes SQLite (``sqlite:///x.db``): refused, with the hint of a server URI."""
    with pytest.raises(InputError, match="bad Milvus server URI") as refused:
        parse_store(spec)
    assert "milvus:PATH.db" in (refused.value.hint or "") and "no //" in (refused.value.hint or "")


@pytest.mark.slow
def test_a_collection_dropped_by_another_process_after_listing_does_not_fail_the_build(
    tmp_path: Path, monkeypatch
) -> None:
    """A build's clean-up after its commit listed a collection another process then dropped (its own
    build interrupted, section 33, or its own clean-up): ``describe_collection`` failed, and the build that
    had already moved the alias was reported as failed ("the database may be damaged", exit 5)."""
    spec = f"milvus:{tmp_path / 'kb.db'}"
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=spec)
    try:
        first = Assistant(settings, encoder=FakeEncoder(), build="auto", log=lambda m: None)
        client = connect(parse_store(spec))
        listed = client.list_collections
        gone = "qa_passages_20260101T000000Z_deadbeef"  # named as our builds; dropped since listed
        monkeypatch.setattr(client, "list_collections", lambda **kw: [*listed(**kw), gone])
        second = Assistant(settings, encoder=FakeEncoder(), build="force", log=lambda m: None)
        assert second.index.vectors.collection != first.index.vectors.collection
        assert client.describe_alias("qa_passages")["collection_name"] == second.index.vectors.collection
        assert second.ask("Apa tugas asisten?").to_dict()
    finally:
        milvus_target.forget(parse_store(spec))


def test_a_lite_folder_that_is_a_broken_link_or_under_a_file_is_named_as_such(tmp_path: Path) -> None:
    """Section 33 told a file at the database's own folder; its folder a link to an unmounted volume was
    "a file, not a folder", and a file or such a link further up was "does not exist", hint ``mkdir -p``
    (which fails on it)."""
    from qa.errors import IndexError_
    from qa.milvus.lite import check_folder

    (tmp_path / "data").symlink_to(tmp_path / "unmounted")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    cases = {
        "data/kb.db": "data is a symbolic link to .*unmounted, which does not exist",
        "data/sub/kb.db": "data is a symbolic link to .*unmounted, which does not exist",
        "notes.txt/sub/kb.db": "notes.txt is a file, not a folder",
    }
    for path, told in cases.items():
        with pytest.raises(IndexError_, match=told) as refused:
            check_folder(parse_store(f"milvus:{tmp_path / path}"))
        assert "mkdir" not in (refused.value.hint or ""), path
    with pytest.raises(IndexError_, match="the folder .*/no/such does not exist") as missing:
        check_folder(parse_store(f"milvus:{tmp_path / 'no' / 'such' / 'kb.db'}"))
    assert "mkdir -p" in (missing.value.hint or "")
    assert not (tmp_path / "unmounted").exists() and (tmp_path / "notes.txt").read_text() == "mine"


def test_qa_info_on_a_lite_path_that_cannot_be_a_database_says_why_not_build_it(tmp_path: Path) -> None:
    """``qa info`` (build never) on a new path checks nothing before saying "no index", hint ``qa index
    --store …``, which then failed on the file or broken link in the way; the folder is checked first."""
    from qa.errors import IndexError_

    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    (tmp_path / "data").symlink_to(tmp_path / "unmounted")

    def info(path: str) -> None:
        store = f"milvus:{tmp_path / path}"
        settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index", store=store)
        Assistant(settings, encoder=FakeEncoder(), build="never", read_only=True, log=lambda m: None)

    for path, told in (("notes.txt/kb.db", "is a file, not a folder"), ("data/kb.db", "symbolic link")):
        with pytest.raises(IndexError_, match=told):
            info(path)
    with pytest.raises(IndexError_, match="no index in Milvus Lite"):  # a path that can be one: build it
        info("kb.db")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "notes.txt"]
