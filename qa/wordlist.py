"""Is a word a word of Indonesian? Evidence from a dictionary, for the speller's doubts.

The speller corrects against the corpus's own words, so without a dictionary a real word the corpus lacks
was read as a corpus word one swap away ("makan", eat, as "makna", meaning; "darma" as "drama"; "akses" as
the name "askes"). ``qa/data/id_words.txt`` holds the ~28,700 words of the LibreOffice Indonesian
Hunspell dictionary (LGPL-3, vendored by ``scripts/id_words.py``; Sastrawi's KBBI list is CC-BY-NC-SA,
which a public Space may not ship); a typed word that is one of them, or one with a clitic (-nya, -ku,
-mu, -lah, -kah, -pun), is a real word. Affixed forms are not guessed by stripping affixes: a short root
hides in most typos ("mentri" → "tri", "pengetahun" → "tahun"), so a stem is no evidence. Loaded once, on
the first doubt (a question with no unknown word never reads it).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

CLITICS = ("nya", "lah", "kah", "pun", "ku", "mu")
MIN_ROOT = 3  # the dictionary's one- and two-letter entries ("a", "ab") are no evidence
WORDS_FILE = "id_words.txt"  # "#" lines: its source, version, licence and copyright


@cache
def root_words() -> frozenset[str]:
    """The vendored dictionary's words, lower case; empty (no evidence) if a broken install lost it."""
    try:
        text = resources.files("qa").joinpath("data").joinpath(WORDS_FILE).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - package data
        return frozenset()
    words = (line.strip() for line in text.splitlines() if not line.startswith("#"))
    return frozenset(w for w in words if len(w) >= MIN_ROOT and w.isalpha())


def is_indonesian_word(low: str) -> bool:
    """``low`` (lower case) is a word of the dictionary, or one with a clitic ("makannya")."""
    words = root_words()
    if low in words:
        return True
    return any(low.endswith(c) and low[: -len(c)] in words for c in CLITICS if len(low) - len(c) >= MIN_ROOT)
