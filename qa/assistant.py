"""``Assistant``: the one core object the CLI, the web UI and the API all call.

It opens the index once (building it when missing or stale, if allowed), keeps the
encoder warm, and answers questions one at a time or in batches.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from .abstention import VAGUE_TEXT, missing_reason
from .answer import Passage, Result, highlight_spans
from .config import Settings
from .errors import InputError
from .question_text import SCAN_CHARS as SCAN_CHARS  # re-exported: the CLI, UI and batch read them here
from .question_text import clean_question as clean_question
from .question_text import whole_words as whole_words
from .reading import Reading, is_cut, read_question

if TYPE_CHECKING:  # for the annotations only: numpy and faiss stay lazy imports
    import numpy as np

    from .embedding import Encoder
    from .question import QuestionInfo
    from .rerank import TrustedSearch
    from .spelling import Speller

DEFAULT_K = 3
DISPLAY_WINDOW = 2  # neighbour sentences (across lines) shown around a passage when it is expanded
MAX_K = 20
BUILD_POLICIES = ("auto", "never", "force")
TOO_LONG = "Pertanyaan terlalu panjang; hanya bagian awalnya yang dipakai."


def warning_line(note: str) -> str:
    """A reader's warning as logged, its file name made printable."""
    from .printable import for_terminal

    return f"warning: {for_terminal(note)}"


class Assistant:
    """Answers questions about the documents of one corpus from its index."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        build: str = "auto",
        encoder: Encoder | None = None,
        threshold: float | None = None,
        log: Callable[[str], None] | None = None,
        read_only: bool = False,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        """``build``: whether a missing or stale index is built (``BUILD_POLICIES``). ``read_only``
        (``qa info``; with ``build="never"``) writes nothing at all, not even the passage-table cache a
        Milvus store keeps in the index folder: an information command leaves the disk as it was. It
        also defers the reranker's passage table (30 s at 100k Milvus passages without the cache) to the
        first question, which ``qa info`` never asks; the model files are read and checked at every open.
        ``warn`` is told what a reader read a document without (a PDF's scanned pages; logged by
        default): a server reopening its index tells each once, not at every reopen."""
        from .answerability import Answerability
        from .calibration import load_threshold, models_key, store_key
        from .corpus import load_corpus
        from .embedding import make_encoder
        from .indexing import passage_text
        from .opening import open_or_build
        from .rerank import RerankModel
        from .retrieval import Retriever

        if build not in BUILD_POLICIES:
            raise ValueError(f"build must be one of {BUILD_POLICIES}")
        if read_only and build != "never":
            raise ValueError('read_only opens with build="never"')
        self.read_only = read_only
        self.settings = settings or Settings.from_env()
        self.log = log or (lambda msg: print(msg, file=sys.stderr))
        # The shipped models first (a few milliseconds): a damaged or mismatched file is refused before the
        # encoder loads or an index is built, and by every open, ``qa info``'s read-only one included.
        self.answerability = Answerability()  # the confidence of an answer, and its default threshold
        self.rerank_model = RerankModel.load()
        self.encoder = encoder or make_encoder(self.settings, self.log)
        # what a reader read a document without (a PDF's scanned pages), its file name made printable
        documents = load_corpus(self.settings.corpus_dir, warn or (lambda n: self.log(warning_line(n))))
        self.warnings = tuple(note for doc in documents for note in doc.warnings)
        self.documents = {doc.id: doc for doc in documents}
        self.index = open_or_build(self.settings, self.encoder, self.documents, build, self.log, read_only)
        texts = [passage_text(c, self.documents) for c in self.index.chunks]
        self.rows: dict[str, tuple[int, int]] = {}  # each document's passages are consecutive rows
        for row, chunk in enumerate(self.index.chunks):
            self.rows[chunk.doc] = (self.rows.get(chunk.doc, (row, row))[0], row + 1)
        self.retriever = Retriever(self.index, texts)
        self._search_lock = threading.Lock()
        self._search: TrustedSearch | None = None if read_only else self._reranker()
        self.threshold = (
            load_threshold(
                self.settings.index_dir,
                self.index.manifest["encoder"],
                default=self.answerability.threshold,
                store=store_key(self.settings),
                models=lambda: models_key(self.answerability.model, self.rerank_model.model),
                note=lambda msg: self.log(warning_line(msg)),
            )
            if threshold is None
            else threshold
        )

    @property
    def search(self) -> TrustedSearch:
        """Reranks the fused candidates and gives the probability that the corpus answers (the
        confidence); built at the open, or at the first question of a read-only assistant."""
        with self._search_lock:
            if self._search is None:
                self._search = self._reranker()
            return self._search

    def _reranker(self) -> TrustedSearch:
        from .rerank import TrustedSearch

        return TrustedSearch(self.retriever, answerability=self.answerability, rerank_model=self.rerank_model)

    def ask(self, question: str, k: int = DEFAULT_K, doc: str | None = None) -> Result:
        """Answer one question with its top-``k`` passages (abstaining when the document is silent)."""
        return self.ask_many([question], k, doc)[0]

    def document_id(self, name: str) -> str:
        """The id of the document ``name`` names: its id, its path on disk (what a shell completes,
        ``corpus/sub/a.md``), or a file name only one document has. A name written as a path into the corpus
        (``./a.md``, ``../a.md``, ``/srv/corpus/a.md``) is that path only, not an id of the same spelling."""
        from .paths import document_named

        return document_named(name, self.rows, os.path.abspath(self.settings.corpus_dir))

    def ask_many(self, questions: Sequence[str], k: int = DEFAULT_K, doc: str | None = None) -> list[Result]:
        """Answer several questions with one encoder call and one search per channel.

        ``doc`` limits the answers to one document (any name ``document_id`` takes: its id, its path, or
        its file name when that is unique).
        """
        if not 1 <= k <= MAX_K:
            raise InputError(f"k must be between 1 and {MAX_K}, got {k}")
        rows = None if doc is None else self.rows[self.document_id(doc)]
        readings = [self.read(raw) for raw in questions]
        asked = [r for r in readings if not r.vague]
        texts, facts = [r.searched for r in asked], [r.info for r in asked]
        found = self.search.search(texts, self.query_vectors(texts, rows), k, rows, facts) if asked else []
        rankings = iter(found)
        return [
            Result(r.shown, True, 0.0, [], TOO_LONG if r.cut else None, reason=VAGUE_TEXT)
            if r.vague
            else self._result(r.shown, r.searched, next(rankings), TOO_LONG if r.cut else None, r.info)
            for r in readings
        ]

    def query_vectors(self, texts: Sequence[str], rows: tuple[int, int] | None = None) -> np.ndarray:
        """The dense channel's vectors of the searched ``texts`` (``qa.shared_words``), read without the
        words shared by most of the passages searched: one document's ``rows`` under ``doc=``."""
        from .shared_words import query_vectors

        return query_vectors(self.encoder.encode_queries, texts, self.index.lexical.shared_in(rows))

    def read(self, question: object) -> Reading:
        """What the models read of ``question`` over this corpus (``qa.reading``); training reads its
        stored questions through this same call, so the models learn what they are asked."""
        return read_question(question, self.encoder.truncate, self.speller)

    def is_cut(self, question: object) -> bool:
        """``read(question).cut`` without the speller and the analysis (``qa.reading.is_cut``): a resumed
        report asks it of every older section, so it reads with this encoder's window as ``read`` does."""
        return is_cut(question, self.encoder.truncate)

    @cached_property
    def speller(self) -> Speller:
        """The corpus's words, for reading a misspelt question word as one of them (built on first use)."""
        from .spelling import Speller

        texts = (doc.text for doc in self.documents.values())
        return Speller(texts, self.index.lexical.term_postings()[0])

    def _result(
        self, shown: str, question: str, found: tuple, notice: str | None, info: QuestionInfo
    ) -> Result:
        """The result for ``shown`` (what the user asked) from the search of ``question`` (its part the
        models read, and ``info`` its analysis: highlights and what is missing come from them)."""
        ranking, conf = found  # the reranked hits and the answerability probability
        passages = []
        for rank, hit in enumerate(ranking.hits, start=1):
            chunk = self.index.chunks[hit.row]
            text = self.retriever.passage_texts[hit.row]
            start, end = self.context_span(hit.row)
            passages.append(
                Passage(
                    rank=rank,
                    chunk_id=chunk.chunk_id,
                    source=chunk.doc,
                    text=text,
                    score=hit.score,
                    start=chunk.context_start,
                    end=chunk.context_end,
                    sentence_start=chunk.start - chunk.context_start,
                    sentence_end=chunk.end - chunk.context_start,
                    dense_score=hit.dense_score,
                    lexical_score=hit.lexical_score,
                    window_score=hit.window_score,
                    matched_by=hit.matched_by,
                    context=self.documents[chunk.doc].text[start:end],
                    context_start=start,
                    context_end=end,
                    highlights=highlight_spans(question, text),
                    location=self.documents[chunk.doc].locate(chunk.start).to_dict(),
                )
            )
        if not passages:
            return Result(shown, True, 0.0, passages, notice)
        abstained = conf < self.threshold
        known = set(self.index.lexical.query_terms(question)) if abstained else set()
        vocab = self.index.lexical.term_postings()[0] if abstained else None
        reason = missing_reason(question, known, info, vocab) if abstained else None
        return Result(shown, abstained, conf, passages, notice, reason=reason)

    def context_span(self, row: int, n: int = DISPLAY_WINDOW) -> tuple[int, int]:
        """Offsets of a passage with ``n`` neighbour sentences each side, across lines, same document."""
        chunks, c = self.index.chunks, self.index.chunks[row]
        lo = next(i for i in range(max(0, row - n), row + 1) if chunks[i].doc == c.doc)
        hi = next(i for i in range(min(len(chunks) - 1, row + n), row - 1, -1) if chunks[i].doc == c.doc)
        return min(c.context_start, chunks[lo].start), max(c.context_end, chunks[hi].end)

    def info(self) -> dict:
        """What the Tentang tab and ``qa info`` show: documents, model, runtime, build stamp."""
        from .milvus.target import parse_store

        m = self.index.manifest
        local = parse_store(self.settings.store).kind == "local"  # " local " from an env file is local too
        return {
            "documents": sorted(self.documents),
            "passages_per_document": {d: hi - lo for d, (lo, hi) in sorted(self.rows.items())},
            "passages": len(self.index.chunks),
            "encoder": m["encoder"],
            "build": m["build"],
            "chunking": m["chunking"],
            "index_dir": str(self.settings.index_dir) if local else None,
            "store": self.settings.store,
            "threshold": self.threshold,
        }
