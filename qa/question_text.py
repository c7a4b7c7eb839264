"""The text of a question as the models read it and the answer names it.

Cleaned once for every entry point (the CLI, the web UI, batch files, labelled data all call
``clean_question``), bounded so a 20 MB question costs no more than a long one, and, when the encoder's
window cuts it, cut at a word.
"""

from __future__ import annotations

import re

SCAN_CHARS = 65_536  # characters of a question read at all (the 512-token window needs under 8,200)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_question(question: object) -> str:
    """The question as the models should see it: control characters and lone surrogates (what a
    shell hands Python for undecodable bytes) become spaces, runs of white space one space, and the
    text is normalised as the corpus is (qa/normalize.py). Only the first SCAN_CHARS characters are
    looked at: the encoder keeps far fewer, and a 20 MB question must cost no more than a long one."""
    from .normalize import normalize_text

    # Cut again after normalising: NFKC may expand (one Arabic ligature becomes 18 characters).
    return " ".join(normalize_text(_UNPRINTABLE.sub(" ", str(question)[:SCAN_CHARS]))[:SCAN_CHARS].split())


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
