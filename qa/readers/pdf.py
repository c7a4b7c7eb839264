"""PDF via pypdf (BSD-3, pure Python): the text layer page by page, as paragraphs.

A PDF stores lines, not paragraphs, and the chunker ends a sentence at every line break, so lines
are joined back into paragraphs (a word hyphenated at a line end, or at a page's end, is joined; a
reduplication such as "anak-anak" or a compound such as "Asia-Pasifik" keeps its hyphen). A short
line without a full stop before a capital is a heading or a list entry ("BAB I PENDAHULUAN",
"Pasal 3") and stays a line of its own. Note markers set as superscripts are taken off the words
they follow (qa/readers/_pdftext.py); running headers and footers, printed page numbers and the
entries of a table of contents are dropped first (qa/readers/_pdfpages.py). A page is a section: its
number is the passage's location.
"""

from __future__ import annotations

import io
import logging
import re
from contextlib import contextmanager
from dataclasses import replace

from ..errors import CorpusError
from . import Extracted
from ._blocks import Blocks
from ._pdfcolumns import page_text
from ._pdfpages import EDGE_LINES, REPEATED_SHARE, drop_contents, drop_running_lines, is_leader_row
from ._pdftext import Run, draws_images, form_lines, page_runs, without_markers

SHORT_LINE = 0.8  # a line ending a sentence and shorter than this share of the page's widest line ends
#                   its paragraph
HEADING_LINE = 0.6  # a line shorter than this share that is followed by a capital or a digit ends its
#                     paragraph without punctuation (a wrapped line is close to the full width)
MAX_PAGE_CONTENT = 4 * 2**20  # bytes of (inflated) drawing instructions per page: see _content_size
MAX_DOCUMENT_CONTENT = 128 * 2**20  # and per document (a 1,000-page report has ~50 MB)
SETTINGS = {"edge_lines": EDGE_LINES, "repeated_share": REPEATED_SHARE, "short_line": SHORT_LINE,
            "heading_line": HEADING_LINE}  # fmt: skip
_PARAGRAPH_END = re.compile(r"[.!?:…][\"'”’)\]]*$")
_CLAUSE_END = re.compile(r"[.!?,;…][\"'”’)\]]*$")
_LIST_ITEM = re.compile(r"(?:[•●▪◦■\-–—*]|\(?(?:\d{1,3}|[a-zA-Z])[.)])\s")
# hyphen-minus, the typographic hyphens (U+2010, and U+2011 that NFKC makes one) and the soft hyphen
_HYPHENATED = re.compile(r"(\w+)[-\u2010\u2011\u00ad]$")
_WORD = re.compile(r"\w+")
_NOTE = re.compile(r"(\d{1,3})\s*[^\W\d_]")  # a note's line: its number, then a word


def _join(para: str, line: str) -> str:
    m = _HYPHENATED.search(para)
    if m is None:
        return f"{para} {line}"
    head, nxt = m.group(1), _WORD.match(line)
    tail = nxt.group() if nxt else ""
    reduplication = tail == head or (len(tail) >= 3 and head.endswith(tail))  # "berlari-" + "lari"
    if para.endswith("\u00ad") or (line[:1].islower() and not reduplication):
        return para[:-1] + line  # hyphenated at the line end: "perjalan-" + "an" -> "perjalanan"
    return para + line  # a compound or a reduplication: "Asia-" + "Pasifik", "anak-" + "anak"


def join_across_pages(pages: list[list[str]]) -> list[list[str]]:
    """A word hyphenated at the end of a page joined as at a line end: the rest of it moves up from the
    next page's first line ("kerja-" + "sama," -> "kerjasama,"; "sehari-" + "hari" keeps its hyphen, and
    so does a capitalised compound, "Asia-" + "Pasifik", see ``_compound``). Run after the running
    lines are dropped, so the page's last line is its text, not its footer."""
    out = [list(lines) for lines in pages]
    for page, following in zip(out, out[1:], strict=False):
        last = max((i for i, line in enumerate(page) if line), default=None)
        first = min((i for i, line in enumerate(following) if line), default=None)
        if last is None or first is None or not _HYPHENATED.search(page[last]):
            continue
        word, *rest = following[first].split(maxsplit=1)
        soft = page[last].endswith("\u00ad")
        if not (soft or word[:1].islower() or _compound(page[last], following, first)):
            continue  # a list item opens with its bullet, a heading with a capital
        page[last] = _join(page[last], word)
        following[first] = rest[0] if rest else ""
    return out


def _compound(last: str, following: list[str], first: int) -> bool:
    """A capitalised word hyphenated at a page's end whose rest opens the next page with a capital
    ("Asia-" + "Pasifik", "Jawa-" + "Bali"), or any word whose rest is a number ("COVID-" + "19").
    Unless the next page opens with a list item, a heading or a running header the pages do not share
    ("Asia-" + "Bab 3 Pelaksanaan"): a line too short for the page's text before a capital or a digit,
    as ``paragraphs`` ends a heading; a line ending a clause or a sentence ("Pasifik." before the next
    paragraph) is text, not a heading."""
    m = _HYPHENATED.search(last)
    line = following[first]
    if m is None or _LIST_ITEM.match(line):
        return False
    if not (line[:1].isdigit() or (line[:1].isupper() and m.group(1)[:1].isupper())):
        return False  # a digit goes on any word: "COVID-" + "19", "H-" + "30", "2020-" + "2021"
    after = next((text for text in following[first + 1 :] if text), "")
    width = max(len(text) for text in following)
    return _CLAUSE_END.search(line) is not None or not _is_heading(line, after, width)


def _is_heading(line: str, after: str, width: int) -> bool:
    """``line`` shorter than ``HEADING_LINE`` of ``width`` (the page's widest line), ``after`` it a line
    opening with a capital or a digit."""
    return len(line) < HEADING_LINE * width and (after[:1].isupper() or after[:1].isdigit())


def paragraphs(lines: list[str], notes: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Join a page's lines into paragraphs: a blank line, a list item, a short line ending a sentence,
    a shorter one before a capital (a heading) ends one; a row ending in a dot leader and a number is
    one of its own, and so is a note (a line opening with the number of a marker in ``notes``) after
    a sentence's end (two notes ran together as one paragraph, "... saksi. 3 Atau konsulat ...")."""
    width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    para = ""
    for i, line in enumerate(lines):
        note = para and _PARAGRAPH_END.search(para) and _note_number(line) in notes
        if not line or (para and (_LIST_ITEM.match(line) or is_leader_row(line) or note)):
            if para:
                out.append(para)
            para = ""
            if not line:
                continue
        para = _join(para, line) if para else line
        ends = (_PARAGRAPH_END.search(line) and len(line) < SHORT_LINE * width) or is_leader_row(line)
        after = lines[i + 1] if i + 1 < len(lines) else ""
        if ends or (_is_heading(line, after, width) and not _HYPHENATED.search(line)):
            out.append(para)
            para = ""
    if para:
        out.append(para)
    return out


def _note_number(line: str) -> str | None:
    found = _NOTE.match(line)
    return found.group(1) if found else None


@contextmanager
def _quiet_pypdf():
    """pypdf logs every repair it makes to a broken file; our error (or success) says what matters.
    Its "errors" are repairs too (an unknown font encoding: a 3 kB line with the whole substitute table,
    once per font and page, on the terminal of ``qa index``); a failure it cannot repair is raised."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _open(raw: bytes, name: str):
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
    except Exception as exc:  # pypdf raises many types for broken files; all mean "cannot read"
        raise CorpusError(f"corpus file {name} is not a readable PDF ({exc})") from None
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # "restrictions only" PDFs open with the empty password
        except DependencyError:
            raise CorpusError(
                f"corpus file {name} is an AES-encrypted PDF", "install the cryptography package"
            ) from None
        except Exception as exc:
            reason = f"corpus file {name} is an encrypted PDF that cannot be opened ({exc})"
            raise CorpusError(reason) from None
        if not opened:
            raise CorpusError(
                f"corpus file {name} is password-protected (encrypted PDF)",
                "put an unprotected copy in the corpus (e.g. qpdf --decrypt --password=... in.pdf out.pdf)",
            )
    return reader


def _content_size(page, name: str, number: int) -> int:
    """Refuse a page whose drawing instructions pypdf would take minutes to walk. Text extraction
    costs about 50 us per operator: a 5 kB file holding 400,000 text operators took 20-30 s, and a
    page may inflate to 75 MB (pypdf's own limit), hours for a file of a few pages. A page of dense
    text is 5-100 kB of instructions; its Form XObjects are counted too (extraction walks them)."""
    size = len(page.get_contents().get_data()) if page.get_contents() is not None else 0
    xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
    for ref in xobjects.values():
        form = ref.get_object()
        if form.get("/Subtype") == "/Form":
            size += len(form.get_data())
    if size > MAX_PAGE_CONTENT:
        raise CorpusError(
            f"corpus file {name}: page {number} holds {size / 2**20:.0f} MB of drawing instructions (at "
            f"most {MAX_PAGE_CONTENT / 2**20:.0f} MB a page are read): too slow to extract text from",
            "print it to a new PDF, or export its text as .txt",
        )
    return size


def read(raw: bytes, name: str) -> Extracted:
    with _quiet_pypdf():
        return _read(raw, name)


def _read(raw: bytes, name: str) -> Extracted:
    reader = _open(raw, name)
    pages: list[list[str]] = []
    drawn: list[tuple[str, list[Run] | None]] = []  # each page's text and its runs
    forms: list[list[str]] = []  # each page's filled form fields, "label: value"
    scanned: list[int] = []  # pages that are pictures without text: scans
    total = 0
    try:
        for page in reader.pages:
            total += _content_size(page, name, len(drawn) + 1)
            if total > MAX_DOCUMENT_CONTENT:
                raise CorpusError(
                    f"corpus file {name} holds over {MAX_DOCUMENT_CONTENT / 2**20:.0f} MB of drawing "
                    f"instructions by page {len(drawn) + 1}: too slow to extract text from",
                    "split it into smaller PDFs, or export its text as .txt",
                )
            drawn.append(page_runs(page))
            forms.append(form_lines(page))
            if not drawn[-1][0].strip() and not forms[-1] and draws_images(page):
                scanned.append(len(drawn))
    except CorpusError:
        raise
    except Exception as exc:
        raise CorpusError(f"corpus file {name}: page {len(drawn) + 1} cannot be read ({exc})") from None
    kept, notes = without_markers(drawn)
    for (text, _), runs in zip(drawn, kept, strict=True):
        pages.append([line.strip() for line in (text if runs is None else page_text(runs)).splitlines()])
    if not pages:
        raise CorpusError(f"corpus file {name} is a PDF without pages", "export the document to PDF again")
    if not any(line for lines in pages + forms for line in lines):
        raise CorpusError(
            f"corpus file {name} has no text layer ({len(pages)} page(s) of images or nothing)",
            "run OCR on it first, e.g. ocrmypdf scan.pdf text.pdf",
        )
    if 2 * len(scanned) > len(pages):  # mostly a scan: the few typed pages would pass for the whole
        raise CorpusError(
            f"corpus file {name}: {len(scanned)} of its {len(pages)} pages are images with no text "
            f"(a scan? pages {_pages(scanned)})",
            "run OCR on it first, e.g. ocrmypdf --skip-text scan.pdf text.pdf; if those pages are photographs"
            " without words (a brochure), keep its pages with text: qpdf in.pdf --pages . 1,4 -- out.pdf",
        )  # OCR finds no words in a photograph: naming only OCR left such a file refused after it
    blocks = Blocks()
    texts = [drop_contents(lines, len(pages)) for lines in drop_running_lines(pages)]
    joined = join_across_pages(texts)
    for number, (lines, answers, noted) in enumerate(zip(joined, forms, notes, strict=True), start=1):
        for para in paragraphs(lines, noted) + answers:  # a form's answers after the page's text, one a line
            blocks.add(para, page=number)
    extracted = blocks.build(name, "holds only running headers, footers and page numbers")
    if not scanned:
        return extracted
    one = len(scanned) == 1
    note = (
        f"corpus file {name}: page{'' if one else 's'} {_pages(scanned)} of its {len(pages)} "
        f"{'holds' if one else 'hold'} only images, no text (scanned?), and {'is' if one else 'are'} not "
        f"read; OCR reads any words on {'it' if one else 'them'}: ocrmypdf --skip-text in.pdf out.pdf"
    )  # a photograph or a signed page among typed ones: the rest is read, and the host told what is not
    return replace(extracted, warnings=(note,))


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:5]))
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
