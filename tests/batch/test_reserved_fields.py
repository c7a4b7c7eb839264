"""An input field named like an output field and its ``input_`` form (docs/reliability.md section 166's
second reading): ``score`` became ``input_score`` over the input's own ``input_score``, one value lost, in
the JSONL and the CSV alike. Each ``input_…`` form of a reserved name now takes one more ``input_``."""

from __future__ import annotations

import json

import pytest

from qa.batch import read_questions, run_batch
from qa.errors import InputError

from .helpers import FakeAnswer, csv_rows, jsonl, write

FIELDS = {"score": "A", "input_score": "B", "input_input_score": "C", "passage_1_text": "D",
          "input_passage_1_text": "E", "topic": "F"}  # fmt: skip
KEPT = {"input_score": "A", "input_input_score": "B", "input_input_input_score": "C",
        "input_passage_1_text": "D", "input_input_passage_1_text": "E", "topic": "F"}  # fmt: skip


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_a_reserved_field_and_its_input_form_keep_both_values(tmp_path, ext) -> None:
    src = write(tmp_path / "q.jsonl", json.dumps({"question": "apa tugas?", **FIELDS}) + "\n")
    out = tmp_path / f"o.{ext}"
    run_batch(read_questions(src), FakeAnswer(), out, k=1)
    (record,) = jsonl(out) if ext == "jsonl" else csv_rows(out)
    assert {k: record[k] for k in KEPT} == KEPT
    assert record.get("score") != "A" and record.get("passage_1_text") != "D"  # ours, not the input's


def test_a_csv_written_with_the_old_names_is_refused_in_words_never_mixed(tmp_path) -> None:
    """A CSV written before this rule named an input ``input_score`` column ``input_score``; resumed
    now, its header is not the one this run writes: refused in words, the file as it was."""
    rows = [json.dumps({"question": f"apa {i}?", "input_score": str(i)}) + "\n" for i in range(3)]
    out = tmp_path / "o.csv"
    run_batch(read_questions(write(tmp_path / "two.jsonl", "".join(rows[:2]))), FakeAnswer(), out, k=1)
    old = out.read_text(encoding="utf-8").replace("input_input_score", "input_score", 1)  # as written before
    out.write_text(old, encoding="utf-8")
    src = write(tmp_path / "q.jsonl", "".join(rows))
    with pytest.raises(InputError, match="its columns are not the ones this run writes"):
        run_batch(read_questions(src), FakeAnswer(), out, k=1, resume=True)
    assert out.read_text(encoding="utf-8") == old
