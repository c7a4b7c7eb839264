"""The question files of ``qa eval`` and ``qa calibrate``: JSONL of ``{question, expected}``.

Unlike a batch file, one bad line refuses the whole file (a metric over a silently shortened set would
be wrong), but always as an :class:`~qa.errors.InputError` naming the line, never a traceback: a UTF-8
byte-order mark or UTF-16 (Excel's "Unicode text") is decoded, lines end at ``\\n``, ``\\r\\n`` or ``\\r``
only (a raw U+2028 is legal inside a JSON string), JSON nested too deeply, a lone surrogate escape
(which no report could print), a name given twice (JSON keeps one value: a question or its expected
phrases dropped unsaid; ``qa.batch.jsonvalues``, as a batch refuses it) and an empty question are refused
by line. The file is read as a batch
file is (``qa.batch.sources``: blocks, each line kept up to MAX_LINE_BYTES): it was read whole, so a
1 GB file, or a 1 GB line, cost its size in memory (three times over: bytes, text, lines).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .batch.jsonvalues import JSON_KINDS, NameTwice, unique_keys
from .batch.sources import MAX_LINE_BYTES, LongLine, blocks, open_utf8, split_lines
from .errors import InputError
from .questionfile import check_question_file

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Labelled:
    question: str
    expected: list[str] = field(default_factory=list)


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(number, text)`` of each line, decoded line by line, a line over MAX_LINE_BYTES refused unread."""
    if str(path) == "-" and not os.path.lexists(path):  # qa batch's stdin; here a file named '-' or nothing
        raise InputError(
            "-: qa eval and qa calibrate read labelled questions from a file, not from standard input "
            "('-' is for qa batch)",
            "save them to a file first (cat > labelled.jsonl), then name that file",
        )
    check_question_file(Path(path), f"save the questions to a file first (cat {path} > questions.jsonl)")
    try:
        stream, encoding = open_utf8(Path(path))
        with stream:
            for n, raw in enumerate(split_lines(blocks(stream)), 1):
                if isinstance(raw, LongLine):
                    raise InputError(
                        f"{path}:{n}: line is too long ({raw.code_points} code points): "
                        f"not read past its first {MAX_LINE_BYTES} bytes",
                        "a labelled question is one short JSON object per line",
                    )
                try:
                    yield n, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InputError(
                        f"{path}:{n}: not valid {encoding} text ({exc.reason})", "save it as UTF-8"
                    ) from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _check_text(value: str, path: Path, n: int, what: str) -> None:
    if _SURROGATE.search(value):
        raise InputError(f"{path}:{n}: {what} holds an invalid Unicode escape (lone surrogate)")


def refuse_one_file_in_two_roles(roles: list[tuple[str, Path | None]]) -> None:
    """Refuse one file named for two kinds of question (by any name: ``/dev/stdin`` twice, a link): every
    question was scored as answerable and as off-topic at once, and the report said nothing."""
    named = [(flag, Path(path)) for flag, path in roles if path is not None]
    for i, (flag, path) in enumerate(named):
        for other, earlier in named[:i]:
            with contextlib.suppress(OSError):
                if path.samefile(earlier):
                    raise InputError(
                        f"{flag} {path} is the same file as {other} {earlier}: a question is of one kind",
                        "give each kind of question its own file",
                    )


def read_jsonl(path: Path, need_expected: bool, allow_empty: bool = False) -> list[Labelled]:
    """Questions of a JSONL file; with `need_expected`, each must carry a list of non-empty phrases.

    A question the assistant would refuse as empty is refused here by line, unless ``allow_empty``
    (the content-free set, where being refused is the expected outcome).
    """
    from .assistant import clean_question
    from .question import analyze

    items = []
    for n, line in _lines(path):
        line = line.removeprefix("\ufeff")  # files joined with cat: each part's BOM, as in qa batch
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=unique_keys)
        except NameTwice as exc:  # {"question": "a", "question": "b"}: one of them silently never scored
            raise InputError(f"{path}:{n}: {exc}", "keep one of the two") from None
        except ValueError as exc:
            raise InputError(f"{path}:{n}: not valid JSON ({exc})") from None
        except RecursionError:
            raise InputError(f"{path}:{n}: not valid JSON (nested too deeply)") from None
        if not isinstance(obj, dict):
            kind = JSON_KINDS.get(type(obj), "value")  # JSON's words, as qa batch says it
            raise InputError(f'{path}:{n}: expected a JSON object with a "question", got a JSON {kind}')
        if "question" not in obj:
            raise InputError(f'{path}:{n}: expected a JSON object with a "question"')
        q, expected = obj["question"], obj.get("expected", [])
        if not isinstance(q, str):
            raise InputError(f'{path}:{n}: "question" must be a string')
        _check_text(q, path, n, '"question"')
        cleaned = clean_question(q)
        if not allow_empty and (not cleaned or analyze(cleaned).empty_like):
            raise InputError(f'{path}:{n}: "question" is empty (nothing but blanks or punctuation)')
        if need_expected:
            # A bare string would be read character by character and match almost any passage.
            if not isinstance(expected, list) or not expected:
                raise InputError(
                    f'{path}:{n}: "expected" must be a non-empty list of phrases, got {json.dumps(expected)}',
                    'e.g. {"question": "...", "expected": ["a phrase of the answer"]}',
                )
            if not all(isinstance(e, str) and e.strip() for e in expected):
                raise InputError(f'{path}:{n}: every "expected" phrase must be a non-empty string')
            for e in expected:
                _check_text(e, path, n, 'an "expected" phrase')
        items.append(Labelled(q, [str(e) for e in expected] if need_expected else []))
    if not items:
        raise InputError(f"{path} holds no question")
    return items
