"""English questions read through the English–Indonesian dictionary (qa/translation.py, fourteenth round)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from qa.analysis import tokenize
from qa.passage_table import Postings
from qa.translation import (
    DATA,
    FOREIGN_SIGNALS,
    RenderedPostings,
    foreign_signals,
    renderings,
    term_renderings,
)
from scripts import eng_ind_dictionary

# A dictd database as the Debian package ships it: an index of base64 offsets, the entries' texts.
ENTRIES = [
    "00-database-info\nEnglish-Bahasa Indonesia FreeDict+WikDict dictionary\n",
    "cooperation /koʊ/ <n>\n1. kerja sama\nact of cooperating\n2. koperasi\nassociation for mutual benefit\n",
    "Job /d͡ʒɒb/ <pn>\nAyyub 2.\nBiblical character\n 3.\nbook of the Bible\n",
    "ness /nəs/ <suffix>\ne- -an\nappended to adjectives\n",
    "office /ˈɒfɪs/ <n>\nkantor, biro\nroom(s) used for non-manual work\n",
    "office /ˈɒfɪs/ <v>\nkantor\n",
]


def _dictd(entries: list[str]) -> tuple[str, bytes]:
    b64 = eng_ind_dictionary.B64

    def enc(n: int) -> str:
        out = ""
        while True:
            out = b64[n % 64] + out
            n //= 64
            if not n:
                return out

    data, index, at = b"", [], 0
    for text in entries:
        raw = text.encode("utf-8")
        head = text.split(" ", 1)[0].split("\n", 1)[0].replace("-", "")
        index.append(f"{head}\t{enc(at)}\t{enc(len(raw))}")
        data += raw
        at += len(raw)
    return "\n".join(index), data


def test_the_regenerator_keeps_translations_not_glosses_names_or_affixes() -> None:
    table = eng_ind_dictionary.build(*_dictd(ENTRIES))
    # numbered senses: every numbered line; one sense: the line after the head; glosses (English) dropped;
    # the proper noun "Job" and the suffix "-ness" left out; "office" once with each translation once
    assert table == {"cooperation": ["kerja sama", "koperasi"], "office": ["kantor", "biro"]}


def test_the_shipped_dictionary_names_its_source_and_licence() -> None:
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    assert "CC-BY-SA-3.0" in doc["license"] and "dict-freedict-eng-ind" in doc["source"]
    assert len(doc["entries"]) > 6000 and doc["entries"]["salary"] == ["gaji"]


@pytest.mark.parametrize(
    ("word", "rendering"),
    [
        ("universities", ("universitas",)),  # -ies → -y
        ("meetings", ("rapat",)),  # -s
        ("minister's", tuple(tokenize("menteri"))),  # possessive; stemmed as the corpus is ("teri")
        ("Salary", ("gaji",)),  # case
        ("cooperation", tuple(tokenize("kerja sama"))),  # a phrase is one rendering
    ],
)
def test_an_english_word_is_rendered_by_its_base_form_s_translations(word: str, rendering: tuple) -> None:
    assert rendering in renderings(word)


def test_a_word_the_dictionary_lacks_keeps_only_its_own_stem() -> None:
    assert renderings("zzqx") == ()
    groups = term_renderings("what does the zzqx earn?")
    assert groups["zzqx"] == (("zzqx",),)
    # the own stem first (names and loanwords are shared: "diplomat"), then the translations
    (diplomat,) = tokenize("diplomat")  # the key is the stem the runtime gives the word ("plomat")
    assert term_renderings("salary of a diplomat")[diplomat][0] == (diplomat,)
    assert ("gaji",) in term_renderings("salary of a diplomat")["salary"]


class _Lexical:
    """A stand-in BM25 index: the postings of a few passages (``term_postings`` as ``LexicalIndex``)."""

    def __init__(self, passages: list[list[str]]) -> None:
        vocab: dict[str, int] = {}
        pairs = sorted({(vocab.setdefault(s, len(vocab)), r) for r, p in enumerate(passages) for s in p})
        self.vocab, self.n = vocab, len(passages)
        self.indices = np.array([r for _, r in pairs], dtype=np.int64)
        counts = np.bincount([t for t, _ in pairs], minlength=len(vocab))
        self.indptr = np.r_[0, np.cumsum(counts)].astype(np.int64)

    def term_postings(self):
        return self.vocab, self.indices, self.indptr

    def __len__(self) -> int:
        return self.n


def test_a_term_is_present_where_any_rendering_is_and_a_phrase_where_all_its_stems_are() -> None:
    base = Postings(_Lexical([["gaji", "teri"], ["kerja"], ["kerja", "sama"], ["rapat"]]))
    groups = {"salary": (("salary",), ("gaji",)), "cooperation": (("cooperation",), ("kerja", "sama"))}
    rendered = RenderedPostings(base, groups)
    rows = np.arange(4)
    p, idf = rendered.presence(["salary", "cooperation", "rapat"], rows)
    assert p[:, 0].tolist() == [1, 0, 0, 0]  # "gaji"
    assert p[:, 1].tolist() == [0, 0, 1, 0]  # "kerja" alone is not "kerja sama"
    assert p[:, 2].tolist() == [0, 0, 0, 1]  # a term without renderings reads as before
    assert idf[0] == pytest.approx(base.idf_of(["gaji"])[0])
    assert idf[2] == pytest.approx(base.idf_of(["rapat"])[0])
    # "salary" is read (the dictionary translates it); "zzqx" is not: neither the corpus nor the dictionary
    assert rendered.readable("salary") and rendered.readable("rapat") and not rendered.readable("zzqx")
    # a term none of whose renderings the corpus knows is as rare as an unknown stem
    assert RenderedPostings(base, {"x": (("x",), ("y",))}).idf_of(["x"])[0] == pytest.approx(base.unknown_idf)


def _signals(assistant, question: str, row_text: str) -> tuple[np.ndarray, np.ndarray]:
    """``foreign_signals`` of ``question`` with the passage holding ``row_text`` first, and with another."""
    from qa.question import analyze

    texts = assistant.retriever.passage_texts
    row = next(i for i, t in enumerate(texts) if row_text in t)
    other = next(i for i, t in enumerate(texts) if row_text not in t and i not in (row - 1, row + 1))
    table, facts = assistant.search.table, analyze(question)
    return foreign_signals(table, question, facts, np.array([row])), foreign_signals(
        table, question, facts, np.array([other])
    )


def test_english_words_are_found_in_indonesian_where_the_passage_says_them(fake_assistant) -> None:
    """The passage saying *administrasi perjalanan menteri* holds "travel", "administration" and
    "minister" read in Indonesian; a passage elsewhere in the document holds less of them."""
    here, elsewhere = _signals(
        fake_assistant, "Who handles the minister's travel administration?", "administrasi perjalanan menteri"
    )
    assert len(here) == len(FOREIGN_SIGNALS) and here.tolist() == pytest.approx([1.0, 1.0])
    assert elsewhere[1] < here[1]


def test_a_word_nobody_can_read_counts_neither_way_and_a_translated_absent_word_counts_missing(
    fake_assistant,
) -> None:
    """ "zzqx" is neither in the dictionary nor in the document: it could be there in other words, so it
    does not lower the coverage; "salary" is translated (*gaji*) and the passage lacks it: it does."""
    text = "administrasi perjalanan menteri"
    base, _ = _signals(fake_assistant, "Who handles the minister's travel administration?", text)
    unread, _ = _signals(fake_assistant, "Who handles the minister's travel administration zzqx?", text)
    missing, _ = _signals(fake_assistant, "Who handles the minister's travel administration salary?", text)
    assert np.array_equal(unread, base)
    assert missing[1] < base[1]
    assert np.isnan(foreign_signals(fake_assistant.search.table, "zzqx", _facts("zzqx"), np.array([0]))).all()


def _facts(question: str):
    from qa.question import analyze

    return analyze(question)


@pytest.fixture
def dictionary_at(monkeypatch):
    """Point ``qa.translation`` at another dictionary file (its caches emptied before and after)."""
    from qa import translation

    def clear() -> None:
        for cached in (translation._entries, translation.renderings, translation.term_renderings):
            cached.cache_clear()

    def use(path) -> None:
        monkeypatch.setattr(translation, "DATA", path)
        clear()

    yield use
    monkeypatch.undo()
    clear()


_DAMAGED = {
    "missing": None,
    "not JSON": "{entries",
    "cut in half": DATA.read_text(encoding="utf-8")[:5000],
    "not UTF-8": b'{"entries": {"water": ["\xff"]}}',
    "no entries": '{"source": "x"}',
    "a list": "[1, 2]",
    "entries a list": '{"entries": [["water", "air"]]}',
    "no headword": '{"entries": {}}',
    "a translation not a list": '{"entries": {"water": "air"}}',
    "a translation not a string": '{"entries": {"water": [1]}}',
}


@pytest.mark.parametrize("case", list(_DAMAGED))
def test_a_damaged_dictionary_is_a_model_error_naming_it(case: str, tmp_path, dictionary_at) -> None:
    """The vendored dictionary is read at the first English question. A missing or damaged file raised
    FileNotFoundError, JSONDecodeError, KeyError or TypeError (a traceback at the CLI), or was read as a
    dictionary of no word (a list of entries) or of letters (a string as translations): every English
    question then silently took the stack's neutral values. It is a ``ModelError`` now, as a damaged
    model file is, naming the file and how to mend it."""
    from qa.trees import ModelError

    path = tmp_path / "eng_ind.json"
    content = _DAMAGED[case]
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    dictionary_at(path)
    with pytest.raises(ModelError) as caught:
        renderings("water")
    assert str(path) in caught.value.message and "English-Indonesian dictionary" in caught.value.message
    assert caught.value.hint is not None and "scripts/eng_ind_dictionary.py" in caught.value.hint
    # a sound file read again after it is mended (a failure is not cached)
    path.write_text('{"entries": {"water": ["air"]}}', encoding="utf-8")
    assert renderings("water") == (("air",),)


def test_a_damaged_dictionary_is_one_clear_error_at_the_cli_and_spares_indonesian_questions(
    settings, fake_assistant, tmp_path, monkeypatch, capsys, dictionary_at
) -> None:
    """``qa ask`` with an English question over a damaged dictionary: one line naming the file, its hint,
    exit 1, no traceback (before: json.JSONDecodeError escaped ``qa``). A question in the corpus's
    language never reads the dictionary: still answered."""
    from qa.commands import run
    from scripts.fakes import FakeEncoder

    monkeypatch.setattr("qa.embedding.make_encoder", lambda s, log=None: FakeEncoder())
    (tmp_path / "broken.json").write_text("{entries", encoding="utf-8")
    dictionary_at(tmp_path / "broken.json")
    where = ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]
    assert run(["ask", "apa tugas asisten menteri?", *where]) == 0
    capsys.readouterr()
    assert run(["ask", "What does the minister's assistant do?", *where]) == 1
    err = capsys.readouterr().err
    first, hint = err.splitlines()
    assert first.startswith("error: cannot read the English-Indonesian dictionary") and "broken.json" in first
    assert hint.startswith("hint: ") and "Traceback" not in err


@pytest.mark.parametrize("passages", [1, 2])
def test_an_english_question_over_fewer_than_three_passages_is_read_over_those_it_has(
    passages: int, tmp_path, monkeypatch
) -> None:
    """A corpus of one or two passages (a FAISS index on disk, the fake encoder): an English question's
    pool holds fewer than the three windows the signals read. They are read over the ones there are,
    the stack applied to them (the confidence is the base model's corrected, finite); an Indonesian
    question's is the base model's."""
    from qa import answerability
    from qa.assistant import Assistant
    from qa.config import Settings
    from scripts.fakes import FakeEncoder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = ["Gaji asisten menteri dibayar setiap bulan oleh kantor kementerian.", "Kantornya di Jakarta."]
    (corpus / "a.txt").write_text("\n\n".join(text[:passages]) + "\n", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    assistant = Assistant(settings, encoder=FakeEncoder(), log=lambda m: None)
    assert len(assistant.retriever.passage_texts) == passages
    calls: list[tuple[np.ndarray, np.ndarray | None]] = []
    probability = answerability.Answerability.probability

    def spy(self, s, foreign=None):
        calls.append((s, foreign))
        return probability(self, s, foreign)

    monkeypatch.setattr(answerability.Answerability, "probability", spy)
    english = assistant.ask("Who pays the minister's assistant's salary?")
    (s, read), model = calls[-1], assistant.search.answerability
    assert read is not None and read.shape == (len(FOREIGN_SIGNALS),) and np.isfinite(read).all()
    assert read[1] == 1.0  # *gaji*, *asisten*, *menteri*, *bayar* in one of the windows it has
    assert np.isfinite(english.confidence) and english.confidence == probability(model, s, read)
    assert english.confidence != probability(model, s)  # the stack was applied
    indonesian = assistant.ask("siapa yang membayar gaji asisten menteri?")
    assert calls[-1][1] is None and indonesian.confidence == probability(model, calls[-1][0])
