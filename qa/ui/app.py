"""The Gradio web UI and API (``qa serve``, ``python app.py``, Hugging Face Spaces).

One :class:`~qa.assistant.Assistant` is built and warmed at start-up and shared by every request (and
replaced by a new one when the index is rebuilt: :mod:`qa.live`); a question first waits for its
visitor's turn (:mod:`qa.ui.asking`, :mod:`qa.ui.turns`), then the handlers check what a request
carries (:mod:`qa.ui.limits`), call the assistant under the model lock (:mod:`qa.ui.scheduler`) and
hand the result to the pure renderers (:mod:`qa.ui.render`, :mod:`qa.ui.pages`). The page itself is laid
out in :mod:`qa.ui.layout`, the Batch tab's handlers live in :mod:`qa.ui.batch`, and the queue, the
launch and the wait in :mod:`qa.ui.serving`. No retrieval logic lives here.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import shutil
import tempfile
import threading
import unicodedata
from pathlib import Path
from typing import Any

from ..about import About, load_about
from ..config import Settings
from ..errors import InputError, QAError
from ..live import REOPEN_SECONDS, LiveAssistant
from ..termination import on_forced_stop
from . import bars, pages, render
from .batch import BatchHandlers
from .limits import (
    DEFAULT_K,
    PAGE_QUESTION_CHARS,
    check_question,
    is_blank,
    over_cap,
    parse_k,
    quoted,
    too_long,
    ui_error,
)
from .scheduler import Admission, PriorityLock

# Uploads answered at once, and waiting for a turn beyond those (in the app, not in Gradio's queue:
# see qa.ui.scheduler.Admission); any more are refused at once.
BATCH_CONCURRENCY, BATCH_LINE = 2, 4
WARM_UP = "apa isi dokumen ini?"


def documents_named(name: str, documents: list[str]) -> list[str]:
    """The documents ``name`` may name, as an API client types it: its id; else those whose name is the
    same text in another Unicode form or with spaces around it (a name copied from a Mac's Finder is
    decomposed, ``cafe\u0301.txt``); else those whose file name alone it is (``panduan.md`` for
    ``sub/panduan.md``, as ``qa ask --doc`` takes it). One is the document; several are not guessed
    between. Only names of ``documents`` come back, whatever ``name`` holds (``../x``, a NUL)."""
    if name in documents:
        return [name]

    def key(text: str) -> str:
        return unicodedata.normalize("NFC", text).strip()

    wanted = key(name)
    for same in (lambda d: key(d) == wanted, lambda d: key(d.rsplit("/", 1)[-1]) == wanted):
        matches = [d for d in documents if same(d)]
        if matches:
            return matches
    return []


class WebApp(BatchHandlers):
    """Event handlers around one shared assistant.

    Model calls are serialised by a priority lock: a question takes milliseconds, the core does not
    promise thread safety, and interactive questions must not wait behind an upload.
    """

    def __init__(
        self, assistant: Any, workdir: Path | None = None, about: About | None = None, *, follow: bool = False
    ) -> None:
        # ``follow``: reopen the index when it is rebuilt while serving (qa serve, app.py)
        self.live = LiveAssistant(assistant, REOPEN_SECONDS if follow else None)
        self.about = about or load_about(assistant.settings.corpus_dir, self.documents)
        # Limiting a question to one document needs the core's ``doc=`` (not in every version).
        self.supports_doc = "doc" in inspect.signature(assistant.ask_many).parameters
        # every document a page was offered, so a choice the index no longer holds is told apart from a typo
        self.offered: set[str] = set(self.documents)
        self.lock = PriorityLock()
        self.uploads = Admission(BATCH_CONCURRENCY, BATCH_LINE)
        self.running: dict[str, Any] = {}  # qa.ui.batch: each page's uploads in flight, by session
        self.running_lock = threading.Lock()  # guards it: handlers run on Gradio's worker threads
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="qa-web-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        if workdir is None:
            atexit.register(shutil.rmtree, self.workdir, True)
            on_forced_stop(functools.partial(shutil.rmtree, self.workdir, True))  # Ctrl-C thrice too

    @property
    def assistant(self) -> Any:
        """The assistant this request answers with (the one its thread pinned, else the newest)."""
        return self.live.current()

    @property
    def threshold(self) -> float:
        return float(self.assistant.threshold)

    @property
    def documents(self) -> list[str]:
        return sorted(self.assistant.documents)

    @property
    def can_limit_to_document(self) -> bool:
        return self.supports_doc and len(self.documents) > 1

    def document_choices(self) -> list[str]:
        """The drop-down's choices for a page opened now (the served index's documents)."""
        documents = self.documents
        self.offered.update(documents)
        return [pages.ALL_DOCUMENTS, *documents]

    def check_doc(self, doc: Any) -> str | None:
        """``None`` for every document; else a name of the served index (checked, never echoed in full):
        the page's choices may be older than the index, so they are not what is checked."""
        if doc is None or (isinstance(doc, str) and doc.strip() in ("", pages.ALL_DOCUMENTS)):
            return None
        named = documents_named(doc, self.documents) if isinstance(doc, str) else []
        if len(named) > 1:  # "tidak dikenal" would be untrue, and hide the way out: its path
            shown = ", ".join(quoted(d, 80) for d in named[:4]) + (", …" if len(named) > 4 else "")
            raise InputError(f"Nama {quoted(doc, 80)} cocok dengan {len(named)} dokumen: {shown}.",
                             "Tulis nama lengkapnya, dengan foldernya.")  # fmt: skip
        gone = sorted(self.offered.difference(self.documents))
        if not named and isinstance(doc, str) and documents_named(doc, gone):
            raise InputError(
                f"Dokumen {quoted(doc, 80)} sudah tidak ada di indeks: "
                "indeks diperbarui sejak halaman dibuka.",
                "Muat ulang halaman untuk daftar dokumen terbaru, atau pilih “Semua dokumen”.",
            )
        if not named:
            raise InputError(f"Dokumen tidak dikenal: {quoted(doc, 80)}.", "Pilih salah satu dokumen korpus.")
        if not self.supports_doc:
            raise InputError("Versi ini belum bisa membatasi pertanyaan ke satu dokumen.")
        return named[0]

    def _call(self, questions: list[str], k: int, doc: str | None) -> list[dict]:
        extra = {"doc": doc} if doc is not None else {}
        return [r.to_dict() for r in self.assistant.ask_many(questions, k, **extra)]

    def answer_batch(self, questions: list[str], k: int, doc: str | None) -> list[dict]:
        """One step of an upload: waits while interactive questions are waiting."""
        with self.lock.background():
            return self._call(questions, k, doc)

    def ask(self, question: str, k: int = DEFAULT_K, doc: str | None = None) -> dict:
        """Answer one question: the same JSON object as ``qa ask --json``."""
        try:
            question = check_question(question, pages.empty_text(self.about))
            with self.live.pinned():  # the document checked against the index that answers
                k, doc = parse_k(k), self.check_doc(doc)
                with self.lock.interactive():
                    return self._call([question], k, doc)[0]
        except QAError as exc:
            raise ui_error(exc) from None

    def ask_view(self, question: str | None, k: float, doc: str | None = None) -> tuple[str, Any, str, str]:
        """The Tanya tab: answer card, supporting passages, score bars, context (empty question: a hint)."""
        text = "" if question is None else question
        # the length first, before anything reads the question; as the page's box may have cut it
        if isinstance(text, str) and over_cap(text):
            raise ui_error(too_long(text, PAGE_QUESTION_CHARS))
        if isinstance(text, str) and is_blank(text):
            result: dict = {}
            card = render.message_card(pages.empty_text(self.about))
        else:
            with self.live.pinned():  # the card's threshold is that of the index that answered
                result = self.ask(question, k, doc)  # type: ignore[arg-type]
                card = render.answer_card(result, self.threshold)
        return card, render.passage_table(result), bars.score_bars(result), render.context_html(result)


def create_app(settings: Settings | None = None) -> WebApp:
    """Open (or build) the index once and warm the model with one query, before the first visitor."""
    from ..assistant import Assistant

    assistant = Assistant(settings or Settings.from_env(), build="auto")
    app = WebApp(assistant, follow=True)  # reads the corpus's about.json: a bad one stops here, by name
    assistant.ask(WARM_UP, DEFAULT_K)
    app.live.watch()  # a rebuild is served within seconds even when no one is asking (section 126)
    return app


def main() -> None:
    """``python app.py``: kept importable from here; :func:`qa.ui.start.main` checks the environment first."""
    from .start import main as start

    start()
