"""The web app on the Milvus store (``QA_STORE=milvus:...db python app.py``, bundled model, loopback):
its /ask and /batch API and its page give the answers the local store gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.ui.render import confidence_text
from tests.conftest import CORPUS, MISSION, MISSION_EXPECTED
from tests.milvus_helpers import assert_same, build_seed_store, read_jsonl, run_qa
from tests.test_browser import _ask as ask_in_page
from tests.test_browser import _open as open_page
from tests.test_browser import browser  # noqa: F401 - the fixture: headless Chromium, skipped without it
from tests.test_ui_server import client
from tests.ui_helpers import ARTIFACTS, KNOWN, correct, running_app

pytest.importorskip("milvus_lite")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def milvus_app(tmp_path_factory):
    """The app on a Milvus Lite store built by ``qa index``; it holds the file until the module ends."""
    folder = tmp_path_factory.mktemp("milvus-ui")
    store = build_seed_store(folder)
    with running_app(folder / "no-local", folder, store=store) as (url, _):
        yield url, store


def test_ask_api_on_milvus_answers_as_the_local_store(milvus_app, real_assistant) -> None:
    for question, expected in KNOWN:
        got = client(milvus_app[0]).predict(question, 3, api_name="/ask")
        assert correct(got, expected), got
        assert_same(got, real_assistant.ask(question, k=3).to_dict(), question)


def test_the_app_holds_the_lite_file_and_a_second_process_is_told_so(milvus_app, tmp_path: Path) -> None:
    questions, out = tmp_path / "q.txt", tmp_path / "jawaban.csv"
    questions.write_text(MISSION + "\n", encoding="utf-8")
    proc = run_qa("batch", str(questions), "-o", str(out), "--corpus", str(CORPUS), "--store", milvus_app[1])
    assert proc.returncode == 5 and "Traceback" not in proc.stderr
    assert "another process has it open" in proc.stderr and "stop that process first" in proc.stderr
    assert not out.exists()  # refused before anything was written


def test_batch_api_on_milvus_writes_what_qa_batch_writes_locally(
    milvus_app, real_index_dir, tmp_path: Path
) -> None:
    from gradio_client import handle_file

    upload = tmp_path / "pertanyaan.txt"
    upload.write_text("".join(f"{q}\n" for q, _ in KNOWN), encoding="utf-8")
    web = client(milvus_app[0], tmp_path / "downloads")
    out = web.predict(handle_file(str(upload)), 3, api_name="/batch")
    local = tmp_path / "local.jsonl"
    proc = run_qa("batch", str(upload), "-o", str(local), "-k", "3", "--index", str(real_index_dir))
    assert proc.returncode == 0, proc.stderr
    got, want = read_jsonl(Path(out)), read_jsonl(local)
    assert [r["question"] for r in got] == [q for q, _ in KNOWN]
    assert_same(got, want, "batch")


@pytest.mark.browser
def test_page_on_milvus_shows_the_local_answer_and_names_the_store(
    browser,  # noqa: F811 - the fixture imported above
    milvus_app,
    real_assistant,
) -> None:
    context, page = open_page(browser, milvus_app[0])
    try:
        card = ask_in_page(page, MISSION)
        want = real_assistant.ask(MISSION, k=3)
        assert want.answer is not None and want.answer.text in card
        assert any(e in card for e in MISSION_EXPECTED)
        assert confidence_text(want.confidence, real_assistant.threshold) in card
        page.get_by_role("tab", name="Tentang").click()
        page.get_by_text("Penyimpanan: Milvus Lite").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "milvus-about.png", full_page=True)
    finally:
        context.close()


def test_stopping_the_app_frees_the_lite_file(tmp_path: Path) -> None:
    """After the app stops (SIGTERM, as a deployment stops it), the CLI opens the same file at once."""
    store = build_seed_store(tmp_path)
    with running_app(tmp_path / "no-local", tmp_path, store=store) as (url, proc):
        assert correct(client(url).predict(MISSION, 3, api_name="/ask"), MISSION_EXPECTED)
    assert proc.returncode is not None
    after = run_qa("ask", MISSION, "--json", "--corpus", str(CORPUS), "--store", store)
    assert after.returncode == 0, after.stderr
