"""Fuzzing (issue 7.1): hostile text and bytes through the chunker, the lexical analyser, ``Assistant.ask``
(fake and real encoder) and the batch readers/writers.

Properties: nothing but a ``QAError`` ever escapes, every call finishes in bounded time, every offset
points at the text it claims to, over-long questions are cut to the encoder's limit with a notice, and
a batch output is valid UTF-8 that ``--resume`` completes byte for byte from any cut.

CI runs modest example counts; ``scripts/fuzz.py`` runs the same properties with ``QA_FUZZ_SCALE`` set
(>= 10,000 inputs in total) and prints the counts kept in :data:`STATS`
(written to ``QA_FUZZ_STATS``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from qa.analysis import normalize, token_spans, tokenize
from qa.assistant import SCAN_CHARS
from qa.batch import MAX_QUESTION_CHARS, read_questions, run_batch
from qa.chunking import Chunk, chunk_document, split_paragraphs, split_sentences
from qa.errors import InputError, QAError
from qa.lexical import LexicalIndex
from qa.normalize import normalize_text
from qa.question_text import _ESCAPES
from qa.readers import SUFFIXES

from .conftest import CORPUS, FakeEncoder

SCALE = float(os.environ.get("QA_FUZZ_SCALE", "1"))
# Examples per property in CI; scripts/fuzz.py multiplies them by QA_FUZZ_SCALE.
CI_EXAMPLES = {
    "chunker": 120,
    "chunker_long": 6,
    "lexical": 150,
    "lexical_long": 6,
    "lexical_index": 30,
    "ask_fake": 60,
    "ask_real": 12,
    "batch_files": 80,
    "batch_stdin": 30,
    "batch_shaped": 60,
    "corpus_files": 25,
}
# CPU-time bound per input (this process's CPU seconds, so a loaded machine cannot fail it; generous:
# it catches runaway work such as quadratic loops, and the script reports the real maxima).
TIME_LIMIT = {"chunker": 3.0, "lexical": 3.0, "lexical_index": 5.0, "ask_fake": 5.0, "ask_real": 15.0,
              "batch_files": 10.0, "batch_stdin": 5.0, "batch_shaped": 10.0,
              "corpus_files": 10.0}  # fmt: skip

settings.register_profile(
    "qa-fuzz",
    deadline=None,  # timing is asserted explicitly, per input, with the bounds above
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
FUZZ = settings.get_profile("qa-fuzz")


def examples(name: str) -> int:
    return max(1, round(CI_EXAMPLES[name] * SCALE))


class Stats:
    """Inputs tried, QAErrors raised and the slowest input, per property (printed by scripts/fuzz.py)."""

    def __init__(self) -> None:
        self.inputs: dict[str, int] = defaultdict(int)
        self.refused: dict[str, int] = defaultdict(int)
        self.slowest: dict[str, float] = defaultdict(float)
        self.longest: dict[str, int] = defaultdict(int)

    @contextlib.contextmanager
    def timed(self, name: str, size: int, limit_key: str | None = None) -> Iterator[None]:
        self.inputs[name] += 1
        self.longest[name] = max(self.longest[name], size)
        start = time.process_time()
        try:
            yield
        except QAError:
            self.refused[name] += 1
            raise
        finally:
            elapsed = time.process_time() - start
            self.slowest[name] = max(self.slowest[name], elapsed)
        limit = TIME_LIMIT[limit_key or name]
        assert elapsed < limit, f"{name}: {elapsed:.2f} s for an input of {size} characters/bytes"


STATS = Stats()


@pytest.fixture(scope="module", autouse=True)
def _save_stats() -> Iterator[None]:
    """With ``QA_FUZZ_STATS=<file>`` (set by scripts/fuzz.py), write the counts there as JSON at the end."""
    yield
    if os.environ.get("QA_FUZZ_STATS"):
        data = {k: dict(getattr(STATS, k)) for k in ("inputs", "refused", "slowest", "longest")}
        Path(os.environ["QA_FUZZ_STATS"]).write_text(json.dumps(data), encoding="utf-8")


# ----------------------------------------------------------------------------------------- strategies

# Pieces that have broken text code elsewhere: control characters and NUL, RTL text and direction marks,
# combining marks, emoji ZWJ sequences, BOM and zero-width characters, every line break str.splitlines
# knows, NFKC-expanding ligatures and numerals, case mappings that change length, Indonesian words the
# normaliser and stemmer rewrite, abbreviations, numbers and quotes the sentence splitter reasons about.
PIECES = [
    "\x00", "\x01", "\x07", "\x1b[31m", "\x7f", "\x9b", "\t", "\x0b", "\x0c", "\x1c", "\x1f", "\x85",
    "\u2028", "\u2029", "\r", "\n", "\r\n", "\n\n", "\u00a0", "\u200b", "\u200d", "\ufeff", "\ufffd",
    "\u202e", "\u200f", "\u061c", "مرحبا بالعالم", "שלום", "\u0301", "\u0308\u0308\u0308", "\u0345",
    "👩\u200d👩\u200d👧", "😀", "🇮🇩", "\U0010ffff", "\ue000", "ﬁ", "Ⅻ", "①", "¹²", "ǅ", "ＡＢＣ", "İ", "ß",
    "ς", "ŉ", "ﷺ", "kafé", "Ａpa", "apakah", "yg", "sih", "kerjasama", "asisten", "menteri", "isu2",
    "tarik-menarik", "bolak-balik", "1.000.000", "2,5", "'", "’", "-", "‐", "dll.", "Dr.", "S.H.", "...",
    "…", "?!", ". ", " A", "1.", "II.", "(OSA / MAR)", '"Ya." ', "“Ya.” ", "<!-- qa:id=x -->", "=1+1",
    "@SUM(1)", '{"question": "x"}', ",", ";", "|", '"',
]  # fmt: skip
piece = st.sampled_from(PIECES)
hostile_text = st.one_of(
    st.text(max_size=200),  # any code point but surrogates
    st.lists(st.one_of(piece, st.text(max_size=4)), max_size=60).map("".join),
)
long_text = st.builds(
    lambda p, q, n: ((p + q) * (n // max(1, len(p + q)) + 1))[:n],
    piece,
    st.text(max_size=3),
    st.integers(10_000, 100_000),
)  # a "line without end": one piece repeated to 10k-100k characters, often with no line break at all
question_text = st.one_of(hostile_text, hostile_text, long_text)
# For the real model in CI: what costs it time is tokens (a question cut at 512 tokens takes ~3 s to
# encode on a CI core, and 200 random code points can be 500 tokens), so keep these short.
short_text = st.one_of(
    st.text(max_size=30), st.lists(st.one_of(piece, st.text(max_size=2)), max_size=12).map("".join)
)

BYTE_PIECES = [
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\r", b"\n", b"\r\n", b",", b";", b"\t", b"|", b'"',
    b"'", b"=", b"@", b"{", b"}", b"[", b"]", b":", b'"question"', b'"id"', b'"pertanyaan"', b"question",
    b"id", b"\\u0000", b"\\ud800", b"\\ud83d\\ude00", b"#", b" ", b"Apa tugas asisten?", "é".encode(),
    "é".encode("latin-1"), "é".encode("utf-16"), "😀".encode(), "\u2028".encode(), b"\x85",
    "\x85".encode(), b"\xc3", b"\xe2\x80", b"<!-- qa:id=x -->", b"=HYPERLINK(1)", b"-1", b"1e999",
]  # fmt: skip
hostile_bytes = st.one_of(
    st.binary(max_size=300),
    st.lists(st.one_of(st.sampled_from(BYTE_PIECES), st.binary(max_size=4)), max_size=80).map(b"".join),
)  # mixed encodings (UTF-8, Latin-1, UTF-16), torn multi-byte sequences, lines without end

# ----------------------------------------------------------------------------------------- chunker


def _check_chunks(text: str, window: int) -> None:
    spans = split_sentences(text)
    prev_end = 0
    for s, e in spans:
        assert prev_end <= s < e <= len(text)
        assert not text[s].isspace() and not text[e - 1].isspace()
        prev_end = e
    paragraphs = split_paragraphs(text)
    chunks = chunk_document("doc.txt", text, window=window)
    assert [(c.start, c.end) for c in chunks] == spans
    for i, c in enumerate(chunks):
        assert c.index == i and c.text == text[c.start : c.end]
        ps, pe = paragraphs[c.paragraph]
        assert ps <= c.context_start <= c.start < c.end <= c.context_end <= pe  # never crosses a paragraph
        assert Chunk.from_dict(json.loads(json.dumps(c.to_dict(), ensure_ascii=False))) == c
    assert [c.paragraph for c in chunks] == sorted(c.paragraph for c in chunks)


@settings(FUZZ, max_examples=examples("chunker"))
@given(hostile_text, st.integers(0, 3))
def test_chunker_offsets_are_exact_on_hostile_text(text: str, window: int) -> None:
    with STATS.timed("chunker", len(text)):
        _check_chunks(text, window)


@settings(FUZZ, max_examples=examples("chunker_long"))
@given(long_text, st.integers(0, 3))
def test_chunker_is_fast_on_100k_character_lines(text: str, window: int) -> None:
    # The bound is the chunker's own work; the checks below (a JSON round trip per chunk, up to 33,000
    # chunks for a text of short lines) are the test's and are not timed.
    with STATS.timed("chunker_long", len(text), "chunker"):
        split_sentences(text)
        split_paragraphs(text)
        chunk_document("doc.txt", text, window=window)
    _check_chunks(text, window)


# ----------------------------------------------------------------------------------------- lexical


def _check_lexical(text: str) -> None:
    assert isinstance(normalize(text), str)
    spans = token_spans(text)
    assert tokenize(text) == [stem for _, _, stem in spans]
    last = (0, 0)
    for start, end, stem in spans:
        assert 0 <= start < end <= len(text)
        assert (start, end) == last or start >= last[1]  # words in order; several stems may share a word
        assert stem and not any(c.isspace() for c in stem)
        last = (start, end)


@settings(FUZZ, max_examples=examples("lexical"))
@given(hostile_text)
def test_lexical_analysis_is_total_and_offsets_valid(text: str) -> None:
    with STATS.timed("lexical", len(text)):
        _check_lexical(text)


@settings(FUZZ, max_examples=examples("lexical_long"))
@given(long_text)
def test_lexical_analysis_is_fast_on_100k_characters(text: str) -> None:
    with STATS.timed("lexical_long", len(text), "lexical"):
        _check_lexical(text)


@settings(FUZZ, max_examples=examples("lexical_index"))
@given(st.lists(hostile_text, min_size=1, max_size=8), st.lists(hostile_text, max_size=4), st.integers(1, 6))
def test_lexical_index_builds_saves_and_searches_anything(
    texts: list[str], queries: list[str], k: int
) -> None:
    with STATS.timed("lexical_index", sum(map(len, texts + queries))):
        index = LexicalIndex.build(texts)
        ids, scores = index.search(queries, k)
        assert ids.shape == scores.shape == (len(queries), k)
        assert ((ids >= -1) & (ids < len(texts))).all() and (scores >= 0).all()
        for row_ids, row_scores in zip(ids, scores, strict=True):
            found = row_scores[row_ids >= 0]
            assert list(found) == sorted(found, reverse=True)
        with tempfile.TemporaryDirectory() as d:
            index.save(Path(d))
            ids2, scores2 = LexicalIndex.load(Path(d)).search(queries, k)
        assert (ids2 == ids).all() and (scores2 == scores).all()


# ----------------------------------------------------------------------------------------- ask


@pytest.fixture(scope="module")
def fuzz_assistant(tmp_path_factory: pytest.TempPathFactory):
    """One fake-encoder assistant for all examples (a function-scoped one would rebuild per example)."""
    from qa.assistant import Assistant
    from qa.config import Settings

    index_dir = tmp_path_factory.mktemp("fuzz") / "index"
    return Assistant(
        Settings(corpus_dir=CORPUS, index_dir=index_dir), encoder=FakeEncoder(), log=lambda m: None
    )


def visible(text: str) -> str:
    """The characters a question is made of, without white space, control characters and lone surrogates
    (which the assistant may turn into spaces); cleaning may only ever remove those."""
    return "".join(c for c in text if not (c.isspace() or unicodedata.category(c) in ("Cc", "Cs")))


def check_ask(assistant, question: str, k: int, tokens) -> None:  # noqa: ANN001 - Assistant, token counter
    """The properties of one ``ask``: only InputError for blank questions, exact offsets, cut with notice."""
    try:
        result = assistant.ask(question, k=k)
    except InputError:
        from qa.question import analyze

        # empty once its terminal escape sequences are gone ("\x1b0", "\x1b[31m": reliability section 41)
        bare = _ESCAPES.sub("", question[:SCAN_CHARS])
        assert analyze(bare).empty_like, "InputError for a question with a letter or digit"
        raise
    assert visible(question), "a question of only blanks and control characters was answered"
    assert "  " not in result.question  # white space runs collapsed (a cut may end on a space)
    # Cleaning may remove terminal escape sequences (section 41), white space and control characters and
    # normalise as the corpus is (NFKC, format characters, look-alike letters: qa/normalize.py), nothing else.
    seen = visible(normalize_text(_ESCAPES.sub("", question[:SCAN_CHARS])))
    if result.notice:
        assert "terlalu panjang" in result.notice
        # a cut question shows the start of what the models read (its asked part: a shouted one in
        # lower case, markup left out, §45)
        from qa.question import asked_part
        from qa.question_text import clean_question

        assert visible(asked_part(clean_question(question))).startswith(visible(result.question))
        assert len(visible(result.question)) < len(visible(question))
    else:
        assert visible(result.question) == seen and result.question == result.question.strip()
    # what the models read is within the encoder's limit (the caller's counter): the cut question shown,
    # or else the asked part, which may be shorter than the message shown (hashtags left out, §45)
    from qa.question import asked_part as read_part
    from qa.question_text import clean_question as cleaned

    assert tokens(result.question if result.notice else read_part(cleaned(question)))
    assert 0.0 <= result.confidence <= 1.0 and math.isfinite(result.confidence)
    assert [p.rank for p in result.passages] == list(range(1, len(result.passages) + 1)) and len(
        result.passages
    ) <= k
    for p in result.passages:
        doc = assistant.documents[p.source].text
        assert doc[p.start : p.end] == p.text and doc[p.context_start : p.context_end] == p.context
        assert p.context_start <= p.start <= p.end <= p.context_end
        assert all(0 <= s < e <= len(p.text) for s, e in p.highlights)
        assert all(math.isfinite(x) for x in (p.score, p.dense_score, p.lexical_score))
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True)
    assert (result.answer is None) == (result.abstained or not result.passages)
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")  # what `qa ask --json` prints


def _ask(name: str, assistant, question: str, k: int, tokens) -> None:  # noqa: ANN001
    with contextlib.suppress(InputError), STATS.timed(name, len(question)):
        check_ask(assistant, question, k, tokens)


@settings(FUZZ, max_examples=examples("ask_fake"))
@given(question_text, st.integers(1, 20))
def test_ask_with_the_fake_encoder_on_hostile_questions(fuzz_assistant, question: str, k: int) -> None:
    _ask("ask_fake", fuzz_assistant, question, k, lambda q: len(q) <= 2000)


@pytest.mark.slow
@settings(FUZZ, max_examples=examples("ask_real"))
@given(question_text if SCALE > 1 else short_text, st.integers(1, 5))
def test_ask_with_the_real_model_on_hostile_questions(real_assistant, question: str, k: int) -> None:
    """Short hostile questions in CI; long ones too in scripts/fuzz.py."""
    from qa.truncation import MAX_TOKENS

    count = real_assistant.encoder._tokens  # the engine's own counter, so the bound is the model's
    _ask("ask_real", real_assistant, question, k, lambda q: count(q) <= MAX_TOKENS)


@pytest.mark.slow
@pytest.mark.parametrize("question", ["x" * 100_000, "tugas asisten 😀 ل\u0301 " * 5_000])
def test_real_model_cuts_100k_character_questions_with_a_notice(real_assistant, question: str) -> None:
    from qa.truncation import MAX_TOKENS

    start = time.perf_counter()
    result = real_assistant.ask(question)
    assert time.perf_counter() - start < 15
    assert result.notice and "terlalu panjang" in result.notice
    assert 0 < len(result.question) < len(question) and question.startswith(result.question.split(" ")[0])
    assert real_assistant.encoder._tokens(result.question) <= MAX_TOKENS


@pytest.mark.slow
@pytest.mark.parametrize("question", ["apa tugas asisten \udcff?", "\ud800"])
def test_a_question_with_lone_surrogates_is_answered_or_refused(real_assistant, question: str) -> None:
    try:
        result = real_assistant.ask(question)
    except QAError:
        return
    json.dumps(result.to_dict(), ensure_ascii=False).encode("utf-8")


@pytest.mark.slow
def test_a_nul_byte_does_not_hide_the_rest_of_the_question_from_the_model(real_assistant) -> None:
    plain = real_assistant.ask("apa tugas asisten menteri?")
    with_nul = real_assistant.ask("apa\x00tugas asisten menteri?")
    assert with_nul.passages[0].dense_score == pytest.approx(plain.passages[0].dense_score, abs=0.02)


# ----------------------------------------------------------------------------------------- batch readers


class Answers:
    """Schema-shaped answers without a model; counts what was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, questions: list[str]) -> list[dict]:
        self.asked += questions
        return [
            {"question": q, "abstained": False, "confidence": 0.5, "message": q,
             "answer": {"text": q[::-1], "source": "d.txt", "chunk_id": "d.txt#0", "score": 0.5},
             "passages": [{"rank": 1, "chunk_id": "d.txt#0", "source": "d.txt", "text": q, "score": 0.5}]}
            for q in questions
        ]  # fmt: skip


def check_batch_roundtrip(src: Path, out: Path, chunk: int, cut: float) -> None:
    """Read anything; answer it; cut the output anywhere; ``resume`` must rebuild it byte for byte."""
    try:
        records = list(read_questions(src))
    except InputError:
        return  # a file-level refusal (binary, ...) is allowed, a crash is not
    for r in records:
        assert r.line >= 1 and r.id
        if r.error is None:
            assert isinstance(r.question, str) and 0 < len(r.question) <= MAX_QUESTION_CHARS
            assert r.question == r.question.strip()
            r.question.encode("utf-8")  # nothing the encoder or a UTF-8 writer would choke on
    assert [r.line for r in records] == sorted(r.line for r in records)
    answers = Answers()
    summary = run_batch(read_questions(src), answers, out, chunk_size=chunk, progress=False)
    assert summary.total == len(records) and answers.asked == [r.question for r in records if r.error is None]
    full = out.read_bytes()
    full.decode("utf-8")
    out.write_bytes(full[: int(len(full) * cut)])
    again = run_batch(read_questions(src), Answers(), out, chunk_size=chunk, resume=True, progress=False)
    assert out.read_bytes() == full and again.total == len(records)


@settings(FUZZ, max_examples=examples("batch_files"))
@given(
    hostile_bytes,
    st.sampled_from([".txt", ".csv", ".tsv", ".jsonl"]),
    st.sampled_from([".jsonl", ".csv", ".md"]),
    st.integers(1, 4),
    st.floats(0, 1),
)
def test_batch_reads_any_bytes_and_resumes_any_cut(
    raw: bytes, ext: str, out_ext: str, chunk: int, cut: float
) -> None:
    with tempfile.TemporaryDirectory() as d, STATS.timed("batch_files", len(raw)):
        src = Path(d) / f"q{ext}"
        src.write_bytes(raw)
        check_batch_roundtrip(src, Path(d) / f"answers{out_ext}", chunk, cut)


@contextlib.contextmanager
def stdin_bytes(raw: bytes) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    try:
        yield
    finally:
        sys.stdin = saved


@settings(FUZZ, max_examples=examples("batch_stdin"))
@given(hostile_bytes)
def test_stdin_reader_takes_any_bytes(raw: bytes) -> None:
    with stdin_bytes(raw), STATS.timed("batch_stdin", len(raw)):
        records = list(read_questions("-"))
    for r in records:
        if r.error is None:
            assert r.question and len(r.question) <= MAX_QUESTION_CHARS
            r.question.encode("utf-8")


def test_a_huge_line_without_end_is_one_error_row_in_bounded_time(tmp_path: Path) -> None:
    for ext, data in ((".txt", b"x" * 5_000_000), (".jsonl", b'{"question": "' + b"y" * 5_000_000 + b'"}')):
        src = tmp_path / f"huge{ext}"
        src.write_bytes(data)  # no trailing newline
        start = time.process_time()  # CPU seconds: wall time on shared cores measures the neighbours
        (record,) = read_questions(src)
        assert time.process_time() - start < 5
        assert record.error and "too long" in record.error


# ----------------------------------------------------------------------------------------- batch files

# Well-formed question files as people make them: any name, encoding, BOM, line ending, delimiter, with
# hostile questions (NULs, quotes, delimiters, newlines where the format allows, huge rows). Property: no
# traceback, and every row ends up exactly once in the output under its id (or the file is refused).
_cell_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(",;|\t\"'=@+- \x00\r\n"),
    max_size=60,
)
_row_question = st.one_of(
    _cell_text, _cell_text, st.integers(2_001, 12_000).map(lambda n: "tanya, " * (n // 7))
)
_ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-16-le-nobom"]


def _shape(kind: str, questions: list[str], eol: str, delimiter: str) -> tuple[str, list[str]]:
    """The text of a question file and the id each row must get."""
    if kind == ".jsonl":
        lines = [json.dumps({"id": f"r{i}", "question": q}) for i, q in enumerate(questions)]
        return "".join(line + eol for line in lines), [f"r{i}" for i in range(len(questions))]
    if kind in (".csv", ".tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delimiter, lineterminator=eol, quoting=csv.QUOTE_ALL)
        w.writerow(["id", "question"])
        w.writerows([f"r{i}", q] for i, q in enumerate(questions))
        return buf.getvalue(), [f"r{i}" for i in range(len(questions))]
    return "".join(q + eol for q in questions), [str(i + 1) for i in range(len(questions))]


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return b"\xfe\xff" + text.encode("utf-16-be")
    if encoding == "utf-16-le-nobom":
        return text.encode("utf-16-le")
    return text.encode(encoding)


@settings(FUZZ, max_examples=examples("batch_shaped"))
@given(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="/\x00"), max_size=20),
    st.sampled_from([".txt", ".csv", ".tsv", ".jsonl"]),
    st.lists(_row_question, min_size=1, max_size=12),
    st.sampled_from(["\n", "\r\n", "\r"]),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(_ENCODINGS),
    st.sampled_from([".jsonl", ".csv", ".md"]),
)
def test_batch_files_of_any_shape_answer_every_row_exactly_once(
    name: str, ext: str, questions: list[str], eol: str, delimiter: str, encoding: str, out_ext: str
) -> None:
    if ext == ".txt":  # one line per question: no line breaks inside, no comment or blank lines
        questions = [" ".join(q.replace("\r", " ").replace("\n", " ").split()) or "kosong" for q in questions]
        questions = [q if not q.startswith("#") else "x" + q for q in questions]
    if encoding == "utf-16-le-nobom":  # recognised by its NUL pattern, which Latin-script text has
        questions = ["".join(c if "\x00" < c < "\u0100" else "a" for c in q) for q in questions]
    text, ids = _shape(ext, questions, eol, delimiter)
    data = _encode(text, encoding)
    with tempfile.TemporaryDirectory() as d, STATS.timed("batch_shaped", len(data)):
        folder = Path(d) / (name.strip(". ") or "q")
        folder.mkdir(exist_ok=True)
        src = folder / f"q{ext}"
        src.write_bytes(data)
        try:
            records = list(read_questions(src))
        except InputError as exc:  # only a file-level refusal, and only for NULs in UTF-8 text
            assert "\x00" in text and encoding.startswith("utf-8"), exc  # UTF-16 NULs are blanks
            return
        assert [r.id for r in records] == ids
        for r, q in zip(records, questions, strict=True):
            if r.error is None:
                assert r.question == q.strip()
            assert r.question is None or len(r.question) <= MAX_QUESTION_CHARS
        out = Path(d) / f"answers{out_ext}"
        summary = run_batch(read_questions(src), Answers(), out, k=1, source=src, progress=False)
        assert summary.total == len(ids)
        written = out.read_bytes().decode("utf-8")
        for rid in ids:
            if out_ext == ".jsonl":
                assert written.count(f'"id": {json.dumps(rid)},') == 1
            elif out_ext == ".md":
                assert written.count(f"<!-- qa:id={rid} ") == 1
        if out_ext == ".csv":
            with out.open(encoding="utf-8-sig", newline="") as f:
                assert [row["id"] for row in csv.DictReader(f)] == ids


# ----------------------------------------------------------------------------------------- corpus files

# Corpus folders as people hand them over: 1-4 files with any names (Unicode, spaces, leading dots, odd or
# no extensions, Latin-1 bytes, nested and hidden folders), contents in any encoding and line ending, and
# symbolic links to a file, to a folder, to nothing, or looping. Property: the build succeeds with exact
# offsets and exactly the visible documents, or stops with a CorpusError naming the offending path;
# nothing else escapes, and a folder of only clean text files is never refused.
# a hidden name, a Latin-1 name: ~1 in 10, and not the default shrinking or boundary bias lands on
_rarely = st.integers(0, 9).map(lambda n: n == 7)
_NAME_CHARS = st.characters(exclude_categories=["Cs"], exclude_characters="/\x00")
_name_base = st.one_of(
    st.text(_NAME_CHARS, min_size=1, max_size=8),
    st.sampled_from(["dok", "dok 1", " spasi ", "Ｆｉｌｅ", "саfе", "ca\u0301fe", "zw\u200bj", "ع", "-rf",
                     "~", "x`<img src=x>`", "file.txt", "\u202egnp", "ﬁle", "日本語"]),
)  # fmt: skip
_EXTS = [".html", ".TXT", "", ".Md", ".htm", ".txt.bak", ".", ".pdf", ".docx"]  # besides .txt and .md
_BYTE_NAMES = [b"caf\xe9", b"\xff\xfe", b"na\xefve \xa0doc"]  # Latin-1 names: not UTF-8 on disk
_TEXT_PIECES = [
    "Asisten menteri bertugas membantu menteri.", "Kerjasama luar negeri diatur di sini.", "apa", " ",
    "\t", ".", "?", "\u200b", "\u200d", "\u2060", "\u00ad", "\ufeff", "аsistеn", "Мenteri", "ﬁ", "ｋａｔａ",
    "café", "ca\u0301fe", "\x00", "\u2028", "\x85", "\x0c", "…", "1.000", "Dr.", "é", "😀", "ل\u0301",
]  # fmt: skip
_clean_pieces = [p for p in _TEXT_PIECES if p != "\x00"]
_clean_line = st.lists(st.sampled_from(_clean_pieces), min_size=1, max_size=8).map("".join)
_line = st.one_of(
    _clean_line,
    _clean_line,
    st.lists(st.one_of(st.sampled_from(_TEXT_PIECES), piece, st.text(max_size=4)), max_size=10).map("".join),
)
_long_line = st.builds(
    lambda unit, n: (unit * (n // len(unit) + 1))[:n],
    st.sampled_from(["kalimat panjang tanpa titik ", "x", "kata, ", "ab\u200bc "]),
    st.integers(1_000, 12_000),
)  # a line without end (and often without a sentence end)
_content = st.fixed_dictionaries({
    "lines": st.lists(st.one_of(_line, _line, _line, _long_line), max_size=5),  # [] is an empty file
    "eol": st.sampled_from(["\n", "\r\n", "\r"]),
    "final_eol": st.booleans(),
    "encoding": st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "latin-1", "nul"]),
    "html": st.booleans(),
})  # fmt: skip
_clean_content = st.fixed_dictionaries({
    "lines": st.lists(st.one_of(_clean_line, _clean_line, _long_line), min_size=1, max_size=4),
    "eol": st.sampled_from(["\n", "\r\n", "\r"]),
    "final_eol": st.booleans(),
    "encoding": st.sampled_from(["utf-8", "utf-8-sig"]),
    "html": st.just(False),
})  # fmt: skip
_clean_file = st.fixed_dictionaries({
    "folders": st.lists(st.tuples(_rarely, _name_base), max_size=2),
    "hidden": _rarely,
    "name": _name_base,
    "ext": st.sampled_from([".txt", ".md", ".TXT", ".Md"]),
    "content": _clean_content,
})  # fmt: skip
_hostile_file = st.fixed_dictionaries({
    "folders": st.lists(st.tuples(_rarely, _name_base), max_size=2),  # (hidden, name)
    "hidden": _rarely,
    "name": st.tuples(_name_base, st.sampled_from(_BYTE_NAMES), _rarely).map(
        lambda t: t[1] if t[2] else t[0]  # now and then a Latin-1 name
    ),
    "ext": st.sampled_from([".txt", ".txt", ".md", *_EXTS]),
    "content": _content,
})  # fmt: skip
_link = st.fixed_dictionaries({
    "kind": st.sampled_from(["file", "folder", "dangling", "loop", "self", "file"]),
    "folders": st.lists(st.tuples(_rarely, _name_base), max_size=1),
    "hidden": _rarely,
    "name": _name_base,
    "ext": st.sampled_from([".txt", ".txt", ".md", ""]),
    "target": st.integers(0, 3),  # which generated file a file link points to (the outside one if none)
    "absolute": st.booleans(),
})  # fmt: skip
_OUTSIDE_TEXT = "Dokumen bersama di luar korpus. Isinya tentang asisten menteri."


def _file_bytes(c: dict, ext: str) -> bytes:
    text = c["eol"].join(c["lines"]) + (c["eol"] if c["final_eol"] and c["lines"] else "")
    if c["html"] and ext.lower() in (".html", ".htm"):
        text = f"<html><head><title>t</title></head><body><h1>Judul</h1><p>{text}</p></body></html>"
    enc = c["encoding"]
    if enc in ("utf-16-le", "utf-16-be"):  # with a BOM, as Windows tools write them
        return "\ufeff".encode(enc) + text.encode(enc, "surrogatepass")
    if enc == "latin-1":
        return text.encode("latin-1", "replace")
    data = text.encode("utf-8-sig" if enc == "utf-8-sig" else "utf-8", "surrogatepass")
    return data[: len(data) // 2] + b"\x00" + data[len(data) // 2 :] if enc == "nul" else data


def shown(rel: str) -> str:
    """A path as a message must print it: the bytes of a name that are not UTF-8 as \\xNN escapes."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"),
         (b"\xfe\xff", "utf-16-be"))  # fmt: skip


def _verdict(name: str, raw: bytes) -> str:
    """What the corpus must do with a file of this name and these bytes: "ok" (a document), "bad"
    (refused) or "unknown" (a parser decides: Markdown, HTML, PDF, Word)."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"):
        return "bad"
    if suffix not in (".txt", ".md", ".markdown"):
        return "unknown"
    text = ""
    for bom, enc in [(bom, enc) for bom, enc in _BOMS if raw.startswith(bom)][:1]:  # UTF-16/32 with a BOM
        with contextlib.suppress(UnicodeDecodeError):
            text = raw[len(bom) :].decode(enc)
        text = text if "\x00" not in text and any(ord(ch) < 128 for ch in text) else ""
    try:
        text = text or raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return "bad"
    if "\x00" in text:
        return "bad"
    if suffix != ".txt":
        return "unknown"
    return "ok" if normalize_text(text).strip() else "bad"


class CorpusShape:
    """A generated corpus folder on disk and what a correct build makes of it."""

    def __init__(self, root: Path, files: list[dict], links: list[dict]) -> None:
        self.corpus, self.outside = root / "corpus", root / "outside"
        self.corpus.mkdir()
        self.outside.mkdir()
        (self.outside / "bersama.txt").write_text(_OUTSIDE_TEXT, encoding="utf-8")
        (self.outside / ".tersembunyi.txt").write_bytes(b"\x00 hidden, never read")
        self.folders: set[str] = set()
        self.taken: set[str] = set()
        self.verdicts: dict[str, str] = {}  # visible path -> ok / bad / unknown (documents and links)
        self.expected: set[str] = set()  # the document ids of a successful build
        self.visible = 0  # visible entries of any kind
        written: list[tuple[Path, bytes]] = []
        for f in files:
            parts = [("." if h else "") + n for h, n in f["folders"]]
            if isinstance(f["name"], bytes):
                name = ((b"." if f["hidden"] else b"") + f["name"] + f["ext"].encode()).decode(
                    sys.getfilesystemencoding(), "surrogateescape"
                )
            else:
                name = ("." if f["hidden"] else "") + f["name"] + f["ext"]
            path = self._place([*parts, name])
            if path is None:
                continue
            raw = _file_bytes(f["content"], f["ext"])
            path.write_bytes(raw)
            written.append((path, raw))
            verdict = _verdict(name, raw) if shown(name) == name else "bad"  # a name that is not UTF-8
            self._note(path, verdict, document=Path(name).suffix.lower() in SUFFIXES)
        for link in links:
            self._link(link, written)

    def _place(self, parts: list[str]) -> Path | None:
        """The path for an entry, its folders made; None when the name is unusable or already taken."""
        if any(p in (".", "..") or len(os.fsencode(p)) > 200 for p in parts):
            return None
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in self.taken:
                return None
        rel = "/".join(parts)
        if rel in self.taken or rel in self.folders:
            return None
        for i in range(1, len(parts)):
            self.folders.add("/".join(parts[:i]))
        self.taken.add(rel)
        path = self.corpus.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def rel(self, path: Path) -> str:
        return path.relative_to(self.corpus).as_posix()

    def _note(self, path: Path, verdict: str, document: bool) -> None:
        rel = self.rel(path)
        if any(part.startswith(".") for part in rel.split("/")):
            return  # hidden: ignored, whatever it is
        self.visible += 1
        self.verdicts[rel] = verdict
        if document and verdict != "bad":
            self.expected.add(rel)

    def _link(self, link: dict, written: list[tuple[Path, bytes]]) -> None:
        parts = [("." if h else "") + n for h, n in link["folders"]]
        kind = link["kind"]
        name = ("." if link["hidden"] else "") + link["name"] + (link["ext"] if kind == "file" else "")
        path = self._place([*parts, name])
        if path is None:
            return
        if kind == "file":
            target, raw = (
                written[link["target"]]
                if link["target"] < len(written)
                else (self.outside / "bersama.txt", _OUTSIDE_TEXT.encode())
            )
            # a link's document type is its own name's (a .md link to a .txt file is read as Markdown)
            self._symlink(path, target, link["absolute"])
            self._note(path, _verdict(name, raw), document=Path(name).suffix.lower() in SUFFIXES)
        elif kind == "folder":
            self._symlink(path, self.outside, link["absolute"])
            self._note(path / "bersama.txt", "ok", document=True)
        elif kind == "dangling":
            self._symlink(path, self.outside / "tidak-ada.txt", link["absolute"])
            self._note(path, "bad", document=False)
        elif kind == "loop":  # to the corpus folder itself, or to the folder the link is in
            self._symlink(path, self.corpus if link["absolute"] else path.parent, True)
            self._note(path, "bad", document=False)
        else:  # a link to itself: ELOOP
            path.symlink_to(path.name)
            self._note(path, "bad", document=False)

    @staticmethod
    def _symlink(path: Path, target: Path, absolute: bool) -> None:
        path.symlink_to(target if absolute else os.path.relpath(target, path.parent))

    def names(self, message: str) -> bool:
        """Whether ``message`` names a visible path the build may refuse (or the corpus, when empty)."""
        if not self.expected and str(self.corpus) in message:  # "holds no document"
            return True
        return any(
            f" {shown(rel)} " in message or f" {shown(rel)}:" in message
            for rel, verdict in self.verdicts.items()
            if verdict != "ok"
        )


@settings(FUZZ, max_examples=examples("corpus_files"))
@given(
    st.lists(_clean_file, min_size=1, max_size=3),
    st.one_of(st.just([]), st.lists(_hostile_file, min_size=1, max_size=1)),  # one: a single cause
    st.lists(_link, max_size=2),
    st.integers(1, 5),
)
def test_corpus_folders_of_any_shape_build_or_refuse_by_name(
    clean: list[dict], hostile: list[dict], links: list[dict], k: int
) -> None:
    files = hostile + clean  # placed first: a clean file of the same name is the one left out
    from qa.assistant import Assistant
    from qa.config import Settings
    from qa.errors import CorpusError

    with tempfile.TemporaryDirectory() as d:
        shape = CorpusShape(Path(d), files, links)
        size = sum(p.lstat().st_size for p in shape.corpus.rglob("*"))
        verdicts = set(shape.verdicts.values())
        must_refuse = "bad" in verdicts or not shape.visible
        must_build = not must_refuse and verdicts == {"ok"}
        try:
            with STATS.timed("corpus_files", size):
                assistant = Assistant(
                    Settings(corpus_dir=shape.corpus, index_dir=Path(d) / "index"),
                    encoder=FakeEncoder(),
                    log=lambda m: None,
                )
                event("built")
                assert not must_refuse, f"built although {shape.verdicts} holds a bad entry"
                assert set(assistant.documents) == shape.expected  # hidden ignored, nothing skipped
                for c in assistant.index.chunks:
                    assert assistant.documents[c.doc].text[c.start : c.end] == c.text
                words = [w for c in assistant.index.chunks[:3] for w in c.text.split()][:8]
                with contextlib.suppress(InputError):
                    check_ask(assistant, " ".join(words) or "apa?", k, lambda q: len(q) <= 2000)
        except CorpusError as exc:
            reasons = ("type", "nothing", "loop", "symbolic", "binary", "UTF-8", "empty", "no document")
            event("refused: " + next((r for r in reasons if r in exc.message), exc.message[:40]))
            assert not must_build, f"refused a folder of clean text files: {exc}"
            assert shape.names(exc.message), f"the refusal names no offending path: {exc.message!r}"


def test_a_corpus_file_whose_name_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    """Found by the corpus fuzzing: a Latin-1 file name (b"caf\\xe9.txt", as old zips unpack) reached the
    index writer as a lone surrogate and crashed the build with a UnicodeEncodeError, leaving a half-written
    build folder. It is refused by name, printable, before anything is written."""
    from qa.assistant import Assistant
    from qa.config import Settings
    from qa.errors import CorpusError, describe

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "baik.txt").write_text("Asisten menteri bertugas membantu menteri.", encoding="utf-8")
    sub = os.path.join(os.fsencode(corpus), b"arsip \xe9")
    os.mkdir(sub)
    with open(os.path.join(sub, b"caf\xe9.txt"), "wb") as fh:
        fh.write(b"Dokumen lama.")
    with pytest.raises(CorpusError, match="not valid UTF-8") as info:
        Assistant(Settings(corpus_dir=corpus, index_dir=index), encoder=FakeEncoder(), log=lambda m: None)
    assert "corpus path arsip \\xe9 has" in info.value.message
    describe(info.value).encode("utf-8")  # what the CLI prints
    assert not index.exists() or not any(p.name.startswith(".qa-tmp") for p in index.iterdir())
