"""The page used carelessly, in headless Chromium on the real server with the real index and model
(section 137): a second file sent while the first is answered, Gradio's own pop-ups, long words on a
phone. The server and browser fixtures are test_browser.py's."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.test_browser import TIMEOUT_MS, _upload, _wait_uploaded, browser, url  # noqa: F401 - the shared Chromium and server
from tests.test_browser_visitors import visitor  # noqa: F401 - the page fixture, each test its own
from tests.ui_helpers import ARTIFACTS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SECOND = ["siapa yang cocok jadi asisten menteri?", "apa bedanya asisten menteri dengan diplomat?",
          "resep nasi goreng yang enak"]  # fmt: skip
# how many times a run of the page began: "Memeriksa berkas…" is each run's first line
COUNT_RUNS = """() => {
  window.qaRuns = 0;
  new MutationObserver(() => {
    const said = document.getElementById('qa-summary')?.innerText || '';
    if (said.includes('Memeriksa berkas') && !window.qaChecking) window.qaRuns += 1;
    window.qaChecking = said.includes('Memeriksa berkas');
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def _file(folder: Path, name: str, questions: list[str]) -> Path:
    path = folder / name
    path.write_text("".join(f"{q}\n" for q in questions), encoding="utf-8")
    return path


def test_a_second_file_sent_while_the_first_is_answered_is_answered_not_dropped(page, tmp_path):
    """A visitor who replaced the file while the first was being answered and pressed Jawab semua again
    lost the second file: Gradio's default ("once") dropped the click, the first file's results came in
    under the second file's name, and their jawaban.csv was downloaded as the second file's answers."""
    first = _file(tmp_path, "pertama.txt", [f"apa tugas asisten menteri ke-{i}?" for i in range(200)])
    _upload(page, first)
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("Menjawab…").wait_for(timeout=4 * TIMEOUT_MS)
    page.locator("#qa-upload button[aria-label=Bersihkan]").click()
    second = _file(tmp_path, "kedua.txt", SECOND)
    page.locator("#qa-upload input[type=file]").set_input_files(str(second))
    _wait_uploaded(page, second.name)
    assert "Menjawab…" in page.locator("#qa-summary").inner_text()  # the first is still being answered
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("3 pertanyaan").wait_for(timeout=8 * TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / "137-second-file.png", full_page=True)
    shown = page.locator("#qa-preview").inner_text()
    assert SECOND[0] in shown and "ke-0" not in shown, shown
    with page.expect_download() as info:
        page.locator('#qa-results a[download="jawaban.csv"]').click()
    rows = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert [r["question"] for r in rows] == SECOND


def test_a_double_click_on_jawab_semua_answers_the_file_once(page, tmp_path):
    """A double click's second click is not a second run of the same file (a run asked for while one is
    pending is answered after it: the test above)."""
    page.evaluate(COUNT_RUNS)
    _upload(page, _file(tmp_path, "sekali.txt", SECOND))
    box = page.locator("#qa-run").bounding_box()
    assert box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)  # a double click as a hand makes it: the second click while the run is pending
    page.wait_for_timeout(150)
    page.mouse.down(click_count=2)  # the browser counts it as the second click of two (``detail``)
    page.mouse.up(click_count=2)
    page.locator('#qa-results a[download="jawaban.csv"]').wait_for(timeout=4 * TIMEOUT_MS)
    page.wait_for_timeout(3000)  # a second run would have begun by now, and cleared the files
    assert page.evaluate("() => window.qaRuns") == 1
    assert page.locator('#qa-results a[download="jawaban.csv"]').count() == 1
