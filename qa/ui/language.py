"""The page's language: Indonesian for every visitor, in Gradio's own strings and labels too.

Gradio picks its language from the browser, so the same Indonesian wording is registered under each
language it ships (``gr.I18n``); the strings it hard-codes in English, and ``<html lang>``, are set by
the page's script (``PAGE_JS``).
"""

from __future__ import annotations

import json

import gradio as gr

from .limits import MAX_FILE_BYTES

# Gradio's keys (its frontend's translation files) for the strings this page shows, in Indonesian.
ID_STRINGS = {
    "upload_text.drop_file": "Letakkan Berkas di Sini",
    "upload_text.click_to_upload": "Klik untuk Mengunggah",
    "upload_text.drop_csv": "Letakkan CSV di Sini",
    "upload_text.paste_clipboard": "Tempel dari Papan Klip",
    "common.or": "atau",
    "common.clear": "Bersihkan",
    "common.download": "Unduh",
    "common.download_all": "Unduh semua",
    "common.remove": "Hapus",
    "common.undo": "Urungkan",
    "common.edit": "Ubah",
    "common.error": "Galat",
    "common.loading": "Memuat",
    "common.upload": "Unggah",
    "common.settings": "Pengaturan",
    "common.language": "Bahasa",
    "common.display_theme": "Tema tampilan",
    "common.built_with": "dibuat dengan",
    "common.built_with_gradio": "Dibuat dengan Gradio",
    "common.hosted_on": "Di-hosting di",
    "common.progress": "Kemajuan",
    "common.complete": "selesai",
    "errors.use_via_api": "Pakai lewat API",
    "file.uploading": "Mengunggah...",
    "dataframe.sort_column": "Urutkan kolom",
    "dataframe.sort_ascending": "Urutkan naik",
    "dataframe.sort_descending": "Urutkan turun",
    "dataframe.clear_sort": "Hapus urutan",
    "blocks.lost_connection": "Koneksi terputus karena halaman ditinggalkan. Masuk kembali ke antrean...",
    "blocks.waiting_for_inputs": "Menunggu berkas selesai diunggah, coba lagi sebentar.",
}
# The languages Gradio 6 ships translations for; a browser asking for another one gets "en".
GRADIO_LOCALES = (
    "ar ca ckb de en es et eu fa fi fr he hi id ja ko lt nb nl pl pt pt-BR ro ru sv ta th tr uk ur uz "
    "zh-CN zh-TW"
).split()
I18N = gr.I18n(**{locale: ID_STRINGS for locale in GRADIO_LOCALES})

# Every string of the page is Indonesian (Gradio's own too, see I18N), but Gradio sets <html lang> to the
# browser's language, again whenever it changes: a screen reader then reads the page with an English or
# French voice, and the browser offers to translate it "from English". The page says what it is.
#
# Some of Gradio's own labels are English whatever the language: written into its components (the
# slider's "Reset to default value", "number input for …", the table's "Copy table data", the
# "Fullscreen" button), not looked up in its translations, so ``I18N`` cannot reach them. A screen
# reader reads them aloud and a mouse shows them as tooltips; the page puts them in Indonesian as they
# are made or changed (a component's labels change with its state: "Copied to clipboard"), and the
# few English sentences Gradio writes on screen the same way (``TEXTS``).
LABELS = {
    "Reset to default value": "Kembalikan ke nilai bawaan",
    "Fullscreen": "Layar penuh",
    "Exit fullscreen": "Keluar dari layar penuh",
    "Exit fullscreen mode": "Keluar dari layar penuh",
    "Gradio footer navigation": "Navigasi kaki halaman",
    "More tabs": "Tab lainnya",
    "Open cell menu": "Buka menu sel",
    "Table actions": "Tindakan tabel",
    "Copy table data": "Salin isi tabel",
    "Copied to clipboard": "Tersalin ke papan klip",
    "Remove this file": "Hapus berkas ini",
    "Remove file": "Hapus berkas",
    "Upload file": "Unggah berkas",
    "Upload a file": "Unggah berkas",
    "Uploaded files": "Berkas yang diunggah",
    "Uploading": "Mengunggah",
    "File upload": "Unggah berkas",
    "Click to upload or drop files": "Klik untuk mengunggah, atau letakkan berkas di sini",  # no file yet
    "Language": "Bahasa",
    "Empty value": "Nilai kosong",
    "Close": "Tutup",
    "Clear": "Bersihkan",
    "Download": "Unduh",
}
# labels Gradio makes from a component's own label: English words before it
LABEL_PREFIXES = {"number input for ": "Isian angka ", "range slider for ": "Penggeser "}
# Gradio's hard-coded English text on screen (the CSS selector of Gradio's own element that holds it, a
# JS pattern matched against the whole text, and its Indonesian; spaces and line breaks count as one
# space): the upload box while a file is still on its way, seconds on a slow connection. Only inside
# that element: the same words elsewhere are a visitor's (a question "Uploading 1 file..." in the
# preview table was shown rewritten, section 68).
# A pop-up's title too: Gradio 6.31 shows its type, capitalised ("Error"), not the title a ``gr.Error`` gives
# (the trailing space keeps the "(2)" of repeated pop-ups apart).
# And the messages of the pop-ups Gradio raises itself, written in its scripts (section 137): a file over the
# size limit (checked in the browser, before any upload), the server gone (a restarted Space), an upload
# that failed on the way, and one the server refused, shown as its status and raw JSON body
# ("HTTP 507: {"error": …}": qa.ui.bodylimit's refusal, whose message is Indonesian already).
# The progress Gradio draws over an answer's blocks while it is on its way, "queue: 1/1 | 0.1/0.2s" then
# "processing | 0.7s" (its place in Gradio's queue, then the work), on every question and upload (137).
TOAST = "[data-testid=toast-text]"
# The replacement that reads the pattern's first group as the inside of a JSON string and says it decoded
# (a refusal's message holding a quote or a backslash showed \" and \\); one that is not valid JSON is
# left to the next pattern.
JSON_STRING = "$json"
TEXTS = [
    ["span.uploading", r"^Uploading (\d+) files?\.\.\.$", "Mengunggah $1 berkas…"],
    [".progress-text", r"^queue: (\d+)/(\d*) \|$", "antrean: $1/$2 |"],
    [".progress-text", r"^processing \|$", "memproses |"],
    ["span.toast-title", r"^Error$", "Galat "],
    ["span.toast-title", r"^Warning$", "Peringatan "],
    [TOAST, r"^File\(s\) exceed the maximum allowed size of [^:]*: (.*)$",
     f"Berkas terlalu besar: $1; batasnya {MAX_FILE_BYTES // 2**20} MB."],
    [TOAST, r"^Connection to the server was lost\. Attempting reconnection\.\.\.$",
     "Koneksi ke server terputus; menyambung lagi… Halaman dimuat ulang begitu server kembali."],
    [TOAST, r"^Connection errored out\..*$", "Koneksi ke server terputus; coba lagi sebentar lagi."],
    [TOAST, r'^HTTP \d{3}: \{"error": "((?:[^"\\]|\\.)*)"\}$', JSON_STRING],
    [TOAST, r"^HTTP (\d{3}): .*$", "Server menolak unggahan (HTTP $1); coba lagi sebentar lagi."],
]  # fmt: skip
PAGE_JS = (
    r"""() => {
  const html = document.documentElement, keep = () => { if (html.lang !== 'id') html.lang = 'id'; };
  new MutationObserver(keep).observe(html, {attributes: true, attributeFilter: ['lang']});
  keep();
  const labels = LABELS, prefixes = Object.entries(PREFIXES), names = ['aria-label', 'title'];
  const say = (text) => {
    if (Object.hasOwn(labels, text)) return labels[text];
    for (const [en, id] of prefixes) if (text.startsWith(en)) return id + text.slice(en.length);
    return text;
  };
  const fix = (el) => {
    for (const name of names) {
      const text = el.getAttribute(name);
      if (text !== null && say(text) !== text) el.setAttribute(name, say(text));
    }
  };
  const texts = TEXTS.map(([where, en, id]) => [where, new RegExp(en), id]);
  const said = (text, en, id) => {  // null: a JSON string that does not parse, for the next pattern
    if (id !== JSON_STRING) return text.replace(en, id);
    try { return JSON.parse('"' + text.match(en)[1] + '"'); } catch { return null; }
  };
  const retext = (node) => {
    const parent = node.parentElement;
    if (parent === null) return;
    const text = node.nodeValue.replace(/\s+/g, ' ').trim();  // Svelte keeps the template's line breaks
    for (const [where, en, id] of texts) {
      if (!parent.matches(where) || !en.test(text)) continue;
      const now = said(text, en, id);
      if (now !== null) { node.nodeValue = now; return; }
    }
  };
  const sweep = (root) => {
    if (root.nodeType === 3) return retext(root);
    if (root.nodeType !== 1) return;
    fix(root);
    root.querySelectorAll('[aria-label], [title]').forEach(fix);
    for (const [where] of texts) {  // only Gradio's own elements: no walk over a long table's text
      const found = [...root.querySelectorAll(where)];
      if (root.matches(where)) found.push(root);
      for (const el of found) el.childNodes.forEach((n) => { if (n.nodeType === 3) retext(n); });
    }
  };
  new MutationObserver((changes) => changes.forEach((c) => {
    if (c.type === 'attributes') fix(c.target);
    else if (c.type === 'characterData') retext(c.target);
    else c.addedNodes.forEach(sweep);
  })).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: names});
  sweep(document.body);
}""".replace("LABELS", json.dumps(LABELS, ensure_ascii=False))
    .replace("PREFIXES", json.dumps(LABEL_PREFIXES, ensure_ascii=False))
    .replace("TEXTS", json.dumps(TEXTS, ensure_ascii=False))
    .replace("JSON_STRING", json.dumps(JSON_STRING))
)
