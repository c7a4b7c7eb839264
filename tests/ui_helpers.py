"""Helpers for the web UI tests: handlers over the fake encoder, and the real app in a subprocess."""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Iterator
from pathlib import Path

from scripts.webserver import app_env, call_result, free_port, running_app  # noqa: F401 - the real server, shared
from tests.conftest import CORPUS, MISSION, MISSION_EXPECTED, ROOT, FakeEncoder

ARTIFACTS = ROOT / "test-artifacts"
# Questions whose right passage the bundled model finds (checked with `qa ask`), and what it contains;
# None means the document does not answer and the assistant must abstain.
KNOWN = [
    (MISSION, MISSION_EXPECTED),
    ("apa tugas utama asisten menteri?", ("mengkoordinasikan pertemuan",)),
    ("siapa yang cocok jadi asisten menteri?", ("Profil orang yang cocok",)),
    ("apa bedanya asisten menteri dengan diplomat?", ("Diplomat lebih fokus",)),
    ("apa ekspektasi orang terhadap asisten menteri?", ("Ekspektasi orang",)),
    ("resep nasi goreng yang enak", None),
]


def correct(result: dict, expected: tuple[str, ...] | None) -> bool:
    """Whether a /ask result is the right answer (or, for ``None``, an abstention)."""
    if expected is None:
        return result["abstained"] is True and result["answer"] is None
    answer = result.get("answer") or {}
    return not result["abstained"] and any(e in answer.get("text", "") for e in expected)


def make_app(settings, encoder, workdir: Path, threshold: float, about: bool = True):
    """A WebApp over the fake encoder; ``threshold`` 0 always answers, above 1 always abstains.
    ``about``: the corpus copy gets the shipped corpus's about.json, as the real corpus has."""
    import shutil

    from qa.about import ABOUT_FILE
    from qa.assistant import Assistant
    from qa.ui.app import WebApp

    if about and not (settings.corpus_dir / ABOUT_FILE).exists():
        shutil.copy(CORPUS / ABOUT_FILE, settings.corpus_dir / ABOUT_FILE)

    assistant = Assistant(settings, encoder=encoder, threshold=threshold, log=lambda m: None)
    return WebApp(assistant, workdir=workdir)


class SlowQuestions(FakeEncoder):
    """The fake encoder, taking ``delay`` seconds for each question (a long run, as a batch is)."""

    delay = 0.0

    def encode_queries(self, texts):  # type: ignore[no-untyped-def]
        import time

        time.sleep(self.delay)
        return super().encode_queries(texts)


def run_to_end(updates: Iterator):
    """The last value a generator handler yields (what the page shows when it is done)."""
    return collections.deque(updates, maxlen=1).pop()


def bar_rows(chart: str) -> list[tuple[str, str, float]]:
    """(rank, channel, value) of every bar in a score chart (qa.ui.bars.score_bars), in order."""
    import re

    pattern = r'data-rank="([^"]*)" data-channel="([^"]*)" data-value="([^"]*)"'
    return [(r, c, float(v)) for r, c, v in re.findall(pattern, chart)]


def bar_values(chart: str, channel: str) -> list[float]:
    return [v for _, c, v in bar_rows(chart) if c == channel]


@contextlib.contextmanager
def serving(app) -> Iterator[tuple[str, object]]:  # type: ignore[no-untyped-def]
    """``app``'s page on a free loopback port in this process (a real Gradio server, so a test can watch
    the encoder or the turns): (its URL, the demo). Queued, and launched with the same options, as in
    ``qa serve``."""
    from qa.ui.layout import build_demo
    from qa.ui.serving import queue, server_options

    demo = build_demo(app)
    queue(demo)
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True,
                **server_options(demo))  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}/", demo
    finally:
        demo.close()
