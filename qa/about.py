"""What a corpus says about itself: title, description, example questions and language.

Whoever hosts the assistant swaps the documents for their own; the page must not keep talking about the
shipped document. An optional ``about.json`` in the corpus folder describes the corpus; without it the
wording is neutral and derived from the document names. The file is not a document (``.json`` is not a
document type; see :mod:`qa.corpus`), and it never changes the index.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import CorpusError

ABOUT_FILE = "about.json"
MAX_ABOUT_BYTES = 64 * 1024
# Longest text per field; examples are capped in number and length too, so the page stays a page.
LIMITS = {"title": 200, "description": 1000, "about": 4000, "language": 35, "example": 300}
MAX_EXAMPLES = 10
FIELDS = ("title", "description", "about", "examples", "language")
NEUTRAL_DESCRIPTION = (
    "Tanyakan apa saja tentang isi dokumen; jawabannya dikutip langsung dari dokumen, lengkap dengan "
    "sumber dan tingkat keyakinannya."
)


@dataclass(frozen=True)
class About:
    """The corpus's words for the page; ``own`` says whether they came from the corpus's file."""

    title: str
    description: str
    about: str
    examples: tuple[str, ...]
    language: str | None
    own: bool


def neutral_about(documents: list[str]) -> About:
    """Wording for a corpus without ``about.json``: only what the document names tell."""
    if len(documents) == 1:
        stem = PurePosixPath(documents[0]).stem.replace("-", " ").replace("_", " ").strip()
        title = f"Tanya Jawab: {stem[:1].upper()}{stem[1:]}" if stem else "Tanya Jawab Dokumen"
        about = f"Dokumen yang diindeks: {documents[0]}."
    else:
        title = "Tanya Jawab Dokumen"
        about = f"{len(documents)} dokumen diindeks."
    return About(title[: LIMITS["title"]], NEUTRAL_DESCRIPTION, about, (), None, False)


def _text(data: dict, key: str, path: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{path}: {key!r} must be a non-empty text", "see README: the corpus description")
    value = " ".join(value.split()) if key != "about" else value.strip()
    if len(value) > LIMITS[key]:
        raise CorpusError(f"{path}: {key!r} is longer than {LIMITS[key]} characters")
    return value


def parse_about(raw: bytes, documents: list[str], path: str = ABOUT_FILE) -> About:
    """Check and read the file's bytes; anything unusable is a :class:`CorpusError` naming the file."""
    if len(raw) > MAX_ABOUT_BYTES:
        raise CorpusError(
            f"{path} is larger than {MAX_ABOUT_BYTES // 1024} KB", "it holds a few lines of text"
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise CorpusError(f"{path} is not valid UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise CorpusError(f"{path} is not valid JSON ({str(exc)[:120]})") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path} must hold a JSON object", f"keys: {', '.join(FIELDS)}")
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise CorpusError(
            f"{path}: unknown key {str(unknown[0])[:40]!r}", f"the keys are: {', '.join(FIELDS)}"
        )
    examples = data.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
        raise CorpusError(f"{path}: 'examples' must be a list of non-empty texts")
    if len(examples) > MAX_EXAMPLES:
        raise CorpusError(f"{path}: at most {MAX_EXAMPLES} examples, got {len(examples)}")
    if any(len(e) > LIMITS["example"] for e in examples):
        raise CorpusError(f"{path}: an example is longer than {LIMITS['example']} characters")
    neutral = neutral_about(documents)
    description = _text(data, "description", path)
    return About(
        title=_text(data, "title", path) or neutral.title,
        description=description or neutral.description,
        about=_text(data, "about", path) or description or neutral.about,
        examples=tuple(" ".join(e.split()) for e in examples),
        language=_text(data, "language", path),
        own=True,
    )


def load_about(corpus_dir: Path, documents: list[str]) -> About:
    """The corpus's ``about.json`` if it has one, else neutral wording from ``documents`` (ids)."""
    path = Path(corpus_dir) / ABOUT_FILE
    if not path.exists():
        return neutral_about(documents)
    if path.is_symlink() or not path.is_file():
        raise CorpusError(f"{ABOUT_FILE} in the corpus folder is not a plain file", "copy the file in place")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {ABOUT_FILE}: {exc.strerror or exc}") from None
    return parse_about(raw, documents)
