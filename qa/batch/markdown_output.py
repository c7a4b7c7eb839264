"""The .md output of :mod:`qa.batch`: a readable report whose sections end in hidden resume markers.

Everything a question or a passage holds is shown as inert text: no HTML, no hidden comment, no
terminal escape sequence survives into the report.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, unquote

from ..answer import ABSTAIN_TEXT
from ..errors import InputError
from ..printable import for_terminal
from ..question_text import shortened
from .cells import location_label, question_key
from .readers import Record
from .writers import Writer


class MarkdownWriter(Writer):
    """Readable report; each section ends with a hidden ``<!-- qa:id=… q=… -->`` marker (resume uses it).

    ``q=`` is the start of the question's key (:func:`question_key`), ``c=`` the corpus key
    (:func:`qa.manifest.corpus_key`); older reports lack them.
    """

    signature = b"# Hasil tanya-jawab\n"
    sections = 0  # sections found on resume: numbering goes on after them (``count`` is this run's)
    marker = re.compile(rb"<!-- qa:id=(\S*)(?: q=([0-9a-f]{16}))?(?: c=(\S+))? -->\r?\n")

    def __init__(self, path: Path, resume: bool) -> None:
        self.unsaid: dict[str, int] = {}  # id -> number of a section found with no notice and no error
        self.cut_before: list[int] = []  # the numbers of those whose question ``is_cut`` reads as cut
        super().__init__(path, resume)

    def scan(self, f: BinaryIO) -> int:
        keep, pos, tail, titled, bare = 0, 0, _Tail(1), False, True
        for n, raw in enumerate(f, 1):
            pos += len(raw)
            m = self.marker.fullmatch(raw)
            if m:
                rid, key = unquote(m.group(1).decode("ascii", "replace")), m.group(2)
                self.done[rid] = key.decode() if key else None
                if m.group(3):
                    self.sources.add(unquote(m.group(3).decode("ascii", "replace")))
                keep, self.sections, tail = pos, self.sections + 1, _Tail(n + 1)
                if bare:  # neither a notice nor an error: its question may have been cut unsaid (check)
                    self.unsaid[rid] = self.sections
                bare = True
            elif raw.rstrip(b"\r\n") == NOTED:  # an earlier resume's note: the sections above are said
                keep, tail, bare = pos, _Tail(n + 1), True
                self.unsaid.clear()
            elif n == 1 and raw == self.signature:
                titled, tail = True, _Tail(2)
            else:
                tail.add(n, raw)
                bare = bare and not raw.startswith((b"Catatan: ", b"**Galat** "))
        if keep or titled:  # else a title cut short, or not a report at all: the base class tells which
            self._check_tail(tail)
        return keep

    def _check_tail(self, tail: _Tail) -> None:
        """``--resume`` cuts what follows the last section (or the title); refuse unless that is a torn
        write of ours, the start of the next section (``\\n### N. …``, N its number) or blank lines.

        Notes a user appended after the last answer were cut with it: now they are refused, by line, and
        the file is left whole. Notes between sections are kept, as before (only the tail is cut)."""
        start = f"\n### {self.sections + 1}. ".encode()
        if tail.blank or any(tail.head.startswith(s) or s.startswith(tail.head) for s in (start, NOTE_START)):
            return
        raise InputError(
            f"{self.path}: line {tail.first_text} is not part of an answer qa wrote (notes added after the "
            "last answer?); refusing to resume into it, which would cut them",
            "move the notes to another file, then run the same command again; or write the answers to a "
            "new file",
        )

    def key(self, rec: Record) -> str:
        return question_key(rec.question)[:16]

    def check(self, rec: Record) -> None:
        """Also note a kept section with no notice and no error whose question ``is_cut`` reads as cut: a
        report written before section 125 never said so, and the question is the input's (key checked;
        a section of a report too old to hold its key, ``q=``, may have answered another: not noted)."""
        super().check(rec)
        number = self.unsaid.pop(rec.id, None)
        checked = self.done.get(rec.id) is not None
        if number is not None and checked and rec.error is None and self.is_cut is not None:
            with contextlib.suppress(InputError):  # refused: an error row, nothing was read
                if self.is_cut(str(rec.question)):
                    self.cut_before.append(number)

    def finish(self) -> None:
        """After the run: the note on older sections whose question was cut, once, after the last section."""
        if self.cut_before:
            self.write([])  # render() of no record: the note alone
            self.cut_before = []
        super().finish()

    def render(self, items: list[tuple[Record, dict | None]]) -> str:
        out = [self.signature.decode()] if self.fresh else []
        if not items and self.cut_before:
            out.append(_cut_before_note(self.cut_before))
        for n, (rec, result) in enumerate(items, self.sections + self.count + 1):
            question = " ".join((rec.question or "(tanpa pertanyaan)").split())
            question = _shown(shortened(question, 301))  # cut between two characters, then escaped
            out.append(f"\n### {n}. {question}\n\n")
            res = result or {}
            error = rec.error or res.get("error")
            ans = res.get("answer")
            if res.get("notice") and not error:  # first, as the page's card puts it: what follows answers
                # only the question's start (cut to the model's window), as the JSONL and the CSV say
                out.append(f"Catatan: {_plain(' '.join(str(res['notice']).split()))}\n\n")
            if error:
                out.append(f"**Galat** (baris {rec.line}): {_shown(' '.join(str(error).split()))}\n")
            elif res.get("abstained") or not ans:
                # the result's message says why (e.g. "Dokumen tidak menyebut lokasi kantor.")
                message = _shown(" ".join(str(res.get("message") or ABSTAIN_TEXT).split()))
                out.append(f"{message}\n\nKeyakinan: {_num(res.get('confidence'))}\n")
            else:
                lines = _plain(str(ans.get("text", ""))).splitlines()
                quoted = "".join(f"> {line}".rstrip() + "\n" for line in lines)
                source = " ".join(str(location_label(ans) or "").split()).replace("`", "'")
                out.append(f"{quoted or '>' + chr(10)}\nSumber: `{source}` · skor {_num(ans.get('score'))}")
                out.append(f" · keyakinan {_num(res.get('confidence'))}\n")
            # quoted like the id: a caller's own key ("v2 corpus") must not break the marker resume reads
            source = f" c={quote(self.source, safe='')}" if self.source else ""
            out.append(f"\n<!-- qa:id={quote(rec.id, safe='')} q={self.key(rec)}{source} -->\n")
        return "".join(out)


# A report resumed from one written before section 125: which of its sections answered a cut question,
# said once after the last section, with a marker of its own so a later resume neither cuts nor repeats it.
NOTE_START = b"\nCatatan tentang bagian sebelumnya: "
NOTED = b"<!-- qa:noted -->"


def _cut_before_note(numbers: list[int]) -> str:
    said = [str(n) for n in sorted(numbers)]
    listed = said[0] if len(said) == 1 else f"{', '.join(said[:-1])}{',' * (len(said) > 2)} dan {said[-1]}"
    return (
        f"{NOTE_START.decode()}pertanyaan bagian {listed} terlalu panjang; hanya bagian awalnya yang "
        "dipakai. Bagian itu ditulis oleh qa versi lama, yang belum mencatatnya di bawah judulnya.\n\n"
        f"{NOTED.decode()}\n"
    )


class _Tail:
    """What follows the last section marker: its start (enough to tell a torn section) and its first
    line holding text, read line by line without keeping a long tail in memory."""

    def __init__(self, line: int) -> None:
        self.head, self.blank, self.first_text = b"", True, line

    def add(self, n: int, raw: bytes) -> None:
        if len(self.head) < 4096:  # line ends as written: a report converted to CRLF (git, an editor) too
            self.head += raw[:4096].replace(b"\r\n", b"\n")
        if self.blank and raw.strip():
            self.blank, self.first_text = False, n


def _plain(text: str) -> str:
    """Text shown as text: ``<`` and ``&`` escaped, so a question or passage holding ``<!--`` cannot hide
    the rest of the rendered report, nor ``<img onerror=...>`` become live HTML in a Markdown viewer;
    control characters as ``\\xNN``, so ``cat report.md`` cannot run terminal escape sequences."""
    return for_terminal(text.replace("&", "&amp;").replace("<", "&lt;"))


# What makes inline Markdown of a line of text: emphasis, code, links and images, strikethrough, a table
# cell, an ATX heading's closing run, the escape itself. Block markers (a leading "#", ">", "-", "1.")
# are inert where the text is shown: after "### N. " or "(baris N): ", and a message opens with fixed words.
_MARKUP = re.compile(r"([\\`*_\[\]#~|])")


def _shown(text: str) -> str:
    """A user's text on one line of the report (a question in its heading, an error quoting it, a message
    naming its words): :func:`_plain`, and its Markdown punctuation backslash-escaped (CommonMark's escape
    of ASCII punctuation), so ``**kapan**``, `` `kode` ``, ``[tautan](…)`` or ``# judul`` show as typed
    instead of rendering as bold, code or a link. Resume reads only the markers, never these lines."""
    return _plain(_MARKUP.sub(r"\\\1", text))


def _num(value: object) -> str:
    try:
        return f"{float(value):.3f}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
