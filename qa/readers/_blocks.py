"""Shared by the structured readers: the text is built block by block, one block per line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..errors import CorpusError
from . import Extracted, Section

_TRAILING = re.compile(r"[\s.;,:]+$")


class Blocks:
    """Collects blocks (paragraphs, list items, table rows) with their location into an ``Extracted``.

    Each block becomes one line with its white space collapsed, so line breaks, which the chunker
    always treats as sentence and paragraph ends, fall exactly between blocks; consecutive blocks with
    the same location share a ``Section``.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.sections: list[Section] = []
        self.pos = 0

    def add(self, text: str, *, page: int | None = None, headings: Sequence[str] = ()) -> None:
        text = " ".join(text.split())
        if not text:
            return
        if self.parts:
            self.parts.append("\n")
            self.pos += 1
        start, headings = self.pos, tuple(headings)
        self.parts.append(text)
        self.pos += len(text)
        last = self.sections[-1] if self.sections else None
        if last is not None and last.page == page and last.headings == headings:
            self.sections[-1] = Section(last.start, self.pos, page, headings)
        else:
            self.sections.append(Section(start, self.pos, page, headings))

    def build(self, name: str, empty_reason: str = "holds no text") -> Extracted:
        if not self.parts:
            hint = "add text to it or remove it from the corpus"
            raise CorpusError(f"corpus file {name} {empty_reason}", hint)
        return Extracted("".join(self.parts), tuple(self.sections))


def clean_cell(text: str) -> str:
    return _TRAILING.sub("", " ".join(text.split()))


def row_sentence(header: Sequence[str], cells: Sequence[str]) -> str:
    """A table row as a sentence naming its columns: "Jenis: Visa diplomatik; Batas: H-30."

    A row read on its own ("| Visa diplomatik | H-30 |") says nothing a question can match; with the
    column names it reads as a statement. Empty cells are left out, a cell without a header stands alone.
    """
    parts = []
    for i, cell in enumerate(cells):
        value = clean_cell(cell)
        if not value:
            continue
        name = clean_cell(header[i]) if i < len(header) else ""
        parts.append(f"{name}: {value}" if name and name != value else value)
    return "; ".join(parts) + "." if parts else ""


def table_sentences(rows: Sequence[Sequence[str]], has_header: bool) -> list[str]:
    """Sentences for a table's body rows (the header row names the columns instead of being a row)."""
    if not rows:
        return []
    header, body = (list(rows[0]), rows[1:]) if has_header else ([], rows)
    if has_header and not body:  # a one-row table: its cells are the content
        header, body = [], rows
    return [s for s in (row_sentence(header, r) for r in body) if s]


def definition_sentences(entries: Iterable[tuple[bool, str]]) -> list[str]:
    """A definition list (``(is_term, text)`` in order) as sentences naming their term, like a table row:
    "Visa: Izin masuk ke negara lain." A definition read without its term matches no question about it."""
    out: list[str] = []
    term, pending = "", False  # pending: a term not yet used by a definition
    for is_term, text in entries:
        if not text:
            continue
        if is_term:
            term, pending = (f"{term}, {text}" if pending else text), True
        else:
            out.append(f"{clean_cell(term)}: {text}" if term else text)
            pending = False
    if pending:
        out.append(term)
    return out
