"""Documents embedded in a Word file (``w:altChunk``): HTML, a web archive (MHT) or plain text that
Word converts into the document when it opens the file.

Exporters that build .docx from a web page (html-docx-js and the tools built on it, report generators)
write the whole document as one such chunk, so python-docx sees an empty body: the file was refused as
holding no text, and a chunk among paragraphs was lost without a word. A chunk's HTML is read as the
raw HTML of a Markdown file is (``read_fragment``: its blocks, its headings heading what follows).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import CorpusError
from ._blocks import Blocks
from ._charset import decode_html
from ._htmlblocks import read_fragment
from .html import check_limits
from .text import decode_utf8

_HTML = {"text/html", "application/xhtml+xml"}
_MHT = {"message/rfc822", "multipart/related"}


def read_chunk(part, blocks: Blocks, path: Sequence[tuple[int, str]], name: str) -> list[tuple[int, str]]:
    """Add the embedded document ``part`` (a python-docx ``Part``) to ``blocks`` under ``path``; returns
    the heading path after it. A chunk of another kind (RTF, another .docx) is refused by name rather
    than dropped."""
    kind = part.content_type.split(";")[0].strip().lower()
    if kind in _HTML:
        html = decode_html(part.blob)
    elif kind in _MHT:
        html = _archived_html(part.blob, name)
    elif kind == "text/plain":
        for line in decode_utf8(part.blob, name).splitlines():
            blocks.add(line, headings=[h for _, h in path])
        return list(path)
    else:
        raise CorpusError(
            f"corpus file {name} embeds a document of type {kind} (w:altChunk) that cannot be read",
            "open it in Word or LibreOffice and save it again as .docx: the embedded part becomes text",
        )
    check_limits(html.encode("utf-8"), name)
    return read_fragment(html, blocks, path)


def _archived_html(raw: bytes, name: str) -> str:
    """The page of a web archive (MHT: a MIME message whose first text/html part is the page)."""
    from email import message_from_bytes, policy

    for item in message_from_bytes(raw, policy=policy.default).walk():
        if item.get_content_type() == "text/html":
            payload = item.get_payload(decode=True)
            charset = item.get_content_charset()
            if isinstance(payload, bytes):
                try:
                    return payload.decode(charset or "", "replace")
                except LookupError:  # no charset, or one Python does not know: as a saved page
                    return decode_html(payload)
    raise CorpusError(f"corpus file {name} embeds a web archive (w:altChunk) without an HTML page")
