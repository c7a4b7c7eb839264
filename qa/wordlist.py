"""Is a word a word of Indonesian? Evidence from a dictionary, for the speller's doubts.

The speller corrects against the corpus's own words, so without a dictionary a real word the corpus lacks
was read as a corpus word one swap away ("makan", eat, as "makna", meaning; "darma" as "drama"; "akses" as
the name "askes"). PySastrawi (MIT, pure Python) ships the root words of the Kamus Besar Bahasa Indonesia it
stems with, about 30,000; a typed word that is one of them, or one with a clitic (-nya, -ku, -mu, -lah,
-kah, -pun), is a real word. Affixed forms are not guessed by stemming: Sastrawi finds a short root in
most typos ("mentri" → "tri", "pengetahun" → "tahun"), so a stem is no evidence. Loaded once, on the first
doubt (a question with no unknown word never reads it).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
MIN_ROOT = 3  # the dictionary's one- and two-letter entries ("a", "ab") are no evidence


@cache
def root_words() -> frozenset[str]:
    """Sastrawi's KBBI root words, lower case; empty (no evidence) when the package is missing."""
    try:
        text = resources.files("Sastrawi.Stemmer").joinpath("data/kata-dasar.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - a core dependency
        return frozenset()
    return frozenset(w for w in text.split() if len(w) >= MIN_ROOT and w.isalpha())


def is_indonesian_word(low: str) -> bool:
    """``low`` (lower case) is a root word of the dictionary, or one with a clitic ("makannya")."""
    words = root_words()
    if low in words:
        return True
    return any(low.endswith(c) and low[: -len(c)] in words for c in CLITICS if len(low) - len(c) >= MIN_ROOT)
