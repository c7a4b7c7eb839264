"""The page after the index is rebuilt under a running server (docs/reliability.md section 17): the
document drop-down offers the documents of the index served now, a page opened before the rebuild is
told in Indonesian that its choice is gone, and a new document can be chosen and answered from."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.trials import qa_env
from scripts.webserver import raw_ask
from tests.conftest import CORPUS, ROOT
from tests.test_browser import TIMEOUT_MS, _open, browser  # noqa: F401 - the shared Chromium fixture
from tests.ui_helpers import ARTIFACTS, running_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]

OLD, OLD_TEXT = "cuti.txt", "Setiap pegawai berhak atas cuti tahunan selama dua belas hari kerja."
NEW, NEW_TEXT = "kantor.txt", "Kantor asisten menteri berada di gedung Pancasila, Jakarta Pusat."
QUESTION = "di gedung mana kantor asisten menteri berada?"


def _choices(page) -> list[str]:
    page.get_by_label("Dokumen").first.click()
    page.get_by_role("option").first.wait_for()
    names = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    page.get_by_label("Pertanyaan").focus()  # the drop-down opens on focus: leave it
    return [n.split("\n")[-1].strip() for n in names]


def _choose_and_ask(page, doc: str) -> None:
    page.get_by_label("Dokumen").first.click()
    page.get_by_role("option", name=doc, exact=True).click()
    page.get_by_label("Pertanyaan").fill(QUESTION)
    page.get_by_label("Pertanyaan").press("Enter")


def test_the_document_choices_follow_a_rebuild_of_the_served_index(browser, real_index_dir, tmp_path):  # noqa: F811
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(CORPUS, corpus)
    (corpus / OLD).write_text(OLD_TEXT + "\n", encoding="utf-8")
    shutil.copytree(real_index_dir, index)  # the app adds OLD to it at start-up
    with running_app(index, tmp_path, corpus=corpus) as (url, _proc):
        before_ctx, before = _open(browser, url)  # a page opened before the rebuild
        assert OLD in _choices(before) and NEW not in _choices(before)

        (corpus / OLD).unlink()
        (corpus / NEW).write_text(NEW_TEXT + "\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "qa.cli", "index"], env=qa_env(corpus, index), cwd=ROOT,
                              capture_output=True, text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, done.stderr
        deadline = time.monotonic() + 120
        while NEW_TEXT not in _ask_api(url) and time.monotonic() < deadline:  # the server reopened it
            time.sleep(0.5)

        # an API client naming the new document: Gradio checked it against the start-up choices
        questions = tmp_path / "q.txt"
        questions.write_text(QUESTION + "\n", encoding="utf-8")
        from gradio_client import Client, handle_file

        api = Client(url, verbose=False, analytics_enabled=False, download_files=str(tmp_path / "dl"))
        out = api.predict(handle_file(str(questions)), 1, NEW, api_name="/batch")
        assert json.loads(Path(out).read_text(encoding="utf-8").splitlines()[0])["answer"]["source"] == NEW

        _choose_and_ask(before, OLD)  # the stale page's choice: a clear message, not Gradio's English
        before.get_by_text("sudah tidak ada di indeks").first.wait_for()
        body = before.locator("body").inner_text()
        assert "is not in the list of choices" not in body and "Muat ulang halaman" in body
        before.screenshot(path=ARTIFACTS / "20-rebuild-stale-choice.png", full_page=True)
        before_ctx.close()

        after_ctx, after = _open(browser, url)  # a page opened now offers the index's documents
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while (choices := _choices(after)) and OLD in choices and time.monotonic() < deadline:
            time.sleep(0.3)  # the choices arrive with the page's load event
        assert NEW in choices and OLD not in choices, choices
        _choose_and_ask(after, NEW)
        after.locator("#qa-card .qa-source").get_by_text(NEW).first.wait_for()
        assert "gedung Pancasila" in after.locator("#qa-card").inner_text()
        after.screenshot(path=ARTIFACTS / "21-rebuild-new-choice.png", full_page=True)
        after_ctx.close()


def _ask_api(url: str) -> str:
    status, event, data = raw_ask(url, json.dumps({"data": [QUESTION, 3, ""]}))
    assert status == 200 and event == "complete", (status, event, data)
    return json.loads(data)[0]["message"]
