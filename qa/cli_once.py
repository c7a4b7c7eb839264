"""Options given once: argparse keeps the last of an option given twice, and says nothing of the first
(docs/reliability.md sections 123, 131, 132, 134). The actions here refuse a second, different value and
take the same value again, or one written two ways: a path, a store, a document."""

from __future__ import annotations

import argparse
import os
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .printable import quoted_path


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
        given = self._given.get(id(namespace)) is namespace
        if given and not self._same(before, values):
            last = before[-1] if isinstance(before, tuple) else before  # OnceDocument keeps several
            said = f"{quoted_path(str(last))} and {quoted_path(str(values))}"
            raise argparse.ArgumentError(self, f"given twice ({said}): only one would be used; give it once")
        self._given[id(namespace)] = namespace
        setattr(namespace, self.dest, self._kept(before, values) if given else values)

    def _same(self, before: object, values: object) -> bool:
        return before == values

    def _kept(self, before: object, values: object) -> object:
        """What the option holds once given again with a value ``_same`` takes."""
        return values


def same_path(before: object, values: object) -> bool:
    """Whether two paths name one file or folder (``OncePath``)."""
    if before is None or values is None:
        return before == values
    first, second = (Path(str(v)).absolute() for v in (before, values))
    if first == second:
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet): two names, two paths
        return False


class OncePath(Once):
    """A file or folder given once: ``--index idx --index idx/`` or ``-o a.md -o /here/a.md`` name one
    path, so nothing would be lost; taken. Compared as written (``.``, doubled and trailing slashes
    dropped, made absolute against the working folder), then, if both exist, as files on disk (a link
    and its target). ``..`` is not folded without the disk (``a/../b`` is not ``b`` when ``a`` is a
    link), and a file not made yet is never resolved: two different spellings of it are still refused."""

    def _same(self, before: object, values: object) -> bool:
        return same_path(before, values)


class OnceStore(Once):
    """``--store`` given once: two specs ``parse_store`` reads as one store are taken, as every command
    opens that store, and keys what it keeps of it (the calibration, the passage-table cache), from its
    ``StoreTarget``: ``milvus:kb.db``, ``milvus:./kb.db/``, ``milvus: ~/kb.db`` (one absolute path) or
    ``milvus://Host:19530``, ``milvus:http://host:19530/qa_passages`` (one server and collection name).
    A link to a Lite database is another path there (its calibration is not the database's), so it is
    refused as two stores, where ``OncePath`` takes a link to an index folder, which holds its own
    calibration. A spec it refuses is compared as written; given alone, its own refusal says why."""

    def _same(self, before: object, values: object) -> bool:
        from .errors import InputError
        from .milvus.target import parse_store

        if before == values:
            return True
        try:
            return parse_store(str(before)) == parse_store(str(values))
        except InputError:
            return False


def _file_name(name: object) -> str | None:
    """The file name a ``--doc`` name ends in; None when it ends in no name (``sub/..``, ``/``)."""
    last = os.path.basename(os.path.normpath(str(name)))
    return None if last in ("", ".", "..") else last


class OnceDocument(Once):
    """``--doc`` given once. A document is named by its id, its path on disk or its file name when no
    other has it (``Assistant.document_id``): ``--doc sub/a.md --doc corpus/sub/a.md --doc a.md`` may
    name one document, and only the corpus tells. Every way ends in the document's file name, so two
    names ending in two file names name two documents: refused here, before any work. Names ending in
    one are all kept (a tuple) for :func:`one_document` to resolve once the index is open."""

    def _same(self, before: object, values: object) -> bool:
        names = before if isinstance(before, tuple) else (before,)
        wanted = _file_name(values)
        return all(n == values or None in (wanted, _file_name(n)) or _file_name(n) == wanted for n in names)

    def _kept(self, before: object, values: object) -> object:
        names = before if isinstance(before, tuple) else (before,)
        return names if values in names else (*names, values)


def one_document(doc: str | tuple[str, ...] | None, document_id: Callable[[str], str]) -> str | None:
    """The document ``--doc`` names (``OnceDocument``): several names are taken when ``document_id``
    reads them as one document, and refused (InputError, exit 2) when they name two."""
    from .errors import InputError

    if not isinstance(doc, tuple):
        return doc
    ids = {document_id(name): name for name in doc}  # an unknown name: its own "no document named …"
    if len(ids) > 1:
        (first, a), (second, b) = list(ids.items())[:2]
        raise InputError(
            f"--doc given twice ({quoted_path(a)} and {quoted_path(b)}) names two documents, "
            f"{first} and {second}: only one would be used",
            "give it once",
        )
    return next(iter(ids))


def document_asked(doc: str | tuple[str, ...] | None, document_id: Callable[[str], str]) -> str | None:
    """The id of the document ``--doc`` names for a command asking many questions (``qa batch``, ``qa
    eval``), resolved once before the first is asked: an unknown or ambiguous name is refused then (exit
    2), as ``qa ask --doc`` refuses it, never half-way through a file; None without ``--doc``."""
    name = one_document(doc, document_id)
    return None if name is None else document_id(name)
