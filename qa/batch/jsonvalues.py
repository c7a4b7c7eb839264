"""What a JSONL question line's value may be: JSON a batch can answer and write back as it was given.

``json.loads`` accepts more than a batch can carry through (lone surrogates, NaN, nesting deeper than
``json.dumps`` goes back, a name given twice whose first value it drops); each is an error row, named in
JSON's words, not Python's.
"""

from __future__ import annotations

import math
import re

from .row_errors import RowError

MAX_JSON_DEPTH = 64  # deeper JSON lines are error rows: json.dumps would hit the recursion limit
_SURROGATE = re.compile("[\ud800-\udfff]")

JSON_KINDS = {list: "array", str: "string", int: "number", float: "number", bool: "boolean",
               type(None): "null"}  # fmt: skip


def unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """An object as ``json.loads`` builds it, refused when a name repeats: ``{"question": "a", "question":
    "b"}`` kept the last value and dropped the first in silence (one question never asked, nor said so)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise NameTwice(twice)
    return obj


class NameTwice(ValueError):
    """A JSON object naming one field twice: legal JSON, but one of the two values would be lost."""

    def __init__(self, name: str) -> None:
        super().__init__(f"names {name!r} twice in one object (JSON keeps one value, the other is dropped)")
        self.name = name


def unwritable(obj: object) -> RowError | None:
    """Why a parsed JSON value cannot be answered or written back as UTF-8 JSON, if it cannot (the
    error names no line: the caller knows it, :meth:`RowError.on`).

    ``json.loads`` accepts lone surrogate escapes (``"\\ud800"``), which no UTF-8 writer and no
    encoder can take, and nesting that ``json.dumps`` may later refuse with a RecursionError;
    both would otherwise crash the whole batch in the writer.  It also accepts ``NaN``, ``Infinity``
    and ``1e999``, which would be written back as invalid JSON.  Iterative, so depth costs nothing.
    """
    stack: list[tuple[object, int]] = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return RowError("bad_escape")
        elif isinstance(value, float) and not math.isfinite(value):  # NaN, Infinity, 1e999: not JSON
            return RowError("bad_number")
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                return RowError("too_deep", args=(MAX_JSON_DEPTH,))
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)
    return None
