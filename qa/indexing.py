"""Turn a corpus into an index: chunk, embed, build FAISS and BM25, write atomically.

Embedding is the whole cost of a build (about 30 passages/s with the bundled 4-bit encoder on
2 cores), so a build reuses every vector the previous build already holds: a passage's vector
depends only on its sentence text and the encoder, so when the encoder and chunking agree, only
sentences that are new to the index are embedded. Editing, adding or removing one file therefore
costs that file's new sentences plus the cheap parts (chunking, BM25, the FAISS structure). What an
interrupted build had embedded is kept too (``qa.checkpoint``), and lent to the next build the same way.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from .analysis import ANALYSIS_ID
from .ann import POLICY, build_vector_index
from .checkpoint import Checkpoint, Keeps, start_checkpoint
from .checkpoint_drop import discard
from .chunking import SPLITTER, Chunk, chunk_document
from .config import Settings
from .corpus import Document
from .embedding import Encoder, check_finite, describe
from .errors import IndexError_
from .incremental import corpus_changes, load_previous, reuse_vectors
from .lexical import LexicalIndex
from .manifest import FORMAT_VERSION, build_stamp
from .normalize import NORMALIZATION
from .passage_table import TABLE_ID, table_arrays
from .readers import describe_readers
from .store import StoredIndex
from .writing import write_index

# Everything that decides the keyword index: the analysis id carries a hash of the stopword and
# informal-word tables, so editing them makes the index stale.
LEXICAL: dict[str, Any] = {"analysis": ANALYSIS_ID, "stemmer": "snowball-indonesian", "k1": 1.5, "b": 0.75}
ENCODE_BATCH = 64


def expected_manifest(settings: Settings, encoder: Encoder, documents: Sequence[Document]) -> dict:
    """Everything an index must have been built with to answer for these settings and corpus."""
    return {
        "format_version": FORMAT_VERSION,
        "encoder": describe(encoder),
        "chunking": {
            "splitter": SPLITTER,
            "window": settings.window,
            "indexed": "dense: sentence; bm25: sentence and window",
        },
        # chunk offsets point into the normalised text; vectors are reused by sentence text, so a change
        # here re-embeds only the sentences it changes (not in incremental.VECTOR_SECTIONS)
        "text": {"normalization": NORMALIZATION},
        "lexical": dict(LEXICAL),
        "extraction": describe_readers([doc.id for doc in documents]),
        "corpus": {doc.id: doc.sha256 for doc in documents},
        "faiss": {"policy": POLICY},
    }


def passage_text(chunk: Chunk, documents: dict[str, Document]) -> str:
    """What a chunk answers with: its sentence and neighbour window within the line."""
    return documents[chunk.doc].text[chunk.context_start : chunk.context_end]


def chunk_corpus(documents: Sequence[Document], window: int) -> list[Chunk]:
    return [chunk for doc in documents for chunk in chunk_document(doc.id, doc.text, window)]


def encode_all(
    encoder: Encoder,
    texts: Sequence[str],
    progress: bool | None = None,
    checkpoint: Keeps | None = None,
) -> np.ndarray:
    """Embed passages in batches, with a progress bar on a terminal and, by default, a few plain lines
    of progress when standard error is not one (a CI log, ``nohup``: :mod:`qa.plain_progress`);
    ``checkpoint`` keeps the vectors embedded so far now and then, and when the embedding stops part-way
    (Ctrl-C, SIGTERM)."""
    from tqdm import tqdm

    from .plain_progress import PlainProgress

    terminal = bool(getattr(sys.stderr, "isatty", lambda: False)())
    show = terminal if progress is None else progress
    lines = PlainProgress(len(texts)) if progress is None and not terminal else None
    bar = tqdm(total=len(texts), desc="embedding", unit="passage", disable=not show, file=sys.stderr)
    vectors = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    if checkpoint is not None:
        checkpoint.begin(list(texts))
    done = 0
    try:
        with bar:
            for i in range(0, len(texts), ENCODE_BATCH):
                batch = texts[i : i + ENCODE_BATCH]
                part = encoder.encode_passages(batch, batch_size=ENCODE_BATCH)
                check_finite(part, batch)  # at once: a checkpoint never keeps a NaN, nor an hour of them
                vectors[i : i + len(part)] = part
                done = i + len(part)
                bar.update(len(part))
                if lines is not None:
                    lines.update(len(part))
                if checkpoint is not None:
                    checkpoint.step(vectors[:done])
    except BaseException:
        if checkpoint is not None:  # what is embedded is kept for the next build
            checkpoint.step(vectors[:done])
            checkpoint.keep()
        raise
    if lines is not None:
        lines.close()
    return vectors


class _Phases(dict):
    """Seconds spent per build phase, recorded in the manifest's build stamp."""

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self[name] = round(self.get(name, 0.0) + time.perf_counter() - start, 4)


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def build_index(
    settings: Settings,
    encoder: Encoder,
    documents: Sequence[Document],
    progress: bool | None = None,
    *,
    reuse: bool | None = None,
    log: Callable[[str], None] | None = None,
) -> StoredIndex:
    """Build the index and commit it to ``settings.index_dir``, reusing the previous build's vectors.

    ``reuse=None`` reuses them unless the previous index is already current: then the caller asked for
    a rebuild on purpose (``qa index --force``) and gets a clean one. ``reuse=False`` always re-embeds.
    """
    log = log or _stderr
    phases = _Phases()
    expected = expected_manifest(settings, encoder, documents)
    by_id = {doc.id: doc for doc in documents}
    with phases("chunk"):
        chunks = chunk_corpus(documents, settings.window)
        sentences = [c.text for c in chunks]
    previous, why = (
        (None, "reuse disabled") if reuse is False else load_previous(settings.index_dir, expected)
    )
    forced = reuse is False or (previous is not None and previous.current and reuse is None)
    if forced and previous is not None:
        previous, why = None, "the index was current, so this is a forced full rebuild"
    checkpoint, kept = start_checkpoint(settings.index_dir, expected, sentences, log, forced)
    lenders = ([previous.lent()] if previous is not None else []) + [kept]
    resumed: list[int] = []

    def lending(counts: list[int]) -> None:
        resumed.append(counts[-1])
        if counts[-1]:
            log(f"reusing {counts[-1]:,} vectors from an interrupted build")

    # The sentence alone is embedded: a window's vector blurs what each sentence says (measured in
    # docs/quality.md); the window enters through its own BM25 index instead, which is cheap.
    with phases("embed"):
        encode = lambda texts: encode_all(encoder, texts, progress, checkpoint)  # noqa: E731
        vectors, embedded, reused = reuse_vectors(sentences, lenders, encode, encoder.dim, lending)
    with _keeping(checkpoint):  # a stop here (Ctrl-C in a long FAISS or BM25 phase) keeps every vector
        with phases("faiss"):
            faiss_index, faiss_description = build_vector_index(vectors)
        with phases("lexical"):
            params = {"k1": LEXICAL["k1"], "b": LEXICAL["b"]}
            windows = [passage_text(c, by_id) for c in chunks]
            lexical = LexicalIndex.build(sentences, **params)
            lexical_window = LexicalIndex.build(windows, **params)
        with phases("table"):  # the reranker's per-passage cues and bigrams, so opening does not redo them
            table = table_arrays(chunks, windows)
    stats: dict[str, Any] = {"passages": len(chunks), "embedded": embedded, "reused": reused}
    stats["resumed"] = resumed[0]  # of the reused: vectors an interrupted build kept
    if previous is not None:
        stats["files"] = corpus_changes(previous.corpus, expected["corpus"])
    manifest = {
        **expected,
        "build": {**build_stamp(), "seconds": dict(phases), "incremental": stats},
        "faiss": faiss_description,
        "lexical_stats": lexical.settings(),
        "chunks": len(chunks),
        "table": TABLE_ID,
    }
    index = StoredIndex(manifest, faiss_index, chunks, lexical, lexical_window, table)
    _commit(settings.index_dir, manifest, index, checkpoint)
    if previous is not None:
        f = stats["files"]
        log(
            f"incremental build: {f['changed']} file(s) changed, {f['added']} added, {f['removed']} removed; "
            f"reused {reused:,} passages, embedded {embedded:,}"
        )
    else:
        log(f"full build ({why}): embedded {embedded:,} of {len(chunks):,} passages")
    return index


def _commit(index_dir: Path, manifest: dict, index: StoredIndex, checkpoint: Checkpoint | None) -> None:
    """Write the build, then remove its checkpoint: a kill (SIGKILL, the OOM killer) while the build is
    written leaves it for the next build, as one while it embeds does (it went first, and such a kill
    lost every vector: section 158). A commit short of space with a checkpoint on disk is tried once more
    without it, its space free; a failure or a stop then writes it again, whole.
    A build that kept none (a forced one) removes one an earlier interrupted build left once it commits:
    the index it commits is current, so no build would lend it (section 157)."""
    if checkpoint is None:
        write_index(index_dir, manifest, index)
        discard(index_dir)
        return
    with _keeping(checkpoint):
        try:
            write_index(index_dir, manifest, index)
        except IndexError_ as exc:
            if not (exc.full and checkpoint.on_disk()):  # a link, EACCES: no space would let it through
                raise
            checkpoint.remove()
            write_index(index_dir, manifest, index)
    checkpoint.remove()


@contextmanager
def _keeping(checkpoint: Checkpoint | None) -> Iterator[None]:
    """Between the embedding and the commit, a stop or a failure writes the checkpoint whole: the last
    periodic one may lack what was embedded since (``INTERVAL`` or more of it)."""
    try:
        yield
    except BaseException:
        if checkpoint is not None:
            checkpoint.keep()
        raise
