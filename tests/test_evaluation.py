"""qa eval / qa calibrate: metric arithmetic on fakes, validation, the quality targets on the real model."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qa.answer import Passage, Result
from qa.errors import InputError
from qa.evaluation import Labelled, auroc, calibrate, evaluate, format_report, read_jsonl

from .conftest import EVAL, MISSION_EXPECTED, ROOT

DEV = EVAL / "dev_questions.jsonl"
OFF = EVAL / "dev_offtopic.jsonl"
UNANSWERABLE = EVAL / "dev_unanswerable.jsonl"
OWN = EVAL / "own"


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


@pytest.mark.slow
def test_dev_set_keeps_its_measured_quality(real_assistant) -> None:
    """A regression guard at the shipped system's measured level, one question (of 25 / 10) below it.

    Measured (docs/quality.md, reranked + answerability): hit@1 0.92, hit@3 1.00, MRR 0.96, answered 0.88,
    off-topic abstained 0.90. Issue 11's targets hit@1 >= 0.93 and answered >= 0.93 are NOT met yet
    (hit@3 = 1.00, MRR >= 0.96 and off-topic >= 0.90 are).
    """
    r = evaluate(real_assistant, read_jsonl(DEV, True), read_jsonl(OFF, False), k=3)
    assert r["hit@1"] >= 0.88 and r["hit@3"] == 1.0 and r["mrr"] >= 0.92, r["failures"]
    assert r["abstention_rate"] >= 0.8 and r["answer_rate"] >= 0.84, r["failures"]


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


# --- the report by kind, on a scripted assistant (every figure is known in advance) -------------------


def _passage(rank: int, text: str, sentence: tuple[int, int] | None = None) -> Passage:
    s, e = sentence or (0, len(text))
    return Passage(
        rank, f"c{rank}", "doc", text, 1.0 / rank, 0, len(text), s, e, 0.0, 0.0, 0.0, "both", text, 0, 0
    )


class Scripted:
    """Answers from a table: question -> (abstained, confidence, passage texts); '!' raises InputError."""

    threshold = 0.5

    def __init__(self, table: dict) -> None:
        self.table = table

    def ask(self, question: str, k: int = 3, doc: str | None = None) -> Result:
        if question == "!":
            raise InputError("the question is empty")
        abstained, conf, texts = self.table[question]
        return Result(question, abstained, conf, [_passage(i + 1, t) for i, t in enumerate(texts[:k])])


TABLE = {
    "q1": (False, 0.9, ["Alpha beta. Gamma.", "x"]),  # rank 1
    "q2": (False, 0.8, ["x", "the delta here"]),  # rank 2
    "q3": (True, 0.3, ["x", "y", "z"]),  # not found, abstained
    "off1": (True, 0.2, ["x"]),
    "off2": (False, 0.85, ["x"]),  # answered: a failure
    "un1": (False, 0.95, ["x"]),  # the confident on-topic miss issue 11 is about
    "un2": (True, 0.1, ["x"]),
    "vague": (True, 0.0, []),
}


def _report(**kw) -> dict:
    labelled = [Labelled("q1", ["beta"]), Labelled("q2", ["DELTA"]), Labelled("q3", ["nowhere"])]
    return evaluate(
        Scripted(TABLE),
        labelled,
        offtopic=[Labelled("off1"), Labelled("off2")],
        unanswerable=[Labelled("un1"), Labelled("un2")],
        content_free=[Labelled("!"), Labelled("vague")],
        k=3,
        **kw,
    )


def test_report_measures_each_kind_apart() -> None:
    r = _report()
    assert r["questions"] == 3 and r["hit@1"] == pytest.approx(1 / 3) and r["hit@3"] == pytest.approx(2 / 3)
    assert r["mrr"] == pytest.approx((1 + 0.5) / 3)
    assert r["answer_rate"] == pytest.approx(2 / 3)
    assert r["abstention_rate"] == 0.5 and r["offtopic_questions"] == 2
    assert r["unanswerable_abstention_rate"] == 0.5 and r["unanswerable_questions"] == 2
    assert r["content_free_not_answered"] == 1.0 and r["content_free_refused_as_empty"] == 0.5
    # positives 0.9, 0.8, 0.3 against negatives 0.2, 0.85, 0.95, 0.1: 7 of 12 pairs ordered right
    assert r["auroc"] == pytest.approx(7 / 12, abs=1e-4)
    worst = r["worst"]
    assert [c["question"] for c in worst["answerable_lowest_confidence"]] == ["q3", "q2", "q1"]
    assert [c["question"] for c in worst["wrong_rank1_highest_confidence"]] == ["q2", "q3"]
    assert [c["question"] for c in worst["unanswerable_highest_confidence"]] == ["un1", "un2"]
    assert worst["offtopic_highest_confidence"][0]["question"] == "off2"
    assert {f["question"] for f in r["failures"]} == {"q2", "q3", "off2", "un1"}
    text = format_report(r)
    for phrase in (
        "on-topic unanswerable 2  abstained 0.500",
        "off-topic 2  abstained 0.500",
        "AUROC",
        "un1",
    ):
        assert phrase in text
    assert json.loads(json.dumps(r)) == r
    assert [c["question"] for c in _report(worst=1)["worst"]["answerable_lowest_confidence"]] == ["q3"]


def test_sentence_hit_looks_inside_the_top_sentence_only() -> None:
    class OneSentence(Scripted):
        def ask(self, question: str, k: int = 3, doc: str | None = None) -> Result:
            text = "Intro words. The answer phrase sits here. Outro."
            span = (13, 41) if question == "in" else (0, 12)
            return Result(question, False, 0.9, [_passage(1, text, span)])

    r = evaluate(OneSentence({}), [Labelled("in", ["answer phrase"]), Labelled("out", ["answer phrase"])])
    assert r["hit@1"] == 1.0 and r["sentence_hit@1"] == 0.5


def test_auroc_handles_ties_and_empty_sides() -> None:
    assert auroc([1.0, 2.0], [0.0]) == 1.0
    assert auroc([0.0], [1.0, 2.0]) == 0.0
    assert auroc([0.5, 0.5], [0.5]) == 0.5  # all tied: chance
    assert auroc([0.9, 0.5], [0.5, 0.1]) == pytest.approx((1 + 1 + 0.5 + 1) / 4)
    assert auroc([], [0.1]) is None and auroc([0.1], []) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "q", "expected": "beta"}', "non-empty list"),  # a string: each letter would match
        ('{"question": "q", "expected": [""]}', "non-empty string"),
        ('{"question": "q", "expected": ["ok", "  "]}', "non-empty string"),
        ('{"question": "q", "expected": {"a": 1}}', "non-empty list"),
        ('{"question": "q", "expected": []}', "non-empty list"),
        ('{"question": "q", "expected": [3]}', "non-empty string"),
        ('{"question": 7, "expected": ["x"]}', "must be a string"),
        ('["question"]', "JSON object"),
    ],
)
def test_labelled_files_are_validated_line_by_line(tmp_path: Path, line: str, message: str) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"question": "fine", "expected": ["x"]}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        read_jsonl(f, need_expected=True)
    assert f"{f}:2:" in exc.value.message


def test_cli_eval_rejects_a_string_expected_with_exit_2(tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"question": "apa tugas asisten?", "expected": "tugas"}\n', encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "qa", "eval", str(f), "--index", str(tmp_path / "i")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert r.returncode == 2 and ":1:" in r.stderr and "non-empty list" in r.stderr
    assert "Traceback" not in r.stderr and not (tmp_path / "i").exists()  # refused before any index build


def test_repository_eval_files_are_well_formed() -> None:
    for path in (DEV, EVAL / "pustakawan" / "questions.jsonl", EVAL / "facqa" / "questions_valid.jsonl"):
        assert read_jsonl(path, need_expected=True)
    for path in (OFF, UNANSWERABLE, OWN / "seed_unanswerable.jsonl", OWN / "content_free.jsonl"):
        assert read_jsonl(path, need_expected=False, allow_empty=path.name == "content_free.jsonl")


@pytest.mark.slow
def test_real_report_on_the_dev_and_own_files(real_assistant) -> None:
    r = evaluate(
        real_assistant,
        read_jsonl(DEV, True),
        read_jsonl(OFF, False),
        k=3,
        unanswerable=read_jsonl(OWN / "seed_unanswerable.jsonl", False),
        content_free=read_jsonl(OWN / "content_free.jsonl", False, allow_empty=True),
    )
    assert r["hit@1"] >= 0.85 and r["hit@3"] >= 0.95 and r["sentence_hit@1"] <= r["hit@1"]
    assert r["content_free_not_answered"] == 1.0, r["worst"]["content_free_answered"]
    assert 0.5 <= r["auroc"] <= 1.0
    assert len(r["worst"]["unanswerable_highest_confidence"]) == 5


GOOD = '{"question": "apa tugas asisten?", "expected": ["tugas"]}'


@pytest.mark.parametrize(
    "data",
    [
        b"\xef\xbb\xbf" + GOOD.encode() + b"\n",  # UTF-8 with a BOM (Notepad)
        (GOOD + "\r\n").encode("utf-16"),  # UTF-16 with a BOM (Excel's "Unicode text")
        (GOOD + "\n").encode("utf-16-le"),  # UTF-16 without one
        # CR alone ends a line; a raw U+2028 inside a string does not
        GOOD.encode() + b"\r" + GOOD.replace("asisten", "asisten\u2028menteri").encode(),
        # two files joined with cat, each with its BOM (the second was "not valid JSON", exit 2)
        b"\xef\xbb\xbf" + GOOD.encode() + b"\n\xef\xbb\xbf" + GOOD.replace("tugas", "peran").encode() + b"\n",
    ],
    ids=["utf8-bom", "utf16", "utf16le-no-bom", "cr-and-u2028", "joined-with-cat"],
)
def test_labelled_files_in_other_encodings_and_line_endings_are_read(tmp_path: Path, data: bytes) -> None:
    f = tmp_path / "q.jsonl"
    f.write_bytes(data)
    items = read_jsonl(f, need_expected=True)
    assert items[0] == Labelled("apa tugas asisten?", ["tugas"])
    assert len(items) == (2 if b"\r{" in data or b"\n\xef" in data else 1)  # none merged, none split


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"question": "a", "expected": ["x"], "z": ' + "[" * 99_999 + "]" * 99_999 + "}", "too deeply"),
        ('{"question": "apa \\ud800 itu", "expected": ["x"]}', "invalid Unicode escape"),
        ('{"question": "apa", "expected": ["\\udc80"]}', "invalid Unicode escape"),
        ('{"question": " \\u0000 ", "expected": ["x"]}', "is empty"),
        ('{"question": "-", "expected": ["x"]}', "is empty"),
        ('{"question": "q", "expected": ["x"], "n": 1' + "0" * 5000 + "}", "not valid JSON"),
    ],
    ids=["deep", "surrogate-question", "surrogate-expected", "blank", "dash", "huge-int"],
)
def test_unusable_labelled_lines_are_one_input_error_naming_the_line(
    tmp_path: Path, line: str, message: str
) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text(GOOD + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as exc:
        read_jsonl(f, need_expected=True)
    assert f"{f}:2:" in exc.value.message


def test_undecodable_labelled_file_names_the_line_and_content_free_may_be_empty(tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_bytes(GOOD.encode() + b'\n{"question": "caf\xe9", "expected": ["x"]}\n')  # Latin-1
    with pytest.raises(InputError, match=r"q.jsonl:2: not valid UTF-8"):
        read_jsonl(f, need_expected=True)
    f.write_text('{"question": "-"}\n{"question": "\\u200b"}\n', encoding="utf-8")
    # in the content-free set being refused by ask is the point
    assert len(read_jsonl(f, need_expected=False, allow_empty=True)) == 2


@pytest.mark.parametrize("command", ["eval", "calibrate"])
def test_cli_eval_and_calibrate_on_a_deeply_nested_line_exit_2_without_a_traceback(
    tmp_path: Path, command: str
) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"question": "a", "expected": ' + "[" * 50_000 + "]" * 50_000 + "}\n", encoding="utf-8")
    extra = ["--offtopic", str(f)] if command == "calibrate" else []
    r = subprocess.run(
        [sys.executable, "-m", "qa", command, str(f), *extra, "--index", str(tmp_path / "i")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [f"error: {f}:1: not valid JSON (nested too deeply)"]


def test_calibrate_refuses_overlapping_sets_and_a_threshold_that_separates_nothing(fake_assistant) -> None:
    """Before: `qa calibrate a.jsonl --offtopic a.jsonl` saved a threshold of 0.5 (balanced accuracy 0.5)."""
    on = [Labelled("memantau perkembangan kerjasama", ["x"])]
    with pytest.raises(InputError, match="both answerable and off-topic"):
        calibrate(fake_assistant, on, [Labelled("memantau perkembangan kerjasama")])
    same = [Labelled("memantau perkembangan kerjasama?")]  # another text, the same confidence
    with pytest.raises(InputError, match="balanced accuracy 0.5"):
        calibrate(fake_assistant, on, same)


def test_cli_calibrate_with_the_same_file_twice_saves_nothing(tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"question": "apa tugas asisten?", "expected": ["tugas"]}\n', encoding="utf-8")
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "qa",
            "calibrate",
            str(f),
            "--offtopic",
            str(f),
            "--index",
            str(tmp_path / "i"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert r.returncode == 2 and "both answerable and off-topic" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "i").exists()  # refused before the model or the index


def test_a_threshold_between_confidences_closer_than_its_rounding_keeps_its_cut() -> None:
    """Confidences 0.00003 (answerable) and 0.00001 (off-topic), as a small or odd corpus gives: the cut
    between them was rounded to 4 decimals, 0.0, and saved as "abstained 1.0" while it answered both."""
    from types import SimpleNamespace

    on, off = [Labelled("apa tugas asisten?", ["tugas"])], [Labelled("resep nasi goreng?")]

    def stub(confidences: tuple[float, float]) -> SimpleNamespace:
        given = dict(zip(("apa tugas asisten?", "resep nasi goreng?"), confidences))
        return SimpleNamespace(ask=lambda q: SimpleNamespace(confidence=given[q]))

    result = calibrate(stub((0.00003, 0.00001)), on, off)
    assert 0.00001 < result["threshold"] <= 0.00003
    assert result["answered"] == result["abstained"] == result["balanced_accuracy"] == 1.0
    assert calibrate(stub((0.8, 0.1)), on, off)["threshold"] == 0.45  # the usual case: 4 decimals, as before
