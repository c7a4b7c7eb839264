"""training.data.open_assistant on a fresh cache: ``python -m training.evaluate --cache NEW`` named the
FacQA index as the seed of its own build and stopped with a traceback (FileNotFoundError) before building
it (docs/reliability.md section 32)."""

from __future__ import annotations

import shutil
from pathlib import Path

from scripts.fakes import FakeEncoder
from training.data import open_assistant

from .conftest import CORPUS, DOC


def test_a_missing_seed_index_is_built_not_copied(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / DOC, corpus / DOC)
    index = tmp_path / "cache" / "idx-facqa"
    assistant = open_assistant(corpus, index, FakeEncoder(), seed_from=index)
    assert len(assistant.index.chunks) > 0 and (index / "manifest.json").exists()
