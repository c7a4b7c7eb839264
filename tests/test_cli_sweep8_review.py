"""Section 77 read again (docs/reliability.md section 82): the interrupted batch's message, the empty
flags and a hint, tried as users meet them (the waiting build's holder: tests/test_locking.py). Each test
failed on the code before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

import qa.batch.destination
import qa.batch.writers
from qa.batch import read_questions, run_batch
from qa.batch.report import file_state, format_interrupted

from .batch.helpers import FakeAnswer, write
from .cli_helpers import qa_run


def _interrupted_as_it_ends(tmp_path: Path, monkeypatch, ext: str) -> tuple[Path, tuple | None]:  # noqa: ANN001
    """A batch of 10 questions into a new ``out.EXT``, interrupted by Ctrl-C after its last chunk was
    written (as it closed its files); the output's state before it."""
    src = write(tmp_path / "q.txt", "".join(f"apa tugas asisten nomor {i}?\n" for i in range(10)))
    out = tmp_path / f"out.{ext}"
    before = file_state(out)

    def finish(self) -> None:  # noqa: ANN001
        raise KeyboardInterrupt

    monkeypatch.setattr(qa.batch.writers.Writer, "finish", finish)
    with pytest.raises(KeyboardInterrupt):
        run_batch(read_questions(src), FakeAnswer(), out, chunk_size=4)
    return out, before


@pytest.mark.parametrize("ext", ["jsonl", "csv", "md"])
def test_a_batch_interrupted_as_it_ends_says_every_answer_is_kept(tmp_path, monkeypatch, ext) -> None:
    """Ctrl-C after the last chunk was written (while the run closed its files): "OUT keeps the answers to
    10 of 10 questions; run the same command with --resume to answer the rest", where no rest was left."""
    out, before = _interrupted_as_it_ends(tmp_path, monkeypatch, ext)
    assert format_interrupted(out, before, 10) == f"{out} keeps the answers to all 10 questions"


def test_a_torn_first_record_is_said_as_no_whole_answer(tmp_path) -> None:
    """An output holding only the start of its first record (a short write, then the signal): "keeps the
    answers to 0 of 10 questions; … --resume to answer the rest" read oddly; said as what it holds."""
    out = write(tmp_path / "out.jsonl", '{"id": "1", "line": 1, "quest')
    said = format_interrupted(out, None, 10)
    assert said == f"{out} holds no whole answer yet; run the same command with --resume to answer them"


def test_a_second_ctrl_c_while_the_output_is_counted_still_says_how_to_go_on(tmp_path, monkeypatch) -> None:
    """The answers kept are counted by reading the output (3 s for a 200 MB one): a second Ctrl-C then
    (the user, seeing nothing yet, presses again) lost the message for the bare "interrupted". Said at once
    now, uncounted."""
    out = write(tmp_path / "out.jsonl", "")

    def counting(path: Path) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(qa.batch.destination, "records_in", counting)
    said = f"{out} keeps the answers written so far; run the same command with --resume to answer the rest"
    assert format_interrupted(out, None, 10) == said


@pytest.mark.parametrize("flag", ["--store", "--model"])
def test_an_empty_store_or_model_flag_is_refused_as_an_empty_index_is(settings, flag) -> None:
    """Section 77 says an empty flag is a mistake (``--index ""``, an unset shell variable) where an empty
    variable is a convention. ``--store "$STORE"`` with STORE unset built a local index where Milvus was
    meant; ``--model "$MODEL"`` said "cannot load sentence-transformers model '': 'NoneType' object has no
    attribute 'parameters'" (exit 4). Both are refused as ``--index ""`` is, before anything is built."""
    run = qa_run(settings, "index", flag, "")
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    said = f"qa index: error: argument {flag}: is empty (an unset shell variable?)"
    assert run.stderr.splitlines()[-1] == said
    assert not settings.index_dir.exists()


@pytest.mark.parametrize(
    ("store", "said"), [("local", "an index folder"), ("milvus:corpus/x.db", "a Milvus Lite database")]
)
def test_an_index_inside_the_corpus_is_named_in_plain_english(tmp_path, monkeypatch, store, said) -> None:
    """Tried with ``QA_INDEX=corpus/idx`` (section 77's variables): its hint said "choose a index folder"."""
    from qa.config import Settings
    from qa.errors import InputError

    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as refused:
        inside = Path("corpus/idx") if store == "local" else Path("index")  # Lite: corpus/x.db is inside
        Settings(corpus_dir=Path("corpus"), index_dir=inside, store=store)
    assert (refused.value.hint or "").startswith(f"choose {said} outside the corpus")
