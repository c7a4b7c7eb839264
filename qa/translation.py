"""An English question's words read in Indonesian, through a bilingual dictionary.

The keyword channel and the coverage signals look for a question's stems in the corpus; an English
question's stems are never there, so for such a question they said nothing (its coverage was
neutralised) and only the cross-lingual cosines judged it. Here each content word of an English question
is looked up in FreeDict's English–Indonesian dictionary (``qa/data/eng_ind.json``, CC-BY-SA-3.0;
``scripts/eng_ind_dictionary.py``) after a light English lemmatisation, and its translations are stemmed
as the runtime stems the corpus. A question *term* keeps its own stem as the key (what ``analyze`` gives)
and gains its *renderings*: alternatives, each a tuple of stems (a multi-word translation, "perguruan
tinggi", is one rendering that counts present only when all its stems are). The term's own stem stays a
rendering too: names and loanwords ("diplomat", "WHO") are shared by both languages.

What it is for: whether the passages an English question gets hold *its* words, which the answerability
model reads as two signals of its own (``foreign_signals``, ``qa.answerability``). Retrieval is left as
it is, so every question is ranked, and every training row of the base model computed, as before; the
renderings in the keyword channel moved one fresh English answer in the fourteenth round
(docs/quality.md).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .analysis import VOWELS, token_spans, tokenize

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .features import QuestionFacts
    from .passage_table import PassageTable, Postings

DATA = Path(__file__).parent / "data" / "eng_ind.json"
# What the answerability model reads of an English question through the dictionary (``foreign_signals``).
FOREIGN_SIGNALS = ("foreign_focus_win_top", "foreign_idf_cov_win_best3")
Rendering = tuple[str, ...]


HINT = "reinstall the package, or regenerate the file: python scripts/eng_ind_dictionary.py"


@lru_cache(maxsize=1)
def _entries() -> dict[str, list[str]]:
    """The dictionary's headwords and their translations, read at the first English question (a question
    in the corpus's language never pays for it). The file ships with the package like the models: one
    that cannot be read is a damaged installation, a ``ModelError`` naming it, never a traceback, nor
    read as a dictionary of no word (every English question would silently get the stack's neutral
    values)."""
    from .trees import ModelError

    try:
        entries = json.loads(DATA.read_text(encoding="utf-8"))["entries"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        reason = f"no {exc}" if isinstance(exc, KeyError) else str(exc) or type(exc).__name__
        raise ModelError(f"cannot read the English-Indonesian dictionary {DATA}: {reason}", HINT) from None
    if not isinstance(entries, dict) or not entries or not all(map(_translations, entries.values())):
        damage = "its entries are not headwords with lists of translations"
        raise ModelError(f"the English-Indonesian dictionary {DATA} is damaged: {damage}", HINT)
    return entries


def _translations(found: object) -> bool:
    return isinstance(found, list) and all(isinstance(t, str) for t in found)


def _inflected_bases(word: str) -> list[str]:
    """Base forms an English inflection may come from ("universities" → "university", "trained" →
    "train", "negotiating" → "negotiate", "running" → "run"): candidates only; the dictionary decides."""
    out = [word]
    rules = (
        ("ies", "y"),
        ("ied", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    )
    for suffix, repl in rules:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: len(word) - len(suffix)] + repl
            out.append(stem)
            # "planned", "running": a doubled consonant before -ed/-ing
            doubled = len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in VOWELS
            if suffix in ("ed", "ing") and not repl and doubled:
                out.append(stem[:-1])
    return out


def is_headword(word: str) -> bool:
    """``word`` (lower case) is an English word as typed, a headword of the dictionary ("software",
    "weekend"): a mixed Indonesian question's English word is one its reader reads, not slang."""
    return word in _entries()


@lru_cache(maxsize=1)
def translated_words() -> frozenset[str]:
    """The dictionary's Indonesian side: its one-word translations, lower case ("kupu-kupu", "kerjasama",
    "utang", "dulu"), words of Indonesian the vendored Hunspell root list lacks (``qa.wordlist``)."""
    found = (t.strip().lower() for ts in _entries().values() for t in ts)
    return frozenset(t for t in found if t.replace("-", "").isalpha() and t.isascii())


@lru_cache(maxsize=8192)
def renderings(word: str) -> tuple[Rendering, ...]:
    """The Indonesian renderings of one English word (lower-cased), stemmed as the corpus is: the
    translations of the first of its base forms the dictionary holds; none when it holds none."""
    entries = _entries()
    word = word.lower().replace("\u2019", "'").split("'")[0]  # "minister's" → "minister"
    for base in _inflected_bases(word):
        found = entries.get(base)
        if found:
            out = dict.fromkeys(tuple(tokenize(t)) for t in found)
            return tuple(r for r in out if r)
    return ()


@lru_cache(maxsize=4096)
def term_renderings(question: str) -> dict[str, tuple[Rendering, ...]]:
    """Per stem of ``question`` (as ``tokenize`` gives it), the renderings it counts present by: its own
    stem, then the dictionary's translations of the words it came from."""
    groups: dict[str, dict[Rendering, None]] = {}
    for start, end, stem in token_spans(question):
        group = groups.setdefault(stem, {(stem,): None})
        for rendering in renderings(question[start:end]):
            group.setdefault(rendering)
    return {stem: tuple(group) for stem, group in groups.items()}


def foreign_signals(table: PassageTable, question: str, facts: QuestionFacts, rows: np.ndarray) -> np.ndarray:
    """``FOREIGN_SIGNALS`` of an English ``question`` over the windows of its reranked top ``rows`` (best
    first): the IDF-weighted share of its focus terms (all terms when it names no focus) in the first, and
    of all its terms in the best of them, each term read through its renderings. A word the dictionary
    lacks and the corpus does not hold counts neither way (``readable_terms``); with no word left to read
    both are NaN, unobserved."""
    from .exact import weighted_share

    windows = RenderedPostings(table.window_terms, term_renderings(question))
    terms, focus = readable_terms(windows, facts)
    rows = np.asarray(rows, dtype=np.int64)
    if not terms or not len(rows):  # nothing to read: the model's neutral values (``Answerability``)
        return np.full(len(FOREIGN_SIGNALS), np.nan)
    present, idf = windows.presence(terms, rows)
    chosen = focus if focus.any() else np.ones(len(terms), dtype=bool)
    top = float(weighted_share(present[:1, chosen], idf[chosen])[0])
    return np.array([top, float(weighted_share(present, idf).max())], dtype=np.float64)


def readable_terms(postings: RenderedPostings, facts: QuestionFacts) -> tuple[list[str], np.ndarray]:
    """The question's terms (``features.question_terms``) whose presence ``postings`` can read, and which of
    them are focus terms: a word the corpus holds as written, one the dictionary translates (present or
    not), a name or a number. A word neither holds could be there in other words or not at all."""
    from .features import question_terms

    terms, focus, names, numbers = question_terms(facts)
    keep = names | numbers | np.array([postings.readable(t) for t in terms], dtype=bool)
    return [t for t, k in zip(terms, keep, strict=True) if k], focus[keep]


class RenderedPostings:
    """``Postings`` read through each term's renderings (``qa.translation``: an English question's words
    in Indonesian): a term is present where one of its renderings is (a rendering of several stems, a
    phrase, where all of them are), and as rare as its most common rendering the corpus knows."""

    def __init__(self, base: Postings, groups: dict[str, tuple[tuple[str, ...], ...]]) -> None:
        self.base, self.groups = base, groups

    def _renderings(self, term: str) -> tuple[tuple[str, ...], ...]:
        return self.groups.get(term, ((term,),))

    def readable(self, term: str) -> bool:
        """A word the corpus holds as written, or one the dictionary translates (present or not)."""
        return term in self.base.vocab or len(self._renderings(term)) > 1

    def idf_of(self, terms: Sequence[str]) -> np.ndarray:
        out = []
        for term in terms:
            known = [r for r in self._renderings(term) if all(s in self.base.vocab for s in r)]
            out.append(min((float(self.base.idf_of(r).max()) for r in known), default=self.base.unknown_idf))
        return np.array(out, dtype=np.float32)

    def presence(self, terms: Sequence[str], rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """As ``Postings.presence``, a term present where any of its renderings is."""
        groups = [self._renderings(term) for term in terms]
        stems = list(dict.fromkeys(s for g in groups for r in g for s in r))
        base, _ = self.base.presence(stems, rows)
        col = {s: j for j, s in enumerate(stems)}
        out = np.zeros((len(rows), len(terms)), dtype=np.float32)
        for j, group in enumerate(groups):  # the question's few terms
            for r in group:
                out[:, j] = np.maximum(out[:, j], base[:, [col[s] for s in r]].min(axis=1))
        return out, self.idf_of(terms)
