"""Tests of the lexical channel: Indonesian normalization/tokenization and the BM25 index."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import qa.analysis as analysis
import qa.lexical as lexical
from qa.analysis import INFORMAL, STOPWORDS, normalize, token_spans, tokenize
from qa.errors import IndexCorruptError, IndexStaleError
from qa.lexical import LexicalIndex

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "corpus" / "asisten-menteri-kerjasama-luar-negeri.txt"

CORPUS = [
    "Menteri luar negeri melakukan kunjungan bilateral ke Jepang.",
    "Asisten menyiapkan bahan presentasi dan laporan untuk rapat.",
    "Harga beras naik menjadi 12.500 rupiah per kilogram.",
    "Petani menanam padi di sawah setiap musim hujan.",
    "Pengambilan keputusan tetap berada di tangan menteri.",
]


# --- normalization ---------------------------------------------------------------------------------------


def test_normalize_lowercases_nfkc_and_applies_informal_table():
    assert normalize("Yg GAK bisa") == "yang tidak bisa"
    assert normalize("gmn caranya nyari kerjaan?") == "bagaimana caranya mencari pekerjaan?"
    assert normalize("ＡＳＩＳＴＥＮ") == "asisten"  # full-width letters (NFKC)
    assert normalize("mau dong") == "mau"  # particle dropped, no dangling space
    assert normalize("Sih, bagus sih?") == ", bagus?"
    assert normalize("kafé") == "kafe"


def test_informal_table_is_general_and_well_formed():
    assert 60 <= len(INFORMAL) <= 200
    for key, value in INFORMAL.items():
        assert key.isalpha() and key == key.lower()
        assert not any(w in INFORMAL for w in value.split()), f"{key} -> {value} would need a second pass"
    assert "buat" not in INFORMAL  # "buat" also means "make"
    assert tokenize("tdk") == tokenize("gak") == tokenize("nggak") == tokenize("tidak") == ["tidak"]
    assert tokenize("ngurus") == tokenize("mengurus")
    assert tokenize("ngatur") == tokenize("mengatur")
    assert tokenize("nego") == tokenize("negosiasi") and tokenize("sebenernya") == tokenize("sebenarnya")
    assert tokenize("tu") == tokenize("apaan") == tokenize("kpn") == []  # itu, apa, kapan: stopwords
    # chat spellings that are also units or names in news text stay as written: 100 km, I Gede Ardika
    assert "km" not in INFORMAL and "gede" not in INFORMAL


# --- tokenization ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("kerja-kerja", ["kerja"]),
        ("isu-isu", ["isu"]),
        ("isu2", ["isu"]),
        ("berkali-kali", ["kali"]),
        ("sayur-mayur", ["sayur"]),
        ("tarik-menarik", ["tarik"]),
        ("bolak-balik", ["bolak", "balik"]),
    ],
)
def test_reduplication(word: str, expected: list[str]):
    assert tokenize(word) == expected


def test_affixed_reduplication_matches_the_plain_affixed_word():
    assert tokenize("melebih-lebihkan") == tokenize("melebihkan") == ["lebih"]
    assert tokenize("meniru-nirukan") == tokenize("menirukan")
    assert len(tokenize("meniru-nirukan")) == 1


def test_stopwords_and_question_words_dropped():
    assert tokenize("apakah siapa kapan berapa bagaimana mengapa dimana di mana yang dan di itu") == []
    assert tokenize("Siapakah yang mengatur pertemuan?") == tokenize("atur temu")
    assert {"apa", "siapa", "kapan", "berapa", "bagaimana", "mengapa", "yang", "dan"} <= STOPWORDS


def test_negations_and_modals_kept():
    toks = tokenize("Asisten tidak bisa dan bukan harus memutuskan")
    for word in ("tidak", "bisa", "bukan", "harus"):
        assert word in toks
    assert not {"tidak", "bukan", "belum", "bisa", "dapat", "harus", "boleh"} & STOPWORDS


def test_stemming():
    assert tokenize("pengambilan") == ["ambil"]
    assert tokenize("keputusan") == tokenize("memutuskan") == ["putus"]
    assert tokenize("pekerjaan") == tokenize("bekerja") == ["kerja"]
    assert tokenize("kerjasama") == tokenize("kerja sama") == tokenize("kerja-sama") == ["kerja", "sama"]


def test_numbers_kept():
    assert tokenize("1.000.000 rupiah") == ["1000000", "rupiah"]
    assert tokenize("naik 2,5 persen tahun 2024") == ["naik", "2,5", "persen", "tahun", "2024"]
    assert tokenize("covid-19") == ["covid", "19"]


@pytest.mark.parametrize("text", ["", "???", "🙂🙂", "yang dan di", "... !!! \r\n", "sih dong"])
def test_nothing_to_index(text: str):
    assert tokenize(text) == []
    assert token_spans(text) == []


def test_token_spans_offsets_are_exact_in_the_original_text():
    text = "Café 🙂 PENGAMBILAN\r\nkeputusan, yg kerja-kerja kafe\u0301 1.000 — Jum’at!"
    spans = token_spans(text)
    assert [text[s:e] for s, e, _ in spans] == [
        "Café",
        "PENGAMBILAN",
        "keputusan",
        "kerja-kerja",
        "kafe\u0301",
        "1.000",
        "Jum’at",
    ]
    assert [stem for _, _, stem in spans] == tokenize(text)
    assert [stem for _, _, stem in spans][:4] == ["cafe", "ambil", "putus", "kerja"]


def test_token_spans_multi_stem_word_shares_its_span():
    text = "Bidang kerjasama"
    assert token_spans(text) == [(0, 6, "bidang"), (7, 16, "kerja"), (7, 16, "sama")]


# --- index -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(CORPUS)


def test_search_ranks_the_obvious_passage_first(index: LexicalIndex):
    ids, scores = index.search(
        [
            "kunjungan bilateral",
            "berapa harga beras?",
            "siapa yang menanam padi?",
            "apa yg disiapkan asisten",
        ],
        k=2,
    )
    assert ids.dtype == np.int64 and scores.dtype == np.float32 and ids.shape == scores.shape == (4, 2)
    assert ids[:, 0].tolist() == [0, 2, 3, 1]
    assert (scores[:, 0] > 0).all()


def test_search_pads_and_never_raises(index: LexicalIndex):
    queries = ["", "???", "🙂", "yang dan di itu", "apakah?", "zzzunknownzzz", "petani"]
    ids, scores = index.search(queries, k=50)  # k larger than the corpus
    assert ids.shape == (7, 50) and len(index) == 5
    assert (ids[:6] == -1).all() and (scores[:6] == 0).all()
    assert ids[6, 0] == 3 and (ids[6, 1:] == -1).all() and (scores[6, 1:] == 0).all()
    assert index.search([], k=3)[0].shape == (0, 3)


def test_scores_sorted_best_first(index: LexicalIndex):
    ids, scores = index.search(["menteri keputusan kunjungan"], k=5)
    hit = ids[0] >= 0
    assert list(scores[0][hit]) == sorted(scores[0][hit], reverse=True)
    assert ids[0, 0] == 4


def test_query_terms(index: LexicalIndex):
    assert index.query_terms("Siapa yang mengambil keputusan soal zzz, keputusan?") == ["ambil", "putus"]


def test_settings(index: LexicalIndex):
    settings = index.settings()
    assert settings["stemmer"] == "snowball-indonesian"
    assert settings["analysis"] == analysis.ANALYSIS_ID
    assert settings["k1"] == 1.5 and settings["b"] == 0.75 and settings["vocabulary"] > 10
    json.dumps(settings)


def test_build_is_deterministic():
    a, b = LexicalIndex.build(CORPUS), LexicalIndex.build(CORPUS)
    assert a._vocab == b._vocab
    for key in ("data", "indices", "indptr"):
        assert np.array_equal(a._arrays[key], b._arrays[key])


def test_empty_corpus_and_stopword_only_corpus(tmp_path: Path):
    for texts in ([], ["yang dan di", "???"]):
        idx = LexicalIndex.build(texts)
        assert len(idx) == len(texts)
        ids, scores = idx.search(["apa saja", "menteri"], k=3)
        assert (ids == -1).all() and (scores == 0).all()
        idx.save(tmp_path)
        assert len(LexicalIndex.load(tmp_path)) == len(texts)


def test_save_load_round_trip(index: LexicalIndex, tmp_path: Path):
    names = index.save(tmp_path)
    assert sorted(names) == sorted(p.name for p in tmp_path.iterdir())
    loaded = LexicalIndex.load(tmp_path)
    queries = ["kunjungan bilateral", "harga beras", "", "keputusan menteri", "padi sawah hujan"]
    for got, want in zip(loaded.search(queries, k=4), index.search(queries, k=4), strict=True):
        assert np.array_equal(got, want)
    assert loaded.settings() == index.settings() and len(loaded) == len(index)


def test_no_pickle_anywhere(index: LexicalIndex, tmp_path: Path):
    for name in index.save(tmp_path):
        head = (tmp_path / name).read_bytes()[:6]
        assert not head.startswith(b"\x80"), f"{name} looks like a pickle"
        assert head == b"\x93NUMPY" if name.endswith(".npy") else head.startswith(b"{")
    source = Path(lexical.__file__).read_text(encoding="utf-8")
    assert not re.search(r"import pickle|pickle\.|allow_pickle=True|joblib", source)
    calls = re.findall(r"np\.(?:load|save)\(.*", source)
    assert len(calls) == 2 and all("allow_pickle=False" in call for call in calls)


def test_load_missing_or_garbled_raises_index_corrupt(index: LexicalIndex, tmp_path: Path):
    with pytest.raises(IndexCorruptError, match="missing or damaged"):
        LexicalIndex.load(tmp_path / "nowhere")
    names = index.save(tmp_path)
    for name in names:
        original = (tmp_path / name).read_bytes()
        (tmp_path / name).unlink()
        with pytest.raises(IndexCorruptError):
            LexicalIndex.load(tmp_path)
        (tmp_path / name).write_bytes(original[: len(original) // 2])  # truncated
        with pytest.raises(IndexCorruptError):
            LexicalIndex.load(tmp_path)
        (tmp_path / name).write_bytes(original)
    LexicalIndex.load(tmp_path)  # intact again


def test_load_rejects_pickled_or_inconsistent_arrays(index: LexicalIndex, tmp_path: Path):
    index.save(tmp_path)
    np.save(tmp_path / "lexical.indices.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(IndexCorruptError):
        LexicalIndex.load(tmp_path)
    index.save(tmp_path)
    np.save(tmp_path / "lexical.indptr.npy", np.arange(3, dtype=np.int64), allow_pickle=False)
    with pytest.raises(IndexCorruptError, match="shapes"):
        LexicalIndex.load(tmp_path)
    index.save(tmp_path)
    (tmp_path / "lexical.json").write_text("[1, 2", encoding="utf-8")
    with pytest.raises(IndexCorruptError):
        LexicalIndex.load(tmp_path)


def test_load_other_tokenization_version_is_stale(index: LexicalIndex, tmp_path: Path):
    index.save(tmp_path)
    meta = json.loads((tmp_path / "lexical.json").read_text(encoding="utf-8"))
    meta["analysis"] = "id-v0:tables-000000000000"
    (tmp_path / "lexical.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(IndexStaleError):
        LexicalIndex.load(tmp_path)


def test_import_is_cheap():
    code = "import sys, qa.lexical; print(sorted({'numpy', 'bm25s', 'Stemmer'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- the real document -----------------------------------------------------------------------------------


def test_real_document():
    lines = DOCUMENT.read_text(encoding="utf-8").splitlines()
    idx = LexicalIndex.build(lines)
    queries = [
        "apakah asisten menteri bisa memutuskan kebijakan?",
        "siapa yang mengatur pertemuan bilateral?",
        "kunjungan bilateral",
        "pengambilan keputusan",
    ]
    ids, scores = idx.search(queries, k=3)
    for q, row, sc in zip(queries, ids, scores, strict=True):
        print(f"{q!r}: line {row[0] + 1} ({sc[0]:.2f}): {lines[row[0]][:90]}")
    assert "kunjungan bilateral" in lines[ids[2, 0]]
    assert "pengambilan keputusan" in lines[ids[3, 0]]
    assert "pertemuan" in lines[ids[1, 0]]
    for s, e, stem in token_spans(lines[1]):
        assert lines[1][s:e].strip() == lines[1][s:e] and stem


def test_informal_word_with_possessive_nya_is_normalized() -> None:
    from qa.analysis import tokenize

    assert tokenize("kerjaannya") == tokenize("pekerjaan")
    assert tokenize("bikinnya") == tokenize("membuat")


def test_editing_a_table_changes_the_analysis_id(monkeypatch) -> None:
    before = analysis._tables_hash()
    monkeypatch.setattr(analysis, "STOPWORDS", analysis.STOPWORDS | {"kerja"})
    after_stopwords = analysis._tables_hash()
    monkeypatch.setattr(analysis, "INFORMAL", {**analysis.INFORMAL, "yg": "yang-lain"})
    assert len({before, after_stopwords, analysis._tables_hash()}) == 3
