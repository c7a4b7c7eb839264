"""The score chart (qa.ui.bars): pure HTML bars, drawn the same way for any answer, never blank."""

from __future__ import annotations

import math
import re

from qa.ui.bars import CHANNELS, EMPTY_TEXT, score_bars
from tests.ui_helpers import bar_rows


def _passage(rank: int, score: float, dense: float, window: float, **extra) -> dict:
    return {"rank": rank, "score": score, "dense_score": dense, "lexical_score": 0.0, "window_score": window,
            **extra}  # fmt: skip


def widths(chart: str) -> list[float]:
    return [float(w) for w in re.findall(r'style="width:([0-9.]+)%', chart)]


def test_an_answer_draws_three_channels_per_passage_with_bm25_relative_to_the_highest():
    result = {"abstained": False, "passages": [_passage(1, 1.0, 0.84, 7.5), _passage(2, 0.6, 0.81, 2.5)]}
    chart = score_bars(result)
    channels = ["score", "dense_score", "window_score"]
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


def test_the_keyword_bar_and_column_show_the_bm25_the_match_label_reads():
    """A question word only in a neighbour sentence: the sentence's BM25 is 0, the window's (the passage
    shown, its highlights, ``matched_by``) is not. Before, the column and bar showed the sentence's 0
    beside "kata kunci" (53 passages of 60 FacQA questions at ``-k 20``, section 100)."""
    from qa.ui.render import PASSAGE_HEADERS, passage_table

    neighbour = _passage(1, 1.0, 0.8, 2.5, lexical_score=0.0, matched_by="keywords")
    both = _passage(2, 0.7, 0.9, 5.0, lexical_score=4.0, matched_by="both")
    meaning = _passage(3, 0.4, 0.85, 0.0, matched_by="meaning")
    result = {"abstained": False, "passages": [neighbour, both, meaning]}
    table = passage_table(result)
    assert list(table[PASSAGE_HEADERS[5]]) == [2.5, 5.0, 0.0]
    assert list(table["Cocok lewat"]) == ["kata kunci", "keduanya", "makna"]
    assert [v for _, c, v in bar_rows(score_bars(result)) if c == "window_score"] == [2.5, 5.0, 0.0]
    assert widths(score_bars(result))[2::3] == [50.0, 100.0, 0.0]
    # a result of an older core without the window's value still shows its sentence's
    older = {"passages": [{"rank": 1, "score": 1.0, "dense_score": 0.5, "lexical_score": 3.0}]}
    assert list(passage_table(older)[PASSAGE_HEADERS[5]]) == [3.0]
    assert bar_rows(score_bars(older))[2] == ("1", "window_score", 3.0)


def test_a_bm25_above_0_is_never_shown_as_0_beside_its_keyword_label():
    """A word in every passage of a large corpus scores about 0.5 / passages: ``matched_by`` reads it as
    above 0 ("kata kunci"), while the JSON rounded it to 0.0 (4 decimals), the column to 0.0 (3) and the
    bar printed 0.00. Now it keeps two significant digits and the bar says "<0.01"; a true 0 and every
    ordinary value are shown as before."""
    from qa.answer import Passage, bm25_rounded
    from qa.ui.render import PASSAGE_HEADERS, passage_table

    assert [bm25_rounded(v, 4) for v in (2.2e-05, 0.0, 1.23456, 0.00005, 0.00004999)] == [
        2.2e-05, 0.0, 1.2346, 0.0001, 5e-05
    ]  # fmt: skip
    fields = dict(rank=1, chunk_id="d#0", source="d", text="t", score=0.5, start=0, end=1, sentence_start=0,
                  sentence_end=1, dense_score=0.00001, matched_by="keywords", context="t", context_start=0,
                  context_end=1)  # fmt: skip
    shown = Passage(**fields, lexical_score=0.0, window_score=2.2e-05).to_dict()
    assert (shown["window_score"], shown["lexical_score"], shown["dense_score"]) == (2.2e-05, 0.0, 0.0)
    tiny = _passage(1, 1.0, 0.8, 0.00022, matched_by="keywords")
    result = {"abstained": False, "passages": [tiny, _passage(2, 0.5, 0.7, 7.5, matched_by="both"),
                                               _passage(3, 0.2, 0.9, 0.0, matched_by="meaning")]}  # fmt: skip
    assert list(passage_table(result)[PASSAGE_HEADERS[5]]) == [0.00022, 7.5, 0.0]
    chart = score_bars(result)
    assert [v for _, c, v in bar_rows(chart) if c == "window_score"] == [0.00022, 7.5, 0.0]
    assert re.findall(r'qa-bar-value">([^<]*)', chart)[2::3] == ["&lt;0.01", "7.50", "0.00"]
    assert 'title="kata kunci (BM25): 0.00022"' in chart and 'title="kata kunci (BM25): 7.500"' in chart
