"""The Gradio web UI and API (``qa serve``, ``python app.py``, Hugging Face Spaces).

One :class:`~qa.assistant.Assistant` is built and warmed at start-up and shared by every
request; handlers only call it (and :func:`qa.batch.run_batch`, the code behind ``qa batch``)
and hand the results to :mod:`qa.ui_render`. No retrieval logic lives here.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from ..assistant import DEFAULT_K
from ..batch import INPUT_EXTENSIONS, BatchSummary, count_questions, read_questions, run_batch
from ..config import Settings
from ..errors import InputError, QAError
from . import render as ui

MAX_UI_K = 10
MAX_FILE_SIZE, MAX_FILE_BYTES = "5mb", 5 * 1024 * 1024  # the server refuses bigger uploads; we check too
MAX_BATCH_QUESTIONS = 5000  # one upload must not hold the shared model for minutes
QUEUE_SIZE, CONCURRENCY, BATCH_CONCURRENCY = 64, 4, 2
RUN_TTL = 3600  # seconds a batch's result folder is kept for downloading
_PROGRESS = gr.Progress()  # Gradio swaps in a per-call tracker; one shared default is enough


def server_address(env: Mapping[str, str] | None = None) -> tuple[str, int]:
    """Host and port: loopback unless GRADIO_SERVER_NAME says otherwise or we run on a Space."""
    env = os.environ if env is None else env
    host = env.get("GRADIO_SERVER_NAME") or ("0.0.0.0" if env.get("SPACE_ID") else "127.0.0.1")
    raw = env.get("GRADIO_SERVER_PORT") or "7860"
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise InputError(f"GRADIO_SERVER_PORT must be a port number (1-65535), got {raw!r}")
    return host, int(raw)


def _error(exc: QAError) -> gr.Error:
    """A core error as a clear pop-up (message, then the hint), without a server-side traceback."""
    text = f"{exc.message}. {exc.hint}" if exc.hint else exc.message
    return gr.Error(text, title="Tidak bisa menjawab", print_exception=False)


def _k(value: Any) -> int:
    try:
        return int(round(float(value)))
    except (TypeError, ValueError):
        raise gr.Error(f"k harus berupa angka, bukan {value!r}", print_exception=False) from None


class WebApp:
    """Event handlers around one shared assistant.

    Calls into the assistant are serialised by a lock: a query takes milliseconds and the core
    does not promise thread safety, so the bounded queue, not parallel model calls, gives throughput.
    """

    def __init__(self, assistant: Any, workdir: Path | None = None) -> None:
        self.assistant = assistant
        self.threshold = float(assistant.threshold)
        self._lock = threading.Lock()
        self.workdir = Path(workdir) if workdir else Path(tempfile.mkdtemp(prefix="qa-web-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        if workdir is None:
            atexit.register(shutil.rmtree, self.workdir, True)

    def _answer(self, questions: list[str], k: int) -> list[dict]:
        with self._lock:
            return [r.to_dict() for r in self.assistant.ask_many(questions, k)]

    def ask(self, question: str, k: int = DEFAULT_K) -> dict:
        """Answer one question: the same JSON object as ``qa ask --json``."""
        if not str(question or "").strip():
            raise gr.Error(ui.EMPTY_TEXT, title="Pertanyaan kosong", print_exception=False)
        try:
            return self._answer([str(question)], _k(k))[0]
        except QAError as exc:
            raise _error(exc) from None

    def ask_view(self, question: str, k: float) -> tuple[str, pd.DataFrame, pd.DataFrame, str]:
        """The Tanya tab: answer card, supporting passages, score plot, context (empty question: a hint)."""
        if not str(question or "").strip():
            result: dict = {}
            card = ui.message_card(ui.EMPTY_TEXT)
        else:
            result = self.ask(question, _k(k))
            card = ui.answer_card(result, self.threshold)
        return card, ui.passage_table(result), ui.score_table(result), ui.context_html(result)

    def run_file(
        self, upload: str | Path | None, k: Any, on_progress: Callable[[int, int | None], None] | None = None
    ) -> tuple[BatchSummary, Path, Path]:
        """Answer an uploaded question file into ``jawaban.jsonl`` and ``jawaban.csv`` in a fresh folder.

        The upload's name is untrusted: only its extension is used, after checking it. The model
        runs once; the CSV pass replays the same answers through ``run_batch``.
        """
        from ..assistant import MAX_K

        k = _k(k)
        if upload is None:
            raise InputError("Pilih berkas pertanyaan dulu (.txt, .csv, .tsv atau .jsonl).")
        path = Path(upload)
        ext = path.suffix.lower()
        if ext not in INPUT_EXTENSIONS:
            raise InputError(
                f"Jenis berkas {ext[:12] or '(tanpa ekstensi)'} tidak didukung; "
                f"pakai {', '.join(INPUT_EXTENSIONS)}."
            )
        if not path.is_file():
            raise InputError("Berkas yang diunggah tidak ditemukan; unggah ulang.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"Berkas terlalu besar ({path.stat().st_size / 2**20:.1f} MB); batasnya 5 MB.")
        if not 1 <= k <= MAX_K:
            raise InputError(f"k harus antara 1 dan {MAX_K}, bukan {k}.")
        self._prune()
        run = Path(tempfile.mkdtemp(prefix="batch-", dir=self.workdir))
        src = run / f"pertanyaan{ext}"
        shutil.copyfile(path, src)
        try:
            total = count_questions(src)
            if total is None:
                read_questions(src)  # raises the file-level problem (not text, unreadable...)
            if not total:
                raise InputError("Berkas tidak berisi satu pun pertanyaan.")
            if total > MAX_BATCH_QUESTIONS:
                raise InputError(
                    f"Berkas berisi {total} pertanyaan; batasnya {MAX_BATCH_QUESTIONS} sekali unggah."
                )
            answers: list[dict] = []

            def answer(questions: list[str]) -> list[dict]:
                results = self._answer(questions, k)
                answers.extend(results)
                return results

            report = (lambda n: on_progress(n, total)) if on_progress else None
            out = run / "jawaban.jsonl"
            summary = run_batch(
                read_questions(src), answer, out, progress=False, on_progress=report, total=total
            )
            replay = iter(answers)
            run_batch(
                read_questions(src),
                lambda qs: [next(replay) for _ in qs],
                run / "jawaban.csv",
                progress=False,
            )
        except QAError as exc:  # messages name our private copy; users know it as their upload
            exc.message = exc.message.replace(str(src), "berkas yang diunggah")
            raise
        return summary, run / "jawaban.csv", run / "jawaban.jsonl"

    def batch_view(
        self, upload: str | None, k: float, progress: gr.Progress = _PROGRESS
    ) -> tuple[str, pd.DataFrame, list[str] | None]:
        """The Batch tab: summary line, preview table, both result files (input problems: a message)."""

        def step(n: int, total: int | None) -> None:
            progress((n, total), desc="Menjawab pertanyaan", unit="pertanyaan")

        try:
            summary, csv_path, jsonl_path = self.run_file(upload, k, step)
        except InputError as exc:
            return f"⚠️ {exc.message}", ui.preview_table(None), None
        except QAError as exc:
            raise _error(exc) from None
        table = ui.preview_table(jsonl_path)
        counts = (summary.total, summary.answered, summary.abstained, summary.errors)
        return ui.batch_summary(*counts, len(table)), table, [str(csv_path), str(jsonl_path)]

    def batch_file(self, upload: str | None, k: float) -> str:
        """The /batch API: a question file in, the JSONL results file (one ``qa ask --json`` per line) out."""
        try:
            return str(self.run_file(upload, k)[2])
        except QAError as exc:
            raise _error(exc) from None

    def _prune(self) -> None:
        """Drop result folders older than RUN_TTL, so a long-running Space does not fill its disk."""
        cutoff = time.time() - RUN_TTL
        for d in self.workdir.glob("batch-*"):
            if d.stat().st_mtime < cutoff:
                shutil.rmtree(d, ignore_errors=True)


def build_demo(app: WebApp) -> gr.Blocks:
    """The page: header, Tanya / Batch / Tentang tabs, and the /ask and /batch endpoints."""
    with gr.Blocks(title=ui.TITLE, analytics_enabled=False, delete_cache=(RUN_TTL, RUN_TTL)) as demo:
        gr.HTML(f'<div class="qa-header"><h1>{ui.TITLE}</h1><p>{ui.INTRO}</p></div>')
        with gr.Tab("Tanya"):
            with gr.Row():
                question = gr.Textbox(
                    label="Pertanyaan", placeholder="mis. apa tugas asisten menteri?", scale=5
                )
                ask_btn = gr.Button("Tanya", variant="primary", scale=1, elem_id="qa-ask")
            examples = gr.Examples([[q] for q in ui.EXAMPLES], [question], label="Contoh pertanyaan")
            k = gr.Slider(1, MAX_UI_K, value=DEFAULT_K, step=1, label="Jumlah kutipan (k)")
            card = gr.HTML(ui.message_card("Jawaban akan muncul di sini."), elem_id="qa-card")
            with gr.Accordion("Lihat konteks", open=False):
                context = gr.HTML(ui.context_html({}), elem_id="qa-context")
            with gr.Row():
                table = gr.Dataframe(
                    ui.passage_table({}),
                    label="Kutipan pendukung",
                    wrap=True,
                    interactive=False,
                    scale=3,
                    column_widths=["5%", "47%", "10%", "12%", "12%", "14%"],
                    elem_classes="qa-table",
                )
                plot = gr.BarPlot(
                    ui.score_table({}),
                    x="kutipan",
                    y="skor",
                    color="cocok lewat",
                    y_lim=[0, 1],
                    sort=[f"#{i}" for i in range(1, 21)],
                    label="Skor kutipan",
                    scale=2,
                )
        with gr.Tab("Batch"):
            gr.Markdown(ui.BATCH_INTRO)
            with gr.Row():
                upload = gr.File(
                    label="Berkas pertanyaan", file_types=list(INPUT_EXTENSIONS), scale=3, elem_id="qa-upload"
                )
                with gr.Column(scale=2):
                    batch_k = gr.Slider(1, MAX_UI_K, value=DEFAULT_K, step=1, label="Jumlah kutipan (k)")
                    run_btn = gr.Button("Jawab semua", variant="primary", elem_id="qa-run")
            summary = gr.Markdown(elem_id="qa-summary")
            files = gr.File(
                label="Unduh hasil", file_count="multiple", interactive=False, elem_id="qa-results"
            )
            preview = gr.Dataframe(
                ui.preview_table(None),
                label="Pratinjau (50 baris pertama)",
                wrap=True,
                interactive=False,
                column_widths=["7%", "30%", "43%", "8%", "12%"],
                elem_classes="qa-table",
            )
            api_file, api_btn = gr.File(visible=False), gr.Button(visible=False)
        with gr.Tab("Tentang"):
            gr.Markdown(ui.about_markdown(app.assistant.info()))
        shown = [card, table, plot, context]
        batch: dict[str, Any] = {"concurrency_id": "batch", "concurrency_limit": BATCH_CONCURRENCY}
        gr.on([ask_btn.click, question.submit], app.ask_view, [question, k], shown, api_visibility="private")
        examples.load_input_event.then(app.ask_view, [question, k], shown, api_visibility="private")
        run_btn.click(
            app.batch_view, [upload, batch_k], [summary, preview, files], api_visibility="private", **batch
        )
        api_btn.click(app.batch_file, [upload, batch_k], api_file, api_name="batch", **batch)
        gr.api(app.ask, api_name="ask")
    return demo


def create_app(settings: Settings | None = None) -> WebApp:
    """Open (or build) the index once and warm the model with one query, before the first visitor."""
    from ..assistant import Assistant

    assistant = Assistant(settings or Settings.from_env(), build="auto")
    assistant.ask(ui.EXAMPLES[0], DEFAULT_K)
    return WebApp(assistant)


def launch(settings: Settings | None = None) -> None:
    """Serve the app until interrupted (host/port from GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)."""
    host, port = server_address()
    demo = build_demo(create_app(settings))
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY)
    theme = gr.themes.Soft(primary_hue="teal", neutral_hue="slate")
    demo.launch(server_name=host, server_port=port, max_file_size=MAX_FILE_SIZE, css=ui.CSS, theme=theme)


def main() -> None:
    """``python app.py`` (and Spaces): like ``qa serve``, core errors as one line and an exit code."""
    try:
        launch()
    except QAError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        sys.exit(exc.exit_code)
