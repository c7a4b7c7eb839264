"""Per-passage facts the reranker reads: computed when an index is built and stored in it.

Everything a question needs about a candidate is a row lookup into these arrays, so the per-question
work in ``qa.features`` is vectorised numpy over the candidates. The answer-type cues are generic
Indonesian surface patterns (digits, years, month names, capitalised names after a locative
preposition, causal connectives...), not words taken from any evaluation question.

The regex cues and bigram postings are the slow part (about 30 s per 100k passages), so a local build
stores them (``table/``, named by ``TABLE_ID`` in the manifest) and opening reads them back; an older
build without them has them computed when it is opened, and a Milvus collection at its first open on a
machine, which keeps them in a local cache (``qa.milvus.tables``).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .lexical import LexicalIndex

_MONTHS = (
    "januari februari maret april mei juni juli agustus september oktober november desember "
    "senin selasa rabu kamis jumat sabtu minggu"
)
# One column per cue; ``ANSWER_TYPE_CUES`` maps an expected answer type to the cues that can answer it.
CUES: dict[str, re.Pattern[str]] = {
    "number": re.compile(r"\d"),
    "quantity": re.compile(
        r"\d|%|\b(?:satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|sebelas|se)?"
        r"(?:belas|puluh|ratus|ribu|juta|miliar|triliun|persen|separuh|setengah)(?:an)?\b",
    ),
    "time": re.compile(
        rf"\b(?:1[5-9]\d\d|20\d\d|{_MONTHS.replace(' ', '|')}|tahun|abad|pukul|jam|tanggal|pagi|siang|sore"
        r"|malam|kemarin|lalu|silam|dekade|era|masa)\b",
    ),
    # a conditional clause, the answer to "kapan sebaiknya …" (a circumstance); "dalam hal ini" is no clause
    "condition": re.compile(
        r"\b(?:jika|apabila|bila|bilamana|kalau|manakala|asalkan|selama"
        r"|dalam hal(?! (?:ini|itu|tersebut)\b))\b"
    ),
    "name": re.compile(r"(?<=[^.!?\s] )[A-Z][a-z]"),  # a capitalised word that does not start a sentence
    "place": re.compile(
        r"\b(?:di|ke|dari|kota|kabupaten|provinsi|pulau|desa|kecamatan|jalan|negara|wilayah|kawasan|daerah)"
        r"\s+[A-Z]"
    ),
    "reason": re.compile(
        r"\b(?:karena|sebab|akibat|disebabkan|lantaran|sehingga|agar|supaya|guna|demi|alasan)\b"
    ),
    "manner": re.compile(r"\b(?:dengan|melalui|cara|menggunakan|lewat|secara)\b"),
    "definition": re.compile(r"\b(?:adalah|merupakan|ialah|yaitu|yakni|disebut|dikenal|sebagai)\b|\("),
}
CUE_NAMES = tuple(CUES)
_CASED = frozenset({"name", "place"})  # read on the original text; the others on the lower-cased text
ANSWER_TYPE_CUES: dict[str, tuple[str, ...]] = {
    "person": ("name",),
    "place": ("place", "name"),
    "time": ("time",),
    "condition": ("condition",),
    "quantity": ("quantity", "number"),
    "reason": ("reason",),
    "manner": ("manner",),
    "definition": ("definition", "name"),
}

# What the stored arrays were computed with: the cue patterns and this module's bigram rule. A build whose
# manifest names another id has its table recomputed at open, never read.
_TABLE_RULES = json.dumps(
    {"cues": {k: [p.pattern, p.flags] for k, p in CUES.items()}, "cased": sorted(_CASED), "bigrams": 1}
)
TABLE_ID = "table-v1-" + hashlib.sha256(_TABLE_RULES.encode()).hexdigest()[:12]
TABLE_FILE = "table.npz"
STEMS_FILE = "bigram-stems.json"


def cue_matrix(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), len(CUES)) 0/1: which answer-type cues each text contains."""
    out = np.zeros((len(texts), len(CUES)), dtype=np.float32)
    cased = [name in _CASED for name in CUE_NAMES]
    for i, text in enumerate(texts):
        low = text.lower()
        for j, pattern in enumerate(CUES.values()):
            out[i, j] = pattern.search(text if cased[j] else low) is not None
    return out


class Postings:
    """Which passages contain a stem, and its IDF, read from a BM25 index's term-major matrix."""

    def __init__(self, lexical: LexicalIndex) -> None:
        # Each term's passages ascending, as ``term_postings`` gives them: presence is a binary search.
        self.vocab, self.indices, self.indptr = lexical.term_postings()
        self.n = max(len(lexical), 1)
        df = np.diff(self.indptr).astype(np.float64)
        self.idf = np.log(1.0 + (self.n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.unknown_idf = float(math.log(1.0 + (self.n + 0.5) / 0.5))  # a stem no passage contains

    def idf_of(self, terms: Sequence[str]) -> np.ndarray:
        """Each term's IDF (a stem no passage contains gets the highest)."""
        ids = [self.vocab.get(term) for term in terms]
        return np.array([self.unknown_idf if t is None else self.idf[t] for t in ids], dtype=np.float32)

    def presence(self, terms: Sequence[str], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(len(rows), len(terms)) 0/1 presence, and each term's IDF (``idf_of``)."""
        out = np.zeros((len(rows), len(terms)), dtype=np.float32)
        for j, term in enumerate(terms):  # a loop over the question's few terms, not the candidates
            t = self.vocab.get(term)
            if t is None:
                continue
            docs = self.indices[self.indptr[t] : self.indptr[t + 1]]  # ascending (``term_postings``)
            out[:, j] = docs.take(docs.searchsorted(rows), mode="clip") == rows
        return out, self.idf_of(terms)


class Bigrams:
    """Which passages contain each pair of consecutive content stems (a phrase the question repeats).

    Postings in flat arrays (a pair's code, then its passages ascending), not a dict of small arrays:
    100k passages hold millions of distinct pairs, and a Python object per pair cost most of the RAM.
    """

    def __init__(self, texts: Sequence[str]) -> None:
        from .analysis import tokenize

        ids: dict[str, int] = {}
        firsts: list[int] = []
        seconds: list[int] = []
        counts = np.zeros(len(texts), dtype=np.int64)
        for row, text in enumerate(texts):
            stems = [ids.setdefault(s, len(ids)) for s in tokenize(text)]
            firsts += stems[:-1]
            seconds += stems[1:]
            counts[row] = max(len(stems) - 1, 0)
        self.ids = ids
        n = max(len(texts), 1)
        code = np.asarray(firsts, dtype=np.int64) * max(len(ids), 1) + np.asarray(seconds, dtype=np.int64)
        self.codes, pair = np.unique(code, return_inverse=True)  # pair numbers stay far from int64's limit
        key = np.unique(pair * n + np.repeat(np.arange(len(texts), dtype=np.int64), counts))  # (pair, row)
        self.indptr = np.searchsorted(key // n, np.arange(len(self.codes) + 1))
        self.indices = key % n  # each pair's passages ascending

    @classmethod
    def from_arrays(cls, stems: list[str], codes: np.ndarray, indptr: np.ndarray, indices: np.ndarray):
        """The postings as ``arrays`` gave them (read from an index), without tokenising any text."""
        out = cls.__new__(cls)
        out.ids = {stem: i for i, stem in enumerate(stems)}
        out.codes, out.indptr, out.indices = codes, indptr, indices
        return out

    def arrays(self) -> tuple[list[str], dict[str, np.ndarray]]:
        """The stems in id order and the flat postings, for storing in an index."""
        return list(self.ids), {"codes": self.codes, "indptr": self.indptr, "indices": self.indices}

    def presence(self, stems: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """(len(rows), number of the question's distinct bigrams) 0/1."""
        pairs = list(dict.fromkeys(zip(stems, stems[1:])))
        out = np.zeros((len(rows), len(pairs)), dtype=np.float32)
        width = max(len(self.ids), 1)
        for j, (first, second) in enumerate(pairs):  # the question's few bigrams
            a, b = self.ids.get(first), self.ids.get(second)
            if a is None or b is None:
                continue
            k = int(self.codes.searchsorted(a * width + b))
            if k == len(self.codes) or self.codes[k] != a * width + b:
                continue
            docs = self.indices[self.indptr[k] : self.indptr[k + 1]]
            out[:, j] = docs.take(docs.searchsorted(rows), mode="clip") == rows
        return out


class PassageTable:
    """Arrays indexed by passage row: position, length, answer-type cues, term postings."""

    def __init__(self, index, passage_texts: Sequence[str]) -> None:
        """``index.table`` (``load_table``), when the index stores one, spares the slow part, and so
        does ``index.table_source`` (a Milvus store's cache, read at the first question of ``qa info``'s
        read-only open)."""
        chunks = index.chunks
        n = len(chunks)
        docs: dict[str, int] = {}
        self.doc = np.array([docs.setdefault(c.doc, len(docs)) for c in chunks], dtype=np.int64)
        self.paragraph = np.array([c.paragraph for c in chunks], dtype=np.int64)
        key = self.doc * (1 << 32) + self.paragraph
        first = np.r_[True, key[1:] != key[:-1]] if n else np.zeros(0, bool)
        start = np.maximum.accumulate(np.where(first, np.arange(n), 0)) if n else np.zeros(0, np.int64)
        _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
        self.position = (np.arange(n) - start).astype(np.float32)  # sentence number within its paragraph
        self.paragraph_size = counts[inverse].astype(np.float32) if n else np.zeros(0, np.float32)
        self.length = np.array([len(c.text.split()) for c in chunks], dtype=np.float32)
        stored = index.table
        if stored is None:  # read when first needed (a read-only Milvus open), else computed here
            source = index.table_source
            stored = source() if source else table_arrays(chunks, passage_texts)
        self.cues_sentence = stored["cues_sentence"]
        self.cues_window = stored["cues_window"]
        self.sentence_bigrams, self.window_bigrams = stored["sentence_bigrams"], stored["window_bigrams"]
        self.sentence_terms = Postings(index.lexical)
        self.window_terms = Postings(index.lexical_window)
        # Neighbour rows in the same paragraph (the row itself at a paragraph's edge).
        same_prev = np.r_[False, key[1:] == key[:-1]] if n else np.zeros(0, bool)
        same_next = np.r_[key[:-1] == key[1:], False] if n else np.zeros(0, bool)
        self.prev = np.where(same_prev, np.arange(n) - 1, np.arange(n))
        self.next = np.where(same_next, np.arange(n) + 1, np.arange(n))


def table_arrays(chunks: Sequence, passage_texts: Sequence[str]) -> dict:
    """The slow part of a ``PassageTable``: answer-type cues and bigram postings of sentences and windows."""
    sentences = [c.text for c in chunks]
    return {
        "cues_sentence": cue_matrix(sentences),
        "cues_window": cue_matrix(passage_texts),
        "sentence_bigrams": Bigrams(sentences),
        "window_bigrams": Bigrams(passage_texts),
    }


def save_table(folder: Path, table: dict) -> None:
    """Write ``table_arrays`` into ``folder`` (NumPy arrays without pickle, the stems as JSON)."""
    arrays = {"cues_sentence": table["cues_sentence"].astype(np.uint8)}
    arrays["cues_window"] = table["cues_window"].astype(np.uint8)
    stems = {}
    for kind in ("sentence", "window"):
        stems[kind], flat = table[f"{kind}_bigrams"].arrays()
        arrays.update({f"{kind}_{name}": value for name, value in flat.items()})
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / TABLE_FILE, **arrays)
    (folder / STEMS_FILE).write_text(json.dumps(stems, ensure_ascii=False), encoding="utf-8")


def load_table(folder: Path, n: int) -> dict:
    """``save_table``'s arrays for an index of ``n`` passages; ValueError when they do not fit it."""
    with np.load(folder / TABLE_FILE, allow_pickle=False) as z:
        arrays = {name: z[name] for name in z.files}
    stems = json.loads((folder / STEMS_FILE).read_text(encoding="utf-8"))
    table: dict = {}
    for kind in ("sentence", "window"):
        cues = arrays[f"cues_{kind}"]
        if cues.shape != (n, len(CUES)):
            raise ValueError(f"{kind} cues of shape {cues.shape} for {n} passages")
        table[f"cues_{kind}"] = cues.astype(np.float32)
        codes, indptr, indices = (arrays[f"{kind}_{name}"] for name in ("codes", "indptr", "indices"))
        if len(indptr) != len(codes) + 1 or (len(indices) and not 0 <= indices.min() <= indices.max() < n):
            raise ValueError(f"{kind} bigram postings do not fit {n} passages")
        table[f"{kind}_bigrams"] = Bigrams.from_arrays(list(stems[kind]), codes, indptr, indices)
    return table
