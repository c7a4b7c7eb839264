"""Paths a user typed that the operating system refuses outright, told apart from paths that are merely
not there yet.

``Path.exists()`` and ``is_dir()`` answer False for a missing file, but raise ``OSError`` for a name longer
than the file system allows (ENAMETOOLONG), and ``resolve()`` raises ``RuntimeError`` for a loop of
symbolic links: a typo'd ``-o``, ``--corpus`` or question file ended in a traceback. Each edge asks
:func:`refusal` first and turns the reason into its own typed error. A document named by its path on disk
(``--doc corpus/a.md``) is read to its id here too (``document_named``).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Collection
from pathlib import Path


def refusal(path: Path) -> str | None:
    """Why the OS refuses to look ``path`` up (a name too long, a link loop, a folder on the way that
    cannot be searched), or None when it exists or simply is not there (yet)."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    except ValueError as exc:  # a NUL byte in the name (a library caller's string)
        return str(exc)
    return None


def in_working_folder(path: Path) -> str:
    """Where a relative path was looked for, for a message: ``qa`` run from another folder looked for the
    default ``corpus`` there, and "corpus folder corpus does not exist" did not say which folder that was."""
    if path.is_absolute():
        return ""
    try:
        return f" in {Path.cwd()} (the current folder)"
    except OSError:  # the current folder was removed under the shell
        return ""


def written_as_path(name: str, relative: str | None) -> bool:
    """Whether ``name`` is that path only: written as one (absolute, or starting ``./`` or ``../``) and,
    ``relative`` to the corpus, inside it. Run from ``corpus/x``, ``--doc ./sama.md`` read as the id
    ``sama.md``. No id is written so (ids are normalised, hidden names skipped): the page's and the
    API's ids are unaffected; ``./a.md`` from outside the corpus is still read as the id ``a.md``."""
    typed = os.path.isabs(name) or name.replace(os.sep, "/").split("/", 1)[0] in (".", "..")
    return typed and relative is not None and relative != ".." and not relative.startswith("../")


def from_corpus(name: str, corpus: str) -> str | None:
    """The path ``name`` names, relative to the (absolute) ``corpus`` folder, ``/``-separated; None when
    the current folder was removed under the shell, so a relative path names nothing. Outside it as
    spelled, its folder and the corpus are compared with links resolved: run from ``link/x`` (``link ->
    corpus``), the working folder is ``corpus/x``, and ``./a.md`` lay outside ``link`` (reliability 153)."""
    try:
        full = os.path.abspath(name)
        spelled = os.path.relpath(full, corpus)
        if spelled != os.pardir and not spelled.startswith(os.pardir + os.sep):
            return spelled.replace(os.sep, "/")
        folder, leaf = os.path.split(full)  # the leaf unresolved: a link inside the corpus keeps its id
        real = os.path.relpath(os.path.join(os.path.realpath(folder), leaf), os.path.realpath(corpus))
        inside = real != os.pardir and not real.startswith(os.pardir + os.sep)
        return (real if inside else spelled).replace(os.sep, "/")
    except (OSError, ValueError):  # ValueError: another drive than the corpus's (Windows)
        return None


def document_named(name: str, ids: Collection[str], corpus: str) -> str:
    """The id among ``ids`` that ``name`` names (``Assistant.document_id``): the id, its path on disk or a
    file name only one document has; a name written as a path (``written_as_path``) is that path only."""
    from .errors import InputError
    from .printable import quoted_path, shown_name

    path = from_corpus(name, corpus)
    for candidate in (path,) if written_as_path(name, path) else (name, os.path.normpath(name), path):
        if candidate is not None and candidate.replace(os.sep, "/") in ids:
            return candidate.replace(os.sep, "/")
    matches = sorted(d for d in ids if d.rsplit("/", 1)[-1] == name)
    if len(matches) == 1:
        return matches[0]
    if matches:  # "no document named" would be untrue, and hide the way out: the path (as the page says)
        raise InputError(
            f"{quoted_path(name)} names {len(matches)} documents of the corpus: "
            + ", ".join(map(shown_name, matches[:4]))
            + (", …" if len(matches) > 4 else ""),
            f"give the one meant with its folder, e.g. --doc {shown_name(matches[0])}",
        )
    raise InputError(f"no document named {quoted_path(name)} in the corpus", _documents_hint(name, ids))


LISTED = 10  # names a hint lists: FacQA's 1,369 paragraphs made one line of 20,000 characters


def _documents_hint(name: str, ids: Collection[str]) -> str:
    """The corpus's documents, for an unknown name: all of a small corpus; of a large one the first
    ``LISTED`` and how many there are, after the one name closest to what was typed (a typo, a missing
    folder), since the one meant may not be among those listed (section 167)."""
    from .printable import shown_name  # a name with a newline split the hint (section 166)

    names = sorted(ids)
    if len(names) <= LISTED:
        return "documents: " + ", ".join(map(shown_name, names))
    files = {d.rsplit("/", 1)[-1]: d for d in reversed(names)}  # a file name: its first document
    close = difflib.get_close_matches(name, [*names, *files], n=1, cutoff=0.75)
    meant = f"did you mean {shown_name(close[0] if close[0] in ids else files[close[0]])}? " if close else ""
    listed = ", ".join(map(shown_name, names[:LISTED]))
    return f"{meant}documents ({len(names)}): {listed}, …"
