"""Helpers of the command-line sweep tests: ``qa`` as a real process through the fake-encoder harness,
on the ``settings`` fixture's corpus and index (each sweep file had its own copy of it)."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from scripts.trials import qa_command, qa_env

from .conftest import CORPUS, ROOT


def qa_run(
    settings: Any, *args: str, env: Mapping[str, str] | None = None, **kw: Any
) -> subprocess.CompletedProcess:
    """``qa ARGS`` to its end: text on standard output and error (``stdout=`` a file instead), run from the
    repository (``cwd=``), the ``QA_*`` variables of ``settings`` with ``env``'s over them, 120 s at most;
    any other keyword is ``subprocess.run``'s (``stdin=``)."""
    kw.setdefault("cwd", ROOT)
    kw.setdefault("timeout", 120)
    kw.setdefault("stdout", subprocess.PIPE)
    environment = qa_env(settings.corpus_dir, settings.index_dir, **dict(env or {}))
    command = [*qa_command(real=False), *args]
    return subprocess.run(command, stderr=subprocess.PIPE, env=environment, text=True, **kw)


_HOLD = """
import sys
from pathlib import Path
from qa.writing import build_lock
with build_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""


@contextlib.contextmanager
def build_lock_held(index_dir: Path) -> Iterator[subprocess.Popen]:
    """Another process holding the build lock of ``index_dir`` (as a running build does) while the block
    runs; released at its end."""
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(index_dir)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=60)


def waiting_build(
    index_dir: Path, holder: subprocess.Popen, err: Path, **popen: Any
) -> tuple[subprocess.Popen, str]:
    """A real ``qa index`` of ``index_dir`` (standard error into ``err``), once it has said that it waits
    for ``holder``'s build (section 77's line, at once: within 60 s here); that line."""
    with err.open("w") as sink:
        build = subprocess.Popen([*qa_command(real=False), "index"], env=qa_env(CORPUS, index_dir), cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=sink, **popen)  # fmt: skip
    said = (
        f"process {holder.pid} is building the index in {index_dir}; waiting for it to finish "
        "(Ctrl-C stops waiting; that build goes on)"
    )
    deadline = time.monotonic() + 60
    while said not in err.read_text() and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert said in err.read_text() and build.poll() is None, err.read_text()
    return build, said
