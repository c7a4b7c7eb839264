"""The real page in headless Chromium: ask through an example, then run a batch and download its results.

Screenshots go to test-artifacts/ (gitignored), to look at: the page must look finished.
"""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import MISSION, MISSION_EXPECTED
from tests.ui_helpers import ARTIFACTS, KNOWN, running_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
TIMEOUT_MS = 30_000
# A page's first mount (Gradio's scripts fetched, parsed and run) took 29-31 s with chromium and the
# server on one busy core (section 57): that wait alone is wider. A page that never mounts still fails.
LOAD_TIMEOUT_MS = 4 * TIMEOUT_MS


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


def _open(browser, url: str):
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    _load(page, url)
    return context, page


def _load(page, url: str) -> None:
    """Open the page and wait until it has mounted (its Tanya button shows) and its script has run (it
    says the page is Indonesian). Gradio runs the script after the mount: a test that watched the page
    from between the two saw Gradio's English before the script's observer, registered after the test's,
    rewrote it (a flaky failure on a loaded machine; no visitor sees it, both run before the paint)."""
    page.goto(url, wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
    page.get_by_role("button", name="Tanya", exact=True).wait_for(timeout=LOAD_TIMEOUT_MS)
    page.wait_for_function("() => document.documentElement.lang === 'id'", timeout=LOAD_TIMEOUT_MS)


@pytest.fixture
def page(browser, url):
    context, page = _open(browser, url)
    yield page
    context.close()


def _upload(page, path: Path) -> None:
    """Open the Batch tab, choose ``path`` in its upload box and wait until it is uploaded."""
    page.get_by_role("tab", name="Batch").click()
    page.locator("#qa-upload").wait_for(state="visible", timeout=3 * TIMEOUT_MS)  # mounts late under load
    page.locator("#qa-upload input[type=file]").wait_for(state="attached", timeout=3 * TIMEOUT_MS)
    page.locator("#qa-upload input[type=file]").set_input_files(str(path))
    _wait_uploaded(page, path.name)


def _wait_uploaded(page, name: str) -> None:
    """Wait until the upload box lists ``name`` as uploaded. Gradio shows the whole name only while the
    file is on its way, then its stem and extension in two spans of one cell (whose aria-label is the
    whole name): a wait for the text "NAME" passed only when it caught the upload under way, and failed
    once it finished first (1 run in 6 on a loaded machine, and in CI)."""
    page.locator(f'#qa-upload td.filename[aria-label="{name}"]').wait_for(timeout=3 * TIMEOUT_MS)


def _ask(page, question: str) -> str:
    """Type a question, press Enter and wait until the card shows a new answer; returns its text."""
    # Our rendered card only (Gradio's pending overlay inside the component changes its text too, which
    # once let a test read the previous answer), queried from the document each time: Gradio may replace
    # the element. A finished card always states its confidence.
    ours = "document.querySelector('#qa-card .qa-card')"
    before = page.evaluate(f"() => {ours}?.innerText || ''")
    page.get_by_label("Pertanyaan").fill(question)
    page.get_by_label("Pertanyaan").press("Enter")
    page.wait_for_function(
        f"(old) => {{ const t = {ours}?.innerText || ''; return t !== old && t.includes('Keyakinan'); }}",
        arg=before,
    )
    return page.evaluate(f"() => {ours}.innerText")


def _wait_count(page, selector: str, n: int) -> None:
    """Wait until ``selector`` matches exactly ``n`` elements. Queried from the document each time:
    Gradio may replace a component's element on update, so a handle taken before could be stale."""
    try:
        page.wait_for_function("([s, n]) => document.querySelectorAll(s).length === n", arg=[selector, n])
    except Exception as exc:
        found = page.locator(selector).count()
        raise AssertionError(f"{selector!r}: {found} elements, expected {n}") from exc


def _plot_pixels(page) -> int:
    """How many pixels of the plot carry one of the bar colours (0: the plot is blank)."""
    from PIL import Image

    from qa.ui.bars import CHANNELS

    shot = Image.open(io.BytesIO(page.locator("#qa-plot").screenshot())).convert("RGB")
    pixels = np.asarray(shot, dtype=np.int32).reshape(-1, 3)
    targets = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in CHANNELS.values()])
    near = np.abs(pixels[:, None, :] - targets[None, :, :]).sum(axis=2) < 60  # (pixels, colours)
    return int(near.any(axis=1).sum())


def _wait_plot_drawn(page, minimum: int = 150, timeout: float = TIMEOUT_MS / 1000) -> int:
    deadline = time.monotonic() + timeout
    while True:
        drawn = _plot_pixels(page)
        if drawn >= minimum or time.monotonic() > deadline:
            return drawn
        page.wait_for_timeout(250)  # polling a condition (the bars' pixels), not a fixed wait


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
    _upload(page, upload)
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


def test_score_bars_are_drawn_for_english_then_indonesian_then_off_topic(page):
    """Issue 13: the old bar plot went blank when a later answer matched differently from the first.
    The bars are now HTML rebuilt for every answer: each one is drawn (bar-coloured pixels on screen)
    with one group per passage: three channels for an answer, the cosine alone for an abstention."""
    questions = ["Can the minister's assistant decide policy?", MISSION, "resep nasi goreng yang enak"]
    for i, question in enumerate(questions, start=1):
        card = _ask(page, question)
        abstained = "Maaf, dokumen tidak memuat jawaban" in card
        per_passage = 1 if abstained else 3
        _wait_count(page, "#qa-plot .qa-bar-row", 3 * per_passage)  # k = 3 (the default)
        drawn = _wait_plot_drawn(page)
        page.screenshot(path=ARTIFACTS / f"06-plot-{i}.png", full_page=True)
        assert drawn >= 150, f"bars blank after question {i} ({question!r}): {drawn} bar pixels"
    assert abstained  # the off-topic one abstained, and lists its nearest passages with their similarity
    near = "() => (document.querySelector('#qa-card')?.innerText || '').includes('kemiripan')"
    page.wait_for_function(near, timeout=TIMEOUT_MS)


def test_supporting_passages_table_shows_five_rows_without_scrolling(page):
    page.locator("#qa-plot").scroll_into_view_if_needed()
    box = page.locator("input[aria-label='Isian angka Jumlah kutipan (k)']").first  # the Tanya tab's
    box.fill("5")
    box.press("Tab")  # commits the number; then wait until the slider itself shows it
    page.wait_for_function("() => document.querySelector('input[data-testid=range-input]').value === '5'")
    _ask(page, MISSION)
    table = page.locator("#qa-passages")
    _wait_count(page, "#qa-passages .virtual-row", 5)  # Gradio 6 draws rows as divs in a virtual table
    scrolled = table.evaluate(
        "el => [...el.querySelectorAll('*')].some(n => n.scrollHeight > n.clientHeight + 2 && "
        "['auto', 'scroll'].includes(getComputedStyle(n).overflowY))"
    )
    page.screenshot(path=ARTIFACTS / "07-five-passages.png", full_page=True)
    assert not scrolled, "the passages table scrolls inside itself at k=5"


def test_gradio_strings_are_indonesian(page):
    page.get_by_role("tab", name="Batch").click()
    upload = page.locator("#qa-upload")
    upload.get_by_text("Letakkan Berkas di Sini").wait_for(timeout=3 * TIMEOUT_MS)
    text = upload.inner_text()
    assert "Klik untuk Mengunggah" in text and "Drop File Here" not in text and "Click to Upload" not in text
    page.get_by_text("Pakai lewat API").first.wait_for()
    page.screenshot(path=ARTIFACTS / "08-indonesian-upload.png", full_page=True)


HOSTILE = "x`<img src=x onerror=alert(5)>`.md"


@pytest.fixture(scope="module")
def other_url(tmp_path_factory):
    """Another corpus with its own about.json, two documents, one of them with a hostile name."""
    root = tmp_path_factory.mktemp("other-corpus")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "cuti.txt").write_text(
        "Setiap pegawai berhak atas cuti tahunan selama dua belas hari kerja.\n"
        "Cuti sakit diberikan dengan surat keterangan dokter.\n",
        encoding="utf-8",
    )
    (corpus / HOSTILE).write_text("# Catatan\n\nKantor buka pukul delapan pagi.\n", encoding="utf-8")
    about = {"title": "Panduan Cuti Pegawai", "description": "Aturan cuti untuk pegawai kantor.",
             "examples": ["berapa hari cuti tahunan?"], "language": "id"}  # fmt: skip
    (corpus / "about.json").write_text(json.dumps(about), encoding="utf-8")
    with running_app(root / "index", root, corpus=corpus, timeout=300) as (address, _):
        yield address


def test_another_corpus_shows_its_own_title_examples_and_escaped_names(browser, other_url):
    context, page = _open(browser, other_url)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        header = page.locator("#qa-header").inner_text()
        assert "Panduan Cuti Pegawai" in header and "Aturan cuti untuk pegawai kantor." in header
        assert "asisten menteri" not in page.content().lower()
        page.get_by_role("button", name="berapa hari cuti tahunan?").first.click()
        page.locator("#qa-card .qa-source").wait_for()
        assert "Sumber: cuti.txt" in page.locator("#qa-card").inner_text()
        page.screenshot(path=ARTIFACTS / "09-other-corpus.png", full_page=True)
        page.get_by_role("tab", name="Tentang").click()
        about = page.locator("#qa-about")
        about.get_by_text(HOSTILE).wait_for()
        assert about.locator("img").count() == 0 and page.locator("img[src=x]").count() == 0
        page.screenshot(path=ARTIFACTS / "10-other-corpus-about.png", full_page=True)
        assert dialogs == []
    finally:
        context.close()


# How many lines each table cell's text takes, and how many words it has (a hyphen may end a line): a
# cell whose text runs to more lines than words breaks inside a word.
_CELL_LINES = """sel => [...document.querySelectorAll(sel)].filter(c => c.innerText.trim()).map(c => {
  const tops = new Set(), walk = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const r = document.createRange(); r.selectNodeContents(n);
    for (const b of r.getClientRects()) if (b.width > 0) tops.add(Math.round(b.top));
  }
  return [c.innerText.trim(), tops.size, c.innerText.trim().split(/[\\s-]+/).length];
})"""


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
def test_table_cells_never_break_inside_a_word(browser, url, width):
    """A 375-px phone showed the scores one digit a line; the desktop split "(kosinu s)" and "keduan ya"."""
    mobile = width < 640
    viewport = {"width": width, "height": 900}
    context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        _load(page, url)
        _ask(page, MISSION)
        _wait_count(page, "#qa-passages .virtual-row", 3)
        page.screenshot(path=ARTIFACTS / f"08-table-{width}.png", full_page=True)
        cells = page.evaluate(_CELL_LINES, "#qa-passages th, #qa-passages [role=gridcell]")
        assert len(cells) > 7
        broken = [(text, lines) for text, lines, words in cells if lines > words]
        assert not broken, f"table cells broken inside a word at {width} px: {broken}"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width  # the page itself fits
        page.get_by_role("tab", name="Batch").click()
        page.locator(".qa-table th").last.wait_for(state="visible")
        headers = page.evaluate(_CELL_LINES, "#qa-preview th")
        assert [h for h, lines, words in headers if lines > words] == [], headers
    finally:
        context.close()


# The answer's first line and its confidence, both inside the window (the card's own elements, queried anew).
_ANSWER_ON_SCREEN = """() => {
  const parts = ['#qa-card .qa-answer', '#qa-card .qa-pill'].map(s => document.querySelector(s));
  return parts.every(p => p && p.innerText.trim() && p.getBoundingClientRect().top >= 0
                           && p.getBoundingClientRect().bottom <= innerHeight);
}"""


@pytest.mark.parametrize("how", ["typed", "example"])
def test_on_a_phone_the_answer_is_on_screen_after_asking(browser, url, how):
    """At 375 px the card sat below the examples and the slider, a screen down: an answer looked like
    nothing happened. It now follows the question, and is brought on screen when it is not."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        _load(page, url)
        if how == "typed":
            _ask(page, MISSION)
        else:
            page.get_by_role("button", name=MISSION).first.click()  # scrolled down to, then tapped
        page.wait_for_function(_ANSWER_ON_SCREEN)
        page.screenshot(path=ARTIFACTS / f"11-phone-answer-{how}.png")
        assert any(e in page.locator("#qa-card").inner_text() for e in MISSION_EXPECTED)
    finally:
        context.close()


def test_on_a_desktop_the_answer_stays_under_the_settings_and_the_page_does_not_move(page):
    _ask(page, MISSION)
    page.wait_for_timeout(1000)  # the phone's scroll would have run by now: nothing may move here
    card, settings = (page.locator(s).bounding_box() for s in ("#qa-card", "#qa-settings"))
    assert card and settings and card["y"] > settings["y"] + settings["height"], (card, settings)
    assert page.evaluate("() => window.scrollY") == 0
    assert page.evaluate(_ANSWER_ON_SCREEN)


def test_a_file_of_another_type_is_refused_in_indonesian_on_the_page(page, tmp_path):
    """Gradio's own check of the upload's type toasted "Invalid file type: x.pdf. Only .txt, .csv, .tsv,
    .jsonl allowed." in English and left the upload box in an error state."""
    upload = tmp_path / "pertanyaan.pdf"
    upload.write_bytes(b"%PDF-1.4 bukan pertanyaan")
    _upload(page, upload)
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("Jenis berkas .pdf tidak didukung").wait_for()
    page.screenshot(path=ARTIFACTS / "12-batch-wrong-type.png", full_page=True)
    assert "Invalid file type" not in page.locator("body").inner_text()


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_the_page_says_it_is_indonesian_whatever_the_browsers_language(browser, url, locale):
    """Gradio set <html lang> to the browser's language ("en", "fr") on an all-Indonesian page."""
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        _load(page, url)
        page.wait_for_function("() => document.documentElement.lang === 'id'")
        _ask(page, MISSION)  # and it stays so
        assert page.evaluate("() => document.documentElement.lang") == "id"
    finally:
        context.close()


def test_gradios_hard_coded_labels_are_read_in_indonesian(page, tmp_path):
    """Gradio writes some labels in English into its components, out of reach of its translations: a
    screen reader read the slider as "range slider for Jumlah kutipan (k)", its button as "Reset to
    default value", the table's as "Copy table data", in the middle of an Indonesian page."""
    from qa.ui.language import LABEL_PREFIXES, LABELS

    labels = """() => [...document.querySelectorAll('[aria-label], [title]')]
        .flatMap((e) => [e.getAttribute('aria-label'), e.getAttribute('title')]).filter((t) => t)"""
    _ask(page, MISSION)  # the passage table, with its buttons
    page.get_by_label("Penggeser Jumlah kutipan (k)").first.wait_for(state="attached")
    shown = set(page.evaluate(labels))
    upload = tmp_path / "pertanyaan.txt"
    upload.write_text(MISSION + "\n", encoding="utf-8")
    _upload(page, upload)
    page.get_by_label("Unggah berkas").first.wait_for(state="attached")
    shown |= set(page.evaluate(labels))
    english = sorted(t for t in shown if t in LABELS or t.startswith(tuple(LABEL_PREFIXES)))
    assert not english, english
    assert {"Kembalikan ke nilai bawaan", "Salin isi tabel", "Layar penuh"} <= shown, sorted(shown)


def test_a_long_upload_is_stopped_by_its_page_and_says_so(page, tmp_path):
    """A visitor who sent a long file by mistake could only close the tab to stop it: no button did,
    and the model stayed busy with it. Hentikan stops it after the step in flight, the page says so
    (no stale "Menjawab…" line, no files passing for the whole run: "Dihentikan" is shown only once the
    work has ended), and the next question is answered."""
    upload = tmp_path / "panjang.txt"
    upload.write_text("".join(f"apa tugas asisten menteri ke-{i}?\n" for i in range(1500)), encoding="utf-8")
    _upload(page, upload)
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("Menjawab…").wait_for()
    page.locator("#qa-stop").click()
    page.locator("#qa-summary").get_by_text("Dihentikan setelah").wait_for()
    shown = page.locator("#qa-summary").inner_text()
    assert "dari 1500 pertanyaan" in shown and "Menjawab" not in shown, shown
    assert page.locator("#qa-results a[download]").count() == 0
    # and a screen reader is told so, as at the end of any run (#qa-said, section 81)
    page.wait_for_function("(t) => document.getElementById('qa-said').textContent === t", arg=shown.strip())
    page.get_by_role("tab", name="Tanya").click()
    assert any(e in _ask(page, MISSION) for e in MISSION_EXPECTED)
    page.screenshot(path=ARTIFACTS / "14-batch-stopped.png", full_page=True)


SLOW = {"offline": False, "latency": 200, "downloadThroughput": 50_000, "uploadThroughput": 10_000}


def _slow_upload(page, tmp_path: Path):  # noqa: ANN202 - Playwright's CDPSession
    """A file of 1,500 questions (about 50 KB) given to the Batch tab's upload at 10 KB/s: five seconds on
    the way, waited for until the box says it is uploading. Returns the CDP session (:func:`_full_speed`)."""
    upload = tmp_path / "lambat.txt"
    upload.write_text("".join(f"apa tugas asisten menteri ke-{i}?\n" for i in range(1500)), encoding="utf-8")
    page.get_by_role("tab", name="Batch").click()
    page.locator("#qa-upload input[type=file]").wait_for(state="attached", timeout=3 * TIMEOUT_MS)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW)
    page.locator("#qa-upload input[type=file]").set_input_files(str(upload))
    page.locator("#qa-upload").get_by_text("Mengunggah 1 berkas…").wait_for()
    return cdp


def _full_speed(cdp) -> None:  # noqa: ANN001
    cdp.send("Network.emulateNetworkConditions", {**SLOW, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})  # fmt: skip


def test_a_slow_upload_says_it_is_uploading_in_indonesian_and_then_is_answered(page, tmp_path):
    """On a slow connection the upload box said "Uploading 1 file..." for seconds (a Gradio sentence no
    translation reaches); Jawab semua pressed meanwhile waits for the file, then answers all of it."""
    cdp = _slow_upload(page, tmp_path)
    assert "Uploading" not in page.locator("#qa-upload").inner_text()
    page.locator("#qa-run").click()
    page.locator("#qa-summary").get_by_text("1500 pertanyaan").wait_for(timeout=4 * TIMEOUT_MS)
    _full_speed(cdp)


def test_markup_in_a_question_and_in_an_uploads_name_and_rows_stays_text(page, tmp_path):
    """A hostile visitor's markup, in the question (echoed by the card: "Dokumen tidak menyebut …") and in
    an uploaded file's name and rows (shown by the upload box and the preview), is shown as text: no
    element is made from it and none of its handlers runs."""
    page.evaluate("() => { window.__hit = 0; }")
    _ask(page, '<img src=x onerror="window.__hit=1"><script>window.__hit=2</script> apa tugas asisten?')
    upload = tmp_path / "<img src=x onerror=window.__hit=3>.csv"
    upload.write_text('id,question\n1,<img src=x onerror="window.__hit=4"> apa tugas?\n', encoding="utf-8")
    page.get_by_role("tab", name="Batch").click()
    page.locator("#qa-upload input[type=file]").wait_for(state="attached", timeout=3 * TIMEOUT_MS)
    page.locator("#qa-upload input[type=file]").set_input_files(str(upload))
    page.locator("#qa-upload").get_by_text(".csv").first.wait_for(timeout=3 * TIMEOUT_MS)
    page.locator("#qa-run").click()
    page.locator('#qa-results a[download="jawaban.csv"]').wait_for()
    assert '<img src=x onerror="window.__hit=4">' in page.locator("#qa-preview").inner_text()
    made = "#qa-card img, #qa-card script, #qa-passages img, #qa-upload img, #qa-preview img, #qa-summary img"
    assert page.locator(made).count() == 0
    assert page.evaluate("() => window.__hit") == 0


def test_a_question_sent_while_another_is_pending_is_answered_not_dropped(page):
    """Enter pressed again while the previous question was still being answered: Gradio's default
    ("once") dropped the second event, so the box showed the new question and the card kept the answer
    to the old one, a mismatch a reader trusts. Each round's card must end on the second question's
    answer (here an abstention), whichever of the two was still pending."""
    ours = "document.querySelector('#qa-card .qa-card')"
    box = page.get_by_label("Pertanyaan")
    for first in ["apa tugas utama asisten menteri?", "siapa yang cocok jadi asisten menteri?"] * 2:
        box.fill(first)
        box.press("Enter")
        box.fill("resep nasi goreng yang enak")
        box.press("Enter")
        page.wait_for_function(f"() => ({ours}?.innerText || '').includes('Maaf, dokumen tidak memuat')")
        time.sleep(1.5)  # a later card for the first question would replace it
        card = page.evaluate(f"() => {ours}.innerText")
        assert card.startswith("Maaf, dokumen tidak memuat"), card
        assert box.input_value() == "resep nasi goreng yang enak"
        box.fill("apa ekspektasi orang terhadap asisten menteri?")
        box.press("Enter")
        page.wait_for_function(f"() => ({ours}?.innerText || '').includes('Sumber')")


def test_a_question_that_reads_like_gradios_english_is_shown_as_written(page, tmp_path):
    """The page's script puts Gradio's own English in Indonesian; a visitor's question that happens to
    read like it ("Uploading 1 file...", "Fullscreen") is content, and the preview showed the first one
    rewritten as "Mengunggah 1 berkas…": a question the visitor never asked."""
    upload = tmp_path / "mirip.csv"
    upload.write_text("id,question\n1,Uploading 1 file...\n2,Fullscreen\n", encoding="utf-8")
    _upload(page, upload)
    page.locator("#qa-run").click()
    page.locator('#qa-results a[download="jawaban.csv"]').wait_for()
    shown = page.locator("#qa-preview").inner_text()
    assert "Uploading 1 file..." in shown and "Fullscreen" in shown, shown
    assert "Mengunggah" not in shown and "Layar penuh" not in shown, shown
    cells = "#qa-preview td, #qa-preview td *"
    said = page.evaluate(f"""() => [...document.querySelectorAll('{cells}')]
        .flatMap((e) => [e.getAttribute('aria-label'), e.getAttribute('title')])""")
    assert "Layar penuh" not in said and "Mengunggah 1 berkas…" not in said, said


def test_the_jsonl_row_errors_of_section_72_are_indonesian_in_the_preview(page, tmp_path):
    """A JSON line naming its question twice, one with two question fields and one that is no object were
    error rows whose Status the page showed in qa.batch's English ("line 2 names 'question' twice …")."""
    upload = tmp_path / "ganda.jsonl"
    upload.write_text('{"question": "apa tugas asisten menteri?"}\n{"question": "a", "question": "b"}\n'
                      '{"question": "a", "Pertanyaan": "b"}\n["apa tugas?"]\n', encoding="utf-8")  # fmt: skip
    _upload(page, upload)
    page.locator("#qa-run").click()
    page.locator('#qa-results a[download="jawaban.csv"]').wait_for()
    shown = page.locator("#qa-preview").inner_text()
    page.screenshot(path=ARTIFACTS / "21-batch-json-row-errors.png", full_page=True)
    assert "baris 2 menyebut 'question' dua kali dalam satu objek" in shown, shown
    assert "baris 3 punya 2 kolom pertanyaan ('question', 'Pertanyaan'); sisakan satu" in shown, shown
    assert "baris 4 berisi array (daftar) JSON, bukan objek {...}" in shown, shown
    assert "twice" not in shown and "question fields" not in shown and "not an object" not in shown, shown


def test_a_cut_question_is_said_in_the_preview_the_summary_and_the_downloaded_csv(page, tmp_path):
    """A question within the web's 500 characters can still overflow the model's 512 tokens (a flag is two
    tokens): it is answered from its start, which the JSONL and the CSV said and the page did not (its
    Status read *terjawab*, as for a question read whole). Section 125."""
    from qa.assistant import TOO_LONG

    cut = "apa tugas utama asisten menteri? " + "\U0001f1ee\U0001f1e9" * 300  # 333 characters, 612 tokens
    upload = tmp_path / "bendera.txt"
    upload.write_text(f"apa tugas utama asisten menteri?\n{cut}\n", encoding="utf-8")
    _upload(page, upload)
    page.locator("#qa-run").click()
    link = page.locator('#qa-results a[download="jawaban.csv"]')
    link.wait_for()
    said = "terjawab (pertanyaan terlalu panjang; hanya bagian awalnya yang dipakai)"
    shown = page.locator("#qa-preview").inner_text()
    assert shown.count(said) == 1 and shown.count("terjawab") == 2, shown  # the short question's: no notice
    summary = page.locator("#qa-summary").inner_text()
    cut_said = "Di antara yang terjawab dan tidak terjawab, 1 pertanyaan dipotong karena terlalu panjang"
    assert cut_said in summary, summary
    page.screenshot(path=ARTIFACTS / "22-batch-cut-question.png", full_page=True)
    with page.expect_download() as info:
        link.click()
    body = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = [(r["notice"], r["error"]) for r in csv.DictReader(io.StringIO(body))]
    assert rows == [("", ""), (TOO_LONG, "")]
