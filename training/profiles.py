"""Hand-written job profiles of the seed document's genre (``data/train/profiles/``), each its own corpus.

The seed document is a ten-line job profile answered mostly by yes/no and "what kind" questions; FacQA is
news with factoid answers. A reranker trained on FacQA alone learns FacQA's genre; these documents give it
(and the answerability model) ranking labels and abstention examples on documents of the seed's kind.
Each document is indexed on its own, like the seed document; its questions are grouped by document so
that, in every cross-validation, a document's questions are all held out together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import TRAIN_DIR, Question, open_assistant, read_questions
from .dataset import Collected, collect_cached

PROFILES = TRAIN_DIR / "profiles"
GROUP_BASE = 20_000_000  # fold-group ids of the profile documents, apart from FacQA's paragraphs


@dataclass
class Profile:
    """One profile document: its rows (answerable, on-topic unanswerable, off-topic) and its fold group."""

    name: str
    col: Collected
    group: int

    @property
    def answerable(self) -> np.ndarray:
        return np.flatnonzero(self.col.answerable)


def profile_files() -> list[Path]:
    """The documents and question files, for the models' training-data hash."""
    return sorted([*PROFILES.glob("*/*.txt"), *PROFILES.glob("*.jsonl")])


def load_profiles(encoder, cache: Path, offtopic: list[Question], pool: int) -> list[Profile]:
    """Every profile document with its own questions plus ``offtopic`` ones, indexed under ``cache``."""
    out = []
    for k, folder in enumerate(sorted(p for p in PROFILES.iterdir() if p.is_dir())):
        questions = read_questions(PROFILES / f"{folder.name}.jsonl") + offtopic
        assistant = open_assistant(folder, cache / f"idx-profile-{folder.name}", encoder)
        col = collect_cached(f"profile-{folder.name}", assistant, questions, encoder, cache, pool)
        out.append(Profile(folder.name, col, GROUP_BASE + k))
    return out


def ranking_rows(profiles: list[Profile], repeat: int) -> tuple[list, list, list, np.ndarray]:
    """The answerable questions' candidate rows for the reranker, each question ``repeat`` times (so a
    few dozen questions weigh against 2,495 FacQA ones), grouped by document."""
    xs, ys, fused, groups = [], [], [], []
    for p in profiles:
        for i in p.answerable:
            for _ in range(repeat):
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
