"""The answerability model: its signals, the shipped JSON, and abstention through the real components."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qa.answer import written_in_another_language
from qa.answerability import MODEL_FILE, SIGNALS, Answerability, signals
from qa.features import NAMES, Candidates
from qa.rerank import Reranked
from qa.trees import ModelError

from .conftest import EVAL


def _ranked(raw: list[float], **columns: list[float]) -> Reranked:
    n = len(raw)
    x = np.zeros((n, len(NAMES)), dtype=np.float32)
    for name, values in columns.items():
        x[:, NAMES.index(name)] = values
    raw_a = np.array(raw)
    order = np.argsort(-raw_a, kind="stable")
    return Reranked(Candidates(np.arange(n), np.arange(n), x), raw_a, raw_a, order)


def test_signals_read_the_top_candidate_and_its_margin() -> None:
    r = _ranked([0.2, 1.5, 1.0], cos=[0.80, 0.85, 0.90], focus_win=[1.0, 0.0, 0.5], type_win=[0, 0, 1])
    s = dict(zip(SIGNALS, signals(r, english=True, pool_signals=np.array([0.1, 0.2, 0.3]))))
    assert s["raw_top"] == 1.5 and s["raw_margin"] == pytest.approx(0.5)
    assert s["cos_top"] == pytest.approx(0.85) and s["cos_best"] == pytest.approx(0.90)
    assert s["focus_win_top"] == 0.0 and s["focus_win_best3"] == 1.0  # the focus is only lower down
    assert s["type_win_top"] == 0.0 and s["type_win_best3"] == 1.0 and s["english"] == 1.0
    assert (s["wig"], s["bm25_win_top"], s["paragraph_cov_best3"]) == pytest.approx((0.1, 0.2, 0.3))
    assert signals(_ranked([]), english=False, pool_signals=np.zeros(3)).shape == (len(SIGNALS),)


def test_shipped_model_loads_and_its_probability_follows_its_weights() -> None:
    model = Answerability()
    assert 0 < model.threshold < 1 and model.coef.shape == (len(SIGNALS),)
    base = model.mean.copy()
    j = int(np.argmax(model.coef))  # the strongest evidence for answerable
    more = base.copy()
    more[j] += 2 * model.scale[j]
    assert 0 <= model.probability(base) < model.probability(more) <= 1
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    assert data["training_data"].startswith("sha256:") and data["features"] == list(SIGNALS)


_STACK = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["foreign"]


@pytest.mark.parametrize(
    "change",
    [
        {"coef": [1.0]},
        {"threshold": 1.5},
        {"scale": None},
        {"features": ["other"]},
        {"foreign": None},
        {"foreign": {**_STACK, "inputs": ["logit", "other"]}},
        {"foreign": {**_STACK, "coef": [1.0, 2.0]}},
        {"foreign": {**_STACK, "scale": [1.0, 0.0, 1.0]}},
        {"foreign": {**_STACK, "intercept": "x"}},
        # JSON as Python reads it holds NaN and Infinity: every (English) question was refused, silently
        {"foreign": {**_STACK, "coef": [float("nan"), 1.0, 1.0]}},
        {"foreign": {**_STACK, "mean": [0.0, float("inf"), 0.0]}},
        {"foreign": {**_STACK, "intercept": float("-inf")}},
        {"intercept": float("nan")},
        {"neutral": [float("nan")] * len(SIGNALS)},
    ],
)
def test_a_damaged_model_file_is_a_model_error(tmp_path: Path, change: dict) -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    if change.get("scale", 1) is None:
        change = {"scale": [0.0] * len(SIGNALS)}
    if "foreign" in change and change["foreign"] is None:
        data.pop("foreign")
        change = {}
    (tmp_path / "a.json").write_text(json.dumps({**data, **change}), encoding="utf-8")
    with pytest.raises(ModelError):
        Answerability(tmp_path / "a.json")


def _questions(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


@pytest.mark.slow
def test_real_assistant_abstains_on_questions_the_document_never_answers(real_assistant) -> None:
    unanswerable = [real_assistant.ask(q) for q in _questions(EVAL / "dev_unanswerable.jsonl")]
    offtopic = [real_assistant.ask(q) for q in _questions(EVAL / "dev_offtopic.jsonl")]
    answerable = [real_assistant.ask(q) for q in _questions(EVAL / "dev_questions.jsonl")]
    # Measured with the shipped models (docs/quality.md; answerability-v9): 0.90 / 1.00 / 0.84; each
    # bound is at least one question below. Issue 11's target of 0.93 answered is not met yet
    # (on-topic >= 0.75, off-topic >= 0.90 are).
    assert sum(r.abstained for r in unanswerable) >= 0.8 * len(unanswerable)
    assert sum(r.abstained for r in offtopic) >= 0.8 * len(offtopic)
    assert sum(not r.abstained for r in answerable) >= 0.8 * len(answerable)
    # the confidence ranks the answerable questions above the others (the basis of any threshold)
    assert np.median([r.confidence for r in answerable]) > np.median([r.confidence for r in unanswerable])


def test_unobservable_signals_are_neutral_for_a_question_in_another_language() -> None:
    from qa.answerability import LEXICAL, UNOBSERVABLE, neutralised

    model = Answerability()
    unobservable = np.array([n in UNOBSERVABLE for n in SIGNALS])
    assert LEXICAL < UNOBSERVABLE and "raw_top" in UNOBSERVABLE and "cos_top" not in UNOBSERVABLE
    assert unobservable.any() and not unobservable.all()
    s = model.mean.copy()
    s[unobservable] = model.mean[unobservable] - 3 * model.scale[unobservable]  # no question word found
    english = SIGNALS.index("english")
    foreign = s.copy()
    foreign[english] = 1.0  # what qa.answerability.signals sets for a question in another language
    at_neutral = np.where(unobservable, model.neutral, foreign)
    assert model.probability(foreign) == pytest.approx(model.probability(at_neutral))
    assert model.probability(s) != pytest.approx(model.probability(np.where(unobservable, model.neutral, s)))
    # training saw a foreign question's rows the same way (training/answer_model.fit)
    rows = np.vstack([s, s])
    rows[1, english] = 1.0
    out = neutralised(rows, model.neutral)
    assert np.array_equal(out[0], s) and np.array_equal(out[1][unobservable], model.neutral[unobservable])
    assert np.array_equal(out[1][~unobservable], rows[1][~unobservable])


def test_the_foreign_stack_moves_a_foreign_question_only_and_reads_its_words() -> None:
    """The stack corrects the logit of a question in another language by its words read through the
    dictionary; a question in the corpus's language gets exactly the base model's probability."""
    model = Answerability()
    english = SIGNALS.index("english")
    home, foreign = model.mean.copy(), model.mean.copy()
    home[english], foreign[english] = 0.0, 1.0
    found, absent = np.array([1.0, 1.0]), np.array([0.0, 0.0])
    assert model.probability(home, found) == model.probability(home, absent) == model.probability(home)
    assert model.probability(foreign, absent) < model.probability(foreign) < model.probability(foreign, found)
    # nothing it could read (NaN): the stack's neutral values, what training filled in
    mean = model.foreign[0]
    assert model.probability(foreign, np.full(2, np.nan)) == model.probability(foreign, mean[1:])
    # any value that is no share is unobserved too (an infinite one gave 0.0, a refusal from nothing)
    for odd in (np.inf, -np.inf):
        assert model.probability(foreign, np.array([odd, 1.0])) == model.probability(foreign, [mean[1], 1.0])
    with pytest.raises(ValueError, match="foreign signals of shape"):
        model.probability(foreign, np.ones(3))  # a caller's mistake, not broadcast into a probability


def test_the_stack_reads_a_question_at_run_time_as_training_fitted_and_scored_it() -> None:
    """``training.answer_model``'s stack (fit, out-of-fold scores) and ``Answerability.probability`` over
    the same base logit and foreign signals give the same probability, unobserved signals included (NaN,
    and an infinite one, which training read as a share of ±inf and the runtime refused as 0.0)."""
    from training import answer_model

    model = Answerability()
    rng = np.random.default_rng(0)
    english = SIGNALS.index("english")
    s = model.mean + rng.normal(size=(40, len(SIGNALS))) * model.scale
    s[:, english] = 1.0
    f = rng.uniform(size=(40, 2))
    f[:5] = np.nan
    f[5, 1] = np.inf
    y = (rng.uniform(size=40) < 0.4).astype(int)
    stack = answer_model.fit_foreign(answer_model.logits(model.model, s), f, y, np.ones(40))
    assert np.isfinite([*stack["mean"], *stack["coef"], stack["intercept"]]).all()
    keys = ("mean", "scale", "coef", "intercept")
    model.foreign = tuple(np.asarray(stack[k], dtype=np.float64) for k in keys)
    f[6] = [-np.inf, np.nan]
    trained = answer_model.predict_foreign(stack, answer_model.logits(model.model, s), f)
    runtime = [model.probability(row, read) for row, read in zip(s, f, strict=True)]
    assert runtime == pytest.approx(trained, rel=1e-12, abs=1e-15)


@pytest.mark.slow
def test_english_questions_the_document_does_not_answer_are_refused_by_their_words(real_assistant) -> None:
    """Through the bundled e5 and the real index, the fresh English questions of data/eval/own (none in
    a training file): the base model alone, which judges an English question by meaning only, answers
    most on-topic questions the document is silent on; the stack, reading their words in Indonesian,
    refuses them and still answers the document's own. Measured: abstained 15 of 15 (base model alone:
    4), answered 14 of 14; each bound is at least one question off."""
    import qa.answerability as answerability

    rows = [json.loads(line) for line in (EVAL / "own/english_fresh.jsonl").read_text().splitlines() if line]
    unanswerable = [r["question"] for r in rows if r["kind"] == "unanswerable"]
    answerable = [r["question"] for r in rows if r["kind"] == "answerable"]
    assert len(unanswerable) == 15 and len(answerable) == 14

    def abstained(questions: list[str]) -> int:
        return sum(real_assistant.ask(q).abstained for q in questions)

    with_stack = abstained(unanswerable), len(answerable) - abstained(answerable)
    base = answerability.Answerability.probability
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(answerability.Answerability, "probability", lambda self, s, foreign=None: base(self, s))
        without = abstained(unanswerable)
    assert with_stack[0] >= 14 and without <= 5
    assert with_stack[1] >= 13


@pytest.mark.slow
def test_english_questions_are_answered_or_refused_by_meaning(real_assistant) -> None:
    """An English question cannot be matched word for word against the Indonesian document: its signals
    that read words as written are neutral, in training as when answering (before, training saw them
    unneutralised and answering gave every English question a large bonus, so "how long should I boil
    an egg?" was answered); its words read through the dictionary are the foreign stack's. None of these
    questions is in the training data. Measured: all on-topic ones answered (the dev set's "Can the
    assistant decide policy on behalf of the minister?" at 0.302, just over the threshold: *policy* is
    *kebijakan*, the document says *pengambilan keputusan*, and *decide* is not in the dictionary), 6 of 6
    off-topic refused."""
    on_topic = (
        "what does an assistant to the minister of foreign cooperation do?",
        "does the assistant organise bilateral meetings?",
        *(q for q in _questions(EVAL / "dev_questions.jsonl") if written_in_another_language(q)),
    )
    off_topic = (
        "who wrote harry potter?",
        "what is the capital of canada?",
        "how do I reset my wifi router?",
        "what is the weather like in london in winter?",
        "how long should I boil an egg?",
        "what is bitcoin?",
    )
    assert len(on_topic) >= 4 and all(written_in_another_language(q) for q in on_topic + off_topic)
    assert sum(real_assistant.ask(q).abstained for q in on_topic) <= 1
    assert sum(real_assistant.ask(q).abstained for q in off_topic) >= 5  # measured: 6 of 6


class _Vectors:
    """A stand-in vector store that counts the rows it is asked for."""

    def __init__(self, v: np.ndarray) -> None:
        self.v, self.ntotal, self.d, self.read = v, len(v), v.shape[1], 0

    def reconstruct_batch(self, rows: np.ndarray) -> np.ndarray:
        self.read += len(rows)
        return self.v[rows]


def test_corpus_centroid_is_the_mean_vector_and_samples_a_large_store() -> None:
    from qa import qpp

    rng = np.random.default_rng(0)
    small = _Vectors(rng.normal(size=(50, 8)).astype(np.float32))
    assert np.allclose(qpp.corpus_centroid(small), small.v.mean(axis=0), atol=1e-6) and small.read == 50
    big = _Vectors((rng.normal(size=(3 * qpp.SAMPLE, 8)) + 1.0).astype(np.float32))
    centroid = qpp.corpus_centroid(big)
    assert big.read == qpp.SAMPLE  # a 100k-passage store is not read whole
    assert np.allclose(centroid, big.v.mean(axis=0), atol=0.05)
    assert not np.allclose(centroid, big.v[: qpp.SAMPLE].mean(axis=0), atol=1e-4)  # spread, not the head
    assert qpp.corpus_centroid(_Vectors(np.zeros((0, 8), np.float32))).shape == (8,)


def test_pool_signals_read_the_pool_against_the_corpus_and_the_paragraph(fake_assistant) -> None:
    """WIG is the mean of the ten best cosines minus the question's cosine with the centroid; the keyword
    signal is the best window BM25 over the question's IDF mass; coverage reads the whole paragraph."""
    from qa.features import question_terms
    from qa.passage_table import PassageTable
    from qa.qpp import K, corpus_centroid, pool_signals
    from qa.question import analyze

    a = fake_assistant
    table = PassageTable(a.index, a.retriever.passage_texts)
    centroid = corpus_centroid(a.index.vectors)
    question = "apakah asisten menteri bisa memutuskan kebijakan?"
    qvec = a.encoder.encode_queries([question])[0]
    pool = a.retriever.pools([question], qvec[None, :], 50)[0]
    best = np.argsort(-pool.fused)[:3]
    wig, bm25, cov = pool_signals(table, centroid, pool, qvec, analyze(question), best)
    assert wig == pytest.approx(np.sort(pool.dense)[::-1][:K].mean() - qvec @ centroid, abs=1e-5)
    terms, *_ = question_terms(analyze(question))
    _, idf = table.window_terms.presence(terms, np.zeros(0, np.int64))
    assert bm25 == pytest.approx(pool.window.max() / idf.sum(), rel=1e-5) and bm25 > 0
    # the paragraph holds at least what the best window holds, and never more than every term
    row = int(pool.rows[best[0]])
    p_win, idf_s = table.window_terms.presence(terms, np.array([row]))
    assert float(p_win[0] @ idf_s / idf_s.sum()) - 1e-6 <= cov <= 1.0
    # a question whose words the document lacks: no keyword evidence, no paragraph coverage
    other = "resep rendang padang"
    ov = a.encoder.encode_queries([other])[0]
    op = a.retriever.pools([other], ov[None, :], 50)[0]
    _, bm25_o, cov_o = pool_signals(table, centroid, op, ov, analyze(other), np.argsort(-op.fused)[:3])
    assert bm25_o == 0.0 and cov_o == 0.0


def test_paragraph_coverage_reaches_beyond_the_window(tmp_path: Path, fake_encoder) -> None:
    from qa.analysis import tokenize
    from qa.passage_table import PassageTable
    from qa.qpp import best_paragraph_coverage
    from training.data import open_assistant

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(
        "Pelabuhan itu dibangun tahun 1920. Kapal kayu berlabuh di dermaga timur. Gudang garam berdiri di"
        " belakangnya. Mercusuar putih dipugar warga desa. Nelayan menjual ikan tongkol setiap pagi.\n\n"
        "Pasar malam dibuka di alun-alun kota.\n",
        encoding="utf-8",
    )
    a = open_assistant(corpus, tmp_path / "index", fake_encoder)
    table = PassageTable(a.index, a.retriever.passage_texts)
    first, last = 0, int(table.paragraph_size[0]) - 1
    assert last == 4 and table.paragraph_size[5] == 1  # five sentences, then a paragraph of one
    window = set(tokenize(a.retriever.passage_texts[first]))
    far = [t for t in tokenize(a.index.chunks[last].text) if t not in window]  # tongkol, nelayan...
    other = tokenize("pasar malam alun-alun")
    assert far and other
    _, idf = table.sentence_terms.presence(far + other, np.zeros(0, np.int64))
    share_far = float(idf[: len(far)].sum() / idf.sum())

    def coverage(terms: list[str], weights: np.ndarray, *rows: int) -> float:
        return best_paragraph_coverage(table, terms, weights, np.array(rows, dtype=np.int64))

    assert coverage(far + other, idf, first) == pytest.approx(share_far)
    assert coverage(far + other, idf, 5) == pytest.approx(1 - share_far)
    assert coverage(far + other, idf, first, 5) == pytest.approx(max(share_far, 1 - share_far))
    assert coverage([], np.zeros(0, np.float32), first) == 0.0
    assert coverage(far + other, idf) == 0.0  # no rows


@pytest.mark.parametrize(("name", "part"), [("reranker.json", "features"), ("answerability.json", "signals")])
def test_shipped_models_were_trained_on_what_the_code_computes_now(name: str, part: str) -> None:
    """The features / signals of a fixed probe match the fingerprint recorded at training time: a change
    to the question analysis, the features or the signals must be followed by a retrain."""
    from training.probe import fingerprint

    model = json.loads((MODEL_FILE.parent / name).read_text(encoding="utf-8"))
    assert model.get("probe") == fingerprint()[part], "retrain: python -m training.train"


def test_the_probe_fingerprint_follows_the_code(monkeypatch) -> None:
    from qa import qpp
    from training.probe import fingerprint

    before = fingerprint()
    assert before == fingerprint()  # deterministic
    monkeypatch.setattr(qpp, "K", 5)  # WIG over five scores instead of ten: the signals change
    after = fingerprint()
    assert after["signals"] != before["signals"] and after["features"] == before["features"]


@pytest.mark.slow
def test_real_corpus_profile_rates_the_document_s_questions_above_off_topic_ones(
    real_assistant, tmp_path: Path
) -> None:
    """Through the bundled e5 and real FAISS indexes: the centroid is the stored vectors' mean, so on
    the ten-sentence document (the top ten is the whole corpus) WIG is 0 by construction; with a second
    document beside it, the document's own questions stand further above the corpus's level."""
    import shutil

    from qa.ann import all_vectors
    from qa.qpp import pool_signals
    from qa.question import analyze
    from training.data import open_assistant
    from training.probe import DOCUMENT

    from .conftest import CORPUS, DOC

    search = real_assistant.search
    assert np.allclose(search.centroid, all_vectors(real_assistant.index.vectors).mean(axis=0), atol=1e-5)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DOC, corpus / DOC)
    (corpus / "balai.txt").write_text(DOCUMENT, encoding="utf-8")
    two = open_assistant(corpus, tmp_path / "index", real_assistant.encoder, models=True)

    def wig(a, question: str) -> float:
        qvec = a.encoder.encode_queries([question])[0]
        pool = a.retriever.pools([question], qvec[None, :], 50)[0]
        best = np.argsort(-pool.fused)[:3]
        return float(pool_signals(a.search.table, a.search.centroid, pool, qvec, analyze(question), best)[0])

    dev = _questions(EVAL / "dev_questions.jsonl")
    assert all(abs(wig(real_assistant, q)) < 1e-5 for q in dev[:3])
    on = [wig(two, q) for q in dev]
    off = [wig(two, q) for q in _questions(EVAL / "dev_offtopic.jsonl")]
    assert np.median(on) > np.percentile(off, 90)
