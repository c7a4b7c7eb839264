"""The real page in headless Chromium: ask through an example, then run a batch and download its results.

Screenshots go to test-artifacts/ (gitignored), to look at: the page must look finished.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import MISSION, MISSION_EXPECTED
from tests.ui_helpers import ARTIFACTS, KNOWN, running_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found (Debian package 'chromium'; `make browser` installs it)"
        if os.environ.get("QA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"QA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def url(real_index_dir, tmp_path_factory):
    with running_app(real_index_dir, tmp_path_factory.mktemp("ui-browser")) as (address, _):
        yield address


@pytest.fixture
def page(browser, url):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_role("button", name="Tanya", exact=True).wait_for()
    yield page
    context.close()


def test_example_question_shows_the_answer_card(page):
    page.screenshot(path=ARTIFACTS / "01-start.png", full_page=True)
    page.get_by_role("button", name=MISSION).first.click()  # fills the box and asks
    card = page.locator("#qa-card")
    card.locator("mark").first.wait_for()
    text = card.inner_text()
    assert any(e in text for e in MISSION_EXPECTED), text
    assert "Keyakinan: " in text and "Sumber: asisten-menteri-kerjasama-luar-negeri.txt" in text
    page.get_by_text("Lihat konteks").click()
    page.locator("#qa-context .qa-passage").wait_for()
    page.screenshot(path=ARTIFACTS / "02-answer.png", full_page=True)


def test_typing_and_enter_submits(page):
    page.get_by_label("Pertanyaan").fill("resep nasi goreng yang enak")
    page.get_by_label("Pertanyaan").press("Enter")
    page.locator("#qa-card").get_by_text("Maaf, dokumen tidak memuat jawaban").wait_for()
    assert "untuk yang penasaran" in page.locator("#qa-card").inner_text()
    page.screenshot(path=ARTIFACTS / "03-abstain.png", full_page=True)


def test_batch_tab_answers_an_upload_and_offers_downloads(page, tmp_path):
    questions = [q for q, _ in KNOWN]
    upload = tmp_path / "pertanyaan.txt"
    upload.write_text("\n".join(questions) + "\n", encoding="utf-8")
    shown = page.locator("#qa-upload").get_by_text("pertanyaan.txt")
    for attempt in range(3):  # on a loaded machine the tab's upload widget can mount late: try again
        try:
            page.get_by_role("tab", name="Batch").click()
            page.locator("#qa-upload input[type=file]").set_input_files(str(upload), timeout=20_000)
            shown.wait_for(timeout=20_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    page.locator("#qa-run").click()
    link = page.locator('#qa-results a[download="jawaban.csv"]')
    link.wait_for()
    assert page.locator('#qa-results a[download="jawaban.jsonl"]').count() == 1
    assert f"{len(questions)} pertanyaan" in page.locator("#qa-summary").inner_text()
    page.screenshot(path=ARTIFACTS / "04-batch.png", full_page=True)
    with page.expect_download() as info:
        link.click()
    body = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert [row["question"] for row in csv.DictReader(io.StringIO(body))] == questions
    page.get_by_role("tab", name="Tentang").click()
    page.get_by_text("ID build").wait_for()
    page.screenshot(path=ARTIFACTS / "05-about.png", full_page=True)
