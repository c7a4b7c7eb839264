"""Text encodings a host's tools write that no earlier test tried: UTF-32 without a byte order mark, and
UTF-16 or UTF-32 with a stray byte at the end (section 30 of docs/reliability.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.corpus import load_corpus
from qa.errors import CorpusError
from qa.readers import READERS
from qa.readers._charset import utf16_without_bom, utf32_without_bom

TEXT = "Juru bahasa menerjemahkan pidato menteri di São Tomé – tiga jam sehari.\nGaji dibayar tiap bulan."
PAGE = f"<html><body><article><h1>Juru bahasa</h1><p>{TEXT.splitlines()[0]}</p></article></body></html>"


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_utf32_without_a_byte_order_mark_is_read(tmp_path: Path, encoding: str, suffix: str) -> None:
    """Refused as "binary (NUL bytes)": only UTF-16 was recognised without its mark."""
    (tmp_path / f"juru{suffix}").write_bytes(TEXT.encode(encoding))
    (doc,) = load_corpus(tmp_path)
    assert doc.text.split() == TEXT.split()


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be", "utf-32"])
def test_a_utf32_page_is_read_not_found_empty(encoding: str) -> None:
    """Read as UTF-8 (its NULs are valid UTF-8), such a page had "no main text"; with a mark, it was
    taken for UTF-16 (the marks start alike)."""
    assert READERS[".html"].read(PAGE.encode(encoding), "juru.html").text == TEXT.splitlines()[0]


def test_utf32_without_a_mark_is_recognised_only_by_its_pattern() -> None:
    line = TEXT.splitlines()[0]
    assert utf32_without_bom(line.encode("utf-32-le")) == line
    assert utf32_without_bom(line.encode("utf-32-be")) == line
    assert utf32_without_bom(line.encode("utf-16-le")) is None  # units past U+10FFFF
    assert utf32_without_bom(line.encode("utf-8")) is None
    assert utf32_without_bom(line.encode("utf-32-le") + b"\0\0\0\0") is None  # a NUL character
    assert utf32_without_bom(bytes(range(256)) * 4) is None  # binary
    assert utf32_without_bom("Министр принял делегацию".encode("utf-32-le")) is None  # mostly not Latin
    assert utf16_without_bom(line.encode("utf-32-le")) is None  # and UTF-16's rule never takes it


@pytest.mark.parametrize("stray", [b"\n", b"\0", b"\r\n"[:1]], ids=["newline", "NUL", "CR"])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16", "utf-32-le", "utf-32"])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_a_file_with_a_stray_last_byte_is_read_whole(
    tmp_path: Path, suffix: str, encoding: str, stray: bytes
) -> None:
    """A tool appending a newline byte (``echo >>``) or a C string's NUL to a UTF-16 file made it
    refused whole, "looks binary", for one byte that holds no character (a page: "no main text")."""
    source = PAGE if suffix == ".html" else TEXT
    (tmp_path / f"juru{suffix}").write_bytes(source.encode(encoding) + stray)
    (doc,) = load_corpus(tmp_path)
    assert doc.text.split() == (TEXT.splitlines()[0] if suffix == ".html" else TEXT).split()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_nul_character_still_makes_a_wide_file_binary(tmp_path: Path, encoding: str) -> None:
    width = 4 if encoding == "utf-32" else 2
    (tmp_path / "juru.txt").write_bytes(TEXT.encode(encoding) + b"\0" * width + b"\n")
    with pytest.raises(CorpusError, match=r"juru\.txt"):
        load_corpus(tmp_path)
