"""A refused upload as the page says it, in Indonesian, from its code and values (reliability 138).

``qa.batch`` refuses a whole question file in English for the terminal (:class:`~qa.file_errors.
FileRefused`); the page says the same refusal from the :class:`~qa.file_errors.FileError` it carries,
never from that English, so rewording the CLI's sentence cannot change what the page says, and a header
cell that reads like another refusal ("not a text file: it is a PDF") is quoted, not obeyed.
"""

from __future__ import annotations

from ..batch import INPUT_EXTENSIONS
from ..file_errors import FileCode, FileError
from ..question_text import shortened

QUOTED_CHARS = 200  # a list of header cells quoted in a refusal is cut here (a header can be megabytes)
EXTENSION_CHARS = 12  # an upload's extension, named when it is refused

# An OLE file is an old .xls (qa.file_errors.WHAT), never an OpenDocument one: each kind its own guess
_SAVE_CSV = "buka di program spreadsheet-nya, simpan sebagai CSV (UTF-8), lalu unggah berkas itu."
# By code. {0}: the error's first value; {names}: the header's cells quoted; {numbered}: "kolom N 'cell'"
# of each question column; {count}: how many; {kind}: column 1's labels; {numbers}: the text columns.
WORDS: dict[FileCode, str] = {
    "unreadable": "Berkas yang diunggah tidak bisa dibaca; unggah ulang.",
    "directory": "Yang diunggah adalah folder, bukan berkas; unggah satu berkas pertanyaan.",
    "not_found": "Berkas yang diunggah tidak ditemukan; unggah ulang.",
    "device": "Yang diunggah bukan berkas biasa (pipa atau perangkat); unggah satu berkas pertanyaan.",
    "unsupported": f"Jenis berkas {{0}} tidak didukung; pakai {', '.join(INPUT_EXTENSIONS)}.",
    "workbook": "Berkas yang diunggah adalah arsip zip (buku kerja Excel .xlsx atau OpenDocument .ods yang "
    f"diganti namanya?); {_SAVE_CSV}",
    "old_office": f"Berkas yang diunggah adalah berkas Office lama (buku kerja Excel .xls?); {_SAVE_CSV}",
    "compressed": "Berkas yang diunggah terkompresi {0}; ekstrak dulu, lalu unggah berkas teks di dalamnya.",
    "pdf": "Berkas yang diunggah adalah PDF; salin pertanyaannya ke berkas .txt, satu per baris.",
    "nul_bytes": "Berkas yang diunggah bukan berkas teks; simpan pertanyaannya sebagai teks UTF-8 atau "
    "UTF-16.",  # as the CLI says (qa.batch.readers): both are read
    "undecodable_header": "Baris judul berkas yang diunggah bukan teks {0} yang sah, jadi nama kolomnya "
    "tidak terbaca; simpan sebagai CSV (UTF-8), lalu unggah ulang.",
    "question_columns": "Baris pertama menamai {count} kolom pertanyaan ({numbered}); sisakan satu kolom "
    "bernama question atau pertanyaan (ganti nama yang lain).",
    "no_question_column": "Kolom pertanyaan tidak ditemukan di baris pertama ({names}); namai kolomnya "
    "question atau pertanyaan.",
    "which_column": "Berkas tanpa baris judul: kolom 1 hanya berisi {kind}, sedangkan kolom {numbers} berisi "
    "teks; mana yang pertanyaan? Tambahkan baris judul yang menamai kolom pertanyaannya question atau "
    "pertanyaan.",
}
# Column 1's labels, as "which_column" names them (qa.file_errors.LABELS)
KINDS = {"numbers": "nomor", "ids": "ID (satu kata berangka, seperti 'A1')"}


def said(why: FileError) -> str:
    """``why`` in the page's words."""
    first = str(why.args[0]) if why.args else ""
    if why.code == "unsupported":
        first = shortened(first, EXTENSION_CHARS) or "(tanpa ekstensi)"
    values = {
        "names": shortened(", ".join(map(repr, why.names)), QUOTED_CHARS),
        "numbered": shortened(
            ", ".join(f"kolom {n} {c!r}" for n, c in zip(why.args, why.names)), QUOTED_CHARS
        ),
        "count": len(why.args),
        "kind": KINDS.get(first, ""),
        "numbers": listed([str(n) for n in why.args[1:]]),
    }
    return WORDS[why.code].format(first, **values)


def listed(items: list[str]) -> str:
    """``items`` as Indonesian lists them: "2", "2 dan 3", "2, 3 dan 4" (not "2, 3", a list left open)."""
    return " dan ".join(filter(None, (", ".join(items[:-1]), *items[-1:])))
