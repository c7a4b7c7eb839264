"""PDF via pypdf (BSD-3, pure Python): the text layer page by page, as paragraphs.

A PDF stores lines, not paragraphs, and the chunker ends a sentence at every line break, so lines
are joined back into paragraphs (qa/readers/_pdflines.py). Note markers set as superscripts are taken
off the words they follow, footnotes' and endnotes' alike (qa/readers/_pdftext.py); the space a page
leaves between paragraphs, lost in pypdf's text, and columns drawn line across line are read from
the runs' places (qa/readers/_pdfcolumns.py); running headers and footers, printed page numbers and
the entries of a table of contents are dropped (qa/readers/_pdfpages.py). A page is a section: its
number is the passage's location. A few scanned pages among typed ones are named in a warning.
"""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from dataclasses import replace

from ..errors import CorpusError
from . import Extracted
from ._blocks import Blocks
from ._pdfcolumns import page_text
from ._pdflines import HEADING_LINE, SHORT_LINE, join_across_pages, paragraphs
from ._pdflinks import without_back_links
from ._pdfpages import EDGE_LINES, REPEATED_SHARE, drop_contents, drop_running_lines
from ._pdftext import Run, draws_images, form_lines, page_runs, unmapped, without_markers

MAX_PAGE_CONTENT = 4 * 2**20  # bytes of (inflated) drawing instructions per page: see _content_size
MAX_DOCUMENT_CONTENT = 128 * 2**20  # and per document (a 1,000-page report has ~50 MB)
# Pages per document: each costs 0.5-4 ms and its runs' memory whatever it holds (20,000 pages of one
# line sharing one content stream, a 3 MB file, took 10 s of CPU and 230 MB; the content limit above
# let a 150 MB file of a million such pages run for minutes into gigabytes).
MAX_PAGES = 10_000
SETTINGS = {"edge_lines": EDGE_LINES, "repeated_share": REPEATED_SHARE, "short_line": SHORT_LINE,
            "heading_line": HEADING_LINE}  # fmt: skip


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
    garbled: list[int] = []  # pages whose fonts map their glyphs to no letters
    total = 0
    try:
        if len(reader.pages) > MAX_PAGES:
            raise CorpusError(
                f"corpus file {name} has {len(reader.pages):,} pages (at most {MAX_PAGES:,} are read)",
                "split it into smaller PDFs, e.g. qpdf --split-pages=1000 in.pdf part.pdf",
            )
        for page in reader.pages:
            total += _content_size(page, name, len(drawn) + 1)
            if total > MAX_DOCUMENT_CONTENT:
                raise CorpusError(
                    f"corpus file {name} holds over {MAX_DOCUMENT_CONTENT / 2**20:.0f} MB of drawing "
                    f"instructions by page {len(drawn) + 1}: too slow to extract text from",
                    "split it into smaller PDFs, or export its text as .txt",
                )
            glyphs: list[str] = []  # glyph names written as text by fonts that map no letters
            drawn.append(without_back_links(page, page_runs(page, glyphs)))
            forms.append(form_lines(page))
            if unmapped(drawn[-1][0], glyphs):  # glyph numbers, not letters: nothing of it can be read
                drawn[-1], garbled = ("", None), [*garbled, len(drawn)]  # (text, not a scan: --force-ocr)
            elif not drawn[-1][0].strip() and not forms[-1] and draws_images(page):
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
    if 2 * len(garbled) > len(pages):  # its text is glyph numbers: read, it would be passages of noise
        raise CorpusError(
            f"corpus file {name}: the text of {len(garbled)} of its {len(pages)} pages cannot be read (its "
            f"fonts map their glyphs to no letters: no ToUnicode map; pages {_pages(garbled)})",
            "export it to PDF again from its source, or run OCR on it: ocrmypdf --force-ocr in.pdf out.pdf",
        )
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
    warnings = [] if not scanned else [_unread(name, scanned, len(pages), "only images, no text (scanned?)")]
    if garbled:
        held = "text in fonts that map no letters"
        warnings.append(_unread(name, garbled, len(pages), held, "--force-ocr"))
    return replace(extracted, warnings=tuple(warnings)) if warnings else extracted


def _unread(name: str, numbers: list[int], count: int, held: str, ocr: str = "--skip-text") -> str:
    """The warning for pages read without their text (a photograph or a signed page among typed ones, a
    page whose fonts map no letters): the rest is read, and the host told what is not."""
    one = len(numbers) == 1
    return (
        f"corpus file {name}: page{'' if one else 's'} {_pages(numbers)} of its {count} "
        f"{'holds' if one else 'hold'} {held}, and {'is' if one else 'are'} not read; OCR reads any words "
        f"on {'it' if one else 'them'}: ocrmypdf {ocr} in.pdf out.pdf"
    )


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:5]))
    return shown + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
