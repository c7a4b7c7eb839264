"""What the models read of a typed question: the one reading the runtime and the training share.

``Assistant.ask_many`` searched the asked part of a chatty message with its misspelt words read as the
corpus's, while training read every stored question as typed: three FacQA training questions reached the
models with a typo the runtime corrects ("thaun"), and a stop-gap list kept those words uncorrected at run
time. Both now call ``read_question`` (through ``Assistant.read``), so what a model is trained on is what
it is asked, and a change of the reading changes both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from .errors import InputError
from .question import QuestionInfo, analyze, asked_part, is_empty_like
from .question_text import SCAN_CHARS, clean_question, whole_words


class Corrects(Protocol):
    def correct(self, question: str) -> str: ...


@dataclass(frozen=True)
class Reading:
    """One typed question as the assistant reads it."""

    shown: str  # what the answer names: the message as typed (cleaned), or the part of it kept when cut
    searched: str  # what the models read: the asked part, cut at a word to the window, typos corrected
    cut: bool  # the encoder's window or SCAN_CHARS cut the question (the answer says so)
    info: QuestionInfo  # the one analysis of ``searched``: the vague check, the models' features, the message

    @property
    def vague(self) -> bool:
        """Nothing specific is asked: not searched at all."""
        return self.info.vague


def read_question(raw: object, truncate: Callable[[str], tuple[str, bool]], speller: Corrects) -> Reading:
    """``raw`` as the models read it over one corpus (``truncate``: the encoder's window; ``speller``: the
    corpus's words). An empty question, or one with nothing in it ("apa itu?"), is an ``InputError``."""
    window = _windowed(raw, truncate)
    searched = speller.correct(window.kept)  # "mentri" is read as the corpus's "menteri"
    return Reading(shown=window.shown, searched=searched, cut=window.cut, info=analyze(searched))


def is_cut(raw: object, truncate: Callable[[str], tuple[str, bool]]) -> bool:
    """``read_question(raw, …).cut``, the same value from the same code, without the speller and the
    analysis, most of a reading's cost: a resumed report asks it of every older section
    (qa.batch.markdown_output)."""
    return _windowed(raw, truncate).cut


class _Window(NamedTuple):
    shown: str  # Reading.shown
    kept: str  # the asked part, cut at a word to the window: what the speller then reads
    cut: bool  # Reading.cut


def _windowed(raw: object, truncate: Callable[[str], tuple[str, bool]]) -> _Window:
    """What of ``raw`` the window keeps, and whether it or ``SCAN_CHARS`` cut it: the one definition
    ``read_question`` and ``is_cut`` share, so the notice and a resumed report's note cannot disagree."""
    q = clean_question(raw)
    # A dash or zero-width characters are as empty as nothing; a question with nothing specific in it
    # ("apa itu?", a lone letter) is not searched: any passage would look like an answer.
    if not q or is_empty_like(q):
        raise InputError("the question is empty", 'type a question, e.g. "apa tugas asisten menteri?"')
    # In a message of several sentences the models read its question, not the asker's preamble
    # ("Saya mahasiswa … Apa tugas …? Terima kasih."), which would blur the search and be cut first.
    part = asked_part(q)
    short, cut = truncate(part)
    kept = whole_words(short, part) if cut else short
    return _Window(kept if cut or part == q else q, kept, cut or len(str(raw)) > SCAN_CHARS)
