"""Turn a corpus into an index: chunk, embed, build FAISS and BM25, write atomically."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import numpy as np

from .chunking import SPLITTER, Chunk, chunk_document
from .config import Settings
from .corpus import Document
from .embedding import Encoder, describe
from .lexical import LEXICAL_VERSION, LexicalIndex
from .store import FORMAT_VERSION, StoredIndex, build_stamp, write_index

LEXICAL = {"normalization": LEXICAL_VERSION, "stemmer": "snowball-indonesian", "k1": 1.5, "b": 0.75}
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
        "lexical": dict(LEXICAL),
        "corpus": {doc.id: doc.sha256 for doc in documents},
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
    on_progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Embed passages in batches, with a progress bar on a terminal."""
    from tqdm import tqdm

    show = sys.stderr.isatty() if progress is None else progress
    parts = []
    with tqdm(total=len(texts), desc="embedding", unit="passage", disable=not show, file=sys.stderr) as bar:
        for i in range(0, len(texts), ENCODE_BATCH):
            parts.append(encoder.encode_passages(texts[i : i + ENCODE_BATCH], batch_size=ENCODE_BATCH))
            bar.update(len(parts[-1]))
            if on_progress:
                on_progress(min(i + ENCODE_BATCH, len(texts)), len(texts))
    return np.concatenate(parts) if parts else np.zeros((0, encoder.dim), dtype=np.float32)


def build_index(
    settings: Settings, encoder: Encoder, documents: Sequence[Document], progress: bool | None = None
) -> StoredIndex:
    """Build the whole index from scratch and commit it to ``settings.index_dir``."""
    import faiss

    by_id = {doc.id: doc for doc in documents}
    chunks = chunk_corpus(documents, settings.window)
    sentences = [c.text for c in chunks]
    # The sentence alone is embedded: a window's vector blurs what each sentence says (measured in
    # docs/quality.md); the window enters through its own BM25 index instead, which is cheap.
    vectors = encode_all(encoder, sentences, progress)
    faiss_index = faiss.IndexFlatIP(encoder.dim)
    faiss_index.add(vectors)
    params = {"k1": LEXICAL["k1"], "b": LEXICAL["b"]}
    lexical = LexicalIndex.build(sentences, **params)
    lexical_window = LexicalIndex.build([passage_text(c, by_id) for c in chunks], **params)
    manifest = {
        **expected_manifest(settings, encoder, documents),
        "build": build_stamp(),
        "faiss": {"type": "IndexFlatIP", "metric": "inner_product", "ntotal": faiss_index.ntotal},
        "lexical_stats": lexical.settings(),
        "chunks": len(chunks),
    }
    index = StoredIndex(manifest, faiss_index, chunks, lexical, lexical_window)
    write_index(settings.index_dir, manifest, index)
    return index
