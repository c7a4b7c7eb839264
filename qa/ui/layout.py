"""The page: header, Tanya / Batch / Tentang tabs, the /ask and /batch endpoints, style and language.

Gradio's own strings (upload area, footer, table menus) are Indonesian for every visitor, app strings
are Indonesian already (:mod:`qa.ui.language`). The passage scores are HTML bars rebuilt
for every answer (:mod:`qa.ui.bars`), never a plot that can keep an earlier answer's categories.
"""

from __future__ import annotations

import gradio as gr

from . import bars, pages, render
from .app import WebApp
from .asking import FairAsk
from .choices import doc_choice, follow_documents
from .eventjs import CLEAR_SAID, CLICKS, RUN_FAILED, RUN_SENT, SAID, SHOW_ANSWER, TELL_SUMMARY
from .language import I18N, PAGE_JS  # noqa: F401 - launched with the page (qa.ui.serving)
from .limits import DEFAULT_K, MAX_K, PAGE_QUESTION_CHARS
from .refusals import CheckedBlocks
from .runs import RUN_TTL

CSS = (
    """
.qa-header h1 {margin-bottom: .2rem}
.qa-header p {margin-top: 0; opacity: .8}
.qa-card {border: 1px solid var(--border-color-primary); border-radius: 12px; padding: 1rem 1.2rem;
  background: var(--block-background-fill); line-height: 1.6}
.qa-card .qa-answer {font-size: 1.08rem; margin: .2rem 0 .6rem}
.qa-card .qa-source {margin: 0 0 .3rem; font-size: .95rem}
.qa-card mark, .qa-context mark {background: #fde68a; color: #1f2937; border-radius: 3px; padding: 0 2px}
.qa-meta {display: flex; flex-wrap: wrap; gap: .5rem; font-size: .88rem; opacity: .9}
.qa-pill {border-radius: 999px; padding: .1rem .6rem; background: var(--background-fill-secondary)}
.qa-tinggi {background: #dcfce7; color: #14532d} .qa-sedang {background: #fef9c3; color: #713f12}
.qa-rendah {background: #fee2e2; color: #7f1d1d}
.qa-notice {border-left: 4px solid #f59e0b; padding: .3rem .7rem; margin-bottom: .6rem; font-size: .92rem}
.qa-aside {opacity: .65}
.qa-muted {opacity: .75; font-size: .92rem}
.qa-nearest li {margin-bottom: .4rem}
.qa-table * {font-family: var(--font) !important}
@media (max-width: 640px) {  /* phones: Gradio sizes the columns from the table's width; at 375 px the
  numbers wrapped one digit a line, so the table keeps a readable width and scrolls sideways instead */
  .qa-table .table-container {overflow-x: auto}
  .qa-table .table-wrap {min-width: 800px}
}
@media (max-width: 640px) {  /* phones: the answer right under the question, not a screen below the examples
  and the slider, where it appeared off-screen; examples and k follow it, the supporting passages last */
  #qa-card, #qa-context-box {order: 1}
  #qa-examples, #qa-settings {order: 2}
  #qa-support {order: 3}
}
/* keyboard focus shows on every field: the theme draws none on the question box and the slider, so a
  visitor moving by Tab could not see where typing would go. The accent (teal 500) is 2.5:1 on the light
  theme's white, under WCAG 1.4.11's 3:1 (section 81): a darker shade there, the accent on the dark one */
.gradio-container textarea:focus-visible, .gradio-container input:focus-visible {
  outline: 2px solid var(--primary-700) !important; outline-offset: 2px}
.dark .gradio-container textarea:focus-visible, .dark .gradio-container input:focus-visible {
  outline-color: var(--color-accent) !important}
.qa-sr-only {position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap}
/* a word longer than the line breaks where it must: a URL or a file name with underscores in a passage, its
  source or the Tentang tab, or a 200-letter word a visitor typed, named back ("Dokumen tidak menyebut …"),
  ran past the card's edge and was cut off on a phone (section 137). Tables keep words whole (section 66) */
#qa-header, #qa-card, #qa-context, #qa-about {overflow-wrap: anywhere}
/* the results to download are not the visitor's to remove: Gradio draws a × beside each file, and a tap on it
  (beside the download link, on a phone) took the file off the page for good, the run to be repeated */
#qa-results .label-clear-button {display: none}
.qa-context {line-height: 1.7; white-space: pre-wrap}
.qa-context .qa-passage {background: var(--color-accent-soft); border-radius: 4px; padding: 0 2px;
  font-weight: 600}
"""
    + bars.CSS
)
TABLE_MAX_HEIGHT = 2400  # px: five passages with neighbours fit without a scroll bar inside the table


def THEME() -> gr.themes.Base:  # noqa: N802 - reads as the constant it stands for
    return gr.themes.Soft(primary_hue="teal", neutral_hue="slate")


# Questions skip Gradio's first-come, first-served queue: they wait for their visitor's turn instead.
QUESTIONS = {"concurrency_id": "ask", "concurrency_limit": None}


def _ask_tab(app: WebApp, fair: FairAsk) -> gr.Dropdown:
    about = app.about
    with gr.Row(elem_id="qa-ask-row"):
        question = gr.Textbox(
            label="Pertanyaan",
            placeholder=pages.placeholder(about),
            scale=5,
            max_length=PAGE_QUESTION_CHARS,  # over the cap: refused with its length, never cut
        )
        ask_btn = gr.Button("Tanya", variant="primary", scale=1, elem_id="qa-ask")
    examples = (
        gr.Examples(
            [[q] for q in about.examples], [question], label="Contoh pertanyaan", elem_id="qa-examples"
        )
        if about.examples
        else None
    )
    with gr.Row(elem_id="qa-settings"):
        k = gr.Slider(1, MAX_K, value=DEFAULT_K, step=1, label="Jumlah kutipan (k)", scale=3)
        doc = doc_choice(app)
    card = gr.HTML(render.message_card("Jawaban akan muncul di sini."), elem_id="qa-card")
    with gr.Accordion("Lihat konteks", open=False, elem_id="qa-context-box"):
        context = gr.HTML(render.context_html({}), elem_id="qa-context")
    with gr.Row(elem_id="qa-support"):
        table = gr.Dataframe(
            render.passage_table({}),
            label="Kutipan pendukung",
            wrap=True,
            interactive=False,
            scale=3,
            max_height=TABLE_MAX_HEIGHT,
            column_widths=["5%", "35%", "14%", "8%", "12%", "12%", "14%"],
            elem_classes="qa-table",
            elem_id="qa-passages",
        )
        with gr.Column(scale=2):
            plot = gr.HTML(bars.score_bars({}), elem_id="qa-plot")
    shown, asking = [card, table, plot, context], [question, k, doc]
    # "always_last": a question sent while the previous one is pending is asked once that one is done.
    # Gradio's default ("once") dropped it: the box showed the new question, the card the old answer.
    asked = [gr.on([ask_btn.click, question.submit], fair.ask_view, asking, shown, api_visibility="private",
                   trigger_mode="always_last", **QUESTIONS)]  # fmt: skip
    if examples is not None:
        asked.append(
            examples.load_input_event.then(
                fair.ask_view, asking, shown, api_visibility="private", **QUESTIONS
            )
        )
    for event in asked:
        event.success(None, js=SHOW_ANSWER, api_visibility="private")
        event.failure(None, js=CLEAR_SAID, api_visibility="private")
    return doc


def _batch_tab(app: WebApp) -> gr.Dropdown:
    gr.Markdown(pages.BATCH_INTRO)
    with gr.Row():
        # No file_types: Gradio's check of them speaks English only ("Invalid file type: x.pdf. Only .txt,
        # ... allowed." in the page, another sentence to API clients). The handler checks the extension
        # first, in Indonesian (qa.ui.uploadrun.UploadAnswering.run_file); BATCH_INTRO names the formats.
        upload = gr.File(label="Berkas pertanyaan", scale=3, elem_id="qa-upload")
        with gr.Column(scale=2):
            k = gr.Slider(1, MAX_K, value=DEFAULT_K, step=1, label="Jumlah kutipan (k)")
            doc = doc_choice(app)
            with gr.Row():
                run_btn = gr.Button("Jawab semua", variant="primary", elem_id="qa-run", scale=2)
                stop_btn = gr.Button("Hentikan", variant="stop", elem_id="qa-stop", scale=1)
    summary = gr.Markdown(elem_id="qa-summary")
    files = gr.File(label="Unduh hasil", file_count="multiple", interactive=False, elem_id="qa-results")
    preview = gr.Dataframe(
        pages.preview_table(None),
        label=f"Pratinjau ({pages.PREVIEW_ROWS} baris pertama)",
        wrap=True,
        interactive=False,
        column_widths=["5%", "24%", "33%", "13%", "12%", "13%"],
        elem_classes="qa-table",
        elem_id="qa-preview",
    )
    # /batch's own inputs: ``doc`` is a name checked against the served index when a request comes
    # (WebApp.check_doc), not a choice among the documents of start-up (a rebuild may add some)
    api_file = gr.File(visible=False, label="Hasil (JSONL, satu objek per pertanyaan)")  # the API page
    api_btn = gr.Button(visible=False)
    api_doc = gr.Textbox(visible=False, label="Dokumen (nama, opsional)")
    # No concurrency limit here: a limit would park extra uploads in Gradio's queue, which every event
    # shares (max_size), so a visitor's question could be refused as "Queue is full". The app bounds the
    # uploads itself (WebApp.uploads): a few answered at once, a few waiting, the rest refused at once.
    stopped = gr.Checkbox(False, visible=False)  # set by RUN_SENT only
    again = gr.Checkbox(False, visible=False)  # set by RUN_SENT only: the same run asked for again
    # "always_last": Jawab semua pressed while the page's run is pending (the file replaced meanwhile) runs
    # once that one is done, with the box's file. Gradio's default ("once") dropped it: the first file's
    # results came in under the second file's name (section 137). A double click is one click (CLICKS), and
    # the same file, k and document asked for again while its run is on its way is not run again (145).
    ran = run_btn.click(
        app.batch_view, [upload, k, doc, stopped, again], [summary, preview, files], api_visibility="private",
        concurrency_id="batch", concurrency_limit=None, js=RUN_SENT, trigger_mode="always_last",
    )  # fmt: skip
    ran.success(None, js=TELL_SUMMARY, api_visibility="private")
    ran.failure(None, js=RUN_FAILED, api_visibility="private")
    # this page's run stops after the step in flight and says so (a closed tab stopped it already)
    stop_btn.click(app.stop_batch, None, None, api_visibility="private", concurrency_id="stop",
                   concurrency_limit=None)  # fmt: skip
    api_btn.click(
        app.batch_file, [upload, k, api_doc], api_file, api_name="batch",
        concurrency_id="batch", concurrency_limit=None,
    )  # fmt: skip
    return doc


def build_demo(app: WebApp) -> gr.Blocks:
    """The page for ``app``'s corpus: its own title, description and examples (see :mod:`qa.about`)."""
    about = app.about
    with CheckedBlocks(title=about.title, analytics_enabled=False, delete_cache=(RUN_TTL, RUN_TTL)) as demo:
        gr.HTML(pages.header_html(about) + SAID, elem_id="qa-header")  # never redrawn: SAID stays live
        with gr.Tab("Tanya"):
            ask_doc = _ask_tab(app, fair := FairAsk(app))
        with gr.Tab("Batch"):
            batch_doc = _batch_tab(app)
        with gr.Tab("Tentang"):
            about_tab = gr.HTML(pages.about_html(app.assistant.info(), about), elem_id="qa-about")
        # read again at each page load, so an index reopened since start-up (qa.live) shows its own stamp
        demo.load(
            lambda: pages.about_html(app.assistant.info(), about), None, about_tab, api_visibility="private"
        )
        demo.load(None, js=CLICKS, api_visibility="private")  # Batch: Hentikan, repeats (RUN_SENT)
        follow_documents(demo, app, [ask_doc, batch_doc])
        ask_api = gr.api(fair.ask, api_name="ask", **QUESTIONS)  # doc always offered, and checked when asked
        label_api_values(demo, ask_api, ASK_LABELS, ASK_RETURNS)
    return demo


# /ask's values as the API page names them (the Batch tab's own labels where they are the same value)
ASK_LABELS = ("Pertanyaan", "Jumlah kutipan (k)", "Dokumen (nama, opsional)")
ASK_RETURNS = ("Jawaban (objek JSON, seperti qa ask --json)",)


def label_api_values(demo: gr.Blocks, api: dict, inputs: tuple[str, ...], outputs: tuple[str, ...]) -> None:
    """``gr.api`` labels an endpoint's values "1st", "2nd", "3rd" on the API page (the labels of the
    placeholder components it makes for them) and takes no labels; they are given here, before the
    page's configuration is built when the ``Blocks`` context closes."""
    for key, labels in (("inputs", inputs), ("outputs", outputs)):
        for block_id, label in zip(api[key], labels, strict=True):
            block = demo.blocks[block_id]
            if isinstance(block, gr.components.Component):  # gr.api makes gr.components.Api ones
                block.label = label
