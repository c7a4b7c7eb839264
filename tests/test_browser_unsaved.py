"""Results the server cannot save, on a real server (section 145): its file-size limit (``ulimit -f``, EFBIG)
is met while jawaban.jsonl and jawaban.csv are written. The page said "Server tidak bisa menyimpan hasilnya
(penyimpanan penuh?); coba lagi nanti." in a pop-up gone in seconds, over the last progress line: a guess of
a full disk, and advice that fails again the same way. The browser fixture is test_browser.py's."""

from __future__ import annotations

import sys

import pytest

from tests.test_browser import TIMEOUT_MS, _open, _upload, browser  # noqa: F401 - the shared Chromium
from tests.test_browser_careless import _file
from tests.ui_helpers import ARTIFACTS, running_app

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LIMIT = 48 * 1024  # bytes: the upload and the server's log fit; 60 answers with their passages do not
LIMITED = (sys.executable, "-c", "import resource, runpy; resource.setrlimit(resource.RLIMIT_FSIZE, "
           f"({LIMIT}, {LIMIT})); runpy.run_path('app.py', run_name='__main__')")  # fmt: skip


@pytest.fixture(scope="module")
def limited_url(real_index_dir, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("ui-limited")
    uploads = {"TMPDIR": str(workdir)}  # the app's folder of uploads and answers, with the rest
    with running_app(real_index_dir, workdir, command=LIMITED, extra_env=uploads) as (url, _):
        yield url


def test_results_over_the_servers_file_size_limit_say_what_to_do(browser, limited_url, tmp_path):  # noqa: F811
    context, page = _open(browser, limited_url)
    try:
        questions = [f"apa tugas asisten menteri ke-{i}?" for i in range(60)]
        _upload(page, _file(tmp_path, "banyak.txt", questions))
        page.locator("#qa-run").click()
        summary = page.locator("#qa-summary")
        summary.get_by_text("melebihi batas ukuran berkas").wait_for(timeout=4 * TIMEOUT_MS)
        page.screenshot(path=ARTIFACTS / "145-file-size-limit.png", full_page=True)
        said = " ".join(summary.inner_text().split())
        assert "tidak ada yang tersimpan" in said and "Saran: bagi berkasnya" in said, said
        assert "penyimpanan penuh" not in said and "Menjawab" not in said, said
        assert page.locator("#qa-results a[download]").count() == 0  # nothing half-written to download
    finally:
        context.close()
