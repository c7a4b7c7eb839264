"""Readers: one per document format, each turning a file's bytes into text with its structure.

Every reader returns an ``Extracted``: the text the chunker splits (one block of the document per
line, so a sentence never runs from a heading into the paragraph under it, or across a page) and the
``Section`` spans that say where each part of that text came from (page of a PDF, heading path of a
Markdown, Word or HTML document). Offsets of passages are exact against this text, and a reader is
deterministic for given bytes and library versions, so the text is re-derived from the file at load
time (the manifest holds the file's hash and the readers' versions) instead of being stored twice.
Its ``warnings`` say what a reader read the document without (a PDF's few scanned pages): refusing
the file would block a build over a photograph, and silence would pass the rest off as the whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import PurePosixPath

HEADING_SEPARATOR = " › "


@dataclass(frozen=True)
class Section:
    """A span of the extracted text with one location: its page (PDF) or its heading path."""

    start: int
    end: int
    page: int | None = None  # 1-based physical page number
    headings: tuple[str, ...] = ()  # outermost first: ("Cuti", "Visa")


@dataclass(frozen=True)
class Location:
    """Where a passage sits in its document, for people: ``label`` reads "cuti.pdf, halaman 3"."""

    doc: str
    page: int | None = None
    headings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.page is not None:
            return f"{self.doc}, halaman {self.page}"
        return HEADING_SEPARATOR.join((self.doc, *self.headings))

    def to_dict(self) -> dict:
        return {"label": self.label, "page": self.page, "headings": list(self.headings)}


@dataclass(frozen=True)
class Extracted:
    """A document's text as the chunker sees it, with the sections that locate its parts."""

    text: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    warnings: tuple[str, ...] = ()  # what the reader read without (a PDF's scanned pages), for the build


@dataclass(frozen=True)
class Reader:
    """A format's reader: its module (``read(raw, name) -> Extracted``) and what the manifest records."""

    module: str  # qa.readers.<module>
    library: str | None  # the distribution whose version changes the output
    version: str  # our own extraction rules; bump when they change

    def read(self, raw: bytes, name: str) -> Extracted:
        """The reader's reading; when it refuses the file and the bytes are of another kind than the
        name says (an HTML page saved as .pdf, an .odt renamed .docx), the refusal names that kind."""
        from ..errors import CorpusError

        fn: Callable[[bytes, str], Extracted] = import_module(f"{__name__}.{self.module}").read
        try:
            return fn(raw, name)
        except CorpusError:
            from ._sniff import mismatch

            found = mismatch(raw, name)
            if found is None:
                raise
            raise CorpusError(*found) from None

    def describe(self) -> dict:
        from importlib.metadata import PackageNotFoundError, version

        out: dict = {"reader": f"{self.module}-{self.version}"}
        settings = getattr(import_module(f"{__name__}.{self.module}"), "SETTINGS", None)
        if settings:
            out["settings"] = dict(settings)
        if self.library:
            try:
                out["library"] = f"{self.library} {version(self.library)}"
            except PackageNotFoundError:
                out["library"] = f"{self.library} (not installed)"
        return out


READERS: dict[str, Reader] = {
    ".txt": Reader("text", None, "v3"),
    ".md": Reader("markdown", "markdown-it-py", "v15"),
    ".markdown": Reader("markdown", "markdown-it-py", "v15"),
    ".pdf": Reader("pdf", "pypdf", "v14"),
    ".docx": Reader("docx", "python-docx", "v8"),
    ".html": Reader("html", "trafilatura", "v16"),
    ".htm": Reader("html", "trafilatura", "v16"),
}
SUFFIXES = tuple(READERS)


def reader_for(name: str) -> Reader | None:
    return READERS.get(PurePosixPath(name).suffix.lower())


def describe_readers(names: list[str]) -> dict[str, dict]:
    """Manifest entry: reader and library version per format present among ``names``."""
    suffixes = sorted({PurePosixPath(n).suffix.lower() for n in names} & set(READERS))
    return {s: READERS[s].describe() for s in suffixes}
