"""qa/errors.py: the one rendering of an error for people, and the exit codes the CLI keeps."""

from __future__ import annotations

import pytest

from qa import cli
from qa.errors import (
    CorpusError,
    EncoderError,
    IndexCorruptError,
    IndexLockedError,
    IndexMissingError,
    IndexStaleError,
    InputError,
    QAError,
    describe,
)


def test_describe_is_the_message_then_the_hint_on_its_own_line() -> None:
    assert describe(InputError("the question is empty")) == "the question is empty"
    err = IndexMissingError("no index in idx", "build it with: qa index")
    assert describe(err) == "no index in idx\nhint: build it with: qa index"
    assert str(err) == describe(err)  # a library caller's traceback shows the same text


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (QAError, 1),
        (InputError, 2),
        (CorpusError, 3),
        (EncoderError, 4),
        (IndexMissingError, 5),
        (IndexStaleError, 5),
        (IndexCorruptError, 5),
        (IndexLockedError, 5),
    ],
)
def test_the_cli_prints_describe_and_keeps_each_exit_code(monkeypatch, capsys, error, code) -> None:
    def fail(args) -> int:
        raise error("something is wrong", "do this instead")

    monkeypatch.setitem(cli.COMMANDS, "info", fail)
    assert cli.main(["info"]) == code
    out, err = capsys.readouterr()
    assert out == "" and err == "error: something is wrong\nhint: do this instead\n"


def test_an_error_without_a_hint_is_one_line(monkeypatch, capsys) -> None:
    def fail(args) -> int:
        raise CorpusError("corpus folder nope does not exist")

    monkeypatch.setitem(cli.COMMANDS, "info", fail)
    assert cli.main(["info"]) == 3
    assert capsys.readouterr().err == "error: corpus folder nope does not exist\n"
