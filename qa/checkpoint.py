"""The vectors an interrupted build had embedded, kept in the index folder for the next build.

Embedding is the whole cost of a build (minutes for a big corpus on 2 cores), and a build stopped before
its commit (Ctrl-C, a kill, a full disk) used to lose all of it. While it embeds, a build now writes what
it has embedded so far to one file of its index folder, ``.qa-embedded.npz``: plain NumPy arrays (never
pickle), each vector under its sentence key, with the ``VECTOR_SECTIONS`` it was embedded under. Written
to a partial file of its own and renamed over it (``qa.checkpoint_partial``), so a kill mid-write leaves
the previous checkpoint whole, and two writers of one folder never touch each other's. The next build
lends these vectors through ``qa.incremental`` as it lends the previous build's; a checkpoint of other
sections, or damaged, is ignored with one line. A committed build removes it. Only a checkpoint this tool
wrote is ever replaced or removed: anything else in its place (a user's file, a link, a folder) is moved
aside at the start of a build, never deleted (section 152), and the write is synced, file and folder, like
the manifest's. A checkpoint only serves a build that would lend it: once an index is committed, or found
current by an open that may write, it is removed (``qa.checkpoint_drop``; section 157). A Milvus build
keeps one the same way in its store's folder of the index folder (``qa.milvus.resume``).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np

from . import checkpoint_partial
from .checkpoint_file import MEMBERS, read_members
from .checkpoint_partial import PARTIAL as PARTIAL  # the name before section 162 (tests plant it)
from .incremental import VECTOR_SECTIONS, Lent, other_section, sentence_key
from .termination import on_forced_stop
from .writing import _fsync_one

CHECKPOINT = ".qa-embedded.npz"
FORMAT = "qa-embedded-1"
INTERVAL = 10.0  # seconds of embedding before the first checkpoint, and at least between two
COST = 20  # and at least 20 times the last write's time: writing stays under 5% of the build


class Keeps(Protocol):
    """What ``qa.indexing.encode_all`` tells of its progress: a ``Checkpoint``, or one a build that
    embeds in pieces shares between them (``qa.milvus.resume.Pieces``)."""

    def begin(self, texts: list[str]) -> None: ...
    def step(self, done: np.ndarray) -> None: ...
    def keep(self) -> None: ...


def _sections(expected: dict) -> str:
    return json.dumps({s: expected[s] for s in VECTOR_SECTIONS}, sort_keys=True, ensure_ascii=False)


def is_ours(path: Path) -> bool:
    """A checkpoint this tool wrote: a regular file (never a link) whose ``format`` names ours. Only that
    member is read, so one of ours whose vectors were damaged still counts (and is replaced)."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return False
        return str(read_members(path, ("format",))["format"]) == FORMAT
    except (OSError, ValueError):  # Unsound included
        return False


def move_aside(index_dir: Path) -> str:
    """What is in the checkpoint's place and is not ours goes aside, whole, under a new name (never
    deleted nor overwritten, as a foreign ``manifest.json`` is kept); the note says where. Empty when
    there is nothing to move."""
    path = index_dir / CHECKPOINT
    if not os.path.lexists(path) or is_ours(path):
        return ""
    aside = path.with_name(f"{CHECKPOINT}.kept-{uuid.uuid4().hex[:8]}")
    os.rename(path, aside)
    return f"ignoring {path}: it is not vectors an interrupted build of this tool kept; moved to {aside.name}"


def read_checkpoint(index_dir: Path, expected: dict) -> tuple[Lent | None, str]:
    """The vectors an interrupted build kept, when valid for ``expected``; else (None, a note to show,
    empty when there is no checkpoint at all)."""
    path = index_dir / CHECKPOINT
    if not os.path.lexists(path):
        return None, ""
    ignored = f"ignoring the vectors an interrupted build kept in {path}"
    try:  # never more than the file's size is read: a header may declare terabytes (section 158)
        data = read_members(path, tuple(MEMBERS))
        fmt, sections = str(data["format"]), json.loads(str(data["sections"]))
        keys, vectors = data["keys"], data["vectors"]
    except (OSError, ValueError, RecursionError) as exc:  # zip CRCs checked; Unsound is a ValueError
        return None, f"{ignored}: it is damaged ({str(exc)[:80] or type(exc).__name__})"
    if fmt != FORMAT or not isinstance(sections, dict):
        return None, f"{ignored}: it is of another format"
    section = other_section(sections, expected)
    if section is not None:
        return None, f"{ignored}: they were embedded with another {section.replace('_', ' ')}"
    dim = int(expected["encoder"]["dim"])
    if keys.dtype.kind != "U" or vectors.dtype != np.float32 or vectors.shape != (len(keys), dim):
        return None, f"{ignored}: it is damaged (its arrays disagree)"
    if not np.isfinite(vectors).all():
        return None, f"{ignored}: it holds NaN or infinite values"
    return Lent(keys.tolist(), vectors), "ok"


class Checkpoint:
    """Keeps the vectors a build embeds, now and then and when it stops, with those it ``carried`` over
    from an earlier interrupted build (they are kept again: a second interruption loses neither)."""

    def __init__(
        self,
        index_dir: Path,
        expected: dict,
        carried: Lent | None,
        log: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
        parents: bool = False,
    ) -> None:
        self.index_dir, self.sections, self.log, self.clock = index_dir, _sections(expected), log, clock
        self.parents = parents  # a Milvus store's folder is made with its parents, as its tables' are
        self.carried = carried or Lent([], np.zeros((0, int(expected["encoder"]["dim"])), dtype=np.float32))
        self.keys: list[str] = []
        self.done = self.carried.vectors[:0]
        self.written = 0  # rows of ``done`` in the file (with the carried ones); -1: no file
        self.due = clock() + INTERVAL
        self.started = self.stepped = clock()
        self.failed = False

    def remove(self) -> None:
        """The build is committed (or a failed commit needs its space on a nearly full disk): the file
        goes; ``keep`` writes it again if the commit fails after all."""
        with contextlib.suppress(OSError):  # IsADirectoryError included: never a folder
            (self.index_dir / CHECKPOINT).unlink()
        checkpoint_partial.clean(self.index_dir)  # a killed write's, never another writer's
        self.written = -1

    def on_disk(self) -> bool:
        """Whether a checkpoint is there to remove (its space may be what a failed commit lacked)."""
        return self.written != -1 and os.path.lexists(self.index_dir / CHECKPOINT)

    def begin(self, texts: list[str]) -> None:
        """The texts about to be embedded, in the order their vectors will come."""
        self.keys = [sentence_key(t) for t in texts]
        self.started = self.stepped = self.clock()
        self.due = self.started + INTERVAL

    def step(self, done: np.ndarray) -> None:
        """``done``: the vectors of the first ``len(done)`` texts; written when a checkpoint is due."""
        self.done, self.stepped = done, self.clock()
        if self.stepped >= self.due:
            self.keep()

    def keep(self) -> None:
        """Write what is embedded now (a stop, a failed commit); a failure to write only says so once.
        Not after less than ``INTERVAL`` of embedding (and nothing carried): that little is soon embedded
        again, and a first build stopped then leaves no folder behind, as before (section 29)."""
        if self.failed or len(self.done) == self.written or not len(self.carried.keys) + len(self.done):
            return
        if not len(self.carried.keys) and self.stepped - self.started < INTERVAL:
            return
        start = self.clock()
        try:
            self._write()
        except OSError as exc:
            self.failed = True
            self.log(f"cannot keep the vectors embedded so far in {self.index_dir}: {exc.strerror or exc}")
            return
        self.written = len(self.done)
        self.due = self.clock() + max(INTERVAL, COST * (self.clock() - start))

    def _write(self) -> None:
        n = len(self.done)
        keys = np.array(list(self.carried.keys) + self.keys[:n], dtype="<U32")
        vec = np.concatenate([self.carried.vectors, self.done]) if len(self.carried.keys) else self.done
        self.index_dir.mkdir(parents=self.parents, exist_ok=True)  # as its store would at the commit
        checkpoint_partial.clean(self.index_dir)  # files killed writes left; never a live writer's
        partial, fd = checkpoint_partial.create(self.index_dir, self.parents)  # ours alone, locked
        forget = on_forced_stop(lambda: partial.unlink(missing_ok=True))  # a third Ctrl-C mid-write
        try:
            self._write_to(partial, fd, keys, vec)
        except BaseException:
            with contextlib.suppress(OSError):
                partial.unlink()  # our own: a failed write leaves nothing
            raise
        finally:
            forget()

    def _write_to(self, partial: Path, fd: int, keys: np.ndarray, vec: np.ndarray) -> None:
        with os.fdopen(fd, "wb") as fh:  # its lock held to the rename, so no clean-up takes it meanwhile
            np.savez(fh, format=np.array(FORMAT), sections=np.array(self.sections), keys=keys, vectors=vec)
            fh.flush()
            os.fsync(fh.fileno())
            os.replace(partial, self.index_dir / CHECKPOINT)
        _fsync_one(self.index_dir)  # the rename itself, as the manifest's commit


def start_checkpoint(
    index_dir: Path, expected: dict, sentences: list[str], log: Callable[[str], None], forced: bool,
    parents: bool = False,
) -> tuple[Checkpoint | None, Lent]:  # fmt: skip
    """The checkpoint a build writes, and what an interrupted build kept that it may use: the vectors of
    its ``sentences``. A full rebuild on purpose (``qa index --force`` of a current index, ``reuse=False``)
    embeds everything again, so it neither takes nor keeps any: the next forced one would not use them."""
    dim = int(expected["encoder"]["dim"])
    if forced:
        return None, Lent([], np.zeros((0, dim), dtype=np.float32))
    try:
        note = move_aside(index_dir)
    except OSError as exc:  # it cannot go aside: it stays as it is, and this build keeps no checkpoint
        log(f"cannot keep the vectors embedded so far in {index_dir}: {index_dir / CHECKPOINT} is not "
            f"this tool's and cannot be moved aside ({exc.strerror or exc})")  # fmt: skip
        return None, Lent([], np.zeros((0, dim), dtype=np.float32))
    if note:
        log(note)
    kept, note = read_checkpoint(index_dir, expected)
    if kept is None:
        if note:
            log(note)
        kept = Lent([], np.zeros((0, dim), dtype=np.float32))
    kept = kept.only({sentence_key(t) for t in sentences})
    return Checkpoint(index_dir, expected, kept, log, parents=parents), kept
