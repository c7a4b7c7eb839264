"""Jawab semua asked twice for the same run, in headless Chromium on the real server with the real index
and model (section 145): pressed again while the run is pending, or Enter pressed twice quickly, answered
the same file twice; a new file, or the same file once the run is done, is still answered. The server and
browser fixtures are test_browser.py's."""

from __future__ import annotations

import pytest

from tests.test_browser import SLOW, TIMEOUT_MS, _full_speed, _upload, browser, url  # noqa: F401 - shared
from tests.test_browser_careless import COUNT_RUNS, _file
from tests.test_browser_visitors import visitor  # noqa: F401 - the page fixture, each test its own

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RESULTS = '#qa-results a[download="jawaban.csv"]'
LONG = [f"apa tugas asisten menteri ke-{i}?" for i in range(40)]  # a run of a few seconds


def _runs_after_the_results(page) -> int:
    """How many runs began, once the results are on the page and a second run would have begun."""
    page.locator(RESULTS).wait_for(timeout=8 * TIMEOUT_MS)
    page.wait_for_timeout(3000)  # a second run would have begun by now, and cleared the files
    return int(page.evaluate("() => window.qaRuns"))


def test_jawab_semua_pressed_again_while_its_run_is_pending_answers_the_file_once(page, tmp_path):
    """A second press after the double-click time (not a double click: ``detail`` 1 again) while the run
    was on its way was sent once it was done (``always_last``): "Memeriksa berkas…" again, the results
    cleared and the same file answered a second time. Pressed once the run is done, it runs again."""
    page.evaluate(COUNT_RUNS)
    _upload(page, _file(tmp_path, "lagi.txt", LONG))
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("Menjawab…").wait_for(timeout=4 * TIMEOUT_MS)
    page.locator("#qa-run").click()  # seconds later: a press of its own, the same file, k and document
    assert _runs_after_the_results(page) == 1
    assert page.locator(RESULTS).count() == 1
    page.locator("#qa-run").click()  # the run is done: a press now is a new run, as the visitor asks
    page.locator("#qa-summary").get_by_text("Memeriksa berkas").wait_for(timeout=4 * TIMEOUT_MS)
    assert _runs_after_the_results(page) == 2


def test_enter_pressed_twice_quickly_on_jawab_semua_answers_the_file_once(page, tmp_path):
    """Two presses of Enter (each a click of ``detail`` 0, so not a double click; not a held key either)
    made two runs of the same file, one after the other. A run of a few seconds: a short file's run could
    end before a loaded browser took the second press, which then rightly ran again (a flaky failure)."""
    page.evaluate(COUNT_RUNS)
    _upload(page, _file(tmp_path, "dua-kali.txt", LONG))
    page.locator("#qa-run").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(120)
    page.keyboard.press("Enter")
    assert page.locator(RESULTS).count() == 0  # the second press came while the run was on its way
    assert _runs_after_the_results(page) == 1
    assert page.locator(RESULTS).count() == 1


def test_a_new_k_pressed_while_the_run_is_pending_is_answered_after_it(page, tmp_path):
    """Not the same request: the same file with another k, pressed while the first run is on its way, is
    run once the first is done (a guard: only an identical request is dropped)."""
    page.evaluate(COUNT_RUNS)
    _upload(page, _file(tmp_path, "k-baru.txt", LONG))
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("Menjawab…").wait_for(timeout=4 * TIMEOUT_MS)
    k = page.locator("input[aria-label='Isian angka Jumlah kutipan (k)']").last
    k.fill("1")
    k.blur()
    page.locator("#qa-run").click()
    page.wait_for_function("() => window.qaRuns === 2", timeout=8 * TIMEOUT_MS)
    assert _runs_after_the_results(page) == 2


def test_jawab_semua_pressed_right_after_hentikan_runs_the_file_again(page, tmp_path):
    """A stopped run's summary says "Jalankan lagi": pressed right after Hentikan, while the run was
    still finishing its step in flight, the press was sent as the same run asked again and answered
    nothing (reliability 150). A Hentikan between the run and the press makes the press a new run."""
    page.evaluate(COUNT_RUNS)
    _upload(page, _file(tmp_path, "ulang.txt", LONG))
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("Menjawab…").wait_for(timeout=4 * TIMEOUT_MS)
    both = "() => { document.getElementById('qa-stop').click(); document.getElementById('qa-run').click(); }"
    page.evaluate(both)  # in one go: the run cannot have ended between them
    page.wait_for_function("() => window.qaRuns === 2", timeout=4 * TIMEOUT_MS)
    assert _runs_after_the_results(page) == 2
    assert "Dihentikan" not in page.locator("#qa-summary").inner_text()


def test_the_same_file_chosen_again_and_pressed_twice_while_it_uploads_is_answered(page, tmp_path):
    """The same file chosen again after its run (same content, so the same server path) and Jawab semua
    pressed twice while it uploaded: the first press, sent once the file was there, read the flag the
    second press had set and was taken for a repeat of the run before; so was the second: nothing ran
    (reliability 150). Now the first press runs and the second, made while it was on its way, does not."""
    page.evaluate(COUNT_RUNS)
    path = _file(tmp_path, "sama.txt", LONG)
    _upload(page, path)
    page.locator("#qa-run").click()
    page.locator(RESULTS).wait_for(timeout=8 * TIMEOUT_MS)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {**SLOW, "uploadThroughput": 400})  # a few seconds
    page.locator("#qa-upload button[aria-label=Bersihkan]").click()  # removed, and chosen again
    page.locator("#qa-upload input[type=file]").set_input_files(str(path))
    page.locator("#qa-upload").get_by_text("Mengunggah 1 berkas…").wait_for()
    page.locator("#qa-run").click()
    page.wait_for_timeout(700)  # not a double click
    page.locator("#qa-run").click()
    _full_speed(cdp)
    page.wait_for_function("() => window.qaRuns === 2", timeout=4 * TIMEOUT_MS)
    assert _runs_after_the_results(page) == 2


def test_a_press_after_the_results_while_a_repeat_is_on_its_way_runs(page, tmp_path):
    """Pressed again while the run was pending, the repeat is sent once the run is done and answers
    nothing; a press made after the results, while that repeat was still on its way (a slow connection, a
    loaded server), was judged against the repeat's end, as if the run had not ended, and dropped. The
    repeat's end is no run's end: the press runs."""
    page.evaluate(COUNT_RUNS)
    _upload(page, _file(tmp_path, "lambat-lagi.txt", LONG))
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("Menjawab…").wait_for(timeout=4 * TIMEOUT_MS)
    page.locator("#qa-run").click()  # the repeat, sent once the run is done
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {**SLOW, "latency": 4000, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})  # fmt: skip
    page.locator(RESULTS).wait_for(timeout=8 * TIMEOUT_MS)
    page.locator("#qa-run").click()  # after the results, the repeat still on its way
    page.wait_for_timeout(1000)
    _full_speed(cdp)
    page.wait_for_function("() => window.qaRuns === 2", timeout=4 * TIMEOUT_MS)
    assert _runs_after_the_results(page) == 2
