"""The profiles' paraphrase rows (the thirtieth round's) are a row kind training weighs on its own
(docs/quality.md, "Thirty-second round"): marked in the question files, repeated apart in the reranker's
rows, weighted apart in the answerability fit."""

from __future__ import annotations

import json

import numpy as np

from training.dataset import Collected
from training.profiles import PROFILES, Profile, answer_weights, paraphrase_rows, ranking_rows


def _profile(group: int, answerable: list[bool], paraphrase: list[bool]) -> Profile:
    n = len(answerable)
    col = Collected(
        "p",
        [],
        np.zeros((n, 4)),
        [np.full((3, 2), float(i)) for i in range(n)],
        [np.array([2, 0, 0])] * n,
        [np.zeros(3)] * n,
        [np.arange(3)] * n,
        np.array(answerable),
        np.zeros(n, np.int64),
        [],
        None,
        None,
    )
    return Profile("p", col, group, np.array(paraphrase, bool))


def test_every_profile_marks_its_thirtieth_round_rows_as_paraphrases() -> None:
    """13 per document, the last 13 (8 answerable, 5 the document does not answer): the rows the README
    says the thirtieth round appended; the rows written close to the text are not marked."""
    files = sorted(PROFILES.glob("*.jsonl"))
    assert len(files) == 5
    for path in files:
        marked = paraphrase_rows(path)
        rows = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        assert len(marked) == len(rows) and sum(marked) == 13, path.name
        assert marked == [False] * (len(rows) - 13) + [True] * 13, path.name
        answerable = [bool(r.get("expected")) for r, m in zip(rows, marked) if m]
        assert sum(answerable) == 8, path.name


def test_paraphrases_repeat_apart_in_the_reranker_rows() -> None:
    a = _profile(7, [True, True, False, True], [False, True, True, False])
    b = _profile(9, [True, True], [True, False])
    xs, _, _, groups = ranking_rows([a, b], 0, 3)  # the paraphrases alone, three times each
    assert [float(x[0, 0]) for x in xs] == [1, 1, 1, 0, 0, 0]
    assert groups.tolist() == [7, 7, 7, 9, 9, 9]
    xs, _, _, _ = ranking_rows([a, b], 1, 2)
    assert [float(x[0, 0]) for x in xs] == [0, 1, 1, 3, 0, 0, 1]
    # no paraphrase repeat given: every answerable row counts ``repeat`` times, as before the row kinds
    assert len(ranking_rows([a, b], 2)[0]) == 10


def test_paraphrase_rows_weigh_apart_in_the_answerability_fit() -> None:
    a = _profile(7, [True, False, False], [True, True, False])
    assert answer_weights(a, 0.0, 5.5).tolist() == [5.5, 5.5, 0.0]  # unanswerable paraphrases too
    assert answer_weights(a, 2.0, 0.0).tolist() == [0.0, 0.0, 2.0]
    unmarked = Profile("p", a.col, 7)  # a profile built without kinds has no paraphrase rows
    assert answer_weights(unmarked, 1.0, 3.0).tolist() == [1.0, 1.0, 1.0]


def test_profile_ranking_rows_repeat_answerable_questions_grouped_by_document() -> None:
    def profile(group: int, answerable: list[bool]) -> Profile:
        return _profile(group, answerable, [False] * len(answerable))

    xs, ys, fused, groups = ranking_rows([profile(7, [True, False, True]), profile(9, [False, True])], 2)
    assert [float(x[0, 0]) for x in xs] == [0, 0, 2, 2, 1, 1]  # answerable questions only, each twice
    assert groups.tolist() == [7, 7, 7, 7, 9, 9] and len(ys) == len(fused) == 6
    assert ranking_rows([profile(7, [True])], 0)[3].size == 0  # repeat 0: not in the reranker's training
