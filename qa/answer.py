"""What the assistant returns: passages, the answer, its confidence, abstention, highlights.

The JSON shape here is the public contract of ``qa ask --json``, the batch files and the
web API: later versions add keys, never rename them.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from .lexical import token_spans, tokenize

ABSTAIN_TEXT = "Maaf, dokumen tidak memuat jawaban untuk pertanyaan ini."


@dataclass
class Passage:
    rank: int
    chunk_id: str
    source: str
    text: str
    score: float
    start: int
    end: int
    dense_score: float
    lexical_score: float
    matched_by: str
    context: str                 # the sentence with its neighbours, for reading it in place
    context_start: int
    context_end: int
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] of matched words in `text`

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("score", "dense_score", "lexical_score"):
            d[key] = round(d[key], 4)
        return d


@dataclass
class Result:
    question: str
    abstained: bool
    confidence: float
    passages: list[Passage]
    notice: str | None = None    # e.g. that the question was cut to the model's limit

    @property
    def answer(self) -> Passage | None:
        return None if self.abstained or not self.passages else self.passages[0]

    @property
    def message(self) -> str:
        """The user-facing sentence: the answer text, or plainly that the document does not say."""
        return ABSTAIN_TEXT if self.answer is None else self.answer.text

    def to_dict(self) -> dict:
        a = self.answer
        answer = None if a is None else {"text": a.text, "source": a.source, "chunk_id": a.chunk_id,
                                         "score": round(a.score, 4), "highlights": a.highlights}
        out = {"question": self.question, "abstained": self.abstained,
               "confidence": round(self.confidence, 4), "answer": answer, "message": self.message,
               "passages": [p.to_dict() for p in self.passages]}
        if self.notice:
            out["notice"] = self.notice
        return out


def highlight_spans(question: str, text: str) -> list[list[int]]:
    """Character spans of the words of ``text`` whose stem is one of the question's stems."""
    stems = set(tokenize(question))
    return [[s, e] for s, e, stem in token_spans(text) if stem in stems]


def confidence(dense: float, share: float, margin: float) -> float:
    """How sure the top passage answers the question, in [0, 1].

    Raw e5 cosine alone does not separate off-topic questions (both cluster near 0.8), so
    it is combined with the share of the question's content words the passage contains
    and with the margin to the runner-up. The weights are fixed by principle (a logistic
    over centred features); only the abstention threshold is calibrated on labelled data.
    """
    z = 25.0 * (dense - 0.80) + 3.0 * share + 10.0 * margin - 1.0
    return 1.0 / (1.0 + math.exp(-z))
