"""A batch row's error as the page says it, in Indonesian, from its code and values (reliability 133).

``qa.batch`` writes each refused row's reason in English for programs (the files keep it); the page's
Status column says the same row from the :class:`~qa.batch.RowError` the reader made, never from that
English sentence, so rewording the sentence in ``qa.batch`` cannot change what the page says.
"""

from __future__ import annotations

from ..batch import RowError, TooLong
from ..batch.row_errors import LENGTH_CODES, RowCode
from ..question_text import code_point_cap, shortened

QUOTED_CHARS = 80  # a field's name quoted in a row's words is cut here (a JSON name may be megabytes)

# By code: {line} the input line, {0}, {1}…: the error's ``args``. The length refusals are said from
# their counts (:func:`too_long`).
WORDS: dict[RowCode, str] = {
    "empty": "pertanyaan kosong",
    "no_question": "tidak ada kolom pertanyaan",
    "not_text": "pertanyaan bukan teks",
    "long_cell": "kolom {0} terlalu panjang (lebih dari {1} titik kode Unicode): baris ini tidak ditanyakan",
    "undecodable": "baris {line} bukan teks {0} yang sah",
    "not_json": "baris {line} bukan JSON yang sah",
    "not_object": "baris {line} berisi {0} JSON, bukan objek {{...}}",
    "name_twice": "baris {line} menyebut {0} dua kali dalam satu objek (JSON hanya menyimpan satu nilainya)",
    "question_fields": "baris {line} punya {0} kolom pertanyaan ({1}); sisakan satu",
    "bad_escape": "baris {line} memuat escape Unicode yang tidak sah",
    "bad_number": "baris {line} memuat angka yang tidak bisa disimpan JSON",
    "too_deep": "baris {line} bersarang lebih dari {0} tingkat",
    "misfit": "baris {line}: {0} sel, padahal baris judul punya {1} "
    "(ada {2} di dalam sel tanpa tanda kutip?)",
    "malformed_csv": "baris {line}: CSV yang rusak",
    "refused": "pertanyaan ini ditolak saat hendak dijawab",
}
# JSON's kinds as qa.batch names them (qa.batch.jsonvalues.JSON_KINDS), in the page's words
JSON_KIND_WORDS = {"array": "array (daftar)", "string": "teks", "number": "angka", "boolean": "boolean",
                   "null": "null", "value": "nilai"}  # fmt: skip


def row_error(why: RowError) -> str:
    """``why`` in the page's words (without the page's "galat: ")."""
    if why.code in LENGTH_CODES and why.counts is not None:
        return too_long(why.counts)
    said = (_value(why.code, a) for a in why.args)
    return WORDS[why.code].format(*said, line=why.line)


def _value(code: RowCode, value: int | str) -> str:
    if code == "not_object":
        return JSON_KIND_WORDS.get(str(value), str(value))
    return shortened(str(value), QUOTED_CHARS)


def too_long(counts: TooLong) -> str:
    """A length refusal in the count it was made by, as :meth:`TooLong.said` says it in English."""
    size, points = counts.characters, f"{'lebih dari ' * counts.over}{counts.code_points} titik kode Unicode"
    if counts.unit == "characters":
        return f"pertanyaan terlalu panjang ({size} karakter, batasnya {counts.limit})"
    cap = f"batasnya {code_point_cap(counts.limit)} titik kode"
    if size is not None:
        return f"pertanyaan terlalu panjang ({size} karakter, tetapi {points}; {cap})"
    return f"pertanyaan terlalu panjang ({points}; {cap})"
