"""The text of a question as the models read it and the answer names it.

Cleaned once for every entry point (the CLI, the web UI, batch files, labelled data all call
``clean_question``), bounded so a 20 MB question costs no more than a long one, and, when the encoder's
window cuts it, cut at a word.
"""

from __future__ import annotations

import functools
import re
from typing import Any

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


# Two counts of a question's length, each guarding its own thing:
# - ``chars``, user-perceived characters (extended grapheme clusters, UAX #29): every limit a person is told
#   of ("N karakter", "N characters") and judged by. A decomposed "é", a flag (🇮🇩), a family (👨‍👩‍👧) or a
#   thumb with its skin tone (👍🏽) is one, as on screen.
# - code points (``len``): the work. One grapheme may hold any number of combining marks (10,000 are one
#   "character" and still 10,000 code points to clean, tokenise and embed), so each limit of N characters
#   also refuses more than CODE_POINTS_PER_CHAR * N code points (``code_point_cap``), with a message of its
#   own. Real text stays far under it: a decomposed letter is 2, a Devanagari conjunct 3 to 4, a family 5
#   to 7 code points, and a question is mostly letters of one.
CODE_POINTS_PER_CHAR = 4


def code_point_cap(limit: int) -> int:
    """How many code points a text held to ``limit`` characters may have (the work bound)."""
    return CODE_POINTS_PER_CHAR * limit


def over_limit(text: str, limit: int) -> bool:
    """Over ``limit`` characters as a person counts them, or over the work bound in code points; the
    code points first, at no cost (every question limit asks this: the web's, a batch row's)."""
    return chars_within(text, limit) is None


def chars_within(text: str, limit: int) -> int | None:
    """``chars(text)`` when ``text`` is within ``limit`` (``over_limit`` is False), else None: one count
    for a caller that checks the limit and then adds up what it accepted (an upload's total)."""
    if len(text) > code_point_cap(limit):
        return None
    count = chars(text)
    return count if count <= limit else None


def chars(text: str) -> int:
    """How many characters a person counts in ``text``, as every question limit counts them: extended
    grapheme clusters (UAX #29, the ``regex`` module's ``\\X``, kept current with Unicode; it is already
    installed with ``transformers``). Code points after NFC composition (section 88) counted a flag as 2,
    a family emoji as 5, a base letter with marks that compose to nothing as several.

    Linear in ``text``: ``regex`` counts the regional indicators before each one to pair them into flags,
    quadratic in a run of them (100,000 flags, a 400 KB row, took 150 s of CPU). Each pair, taken from the
    start of its run as UAX #29 pairs them, is first replaced by one private-use character (grapheme
    class Other, as a flag is: marks and ZWJ still attach to it, no emoji joins it), so no run is left."""
    if text.isascii():
        return len(text) - text.count("\r\n")  # CR LF is one grapheme
    flag_pairs, grapheme = _patterns()
    return sum(1 for _ in grapheme.finditer(flag_pairs.sub("\ue000", text)))


def whole_chars(text: str, most: int) -> str:
    """The longest start of ``text`` of at most ``most`` code points that ends between two characters
    (graphemes, as ``chars`` counts them): a cut at a code point could keep half a flag, a letter
    without its marks or half a family. Only ``most + 1`` code points are looked at, whatever the text's
    length: a boundary depends on the characters before it and the one after it, never on more."""
    if len(text) <= most:
        return text
    head = text[: most + 1]
    if head.isascii():
        return head[: most - (head[most - 1 :] == "\r\n")]  # CR LF is one grapheme
    end = 0
    for grapheme in _patterns()[1].finditer(head):  # at most most + 1 code points: bounded however paired
        if grapheme.end() > most:
            break
        end = grapheme.end()
    return head[:end]


ECHO_CHARS = 20  # a typed value is echoed in its refusal this long at most (a 5,000-digit -k was in full)


def shortened(text: str, most: int) -> str:
    """``text`` in at most ``most`` code points, cut between two characters with an ellipsis, to quote a
    user's value in a one-line message (a page's row error, a CLI option's refusal)."""
    return text if len(text) <= most else whole_chars(text, most - 1) + "…"


@functools.cache
def _patterns() -> tuple[Any, Any]:
    """Regional-indicator pairs and one grapheme, compiled once (``regex`` imported lazily: ``qa --help``)."""
    import regex

    return regex.compile("[\U0001f1e6-\U0001f1ff]{2}"), regex.compile(r"\X")
