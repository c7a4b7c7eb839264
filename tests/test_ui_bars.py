"""The score chart (qa.ui.bars): pure HTML bars, drawn the same way for any answer, never blank."""

from __future__ import annotations

import math
import re

from qa.ui.bars import CHANNELS, EMPTY_TEXT, score_bars
from tests.ui_helpers import bar_rows


def _passage(rank: int, score: float, dense: float, lexical: float, **extra) -> dict:
    return {"rank": rank, "score": score, "dense_score": dense, "lexical_score": lexical, **extra}


def widths(chart: str) -> list[float]:
    return [float(w) for w in re.findall(r'style="width:([0-9.]+)%', chart)]


def test_an_answer_draws_three_channels_per_passage_with_bm25_relative_to_the_highest():
    result = {"abstained": False, "passages": [_passage(1, 1.0, 0.84, 7.5), _passage(2, 0.6, 0.81, 2.5)]}
    chart = score_bars(result)
    channels = ["score", "dense_score", "lexical_score"]
    assert bar_rows(chart) == [("1", c, v) for c, v in zip(channels, [1.0, 0.84, 7.5], strict=True)] + [
        ("2", c, v) for c, v in zip(channels, [0.6, 0.81, 2.5], strict=True)
    ]
    assert widths(chart) == [100.0, 84.0, 100.0, 60.0, 81.0, 33.3]  # BM25 7.5 -> 100%, 2.5 -> a third
    assert all(label in chart for label, _ in CHANNELS.values())  # the legend names every channel


def test_answers_that_matched_differently_draw_the_same_kind_of_chart():
    """The BarPlot went blank when a later answer's 'matched by' differed: bars here do not depend on it."""
    by_meaning = {"passages": [_passage(1, 1.0, 0.9, 0.0, matched_by="meaning")]}
    by_words = {"passages": [_passage(1, 1.0, 0.2, 9.0, matched_by="keywords")]}
    for result in (by_meaning, by_words, by_meaning):
        assert len(bar_rows(score_bars(result))) == 3 and len(widths(score_bars(result))) == 3


def test_an_abstention_draws_the_cosine_similarity_only():
    result = {"abstained": True, "passages": [_passage(1, 1.0, 0.31, 4.0), _passage(2, 0.5, 0.28, 0.0)]}
    chart = score_bars(result)
    assert bar_rows(chart) == [("1", "dense_score", 0.31), ("2", "dense_score", 0.28)]
    assert widths(chart) == [31.0, 28.0] and "gabungan" not in chart


def test_missing_odd_or_hostile_values_still_draw_and_are_escaped():
    passages = [
        {"rank": "<b>1</b>", "score": math.nan, "dense_score": -0.2, "lexical_score": "x"},  # odd values
        {"score": 3.0},  # keys missing (another core version); a score above 1 is capped at full width
        "not a passage",
    ]
    chart = score_bars({"passages": passages, "reason": "new key"})
    assert "<b>1</b>" not in chart and "&lt;b&gt;1&lt;/b&gt;" in chart
    assert [v for _, _, v in bar_rows(chart)] == [0.0, -0.2, 0.0, 3.0, 0.0, 0.0]
    assert widths(chart) == [0.0, 0.0, 0.0, 100.0, 0.0, 0.0]


def test_no_passages_is_a_placeholder_not_an_empty_box():
    for result in ({}, {"passages": None}, {"passages": []}):
        chart = score_bars(result)
        assert EMPTY_TEXT in chart and bar_rows(chart) == []
