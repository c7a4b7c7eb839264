"""Hand-written job profiles of the seed document's genre (``data/train/profiles/``), each its own corpus.

The seed document is a ten-line job profile answered mostly by yes/no and "what kind" questions; FacQA is
news with factoid answers. A reranker trained on FacQA alone learns FacQA's genre; these documents give it
(and the answerability model) ranking labels and abstention examples on documents of the seed's kind.
Each document is indexed on its own, like the seed document; its questions are grouped by document so
that, in every cross-validation, a document's questions are all held out together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .data import TRAIN_DIR, Question, open_assistant, read_questions
from .dataset import Collected, collect_cached

PROFILES = TRAIN_DIR / "profiles"
GROUP_BASE = 20_000_000  # fold-group ids of the profile documents, apart from FacQA's paragraphs
# The row kind of the thirtieth round's questions, which paraphrase the document rather than copy its words
# (``"kind": "paraphrase"`` in the question files; data/train/profiles/README.md): training can weigh them
# apart from the rows written close to the text (docs/quality.md, "Thirty-second round").
PARAPHRASE = "paraphrase"


@dataclass
class Profile:
    """One profile document: its rows (answerable, on-topic unanswerable, off-topic) and its fold group."""

    name: str
    col: Collected
    group: int
    paraphrase: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))  # per question; empty: none

    @property
    def answerable(self) -> np.ndarray:
        return np.flatnonzero(self.col.answerable)

    def is_paraphrase(self, i: int) -> bool:
        return bool(i < len(self.paraphrase) and self.paraphrase[i])


def profile_files() -> list[Path]:
    """The documents and question files, for the models' training-data hash."""
    return sorted([*PROFILES.glob("*/*.txt"), *PROFILES.glob("*.jsonl")])


def load_profiles(encoder, cache: Path, offtopic: list[Question], pool: int) -> list[Profile]:
    """Every profile document with its own questions plus ``offtopic`` ones, indexed under ``cache``."""
    out = []
    for k, folder in enumerate(sorted(p for p in PROFILES.iterdir() if p.is_dir())):
        path = PROFILES / f"{folder.name}.jsonl"
        questions = read_questions(path) + offtopic
        assistant = open_assistant(folder, cache / f"idx-profile-{folder.name}", encoder)
        col = collect_cached(f"profile-{folder.name}", assistant, questions, encoder, cache, pool)
        kinds = paraphrase_rows(path) + [False] * len(offtopic)
        out.append(Profile(folder.name, col, GROUP_BASE + k, np.array(kinds, bool)))
    return out


def paraphrase_rows(path: Path) -> list[bool]:
    """Per question of a profile's file (``read_questions``' order): whether it is of the paraphrase kind."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    return [json.loads(ln).get("kind") == PARAPHRASE for ln in lines]


def answer_weights(p: Profile, plain: float, paraphrase: float) -> np.ndarray:
    """Each question's weight in the answerability fit: ``paraphrase`` for a paraphrase row (answerable or
    not, so the fit does not learn "paraphrase, so answerable"), ``plain`` for the others; 0 leaves it out."""
    para = np.array([p.is_paraphrase(i) for i in range(len(p.col.answerable))], bool)
    return np.where(para, paraphrase, plain)


def ranking_rows(
    profiles: list[Profile], repeat: int, paraphrase_repeat: int | None = None
) -> tuple[list, list, list, np.ndarray]:
    """The answerable questions' candidate rows for the reranker, each question ``repeat`` times (so a
    few dozen questions weigh against 2,495 FacQA ones), a paraphrase ``paraphrase_repeat`` times (None:
    as the others), grouped by document."""
    xs, ys, fused, groups = [], [], [], []
    for p in profiles:
        for i in p.answerable:
            times = repeat if paraphrase_repeat is None or not p.is_paraphrase(i) else paraphrase_repeat
            for _ in range(times):
                xs.append(p.col.x[i])
                ys.append(p.col.y[i])
                fused.append(p.col.fused[i])
                groups.append(p.group)
    return xs, ys, fused, np.array(groups, dtype=np.int64)


def ranking_metrics(profiles: list[Profile], scores: list[list[np.ndarray]]) -> dict[str, float]:
    """Ranking figures over all profiles' answerable questions (``scores[k]``: one array per answerable
    question of profile ``k``), each scored on the passages its own document shows."""
    from . import rank_model

    total: dict[str, float] = {}
    n = 0
    for p, s in zip(profiles, scores):
        keep = p.answerable
        m = rank_model.metrics(
            [p.col.y[i] for i in keep],
            s,
            [p.col.rows[i] for i in keep],
            p.col.assistant.index.chunks,  # type: ignore[attr-defined]
        )
        for key, v in m.items():
            total[key] = total.get(key, 0.0) + v * len(keep)
        n += len(keep)
    return {key: v / max(n, 1) for key, v in total.items()}
