"""Find and read the documents of a corpus folder.

Every UTF-8 ``.txt`` / ``.md`` file below the folder is a document whose id is its path
relative to the folder (with ``/``), so ids are stable across machines. A file we cannot
use stops the build with a message naming it: silently skipping part of a corpus would
make answers quietly worse, which is harder on a user than a clear error.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError

SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    sha256: str


def find_documents(corpus_dir: Path) -> list[Path]:
    """All document files below ``corpus_dir``, sorted; hidden files and folders are ignored."""
    if not corpus_dir.exists():
        raise CorpusError(
            f"corpus folder {corpus_dir} does not exist",
            "create it and put .txt or .md files in it, or point --corpus / QA_CORPUS elsewhere",
        )
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus path {corpus_dir} is not a folder")
    paths = [
        p
        for p in corpus_dir.rglob("*")
        if p.suffix.lower() in SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    ]
    if not paths:
        raise CorpusError(f"corpus folder {corpus_dir} holds no .txt or .md file")
    return sorted(paths, key=lambda p: p.relative_to(corpus_dir).as_posix())


def read_document(path: Path, doc_id: str) -> Document:
    """Read one file strictly: binary, non-UTF-8 and empty files are refused by name."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read corpus file {doc_id}: {exc.strerror or exc}") from None
    if b"\x00" in raw:
        raise CorpusError(
            f"corpus file {doc_id} looks binary (it contains NUL bytes)",
            "only UTF-8 text files (.txt, .md) can be documents",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"corpus file {doc_id} is not valid UTF-8 (byte {exc.start})",
            "convert it, e.g. iconv -f latin1 -t utf-8",
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise CorpusError(f"corpus file {doc_id} is empty", "add text to it or remove it from the corpus")
    return Document(doc_id, text, "sha256:" + hashlib.sha256(raw).hexdigest())


def iter_corpus(corpus_dir: Path) -> Iterator[Document]:
    for path in find_documents(corpus_dir):
        yield read_document(path, path.relative_to(corpus_dir).as_posix())


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every document of the corpus, in id order."""
    return list(iter_corpus(corpus_dir))
