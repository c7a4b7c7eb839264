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
never reads it). ``is_readable_word`` does strip affixes, for one use only where a wrong "yes" costs
little: whether an abstention may name a word (qa.named_words; docs/reliability.md sections 111, 112).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

from .analysis import VOWELS, chat_reduplication

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


# Regular Indonesian affixes, for ``is_readable_word``. A prefix as typed -> the letters a root may open
# with after it ("" any, None never as typed) and, for a nasal, the voiceless letter it swallowed, restored
# before a vowel ("menulis" is "tulis", "memilih" "pilih", "menyusun" "susun", "mengelola" "kelola").
# me-/pe- join roots in l r w y m n ("melihat", "merasa"), mem- b f v p, men- d c j z t, meng- g h k and
# vowels, menge- one-syllable roots ("mengecat"); be-/te- roots in r or with a first syllable in -er
# ("bekerja", "terasa"); pe- also any root, as per- ("petani", "pekerja"); bel-/pel- "ajar".
# per- makes verbs of adjectives and numerals ("perbesar", "perdua") and, in per-…-an, nouns of a domain
# ("perkebunan"); a root of one syllable, a loan noun ("bank", "film"), takes it only in the confix
# ("perbankan", "perfilman"): a word read as bare per- + such a root is a clipping ("perpus", perpustakaan).
_PREFIXES: dict[str, tuple[str | None, str]] = {
    "me": ("lrwymn", ""),
    "mem": ("bfvp", "p"),
    "men": ("dcjzt", "t"),
    "meny": (None, "s"),
    "meng": ("ghk" + VOWELS, "k"),
    "menge": ("", ""),
    "pe": ("", ""),
    "pem": ("bfvp", "p"),
    "pen": ("dcjzt", "t"),
    "peny": (None, "s"),
    "peng": ("ghk" + VOWELS, "k"),
    "penge": ("", ""),
    "ber": ("", ""),
    "be": ("r", ""),
    "bel": (VOWELS, ""),
    "ter": ("", ""),
    "te": ("r", ""),
    "per": ("", ""),
    "ketidak": ("", ""),  # ke-…-an of a negation: "ketidakpastian", "ketidaksetaraan"
    "pel": (VOWELS, ""),
    "di": ("", ""),
    "ke": ("", ""),
    "se": ("", ""),
}
# Bound forms EYD writes joined to a word ("antarnegara", "pascasarjana", "nonaktif"): outermost, once,
# before a word of four letters or more ("nonton", chat for "menonton", is no "non" + "ton").
_BOUND_FORMS = tuple("antar anti non pasca pra multi semi sub swa maha ekstra".split())
_ER_SYLLABLE = re.compile(r"^[^aeiou]er")  # "kerja", "ternak": be-/te- drop the r of ber-/ter- before them
_SUFFIXES = ("kan", "an", "i", "wan", "wati")  # derivational, innermost ("wartawan", "ilmuwan")
_POSSESSIVES = ("nya", "ku", "mu")
_PARTICLES = ("lah", "kah")  # "pun" is written apart (EYD); "walaupun" is a word of its own
_SHORT_CLITICS = frozenset(("ku", "mu") + _PARTICLES)  # cut alone only off a root of four letters or more
_MAX_PREFIXES = 3  # "ke-pe-ngurus-an", "di-per-tanggung jawab-kan" (+ "memper-ke-…" never needs more)


def is_readable_word(low: str) -> bool:
    """``low`` (lower case) is a word of Indonesian: a root (``_roots``: the Hunspell list and the
    bilingual dictionary's Indonesian words), or one with the regular affixes
    (meN-/peN- with the nasal's dropped k/t/p/s restored, ber-, per-, ter-, di-, ke-, se-, ketidak- and
    their combinations; -kan, -i, -an, -nya, -ku, -mu, -lah, -kah), or a reduplication of such words
    ("tawar-menawar", "tanda2"), or one behind a bound form ("antarnegara"). The list holds roots only
    and the stemmer's output often is none ("dipengaruhi" stems to "ngaruh"), so each way of cutting the
    word is tested against the roots.
    Chat forms (nasal ng-/ny- verbs, -in), slang, typos and foreign words are not read. A clitic alone is
    split off a root of four letters or more: "maslah", a typo of "masalah", is no "mas" + "-lah"."""
    low = chat_reduplication(low)
    if low.isascii() and low.replace("-", "").isalpha() and _reads(low):
        return True  # whole, as a word of the translations: "kupu-kupu", "ubur-ubur"
    parts = low.replace("-", " ").split()  # "kerja sama": a chat word's formal form may be two words
    return bool(parts) and all(p.isascii() and p.isalpha() and _bound_or_reads(p) for p in parts)


@cache
def _roots() -> frozenset[str]:
    """The Hunspell roots and the Indonesian words of the vendored English-Indonesian dictionary
    (``qa.translation.translated_words``: reduplications, closed compounds and loans the root list lacks:
    "kupu-kupu", "kerjasama", "dulu"); the roots alone if that file is damaged (a message is no reason to
    fail)."""
    from .translation import translated_words
    from .trees import ModelError

    try:
        extra = {w for w in translated_words() if len(w) >= MIN_ROOT}
    except ModelError:
        extra = set()
    return dictionary_words() | extra


def _bound_or_reads(word: str) -> bool:
    return _reads(word) or any(
        word.startswith(b) and len(word) - len(b) > MIN_ROOT and _reads(word[len(b) :]) for b in _BOUND_FORMS
    )


@lru_cache(maxsize=8192)  # bounded: a server reads its users' words for as long as it runs
def _reads(word: str) -> bool:
    roots = _roots()
    if word in roots:
        return True
    for stem, weak, derived in _without_suffixes(word):
        if stem in roots and not (weak and len(stem) == MIN_ROOT):
            return True
        if _prefixed(stem, roots, _MAX_PREFIXES, derived):
            return True
    return False


def _without_suffixes(word: str) -> list[tuple[str, bool, bool]]:
    """Each way to cut a particle, a possessive and a derivational suffix off ``word`` (outermost first),
    with whether only a short clitic was cut ("-lah", "-ku": weak evidence on a short root) and whether a
    derivational suffix was (the -an of a confix: "per-bank-an")."""
    cuts = [(word, False, False)]
    for group in (_PARTICLES, _POSSESSIVES, _SUFFIXES):
        cuts += [
            (w[: -len(s)], (w == word or weak) and s in _SHORT_CLITICS, derived or group is _SUFFIXES)
            for w, weak, derived in list(cuts)
            for s in group
            if w.endswith(s) and len(w) - len(s) >= MIN_ROOT
        ]
    return cuts


def _prefixed(stem: str, roots: frozenset[str], depth: int, derived: bool = False) -> bool:
    """``stem`` is a root behind up to ``depth`` prefixes, each allowed before what follows it;
    ``derived``: a derivational suffix was cut off the word (per- and a root of one syllable)."""
    if depth == 0:
        return False
    for prefix, (starts, swallowed) in _PREFIXES.items():
        if not stem.startswith(prefix):
            continue
        rest = stem[len(prefix) :]
        if len(rest) < MIN_ROOT:
            continue
        candidates = [rest] if starts is not None and _joins(prefix, starts, rest) else []
        if swallowed and rest[0] in VOWELS:
            candidates.append(swallowed + rest)
        for root in candidates:
            if prefix == "per" and not derived and _one_syllable(root):
                continue  # "perpus" (perpustakaan, clipped) is no per- + "pus"
            if root in roots or _prefixed(root, roots, depth - 1, derived):
                return True
    return False


def _one_syllable(root: str) -> bool:
    return sum(c in VOWELS for c in root) == 1


def _joins(prefix: str, starts: str, rest: str) -> bool:
    if prefix in ("be", "te"):
        return rest.startswith("r") or bool(_ER_SYLLABLE.match(rest))
    if prefix in ("men", "pen") and rest.startswith("sy"):
        return True  # sy- keeps its s: "mensyaratkan", "mensyukuri", "pensyarah"
    return not starts or rest[0] in starts
