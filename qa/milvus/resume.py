"""The vectors an interrupted Milvus build had embedded, kept on this machine for the next build.

A killed Milvus build used to lose its embedding (the whole cost of a build) with its collection. It now
keeps a checkpoint as a local build does (``qa.checkpoint``: the same ``.qa-embedded.npz``, written now
and then and when the build stops), in the folder of the index folder where the store's passage
tables are cached (``qa.milvus.tables``), one subfolder per store and alias: ``milvus-tables/
embedded-<hash>/``. The next build of that store lends its vectors by sentence key after the previous
collection's and the local index's; the commit (the alias switch) removes it, and so does an open that
finds the collection current (section 157).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..checkpoint import Checkpoint, start_checkpoint
from ..checkpoint_drop import discard, drop_unused
from ..incremental import Lent, sentence_key
from .tables import FOLDER
from .target import StoreTarget


def checkpoint_folder(index_dir: Path, target: StoreTarget) -> Path:
    """Where the builds of ``target``'s alias keep their checkpoint: one per store and alias, as a
    checkpoint is dropped when that alias's collection is current."""
    key = hashlib.sha256(f"{target.uri}\n{target.name}".encode()).hexdigest()[:8]
    return index_dir / FOLDER / f"embedded-{key}"


def lend(reuse: dict[str, list[float]], kept: Lent, log: Callable[[str], None]) -> int:
    """Add to ``reuse`` the kept vectors it lacks (the previous build's and the local index's come first,
    as a local build's); how many, said as a local build says it."""
    added = 0
    for key, vector in zip(kept.keys, kept.vectors):
        if key not in reuse:
            reuse[key] = vector.tolist()
            added += 1
    if added:
        log(f"reusing {added:,} vectors from an interrupted build")
    return added


def resuming(
    index_dir: Path, target: StoreTarget, expected: dict, sentences: list[str], reuse: dict[str, list[float]],
    forced: bool, encoder: Any, log: Callable[[str], None],
) -> Pieces:  # fmt: skip
    """The checkpoint of a build of ``target`` (none for a forced one), once ``reuse`` has the vectors an
    interrupted build kept (``lend``): the store's build only wires it to its embedding and its commit."""
    folder = checkpoint_folder(index_dir, target)
    linked = folder.is_symlink()  # as the tables' cache refuses one: never written, read or moved through
    if linked and not forced:
        log(f"cannot keep the vectors embedded so far in {folder}: it is a link, not this tool's folder")
    checkpoint, kept = start_checkpoint(folder, expected, sentences, log, forced or linked, parents=True)
    resumed = lend(reuse, kept, log)
    return Pieces(checkpoint, sentences, reuse, encoder, folder, resumed)


class Pieces:
    """One checkpoint for a build that embeds in pieces (one per insert batch of ``build._fill``): begun
    with every text the build will embed, in its order (the sentences ``reuse`` lacks, each once, as
    ``_fill`` meets them), each piece's progress told at its offset. ``folder``: where it is kept;
    ``resumed``: how many vectors it lent (the build's log line says so)."""

    def __init__(
        self, checkpoint: Checkpoint | None, sentences: list[str], reuse: dict[str, list[float]],
        encoder: Any, folder: Path, resumed: int,
    ) -> None:  # fmt: skip
        todo = list(dict.fromkeys(t for t in sentences if sentence_key(t) not in reuse))
        self.checkpoint, self.todo, self.encoder, self.offset = checkpoint, todo, encoder, 0
        self.folder, self.resumed = folder, resumed
        self.vectors = np.zeros((len(todo) if checkpoint else 0, encoder.dim), dtype=np.float32)
        if checkpoint is not None:
            checkpoint.begin(todo)

    def encode(self, texts: list[str]) -> np.ndarray:
        """``plan.encode``: a piece; kept whole, whatever stops it, with the pieces before it."""
        from ..indexing import encode_all

        end = self.offset + len(texts)
        if self.checkpoint is None or texts != self.todo[self.offset : end]:  # never a vector under
            self.checkpoint = None  # another text's key: an order not foreseen keeps nothing more
            return encode_all(self.encoder, texts, None)
        out = encode_all(self.encoder, texts, None, self)
        self.offset = end
        return out

    def begin(self, texts: list[str]) -> None:
        """Begun already, with every text (``encode_all`` begins each piece)."""

    def step(self, done: np.ndarray) -> None:
        assert self.checkpoint is not None
        self.vectors[self.offset : self.offset + len(done)] = done
        self.checkpoint.step(self.vectors[: self.offset + len(done)])

    def keep(self) -> None:
        if self.checkpoint is not None:
            self.checkpoint.keep()


@contextlib.contextmanager
def checkpointed(pieces: Pieces) -> Iterator[None]:
    """Around the build to its commit: a failure or a stop after the embedding (an insert, the flush,
    the switch) keeps every vector; the commit removes the checkpoint, or one an earlier build left
    when this one kept none (a forced rebuild)."""
    try:
        yield
    except BaseException:
        pieces.keep()
        raise
    if pieces.checkpoint is not None:
        pieces.checkpoint.remove()
    elif not pieces.folder.is_symlink():
        discard(pieces.folder)
    with contextlib.suppress(OSError):  # the folder too, when nothing else is in it
        pieces.folder.rmdir()


def drop_kept(
    index_dir: Path, target: StoreTarget, building: threading.Lock, log: Callable[[str], None]
) -> None:
    """An open that found the collection current: its checkpoint serves no build (section 157). Not while
    a build of this process holds ``building`` (never waited for), nor while the server holds a build of
    the alias running elsewhere (``alias.build_running``; Milvus Lite serves one process per file): each
    keeps its own. Only a checkpoint of ours goes."""
    from .alias import build_running
    from .target import connect

    def unused() -> bool:
        return not build_running(connect(target), target)

    drop_unused(checkpoint_folder(index_dir, target), _taken(building), unused, log, own_folder=True)


@contextlib.contextmanager
def _taken(building: threading.Lock) -> Iterator[bool]:
    """Whether ``building`` was free (then held until the end), not waited for."""
    if not building.acquire(blocking=False):
        yield False
        return
    try:
        yield True
    finally:
        building.release()
