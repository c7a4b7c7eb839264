"""The learned reranker: re-orders a question's best fused candidates so the top *sentence* answers.

A LightGBM lambdarank ensemble (trained by ``training/``, shipped as ``qa/models/reranker.json``)
scores each candidate's features; the final score blends its per-question min-max with the fused
score, so a question the features cannot read (English over an Indonesian corpus) keeps the fused
order. One model and one blend weight serve every corpus: the features are corpus-relative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .features import FEATURE_SET, NAMES, POOL, Candidates, QuestionFacts, candidate_features
from .passage_table import PassageTable
from .retrieval import Pool, Ranking, Tier
from .trees import HINT, ModelError, TreeEnsemble, load_model, load_trees

if TYPE_CHECKING:
    from .answerability import Answerability

MODEL_FILE = Path(__file__).parent / "models" / "reranker.json"


@dataclass
class Reranked:
    """One question's candidates with their scores; ``order`` indexes ``candidates`` best first."""

    candidates: Candidates
    raw: np.ndarray  # the ensemble's score per candidate (its scale is the model's own)
    score: np.ndarray  # the blended score in [0, 1] that orders the answer
    order: np.ndarray


def minmax(x: np.ndarray) -> np.ndarray:
    spread = float(x.max() - x.min()) if len(x) else 0.0
    return (x - x.min()) / spread if spread > 1e-9 else np.ones_like(x)


@dataclass(frozen=True)
class RerankModel:
    """The shipped reranker as its file holds it, read and checked: the trees (compiled, so a damaged
    node is found here), the blend weight and the pool size. ``Assistant`` loads it at the open, before
    anything slow, so a damaged or mismatched file is one error at once, ``qa info`` included."""

    trees: TreeEnsemble
    blend: float  # weight of the reranker against the fused score
    pool_size: int  # fused candidates it scores
    model: dict[str, Any]  # the file as read (training metadata for the curious)

    @classmethod
    def load(cls, path: Path | None = None) -> RerankModel:
        """The shipped model, checked whole before any index opens: a damaged or mismatched file is one
        ``ModelError`` (exit 1), never a wrong ranking."""
        path = MODEL_FILE if path is None else path  # read when called: tests point it at a copy
        model = load_model(path, "reranker", FEATURE_SET, NAMES)
        if not isinstance(model.get("trees"), dict):
            raise ModelError(f"malformed reranker model {path}: it holds no trees", HINT)
        try:
            blend, pool = float(model["blend"]), int(model.get("pool", POOL))
        except (KeyError, TypeError, ValueError, OverflowError) as exc:  # OverflowError: a pool of Infinity
            raise ModelError(f"malformed reranker model {path} ({type(exc).__name__}: {exc})", HINT) from None
        if not 0.0 <= blend <= 1.0 or pool < 1:
            raise ModelError(f"malformed reranker model {path}: blend or pool out of range", HINT)
        return cls(load_trees(model["trees"], len(NAMES), path), blend, pool, model)


class Reranker:
    """Scores the top ``POOL`` fused candidates of a question with the shipped tree ensemble."""

    def __init__(
        self, table: PassageTable, vectors, path: Path | None = None, model: RerankModel | None = None
    ) -> None:
        loaded = model or RerankModel.load(path)
        self.model, self.trees = loaded.model, loaded.trees
        self.blend, self.pool_size = loaded.blend, loaded.pool_size
        self.table, self.vectors = table, vectors

    def rerank(
        self, question: str, pool: Pool, qvec: np.ndarray, facts: QuestionFacts, foreign: bool = False
    ) -> Reranked:
        """``foreign``: the question is in another language than the corpus, so its lexical features
        say nothing; the fused order (led by the multilingual dense channel) is kept."""
        cands = candidate_features(self.table, self.vectors, question, qvec, pool, facts, self.pool_size)
        raw = self.trees.predict(cands.x)
        fused = pool.fused[cands.pool_index]
        weight = 0.0 if foreign else self.blend
        score = weight * minmax(raw) + (1 - weight) * fused
        order = np.lexsort((cands.rows, -score))
        return Reranked(cands, raw, score.astype(np.float32), order)


class TrustedSearch:
    """Fused retrieval, then the reranker's order and the answerability probability per question."""

    def __init__(
        self,
        retriever,
        rerank_path: Path | None = None,
        answer_path: Path | None = None,
        answerability: Answerability | None = None,
        rerank_model: RerankModel | None = None,
    ) -> None:
        """The models from ``rerank_path`` and ``answer_path`` (the shipped files by default), unless
        given already loaded (``rerank_model``, ``answerability``)."""
        from .answerability import Answerability
        from .qpp import corpus_centroid

        self.retriever = retriever
        self.table = PassageTable(retriever.index, retriever.passage_texts)
        self.centroid = corpus_centroid(retriever.index.vectors)  # for the answerability's WIG
        self.reranker = Reranker(self.table, retriever.index.vectors, rerank_path, rerank_model)
        self.answerability = answerability or Answerability(answer_path)

    def search(
        self,
        questions: Sequence[str],
        qvecs: np.ndarray,
        k: int,
        rows: tuple[int, int] | None = None,
        facts: Sequence[QuestionFacts] | None = None,
    ) -> list[tuple[Ranking, float]]:
        """Top-``k`` hits per question (reranked first, then the rest of the pool by fused score, then
        deeper tiers when more are needed: ``Retriever.rank``) with the probability that the corpus
        answers the question, both computed on the pool training used, whatever ``k`` is; ``rows``
        limits the search to one document's passages (see ``Retriever.pools``). ``facts``: each
        question's ``analyze``, when the caller has read them already (else read here)."""
        from .answer import written_in_another_language
        from .answerability import signals
        from .qpp import pool_signals
        from .question import analyze
        from .translation import foreign_signals

        # Scored on the pool training used whatever k is; more passages to show come from deeper tiers.
        pools = self.retriever.pools(questions, qvecs, self.retriever.candidates, rows)
        scored: list[list[Tier]] = []
        confidence: list[float] = []
        if facts is None:
            facts = [analyze(question) for question in questions]
        for question, qvec, pool, fact in zip(questions, qvecs, pools, facts, strict=True):
            if len(pool.rows) == 0:
                scored.append([Tier(pool, pool.fused, pool.fused)])
                confidence.append(0.0)
                continue
            known = self.retriever.index.lexical.query_terms(question)  # the corpus's words in it
            foreign = written_in_another_language(question, known)
            ranked = self.reranker.rerank(question, pool, qvec, fact, foreign)
            # The reranked candidates by their score; the rest of the pool keeps its fused order below them
            # (two tiers: one order of scores and offsets lost the float32 fused score's last digits).
            top, score = ranked.candidates.pool_index, np.zeros(len(pool.rows), np.float32)
            score[top] = ranked.score
            rest = np.setdiff1d(np.arange(len(pool.rows)), top)
            below = pool.fused * ranked.score.min()
            scored.append([Tier(pool, score, score, top), Tier(pool, pool.fused, below, rest)])
            best = ranked.candidates.pool_index[ranked.order[:3]]
            context = pool_signals(self.table, self.centroid, pool, qvec, fact, best)
            read = foreign_signals(self.table, question, fact, pool.rows[best]) if foreign else None
            confidence.append(self.answerability.probability(signals(ranked, foreign, context), read))
        rankings = self.retriever.rank(questions, qvecs, scored, k, rows)
        return list(zip(rankings, confidence, strict=True))
