"""What a file's bytes are, whatever its name says: for a refusal that names the way out.

A file whose suffix lies (an HTML page saved as ``.pdf`` by a browser's "Save as", a LibreOffice
``.odt`` renamed to ``.docx``, a scan's ``.png`` renamed to ``.pdf``) failed in its reader with the
library's words ("not a readable PDF (Stream has ended unexpectedly)", "There is no item named
'[Content_Types].xml' in the archive"), the host left to guess. The first bytes tell the common
formats apart (their signatures, and a zip's member names); only a reader's refusal asks, so a file
that reads is read as before.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import PurePosixPath

from ..signatures import OLE, PDF, ZIP, compressed

_HTML = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
# A PDF's header opens the file (a damaged one too), or a line of its first 1,024 bytes with objects
# after it (readers allow junk before it): "%PDF-" in a text's sentence, or in a page's <pre>, is no PDF.
_PDF_HEADER = re.compile(rb"(?:\A|[\r\n])%PDF-\d\.\d")
_PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_ZIP_ERRORS = (OSError, EOFError, zipfile.BadZipFile, RuntimeError, ValueError, KeyError, NotImplementedError)
_TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
_CONVERT = "open it in LibreOffice or Word and save it as .docx, or export it to PDF"


def kind(raw: bytes) -> tuple[str, str | None, str | None]:
    """(what the bytes are, for people; the suffix that reads them, if one does; a hint otherwise)."""
    head = raw[:1024]
    if raw.startswith(PDF) or (_PDF_HEADER.search(head) and _PDF_OBJECT.search(raw)):
        return "a PDF", ".pdf", None
    if raw.startswith(ZIP):
        return _zipped(raw)
    if raw.startswith(OLE):
        return "an old Office file (.doc, .xls, .ppt) or a password-protected one", None, _CONVERT
    if raw.startswith(b"{\\rtf"):
        return "an RTF document", None, _CONVERT
    if packed := compressed(head):  # a .txt.gz renamed: "looks binary", or "not valid UTF-8 … iconv"
        return (
            f"a {packed[0]}-compressed file",
            None,
            f"decompress it first ({packed[1]}) and put the text it holds in the corpus",
        )
    if raw.startswith(_IMAGES):
        return "a picture", None, "run OCR on it first, e.g. ocrmypdf --image-dpi 300 scan.png text.pdf"
    if _HTML.match(head):
        return "an HTML page", ".html", None
    if b"\x00" not in head:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "plain text", ".txt", None
    return "", None, None  # not known here (UTF-16 text, a damaged file): the reader's refusal stands


def _zipped(raw: bytes) -> tuple[str, str | None, str | None]:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = set(archive.namelist())
            mimetype = _mimetype(archive) if "mimetype" in names else ""
    except (*_ZIP_ERRORS, zlib.error):
        return "", None, None  # a damaged one (a member's data broken too): the reader says what failed
    if "word/document.xml" in names:
        return "a Word document", ".docx", None
    if mimetype.startswith("application/vnd.oasis.opendocument"):
        return f"an OpenDocument file ({mimetype.rsplit('.', 1)[-1]})", None, _CONVERT
    if mimetype == "application/epub+zip":
        return "an EPUB book", None, "convert it to PDF or .docx (e.g. with Calibre's ebook-convert)"
    for folder, what in (("xl/", "an Excel workbook"), ("ppt/", "a PowerPoint presentation")):
        if any(n.startswith(folder) for n in names):
            return what, None, "save or export its text as .docx or PDF"
    return "a zip archive", None, "unpack it and put the documents it holds in the corpus"


def _mimetype(archive: zipfile.ZipFile) -> str:
    """An OpenDocument or EPUB's ``mimetype`` member, its first bytes only: the member may inflate to
    gigabytes (a zip bomb named .pdf), where its kind takes a few dozen."""
    with archive.open("mimetype") as member:
        head = member.read(100)
    return head.decode("ascii", "replace").strip(" \t\r\n\x00")


def mismatch(raw: bytes, name: str) -> tuple[str, str] | None:
    """(message, hint) when ``name``'s suffix lies about what its bytes are, else ``None`` (a text file
    that holds HTML or plain text is what a .txt or .md may hold)."""
    path = PurePosixPath(name)
    suffix = path.suffix.lower()
    if not raw.strip():
        return (
            f"corpus file {name} is empty ({len(raw)} bytes)",
            "add text to it or remove it from the corpus",
        )
    what, reads_as, hint = kind(raw)
    if not what or (suffix == ".docx" and raw.startswith(OLE)):  # the Word reader names an OLE file
        return None
    if reads_as == suffix or (suffix in _TEXT_SUFFIXES and reads_as in (".txt", ".html")):
        return None  # the reader's own refusal says what is wrong
    if suffix in (".html", ".htm") and reads_as in (".txt", ".html"):
        return None
    if reads_as is not None:
        hint = f"rename it to {path.stem}{reads_as}"
    return f"corpus file {name} is {what}, not a {suffix} file as its name says", hint or _CONVERT
