"""qa.passage_table: the flat bigram postings answer exactly what a naive set of pairs per passage does."""

from __future__ import annotations

import random

import numpy as np
import pytest

from qa.analysis import tokenize
from qa.passage_table import Bigrams

WORDS = "kerja sama luar negeri menteri asisten laporan rapat diplomat negara pertemuan bilateral".split()


def _naive(texts: list[str], stems: list[str], rows: np.ndarray) -> np.ndarray:
    pairs = list(dict.fromkeys(zip(stems, stems[1:])))
    sets = [set(zip(t, t[1:])) for t in map(tokenize, texts)]
    found = [[p in sets[r] for p in pairs] for r in rows]
    return np.array(found, dtype=np.float32).reshape(len(rows), len(pairs))


def test_bigram_presence_equals_the_naive_sets() -> None:
    rng = random.Random(7)
    texts = [" ".join(rng.choices(WORDS, k=rng.randint(0, 9))) for _ in range(300)] + ["", "yang dan di"]
    table = Bigrams(texts)
    for _ in range(200):
        question = tokenize(" ".join(rng.choices(WORDS + ["unknownword"], k=rng.randint(0, 6))))
        rows = np.array(sorted(rng.sample(range(len(texts)), rng.randint(0, 30))), dtype=np.int64)
        assert np.array_equal(table.presence(question, rows), _naive(texts, question, rows))


def test_no_passages_and_no_pairs() -> None:
    assert Bigrams([]).presence(["kerja", "sama"], np.arange(0)).shape == (0, 1)
    assert Bigrams(["kerja"]).presence(["kerja", "sama"], np.arange(1)).tolist() == [[0.0]]


# --- the table stored in a local index at build time ------------------------------------------------


def _same_table(a, b) -> None:
    for name in ("cues_sentence", "cues_window", "position", "paragraph_size", "length", "prev", "next"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    for name in ("sentence_bigrams", "window_bigrams"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.ids == y.ids and all(
            np.array_equal(getattr(x, k), getattr(y, k)) for k in ("codes", "indptr", "indices")
        )


def test_a_build_stores_the_table_and_opening_reads_it_back(fake_assistant, settings) -> None:
    """Opening reads the stored arrays instead of running the regexes and tokeniser over every passage
    (20 s at 100k): the same table as computing it, so the reranker's features cannot tell."""
    from qa.manifest import read_manifest
    from qa.passage_table import STEMS_FILE, TABLE_FILE, TABLE_ID, PassageTable

    manifest = read_manifest(settings.index_dir)
    assert manifest["table"] == TABLE_ID
    assert {f"table/{TABLE_FILE}", f"table/{STEMS_FILE}"} <= set(manifest["files"])  # checksummed
    index, texts = fake_assistant.index, fake_assistant.retriever.passage_texts
    assert index.table is not None
    stored = PassageTable(index, texts)
    stored_table, index.table = index.table, None
    _same_table(stored, PassageTable(index, texts))
    index.table = stored_table


def test_a_table_from_other_rules_is_recomputed_not_read(fake_assistant, settings) -> None:
    """An older build (no table, or a table named by another TABLE_ID: the cue patterns changed) opens
    as before and computes the table; its stored arrays are never trusted."""
    import json

    from qa.assistant import Assistant
    from qa.manifest import MANIFEST

    path = settings.index_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    expected = fake_assistant.ask("siapa yang mengatur pertemuan bilateral?").to_dict()
    for table in ("table-v0-older", None):
        if table is None:
            manifest.pop("table")
        else:
            manifest["table"] = table
        path.write_text(json.dumps(manifest), encoding="utf-8")
        reopened = Assistant(settings, encoder=fake_assistant.encoder, build="never", log=lambda m: None)
        assert reopened.index.table is None
        assert reopened.ask("siapa yang mengatur pertemuan bilateral?").to_dict() == expected


def test_a_stored_table_that_does_not_fit_the_index_is_refused(tmp_path) -> None:
    from qa.chunking import chunk_document
    from qa.passage_table import load_table, save_table, table_arrays

    chunks = chunk_document(
        "d.txt", "Asisten menteri rapat. Laporan dikirim ke Jakarta.\nDiplomat bertugas.", 1
    )
    save_table(tmp_path, table_arrays(chunks, [c.text for c in chunks]))
    assert load_table(tmp_path, len(chunks))["cues_sentence"].shape == (len(chunks), 9)
    with pytest.raises(ValueError, match="cues"):
        load_table(tmp_path, len(chunks) + 1)


@pytest.mark.slow
def test_the_real_index_stores_its_table(real_assistant) -> None:
    from qa.passage_table import PassageTable

    index, texts = real_assistant.index, real_assistant.retriever.passage_texts
    assert index.table is not None
    stored = PassageTable(index, texts)
    table, index.table = index.table, None
    try:
        _same_table(stored, PassageTable(index, texts))
    finally:
        index.table = table
