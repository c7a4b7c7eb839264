"""The first bytes of the binary formats people hand us under another name: a zip, an OLE compound file,
a PDF.

Three places recognise them, each with its own rules on purpose: ``qa.readers._sniff`` says what a corpus
file is when its reader refuses it (a PDF's header may follow junk; a zip is told by its members),
``qa.readers.docx`` names an encrypted Word file, and ``qa.batch.binary`` names a question file that is
no text (a PDF only when its header line is whole: "%PDF-1.7 itu format apa?" is a question). The bytes
themselves are one fact, kept here once.
"""

from __future__ import annotations

ZIP = b"PK\x03\x04"  # a zip's first local header: .docx, .xlsx, .odt, .epub, any .zip
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt, and Office's encrypted files of any kind
PDF = b"%PDF-"  # a PDF's header, before its version ("%PDF-1.7")
