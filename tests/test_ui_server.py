"""The real app (``python app.py``, bundled model, real index) through gradio_client, on loopback only."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import MISSION, MISSION_EXPECTED
from tests.ui_helpers import KNOWN, correct, running_app

pytestmark = pytest.mark.slow

USERS, QUESTIONS_EACH = 20, 10
LOAD_BUDGET = 60.0  # seconds for all 200 answers; each request also has its own timeout


@pytest.fixture(scope="module")
def server(real_index_dir, tmp_path_factory):
    with running_app(real_index_dir, tmp_path_factory.mktemp("ui-server")) as (url, proc):
        yield url, proc


def client(url: str, tmp: Path | None = None):
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=str(tmp) if tmp else False)


def test_binds_to_loopback_only_by_default(server):
    _, proc = server
    ps = psutil.Process(proc.pid)
    connections = getattr(ps, "net_connections", None) or ps.connections  # psutil < 6 names it connections
    listening = [c.laddr for c in connections(kind="inet") if c.status == psutil.CONN_LISTEN]
    assert listening and all(addr.ip == "127.0.0.1" for addr in listening), listening


def test_ask_endpoint_returns_the_result_dict(server):
    result = client(server[0]).predict(MISSION, 3, api_name="/ask")
    assert correct(result, MISSION_EXPECTED), result
    assert len(result["passages"]) == 3 and result["message"] == result["answer"]["text"]


def test_ask_endpoint_reports_an_empty_question_clearly(server):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Tulis pertanyaan"):
        client(server[0]).predict("   ", 3, api_name="/ask")


def test_batch_endpoint_returns_a_file_with_every_question(server, tmp_path):
    from gradio_client import handle_file

    questions = [q for q, _ in KNOWN]
    upload = tmp_path / "pertanyaan.csv"
    upload.write_text(
        "id,question\n" + "".join(f"q{i},{q}\n" for i, q in enumerate(questions)), encoding="utf-8"
    )
    out = client(server[0], tmp_path / "downloads").predict(handle_file(str(upload)), 2, api_name="/batch")
    records = [json.loads(line) for line in Path(out).read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == [f"q{i}" for i in range(len(questions))]
    for record, (_, expected) in zip(records, KNOWN, strict=True):
        assert correct(record, expected), record


def test_twenty_users_asking_ten_questions_each_all_get_right_answers(server):
    url = server[0]
    outcomes: list[tuple[str, bool, str]] = []
    lock = threading.Lock()

    def user(n: int) -> None:
        c = client(url)
        for i in range(QUESTIONS_EACH):
            question, expected = KNOWN[(n + i) % len(KNOWN)]
            try:
                result = c.submit(question, 3, api_name="/ask").result(timeout=30)
                ok, detail = correct(result, expected), ""
            except Exception as exc:  # noqa: BLE001 - every failure is counted, then reported
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            with lock:
                outcomes.append((question, ok, detail))

    start = time.monotonic()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(USERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(1.0, LOAD_BUDGET - (time.monotonic() - start)))
    elapsed = time.monotonic() - start
    assert not any(t.is_alive() for t in threads), f"load test still running after {elapsed:.0f}s"
    failures = [o for o in outcomes if not o[1]]
    assert len(outcomes) == USERS * QUESTIONS_EACH and not failures, failures[:5]
    assert elapsed < LOAD_BUDGET
