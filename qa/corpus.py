"""Find and read the documents of a corpus folder.

Every file below the folder with a supported extension (``.txt``, ``.md``, ``.pdf``, ``.docx``,
``.html``; see ``qa.readers``) is a document whose id is its path relative to the folder (with ``/``),
so ids are stable across machines. A file we cannot use stops the build with a message naming it and
the reason, and so does a file of a type we do not read: silently skipping part of a corpus would make
answers quietly worse, which is harder on a user than a clear error. Hidden files and folders (a
leading ``.``) and Office's ``~$`` owner files are not part of the corpus. Symbolic links are followed
(qa/corpusfiles.py), and the text is normalised as questions are (qa/normalize.py).
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .about import ABOUT_FILE
from .corpusfiles import visible_files
from .errors import CorpusError
from .normalize import normalize_sections, normalize_text
from .paths import in_working_folder, refusal
from .printable import shown_name
from .readers import SUFFIXES, Location, Section, reader_for

# Files in the corpus folder that describe it rather than being documents (the corpus description of
# issue 13 goes here once it has a name); they are neither read as documents nor refused.
NOT_DOCUMENTS: frozenset[str] = frozenset({ABOUT_FILE})


@dataclass(frozen=True)
class Document:
    """A document as the chunker sees it: ``text`` is the extracted text (the file itself for .txt)."""

    id: str
    text: str
    sha256: str  # of the file's bytes: a changed file makes its index stale
    sections: tuple[Section, ...] = ()
    warnings: tuple[str, ...] = ()  # what its reader read it without (a PDF's scanned pages)

    def locate(self, offset: int) -> Location:
        """Where the character at ``offset`` of ``text`` came from: page or heading path."""
        i = bisect.bisect_right([s.start for s in self.sections], offset) - 1
        if i < 0:
            return Location(self.id)
        return Location(self.id, self.sections[i].page, self.sections[i].headings)


def _supported() -> str:
    return ", ".join(SUFFIXES)


def find_documents(corpus_dir: Path) -> list[Path]:
    """All document files below ``corpus_dir``, sorted; a visible file of another type is refused."""
    refused = refusal(corpus_dir)
    if refused:
        hint = "check the path given with --corpus / QA_CORPUS"
        raise CorpusError(f"corpus folder {corpus_dir} cannot be used: {refused}", hint)
    if not corpus_dir.exists():
        raise CorpusError(
            f"corpus folder {corpus_dir} does not exist{in_working_folder(corpus_dir)}",
            f"create it and put documents ({_supported()}) in it, or point --corpus / QA_CORPUS elsewhere",
        )
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus path {corpus_dir} is not a folder")
    paths = []
    for p in visible_files(corpus_dir):  # links followed; dangling links, loops, FIFOs refused by name
        rel = p.relative_to(corpus_dir)
        if reader_for(p.name) is None:
            if rel.as_posix() in NOT_DOCUMENTS:
                continue
            raise CorpusError(
                f"corpus file {shown_name(rel.as_posix())} is of a type that cannot be read "
                f"({p.suffix.lower() or 'no extension'})",
                f"documents can be {_supported()}; convert it, or move it out of the corpus folder "
                "(names starting with '.' are ignored)",
            )
        paths.append(p)
    if not paths:
        raise CorpusError(f"corpus folder {corpus_dir} holds no document ({_supported()})")
    return sorted(paths, key=lambda p: p.relative_to(corpus_dir).as_posix())


def read_document(path: Path, doc_id: str) -> Document:
    """Read and extract one file strictly: unreadable, empty or malformed files are refused by name (a
    name with a newline or a tab quoted, as ``qa ask`` shows it: the message split at it, section 166)."""
    name = shown_name(doc_id)
    reader = reader_for(path.name)
    if reader is None:
        raise CorpusError(f"corpus file {name} is of a type that cannot be read", f"use {_supported()}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read corpus file {name}: {exc.strerror or exc}") from None
    try:
        extracted = reader.read(raw, doc_id)
    except CorpusError as exc:  # the readers name the file by its id, which they also read its type from
        exc.message = _named(exc.message, doc_id, name)
        exc.args = (exc.message,)
        raise
    except Exception as exc:  # a parsing library failing on a hostile or broken file: still that file's error
        raise CorpusError(
            f"corpus file {name} could not be read ({type(exc).__name__}: {exc})",
            "open and re-save it, convert it to another supported format, or remove it from the corpus",
        ) from None
    # Offsets (chunks, sections) point into the normalised text; the hash stays of the raw bytes.
    text, sections = normalize_sections(extracted.text, extracted.sections)
    sections = tuple(replace(s, headings=_headings(s.headings)) if s.headings else s for s in sections)
    if not text.strip():
        raise CorpusError(f"corpus file {name} is empty", "add text to it or remove it from the corpus")
    digest = "sha256:" + hashlib.sha256(raw).hexdigest()
    return Document(
        doc_id, text, digest, sections, tuple(_named(w, doc_id, name) for w in extracted.warnings)
    )


def _named(said: str, doc_id: str, name: str) -> str:
    """A reader's message or warning (``corpus file <id> …``) with the file's name as messages show it."""
    return said.replace(f"corpus file {doc_id}", f"corpus file {name}", 1)


def _headings(headings: tuple[str, ...]) -> tuple[str, ...]:
    """A heading path normalised as the text is: a heading is printed under every answer it locates, so
    an escape sequence in it (a Markdown or Word heading keeps it) must not reach the terminal, nor a
    zero-width character split its words."""
    cleaned = (" ".join(normalize_text(h).split()) for h in headings)
    return tuple(h for h in cleaned if h)


def iter_corpus(corpus_dir: Path) -> Iterator[Document]:
    for path in find_documents(corpus_dir):
        yield read_document(path, path.relative_to(corpus_dir).as_posix())


def load_corpus(corpus_dir: Path, warn: Callable[[str], None] | None = None) -> list[Document]:
    """Every document of the corpus, in id order; ``warn`` is told what a reader read a document without
    (a PDF's few scanned pages), each warning once, as the documents are read."""
    documents = list(iter_corpus(corpus_dir))
    if warn is not None:
        for note in (note for document in documents for note in document.warnings):
            warn(note)
    return documents
