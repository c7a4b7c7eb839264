"""What the assistant returns: passages, the answer, its confidence, abstention, highlights.

The JSON shape here is the public contract of ``qa ask --json``, the batch files and the
web API: later versions add keys, never rename them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field

from .analysis import STOPWORDS, token_spans, tokenize
from .question_words import INDONESIAN_QUESTION_WORDS, is_question_word

ABSTAIN_TEXT = "Maaf, dokumen tidak memuat jawaban untuk pertanyaan ini."


@dataclass
class Passage:
    rank: int
    chunk_id: str
    source: str
    text: str  # the best sentence with its neighbours on the same line
    score: float
    start: int  # offsets of `text` in the source document
    end: int
    sentence_start: int  # the sentence that carries the meaning, relative to `text`
    sentence_end: int
    dense_score: float
    lexical_score: float
    window_score: float
    matched_by: str
    context: str  # a wider view (neighbouring lines), for reading it in place
    context_start: int
    context_end: int
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] of matched words in `text`
    # Where the passage sits: {"label": "cuti.pdf, halaman 3", "page": 3 | None, "headings": [...]}
    location: dict = field(default_factory=dict)

    @property
    def location_label(self) -> str:
        """ "cuti.pdf, halaman 3" or "panduan.md › Cuti" (the document id alone when it has no structure)."""
        return self.location.get("label") or self.source

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("score", "dense_score"):
            d[key] = round(d[key], 4)
        for key in ("lexical_score", "window_score"):
            d[key] = bm25_rounded(d[key], 4)
        return d


def bm25_rounded(value: float, places: int) -> float:
    """``value`` to ``places`` decimals, but a positive BM25 never to 0: a BM25 of 0 says no word of the
    question is in the passage, and ``matched_by`` reads above 0. A word in every passage scores about
    0.5 / passages (idf), so at 9,000 passages "keywords" stood beside 0.0; such a value keeps two
    significant digits (``3.1e-05``). Every other value rounds as before."""
    out = round(value, places)
    return float(f"{value:.2g}") if out == 0 and value > 0 else out


@dataclass
class Result:
    question: str
    abstained: bool
    confidence: float
    passages: list[Passage]
    notice: str | None = None  # e.g. that the question was cut to the model's limit
    reason: str | None = None  # why it abstained, when more can be said: what the document does not state

    @property
    def answer(self) -> Passage | None:
        return None if self.abstained or not self.passages else self.passages[0]

    @property
    def message(self) -> str:
        """The user-facing sentence: the answer text, or plainly that the document does not say."""
        if self.answer is None:
            return self.reason or ABSTAIN_TEXT
        return self.answer.text

    def to_dict(self) -> dict:
        a = self.answer
        answer = (
            None
            if a is None
            else {
                "text": a.text,
                "source": a.source,
                "chunk_id": a.chunk_id,
                "score": round(a.score, 4),
                "highlights": a.highlights,
                "location": a.location,
            }
        )
        out = {
            "question": self.question,
            "abstained": self.abstained,
            "confidence": round(self.confidence, 4),
            "answer": answer,
            "message": self.message,
            "reason": self.reason if self.abstained else None,
            "passages": [p.to_dict() for p in self.passages],
        }
        if self.notice:
            out["notice"] = self.notice
        return out


def highlight_spans(question: str, text: str) -> list[list[int]]:
    """Character spans of the words of ``text`` whose stem is one of the question's stems."""
    stems = set(tokenize(question))
    return [[s, e] for s, e, stem in token_spans(text) if stem in stems]


# Function words that mark an English question; the corpus language is Indonesian.
ENGLISH_FUNCTION_WORDS = frozenset(
    """
    a an the is are was were be been do does did can could should would will shall may might must
    what who whom whose which when where why how of on in into to for with from by about this that
    these those and or not no i you he she it we they me my your his her its our their have has had there
    """.split()
)


_WORD = re.compile(r"[^\W\d_]+")
# A content word the corpus knows is half the evidence of a function word: loanwords and names are shared
# by both languages ("diplomat", "data"), function words are not.
_KNOWN_WORD_WEIGHT = 0.5
# More English function words, for telling the language only (the question analysis keeps the list above):
# with the corpus's words counted, "what sets them apart?" needs "them" to stay English.
_ENGLISH_MARKERS = ENGLISH_FUNCTION_WORDS | frozenset(
    "them him us than as at if up out over under between after before all any some most very also just "
    "only ever".split()
)
_TITLE_GAP = 3  # at most this many lower-case function words inside a name ("The Lord of the Rings")


def _in_names(words: list[str]) -> list[bool]:
    """Which words belong to a name or title rather than to the sentence: capitalised words after the
    first, acronyms, and short runs of lower-case function words between two of them ("WHO", "A Azis",
    "The Clash of Civilizations and The Remaking of World Order")."""
    if all(w.isupper() for w in words):  # a question typed in capitals says nothing by its case
        return [False] * len(words)
    named = [(i > 0 and w[0].isupper()) or (len(w) > 1 and w.isupper()) for i, w in enumerate(words)]
    out = list(named)
    i = 1
    while i < len(words):
        j = i
        while j < len(words) and not named[j] and words[j].lower() in ENGLISH_FUNCTION_WORDS:
            j += 1
        if j > i and named[i - 1] and j < len(words) and named[j] and j - i <= _TITLE_GAP:
            out[i:j] = [True] * (j - i)
        i = max(j, i + 1)
    return out


def written_in_another_language(question: str, known: Collection[str] = frozenset()) -> bool:
    """True for a question that reads as English rather than Indonesian: more English function words than
    Indonesian stopwords, question words and words the corpus knows (``known``: stems of its index), not
    counting the words of names and titles (an Indonesian question about "Director of Cancer Division WHO"
    or "The Eyes in the Sky" stays Indonesian). A question framed in English around the corpus's own words
    ("how much gaji asisten menteri?", "who is atasan asisten menteri?") is in the corpus's language: those
    words are looked for in it, and what it lacks ("gaji") must be seen as lacking."""
    words = _WORD.findall(question)
    english = indonesian = 0.0
    for word, named in zip(words, _in_names(words)):
        if named:
            continue
        low = word.lower()
        if low in _ENGLISH_MARKERS:
            english += 1
        elif low in STOPWORDS or is_question_word(low, INDONESIAN_QUESTION_WORDS):
            indonesian += 1
        elif known and any(stem in known for stem in tokenize(low)):
            indonesian += _KNOWN_WORD_WEIGHT
    return english > 0 and english > indonesian
