"""Is a word a word of Indonesian? Evidence from a dictionary, for the speller's doubts.

The speller corrects against the corpus's own words, so without a dictionary a real word the corpus lacks
was read as a corpus word one swap away ("makan", eat, as "makna", meaning; "darma" as "drama"; "akses" as
the name "askes"). ``qa/data/id_words.txt`` holds the ~28,700 words of the LibreOffice Indonesian
Hunspell dictionary (LGPL-3, vendored by ``scripts/id_words.py``; Sastrawi's KBBI list is CC-BY-NC-SA,
which a public Space may not ship) and, with their clitics (-nya, -ku, -mu, -lah, -kah), the ~1,300 of
them the dictionary says take one ("makannya", "dialah"): a typed word that is one of these is a real
word. No clitic is split off a typed word to find a root, nor an affix: a short root hides in typos of
words that end or open so ("maslah", masalah, is "mas" + "-lah"; "seklah" "sek" + "-lah"; "kemampun"
"kemam" + "-pun"; "mentri" hides "tri", "pengetahun" "tahun"), so a part is no evidence (docs/
reliability.md sections 56 and 62). Loaded once, on the first doubt (a question with no unknown word
never reads it).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

MIN_ROOT = 3  # the dictionary's one- and two-letter entries ("a", "ab") are no evidence
WORDS_FILE = "id_words.txt"  # "#" lines: its source, version, licence and copyright


@cache
def dictionary_words() -> frozenset[str]:
    """The vendored dictionary's words, lower case; empty (no evidence) if a broken install lost it."""
    try:
        text = resources.files("qa").joinpath("data").joinpath(WORDS_FILE).read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - package data
        return frozenset()
    words = (line.strip() for line in text.splitlines() if not line.startswith("#"))
    return frozenset(w for w in words if len(w) >= MIN_ROOT and w.isalpha())


def is_indonesian_word(low: str) -> bool:
    """``low`` (lower case) is a word of the dictionary, or one with a clitic it takes ("makannya")."""
    return low in dictionary_words()
