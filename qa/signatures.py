"""The first bytes of the binary formats people hand us under another name: a zip, an OLE compound file,
a PDF.

Three places recognise them, each with its own rules on purpose: ``qa.readers._sniff`` says what a corpus
file is when its reader refuses it (a PDF's header may follow junk; a zip is told by its members),
``qa.readers.docx`` names an encrypted Word file, and ``qa.batch.binary`` names a question file that is
no text (a PDF only when its header line is whole: "%PDF-1.7 itu format apa?" is a question). The bytes
themselves are one fact, kept here once. A compressed file (:func:`compressed`) is told alike by the
first and the last.
"""

from __future__ import annotations

ZIP = b"PK\x03\x04"  # a zip's first local header: .docx, .xlsx, .odt, .epub, any .zip
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt, and Office's encrypted files of any kind
PDF = b"%PDF-"  # a PDF's header, before its version ("%PDF-1.7")

# A compressed file's format and the command that unpacks it to standard output, by its first bytes
_COMPRESSED = (
    (b"\x1f\x8b", "gzip", "zcat"),
    (b"\xfd7zXZ\x00", "xz", "xzcat"),
    (b"\x28\xb5\x2f\xfd", "zstd", "zstdcat"),
)
_BZIP2_BLOCK = b"\x31\x41\x59\x26\x53\x59"  # after "BZh" and the level digit ("BZh" alone may start a word)


def compressed(head: bytes) -> tuple[str, str] | None:
    """(format, the command that unpacks it) when ``head`` opens a compressed file, else None: a question
    file and a corpus document say alike what a ``.txt.gz`` renamed ``.txt`` is (reliability 141)."""
    if head.startswith(b"BZh") and head[4:10] == _BZIP2_BLOCK:
        return "bzip2", "bzcat"
    return next(((fmt, cat) for sig, fmt, cat in _COMPRESSED if head.startswith(sig)), None)
