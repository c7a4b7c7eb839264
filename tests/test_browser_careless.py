"""The page used carelessly, in headless Chromium on the real server with the real index and model
(section 137): a second file sent while the first is answered, Gradio's own pop-ups, long words on a
phone. The server and browser fixtures are test_browser.py's."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.conftest import MISSION
from tests.test_browser import (  # noqa: F401 - the shared Chromium and server
    LOAD_TIMEOUT_MS,
    TIMEOUT_MS,
    _ask,
    _upload,
    _wait_uploaded,
    browser,
    url,
)
from tests.test_browser_visitors import visitor  # noqa: F401 - the page fixture, each test its own
from tests.ui_helpers import ARTIFACTS, running_app

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
    # the preview's rows follow the summary: on a loaded machine they are read once they have come
    page.locator("#qa-preview").get_by_text(SECOND[0]).first.wait_for(timeout=4 * TIMEOUT_MS)
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


def test_enter_held_on_jawab_semua_answers_the_file_once(page, tmp_path):
    """Enter held down on the focused button repeats, and each repeat is a click (``detail`` 0, as one press
    is, so the double-click guard let it through): the file was answered a second time after the first."""
    page.evaluate(COUNT_RUNS)
    _upload(page, _file(tmp_path, "tahan.txt", SECOND))
    page.locator("#qa-run").focus()
    page.keyboard.down("Enter")  # the press: a run
    page.wait_for_timeout(150)
    page.keyboard.down("Enter")  # the key still down: the browser's repeat (``repeat``)
    page.keyboard.up("Enter")
    page.locator('#qa-results a[download="jawaban.csv"]').wait_for(timeout=4 * TIMEOUT_MS)
    page.wait_for_timeout(3000)  # a second run would have begun by now, and cleared the files
    assert page.evaluate("() => window.qaRuns") == 1
    assert page.locator('#qa-results a[download="jawaban.csv"]').count() == 1
    page.keyboard.down("Tab")  # Tab held while focus reaches the button moves on past it: its repeats too
    page.locator("#qa-run").focus()
    page.keyboard.down("Tab")  # a repeat, on the button
    page.keyboard.up("Tab")
    assert page.evaluate("() => document.activeElement.closest('#qa-stop') !== null")


ENGLISH = ("exceed", "Connection", "server was lost", "HTTP 507", '{"error"', "Failed to fetch")


def _said(page) -> str:
    """The message of the first pop-up, once it is shown and its words are settled (the page's script
    rewrites Gradio's own as it appears)."""
    toast = page.locator("[data-testid=toast-text]").first
    toast.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_timeout(300)
    return " ".join(toast.inner_text().split())


def _choose(page, path: Path) -> None:
    page.get_by_role("tab", name="Batch").click()
    page.locator("#qa-upload input[type=file]").wait_for(state="attached", timeout=3 * TIMEOUT_MS)
    page.locator("#qa-upload input[type=file]").set_input_files(str(path))


def test_a_file_over_the_size_limit_is_refused_in_indonesian(page, tmp_path):
    """Gradio checks the size in the browser, before any upload, and said so in its own English:
    'File(s) exceed the maximum allowed size of 5.0 Mb: "besar.txt"'."""
    from qa.ui.limits import MAX_FILE_BYTES

    big = tmp_path / "besar.txt"
    big.write_bytes(b"apa tugas asisten menteri?\n" * (MAX_FILE_BYTES // 27 + 1))
    _choose(page, big)
    said = _said(page)
    page.screenshot(path=ARTIFACTS / "137-too-big.png")
    assert said == 'Berkas terlalu besar: "besar.txt"; batasnya 5 MB.', said


def test_an_upload_the_server_refuses_says_its_reason_not_its_status_and_json(page, tmp_path):
    """The server's refusal of an upload (507 while its disk is nearly full: qa.ui.bodylimit) reached the
    page as Gradio shows it, "HTTP 507: {"error": "Penyimpanan server …"}"."""
    from qa.ui.bodylimit import DISK_FULL_MESSAGE

    body = json.dumps({"error": DISK_FULL_MESSAGE}, ensure_ascii=False)  # as BodyLimit's refuse() sends it
    page.route("**/gradio_api/upload*", lambda route: route.fulfill(status=507, body=body,
               content_type="application/json; charset=utf-8"))  # fmt: skip
    _choose(page, _file(tmp_path, "penuh.txt", SECOND))
    said = _said(page)
    assert said == DISK_FULL_MESSAGE, said


@pytest.mark.parametrize("cut", ["upload", "server"])
def test_a_connection_lost_is_said_in_indonesian(page, tmp_path, cut):
    """An upload cut on its way said "Connection errored out. Failed to fetch"; a server gone (a Space
    restarting) "Connection to the server was lost. Attempting reconnection...": both Gradio's own English."""
    if cut == "upload":
        page.route("**/gradio_api/upload*", lambda route: route.abort())
        _choose(page, _file(tmp_path, "putus.txt", SECOND))
    else:
        page.route("**/gradio_api/**", lambda route: route.abort())
        page.get_by_label("Pertanyaan").fill(SECOND[0])
        page.get_by_label("Pertanyaan").press("Enter")
    said = _said(page)
    assert said.startswith("Koneksi ke server terputus"), said
    assert not [w for w in ENGLISH if w in said], said


# A host's documents as they come: a report named with underscores (no place to break a line), its
# passage holding a long address; and one named with a right-to-left override (U+202E) in its name.
LONG_NAME = (
    "laporan_kunjungan_kerja_delegasi_kementerian_ke_negara_mitra_tahun_anggaran_2024_final_revisi.txt"
)
REPORT = ("Laporan kunjungan kerja disusun oleh sekretariat dalam tujuh hari setelah kunjungan. Formulirnya "
          "diunduh dari https://portal.contoh.go.id/layanan/formulir_laporan_kunjungan_kerja_luar_negeri_"
          "tahun_anggaran_2024.pdf setiap hari kerja.\n")  # fmt: skip
OVERRIDE_NAME = "cuti\u202egnp.txt"
LEAVE = "Cuti tahunan pegawai adalah dua belas hari kerja. Pengajuan cuti dilakukan lewat atasan langsung.\n"


@pytest.fixture(scope="module")
def odd_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd-corpus")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / LONG_NAME).write_text(REPORT, encoding="utf-8")
    (corpus / OVERRIDE_NAME).write_text(LEAVE, encoding="utf-8")
    with running_app(root / "index", root, corpus=corpus, timeout=300) as (address, _):
        yield address


def _phone(chromium, address: str):  # noqa: ANN202 - Playwright's BrowserContext and Page
    context = chromium.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(address, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("button", name="Tanya", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    return context, page


# the blocks of our own markup whose text runs past their right edge (cut off: the page does not scroll)
OVERFLOWING = """(sel) => [...document.querySelectorAll(sel)]
  .filter((e) => e.scrollWidth > e.clientWidth + 1)
  .map((e) => e.innerText.slice(0, 60))"""
OURS = "#qa-card p, #qa-card li, #qa-context p, #qa-context div, #qa-about p, #qa-about li"


def test_long_words_stay_inside_the_card_and_the_tentang_tab_on_a_phone(browser, odd_url):  # noqa: F811
    """A file name with underscores, an address in a passage and a 120-letter word a visitor typed (named
    back: "Dokumen tidak menyebut …") ran past the card's edge at 375 px and were cut off: nothing on the
    page scrolls sideways, so the rest of the name and of the message could not be read."""
    context, page = _phone(browser, odd_url)
    try:
        _ask(page, "kapan laporan kunjungan kerja disusun?")
        page.locator("#qa-context-box button").first.click()
        page.locator("#qa-context .qa-passage").wait_for(state="visible")
        assert LONG_NAME in page.locator("#qa-card .qa-source").inner_text()
        assert page.evaluate(OVERFLOWING, OURS) == []
        word = "Donaudampfschifffahrtsgesellschaftskapitän" * 3
        said = _ask(page, f"apakah laporan kunjungan harus ditulis dalam bahasa {word}?")
        assert word in said, said  # the visitor's word, named back whole
        page.screenshot(path=ARTIFACTS / "137-long-words-phone.png", full_page=True)
        assert page.evaluate(OVERFLOWING, OURS) == []
        page.get_by_role("tab", name="Tentang").click()
        page.locator("#qa-about").get_by_text("Berkas (2)").wait_for()
        assert page.evaluate(OVERFLOWING, OURS) == []
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    finally:
        context.close()


# The left edge of each character of ``words`` where the page draws them (its first text node holding them)
LEFTS = """([sel, words]) => {
  const walk = document.createTreeWalker(document.querySelector(sel), NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const at = n.nodeValue.indexOf(words);
    if (at < 0) continue;
    return [...words].map((_, i) => {
      const r = document.createRange(); r.setStart(n, at + i); r.setEnd(n, at + i + 1);
      return r.getBoundingClientRect().left;
    });
  }
  return null;
}"""


def _reads_left_to_right(page, sel: str, words: str) -> bool:
    lefts = page.evaluate(LEFTS, [sel, words])
    assert lefts, f"{words!r} not in {sel}"
    return all(a < b for a, b in zip(lefts, lefts[1:], strict=False))


def test_a_document_name_with_a_direction_override_does_not_turn_the_pages_words_around(page, odd_url):
    """A document named with a right-to-left override (U+202E, the trick that shows "cuti<RLO>gnp.txt" as
    "cutitxt.png") turned the page's own words after it around: the card read "Sumber: cuti0# naigab
    ,txt.png", and the Tentang tab every word after the name, to the end of the paragraph (". skedniret
    (tamilak) napituk 2"). The name keeps its own direction; the sentence around it reads as written."""
    page.goto(odd_url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("button", name="Tanya", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    _ask(page, "berapa hari cuti tahunan?")
    assert OVERRIDE_NAME in page.locator("#qa-card .qa-source").inner_text()
    page.screenshot(path=ARTIFACTS / "137-override-card.png")
    assert _reads_left_to_right(page, "#qa-card .qa-source", ", bagian #")
    page.get_by_role("tab", name="Tentang").click()
    page.locator("#qa-about").get_by_text("Berkas (2)").wait_for()
    page.locator("#qa-about").screenshot(path=ARTIFACTS / "137-override-about.png")
    assert _reads_left_to_right(page, "#qa-about", "(kalimat)")


def test_the_results_to_download_cannot_be_removed_from_the_page(page, tmp_path):
    """Gradio drew a × beside each result file; a tap on it, or Enter on it while tabbing to the downloads,
    took jawaban.csv off the page with no way back but answering the file again."""
    _upload(page, _file(tmp_path, "hasil.txt", SECOND))
    page.locator("#qa-run").click()
    page.locator('#qa-results a[download="jawaban.csv"]').wait_for(timeout=4 * TIMEOUT_MS)
    assert page.locator("#qa-results button:visible").count() == 0
    links = page.locator("#qa-results a[download]")
    names = [links.nth(i).get_attribute("download") for i in range(links.count())]
    assert names == ["jawaban.csv", "jawaban.jsonl"]


# Every text Gradio's progress display (over the card, the table and the plot while an answer is on its way)
# showed, as it was drawn: it lasts a few tenths of a second here, longer on a busy server.
WATCH_PROGRESS = """() => {
  window.qaProgress = new Set();
  new MutationObserver((changes) => changes.forEach((c) => {
    const nodes = c.type === 'characterData' ? [c.target] : [...c.addedNodes];
    for (const n of nodes) {
      const box = n.nodeType === 1 ? n : n.parentElement;
      const text = box?.closest?.('.progress-text') ? box.closest('.progress-text').innerText : '';
      if (text.trim()) window.qaProgress.add(text.trim().replace(/[0-9.]+/g, 'N'));
    }
  })).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def test_the_progress_over_an_answer_on_its_way_is_indonesian(page):
    """While a question was answered, Gradio wrote "queue: 1/1 | 0.1/0.2s", then "processing | 0.7s", over
    the card, the passages and the plot: its own English, on every question."""
    page.evaluate(WATCH_PROGRESS)
    for question in SECOND:
        _ask(page, question)
    shown = page.evaluate("() => [...window.qaProgress]")
    assert not [t for t in shown if "queue" in t or "processing" in t], shown
    assert [t for t in shown if "antrean" in t or "memproses" in t], shown  # it was seen, in Indonesian


@pytest.mark.parametrize(("typed", "used"), [("25", 20), ("-3", 1)])
def test_a_k_typed_out_of_range_shows_the_k_the_answer_used(page, typed, used):
    """Section 137 left "the number box keeps showing 25 while Gradio sends 20". Gradio 6.31's slider
    clamps its box when it loses focus, which asking always makes it do: the box shows the k used, and
    the bars count its passages (three bars each; the corpus has fewer than 20 distinct). A guard:
    Gradio's component, no code of ours to fix."""
    box = page.locator("input[aria-label='Isian angka Jumlah kutipan (k)']").first
    box.fill(typed)
    _ask(page, MISSION)
    assert box.input_value() == str(used)
    bars = page.locator("#qa-plot .qa-bar-row").count()  # 20 asks for more passages than the corpus has
    assert bars == 3 * used if used == 1 else bars > 3 * 3, bars


def test_a_refusal_holding_a_quote_or_a_backslash_is_shown_decoded(page, tmp_path):
    """The pop-up's rewrite took the JSON string of "HTTP 507: {"error": …}" as it was written: a message
    naming "a file" or a folder C:\\data showed \\"a file\\" and C:\\\\data (section 142's Left)."""
    message = 'Berkas "laporan.txt" ditolak: folder C:\\data\\unggah penuh; tab\tdan ✓ tetap.'
    body = json.dumps({"error": message}, ensure_ascii=False)
    page.route("**/gradio_api/upload*", lambda route: route.fulfill(status=507, body=body,
               content_type="application/json; charset=utf-8"))  # fmt: skip
    _choose(page, _file(tmp_path, "kutip.txt", SECOND))
    said = _said(page)
    assert said == " ".join(message.split()), said
