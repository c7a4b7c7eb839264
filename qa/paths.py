"""Paths a user typed that the operating system refuses outright, told apart from paths that are merely
not there yet.

``Path.exists()`` and ``is_dir()`` answer False for a missing file, but raise ``OSError`` for a name longer
than the file system allows (ENAMETOOLONG), and ``resolve()`` raises ``RuntimeError`` for a loop of
symbolic links: a typo'd ``-o``, ``--corpus`` or question file ended in a traceback. Each edge asks
:func:`refusal` first and turns the reason into its own typed error.
"""

from __future__ import annotations

import os
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
