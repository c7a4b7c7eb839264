from pathlib import Path

import pytest

from qa.corpus import load_corpus
from qa.errors import CorpusError

from .conftest import DOC


def test_real_corpus_has_one_document_with_stable_id(corpus_dir: Path) -> None:
    docs = load_corpus(corpus_dir)
    assert [d.id for d in docs] == [DOC]
    assert docs[0].text.startswith("Pekerjaan sebagai asisten menteri")
    assert docs[0].sha256.startswith("sha256:") and len(docs[0].sha256) == 7 + 64


def test_ids_are_relative_posix_paths_sorted_and_hidden_files_ignored(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.md").write_text("Dua.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Satu.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Tidak.", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: x", encoding="utf-8")
    assert [d.id for d in load_corpus(tmp_path)] == ["a.txt", "b/z.md"]


def test_bom_is_dropped_but_hash_covers_the_raw_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("\ufeffHalo dunia.".encode())
    (doc,) = load_corpus(tmp_path)
    assert doc.text == "Halo dunia."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe bukan utf-8 \xe9", "not valid UTF-8"),
        (b"PNG\x00\x01\x02", "binary"),
        (b"  \n\t ", "empty"),
    ],
)
def test_unusable_file_is_refused_by_name(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "ok.txt").write_text("Baik.", encoding="utf-8")
    (tmp_path / "rusak.txt").write_bytes(content)
    with pytest.raises(CorpusError, match=message) as info:
        load_corpus(tmp_path)
    assert "rusak.txt" in str(info.value)


def test_missing_or_empty_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match=r"no document \(.txt, .md"):
        load_corpus(tmp_path)
