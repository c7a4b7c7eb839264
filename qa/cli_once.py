"""Options given once: argparse keeps the last of an option given twice, and says nothing of the first
(docs/reliability.md sections 123, 131, 132). The actions here refuse a second, different value and take
the same value, or the same path written two ways, again."""

from __future__ import annotations

import argparse
import os
import weakref
from pathlib import Path
from typing import Any


class Once(argparse.Action):
    """A single-valued option, refused when given again with another value: argparse keeps the last, so
    ``qa batch q.txt -o a.csv -o b.jsonl`` wrote b.jsonl only and never said a.csv was dropped
    (``--offtopic`` twice scored one set, ``--index`` twice built one index), and ``-k 3 -k 5`` or
    ``--window 1 --window 3`` used the last in silence. The same value twice drops nothing and is taken.

    Whether the option was given already is kept per namespace being filled, not read from its value:
    an option with a default (``-k``) holds that default before it is given at all."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the namespaces this option was given in (by id; weak, so a parse leaves nothing behind)
        self._given: weakref.WeakValueDictionary[int, argparse.Namespace] = weakref.WeakValueDictionary()

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        before = getattr(namespace, self.dest, None)
        if self._given.get(id(namespace)) is namespace and not self._same(before, values):
            said = f"{str(before)!r} and {str(values)!r}"
            raise argparse.ArgumentError(self, f"given twice ({said}): only one would be used; give it once")
        self._given[id(namespace)] = namespace
        setattr(namespace, self.dest, values)

    def _same(self, before: object, values: object) -> bool:
        return before == values


class OncePath(Once):
    """A file or folder given once: ``--index idx --index idx/`` or ``-o a.md -o /here/a.md`` name one
    path, so nothing would be lost; taken. Compared as written (``.``, doubled and trailing slashes
    dropped, made absolute against the working folder), then, if both exist, as files on disk (a link
    and its target). ``..`` is not folded without the disk (``a/../b`` is not ``b`` when ``a`` is a
    link), and a file not made yet is never resolved: two different spellings of it are still refused."""

    def _same(self, before: object, values: object) -> bool:
        if before is None or values is None:
            return before == values
        first, second = (Path(str(v)).absolute() for v in (before, values))
        if first == second:
            return True
        try:
            return os.path.samefile(first, second)
        except OSError:  # one of them does not exist (yet): two names, two paths
            return False
