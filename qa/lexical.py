"""The keyword channel: a BM25 index (bm25s, Lucene variant) over the stems of ``qa.analysis``.

It catches exact terms (names, numbers, rare words) that dense embeddings blur. numpy and bm25s are
imported on first use so `import qa.lexical` stays cheap. No pickle anywhere: the index is saved as
.npy arrays (allow_pickle=False) + JSON.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .analysis import ANALYSIS_ID, tokenize
from .errors import IndexCorruptError, IndexStaleError
from .shared_channel import SharesStems

if TYPE_CHECKING:
    import numpy as np


_META = "lexical.json"
_ARRAYS = {"data": "lexical.data.npy", "indices": "lexical.indices.npy", "indptr": "lexical.indptr.npy"}


class LexicalIndex(SharesStems):
    """BM25 (Lucene variant, via bm25s) over stemmed passages; document ids are positions in `texts`."""

    def __init__(self, vocab: list[str], arrays: dict[str, np.ndarray], num_docs: int, k1: float, b: float):
        import bm25s

        self._vocab = {t: i for i, t in enumerate(vocab)}
        self._arrays, self._num_docs, self.k1, self.b = arrays, num_docs, float(k1), float(b)
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        # The same attributes bm25s.BM25.load sets: no pickle, and the index is already scored.
        self._bm25.scores = {**arrays, "num_docs": num_docs}
        self._bm25.vocab_dict = self._vocab
        self._bm25.unique_token_ids_set = set(self._vocab.values())
        self._bm25.nonoccurrence_array = None

    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.5, b: float = 0.75) -> LexicalIndex:
        """Tokenize and score every passage once; the vocabulary is in first-seen order (deterministic)."""
        import bm25s
        import numpy as np

        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in tokenize(text)] for text in texts]
        arrays = {"data": np.zeros(0, np.float32), "indices": np.zeros(0, np.int32)}
        arrays["indptr"] = np.zeros(1, np.int64)  # no content word anywhere: a matrix that matches nothing
        if vocab:
            bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
            bm25.index((ids, vocab), create_empty_token=False, show_progress=False)
            arrays = {key: np.asarray(bm25.scores[key]) for key in _ARRAYS}
        return cls(list(vocab), arrays, len(texts), k1, b)

    def __len__(self) -> int:
        return self._num_docs

    def term_postings(self) -> tuple[dict[str, int], np.ndarray, np.ndarray]:
        """(vocabulary, document ids, term pointers): the passages holding term t are
        ``ids[ptr[t]:ptr[t + 1]]``, ascending (the scored matrix is term-major; read-only views, put in
        order once, here, for this and ``score_rows``)."""
        _, indices, indptr = self._ascending
        return self._vocab, indices, indptr

    def query_terms(self, query: str) -> list[str]:
        """The query's stems that exist in the index vocabulary (deduplicated, in order)."""
        return [t for t in dict.fromkeys(tokenize(query)) if t in self._vocab]

    def search(
        self, queries: Sequence[str], k: int, within: tuple[int, int] | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-k (ids int64, scores float32) per query, best first, padded with -1/0; never raises.

        ``within`` = (lo, hi) limits the search to the passages lo..hi-1 (one document's).
        """
        import numpy as np

        k = max(int(k), 0)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        scores = np.zeros((len(queries), k), dtype=np.float32)
        terms = [[t for t in tokenize(q) if t in self._vocab] for q in queries]
        rows = [i for i, t in enumerate(terms) if t]
        kk = min(k, self._num_docs)
        if not rows or kk <= 0:
            return ids, scores
        for row in rows:
            # Top-k among the passages that contain a query term only: bm25s would partition a
            # dense array of every passage's score (100k floats at 100k passages) for each question.
            s = np.asarray(self._bm25.get_scores_from_ids([self._vocab[t] for t in terms[row]]))
            if within is not None:
                s = s.copy()
                s[: within[0]], s[within[1] :] = 0, 0
            hit = np.flatnonzero(s > 0)
            if len(hit) > kk:
                hit = hit[s[hit] >= np.partition(s[hit], len(hit) - kk)[len(hit) - kk]]
            hit = hit[np.lexsort((hit, -s[hit]))][:kk]  # ties broken by passage order: reproducible
            ids[row, : len(hit)], scores[row, : len(hit)] = hit, s[hit]
        return ids, scores

    def score_rows(self, queries: Sequence[str], rows: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Each query's BM25 of the passages ``rows[i]`` (float32, 0 where none of its terms is), as
        ``search`` scores every passage: the stored entries summed over the query's stems, repeats
        included, in the same order, so a passage ``search`` returns gets its value to the bit. A binary
        search per stem and passage: the shown passages' true scores cost microseconds."""
        import numpy as np

        data, indices, indptr = self._ascending
        out = []
        for query, wanted in zip(queries, rows, strict=True):
            wanted = np.asarray(wanted, dtype=np.int64)
            score = np.zeros(len(wanted), dtype=np.float32)
            terms = [self._vocab[t] for t in tokenize(query) if t in self._vocab]
            if terms and len(wanted):
                lo, hi = indptr[terms][:, None], indptr[np.asarray(terms) + 1][:, None]
                at = lo + np.stack([indices[indptr[t] : indptr[t + 1]].searchsorted(wanted) for t in terms])
                at = np.minimum(at, hi - 1)  # past a term's last passage: any of its own, told apart below
                held = (at >= lo) & (indices[at] == wanted)
                for part in np.where(held, data[at], 0).astype(np.float32):  # term by term, as bm25s adds
                    score += part
            out.append(score)
        return out

    @cached_property
    def _ascending(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(data, indices, indptr) with each term's passages ascending, as bm25s writes them (checked on
        first use, sorted here if not)."""
        data, indices, indptr = (self._arrays[key] for key in ("data", "indices", "indptr"))
        order = column_order(indptr, indices)
        return (data, indices, indptr) if order is None else (data[order], indices[order], indptr)

    def settings(self) -> dict:
        """What determines this index's content, for the manifest's staleness check."""
        return {
            "stemmer": "snowball-indonesian",
            "analysis": ANALYSIS_ID,
            "k1": self.k1,
            "b": self.b,
            "vocabulary": len(self._vocab),
        }

    def save(self, directory: Path) -> list[str]:
        """Write the scored sparse matrix (.npy, no pickle) and vocabulary (JSON) into `directory`."""
        import numpy as np

        meta = {"format": "qa-lexical", "num_docs": self._num_docs, **self.settings()}
        meta["vocab"] = list(self._vocab)
        (Path(directory) / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        for key, name in _ARRAYS.items():
            with open(Path(directory) / name, "wb") as fh:
                np.save(fh, self._arrays[key], allow_pickle=False)
        return [_META, *_ARRAYS.values()]

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        """Read what `save` wrote, checking it is complete and self-consistent (it is cheap to check)."""
        import numpy as np

        try:
            meta = json.loads((Path(directory) / _META).read_text(encoding="utf-8"))
            vocab, num_docs, k1, b = meta["vocab"], int(meta["num_docs"]), float(meta["k1"]), float(meta["b"])
            if meta["format"] != "qa-lexical" or not all(isinstance(t, str) for t in vocab):
                raise ValueError("not a lexical index manifest")
            arrays = {
                key: np.load(Path(directory) / name, allow_pickle=False) for key, name in _ARRAYS.items()
            }
            data, indices, indptr = arrays["data"], arrays["indices"], arrays["indptr"]
            if data.dtype.kind != "f" or indices.dtype.kind not in "iu" or indptr.dtype.kind not in "iu":
                raise ValueError("arrays have unexpected dtypes")
            if indptr.ndim != 1 or len(indptr) != len(vocab) + 1 or data.shape != indices.shape:
                raise ValueError("array shapes do not match the vocabulary")
            if int(indptr[0]) != 0 or int(indptr[-1]) != len(data) or np.any(np.diff(indptr) < 0):
                raise ValueError("column pointers are inconsistent")
            if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= num_docs):
                raise ValueError("document ids out of range")
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError) as exc:
            msg = f"Lexical index in {directory} is missing or damaged ({type(exc).__name__}: {exc})."
            raise IndexCorruptError(msg, hint="Rebuild the index.") from exc
        if meta.get("analysis") != ANALYSIS_ID:
            msg = f"Lexical index in {directory} has text analysis {meta.get('analysis')!r}."
            raise IndexStaleError(msg, hint="Rebuild the index.")
        return cls(vocab, arrays, num_docs, k1, b)


def column_order(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray | None:
    """The order that puts each term's passages ascending in a term-major matrix (``indices`` sliced by
    ``indptr``), or None when they are already, as bm25s writes them: a binary search needs it."""
    import numpy as np

    starts = np.zeros(len(indices), dtype=bool)
    starts[indptr[:-1][np.diff(indptr) > 0]] = True
    if not len(indices) or np.all((np.diff(indices) > 0) | starts[1:]):
        return None
    return np.lexsort((indices, np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))))
