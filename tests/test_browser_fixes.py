"""Section 88's page fixes in headless Chromium, on the real server with the real index and model: an
error's quote stays text in the page's pop-up, and Hentikan pressed while the file is still uploading stops
the run that waits for it. The server and browser fixtures are test_browser.py's."""

from __future__ import annotations

import json

import pytest

from tests.test_browser import TIMEOUT_MS, _full_speed, _slow_upload, browser, url  # noqa: F401 - the shared Chromium and server
from tests.test_browser_visitors import TOAST, visitor  # noqa: F401 - the page fixture, each test its own
from tests.ui_helpers import ARTIFACTS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

QUESTION = "apa tugas asisten menteri?"
HOSTILE = "<b>x</b><img src=x>"  # within the 20 characters a refusal quotes of a value (limits.quoted)


def test_markup_quoted_by_an_error_pop_up_stays_text_on_the_page(page):
    """The page's request is rewritten on its way (as a stranger's script may send it) with markup for k;
    the refusal quotes it, and Gradio renders a pop-up's message as HTML: the page showed "x" in bold and
    a broken image. It must read as the characters sent, no element made (API clients read the same text
    unescaped: tests/test_ui_server.py)."""

    def hostile(route) -> None:
        body = json.loads(route.request.post_data or "{}")
        data = body.get("data")
        if isinstance(data, list) and len(data) == 3 and data[0] == QUESTION:
            body["data"][1] = HOSTILE
            route.continue_(post_data=json.dumps(body))
        else:
            route.continue_()

    page.route("**/gradio_api/queue/join*", hostile)
    page.get_by_label("Pertanyaan").fill(QUESTION)
    page.get_by_label("Pertanyaan").press("Enter")
    toasts = "(s) => [...document.querySelectorAll(s)].map((e) => e.innerText)"
    found = page.wait_for_function(f"(s) => ({toasts})(s).find((t) => t.includes('bukan'))", arg=TOAST)
    shown = " ".join(str(found.json_value()).split())
    assert f"k harus bilangan bulat antara 1 dan 20, bukan '{HOSTILE}'." in shown, shown
    assert page.locator(f"{TOAST} img, {TOAST} b").count() == 0
    page.screenshot(path=ARTIFACTS / "88-error-quote.png", full_page=True)


def test_stop_pressed_while_the_file_uploads_stops_the_run_waiting_for_it(page, tmp_path):
    """Jawab semua pressed while the file was on its way waits in the browser; Hentikan pressed meanwhile
    found nothing running on the server, and the run started anyway when the upload ended (1,500 questions
    answered to the end). Now that run is not started and the page says so; Jawab semua pressed again runs."""
    cdp = _slow_upload(page, tmp_path)
    page.locator("#qa-run").click()
    page.locator("#qa-stop").click()
    assert page.locator("#qa-upload").get_by_text("Mengunggah 1 berkas…").is_visible()  # still on its way
    stopped = page.locator("#qa-summary").get_by_text("Dihentikan sebelum mulai menjawab.")
    stopped.wait_for(timeout=4 * TIMEOUT_MS)
    _full_speed(cdp)
    page.wait_for_timeout(1500)  # a run started after all would be answering by now
    assert "Menjawab" not in page.locator("#qa-summary").inner_text()
    assert page.locator("#qa-results a[download]").count() == 0
    page.locator("#qa-run").click()  # the file is there: this run is the visitor's, and it runs
    page.locator("#qa-summary").get_by_text("Menjawab…").wait_for(timeout=4 * TIMEOUT_MS)
    page.locator("#qa-stop").click()  # and Hentikan stops it as before
    page.locator("#qa-summary").get_by_text("Dihentikan setelah").wait_for()
