"""The text of a question as the models read it and the answer names it.

Cleaned once for every entry point (the CLI, the web UI, batch files, labelled data all call
``clean_question``), bounded so a 20 MB question costs no more than a long one, and, when the encoder's
window cuts it, cut at a word.
"""

from __future__ import annotations

import re
import unicodedata

SCAN_CHARS = 65_536  # characters of a question read at all (the 512-token window needs under 8,200)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Terminal control sequences (ECMA-48), pasted with a question from a terminal or a coloured log: CSI
# (ESC [ or U+009B, parameters, a final byte: colours, cursor moves), strings up to BEL or ST (OSC ESC ],
# DCS, SOS, PM, APC: a window title, a hyperlink) and two-character escapes. Gone, as on the screen:
# as spaces, "\x1b[31mgaji\x1b[0m" was read as the words "[31mgaji" and "[0m". No control is part of a
# string, so each try stops at the next control: linear on any input. A CSI cut before its final byte at
# the end (a coloured line cut by ``cut -c``) loses its parameters too: "gaji\x1b[0" was "gaji0".
# A stray ESC typed into a file is no sequence a program writes, and must not eat what follows it: an
# ESC before a space ("ESC SP" announces code extensions, which no terminal output uses), before a "?"
# (no sequence ends so), or before a word (a letter final glued to more letters: "\x1bgaji" lost its
# "g") is a space, the character kept; "\x1b7", "\x1bc", "\x1b(B" are still dropped. Of the digit finals
# only DEC's 6-9 (back index, save and restore the cursor, forward index) are sequences, and only when no
# digit follows: "tahun \x1b2024" was "tahun 024", "gaji \x1b5 juta" was "gaji juta".
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*(?:[@-~]|\Z)"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x00-\x1f\x7f-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[!-/]+[0-~]|\x1b[:->@\[-`{-~]|\x1b[6-9](?!\d)|\x1b[A-Za-z](?![^\W\d_])"
)


def clean_question(question: object) -> str:
    """The question as the models should see it: terminal escape sequences dropped, other control
    characters and lone surrogates (what a shell hands Python for undecodable bytes) become spaces, runs
    of white space one space, and the text is normalised as the corpus is (qa/normalize.py). Only the
    first SCAN_CHARS characters are looked at: the encoder keeps far fewer, and a 20 MB question must
    cost no more than a long one."""
    from .normalize import normalize_text

    # Cut again after normalising: NFKC may expand (one Arabic ligature becomes 18 characters).
    text = _UNPRINTABLE.sub(" ", _ESCAPES.sub("", str(question)[:SCAN_CHARS]))
    return " ".join(normalize_text(text)[:SCAN_CHARS].split())


def whole_words(short: str, full: str) -> str:
    """``short``, a cut of ``full`` to the model's window, ended at a word boundary: the cut question is
    what the answer names (the question shown, its highlights, what the document does not state), and
    half a word there reads as a word ("kebijakan ne" for "kebijakan negeri")."""
    if full.startswith(short) and (len(short) == len(full) or full[len(short)].isspace()):
        return short
    if short[-1:].isspace():
        return short.rstrip()
    head, space, _ = short.rstrip().rpartition(" ")
    return head.rstrip() if space and head.strip() else short


def chars(text: str) -> int:
    """How many characters a person counts in ``text``, as every question limit counts them: code points
    after NFC composition. A decomposed "é" (e + U+0301, as macOS names and some keyboards write it) is
    one character on screen and was counted as two, so a question of 300 such letters was refused as
    over 500. (A base letter with several marks composing to none, a flag or a family emoji, still counts
    more than one: no grapheme library is a dependency for this.)

    Normalised a piece at a time (:data:`_PIECE`): Python puts a run of combining marks in canonical
    order by insertion, quadratic in the run's length, so a 200 KB upload row of marks out of order took
    25 s of CPU, the web server's whole interpreter held, before any limit refused it."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):  # the check stops at a mark out of order
        return len(text)
    count, start = 0, 0
    while start < len(text):
        end = _cut(text, start + _PIECE)
        count += len(unicodedata.normalize("NFC", text[start:end]))
        start = end
    return count


_PIECE = 256  # code points normalised at once: a run of marks costs at most this squared
_REACH = 32  # a place NFC does not join across is looked for this far on (real text: under 30 marks in a row)


def _cut(text: str, end: int) -> int:
    """Where a piece ending near ``end`` may end without changing the count: before a character of
    combining class 0 that does not compose with what comes before it, composed (a starter composes only
    with its neighbour, which may be a composition itself: "e" + U+0301 is never split, nor a Hangul
    syllable's leading, vowel and trailing jamo). Past :data:`_REACH` characters that offer no such place,
    a run of marks no language writes, at ``end`` itself."""
    if end >= len(text):
        return len(text)
    for at in range(end, min(end + _REACH, len(text))):
        before, here = unicodedata.normalize("NFC", text[at - 4 : at]), text[at]
        apart = len(before) + len(unicodedata.normalize("NFC", here))
        if unicodedata.combining(here) == 0 and len(unicodedata.normalize("NFC", before + here)) == apart:
            return at
    return end if end + _REACH < len(text) else len(text)  # the text's end: the rest, whole
