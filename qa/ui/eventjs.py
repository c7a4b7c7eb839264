"""The scripts the page's events run in the browser (an event's ``js=``), beside the Python handlers they
go with: what a screen reader is told, and the Batch tab's Hentikan pressed before its run was sent.

Plain strings, no Gradio: :mod:`qa.ui.layout` wires them to its events.
"""

from __future__ import annotations

# A screen reader is told each answer (the card is not a live region: Gradio redraws it, and its pending
# timer would be read out), and the end of each Batch run, in #qa-said: a status region on the page from
# the start, never redrawn. It is emptied, then given the new text a moment later: an answer the same as
# the last one (asked again, a second abstention) is then a change, told again. It is emptied alone when
# a question or a run is refused (its pop-up says why): no earlier answer stays to be read as this one's.
TELL = """const tell = (text) => {
    const said = document.getElementById('qa-said');
    if (!said) return;
    clearTimeout(said.qaPending);  // an earlier answer's text, not yet shown, never follows this one
    said.textContent = '';
    if (text) said.qaPending = setTimeout(() => { said.textContent = text; }, 100);
  };"""
CLEAR_SAID = "() => { " + TELL + " tell(''); }"
# After an answer: its notice, source, answer and confidence are told (not the nearest passages or the
# scores). On a phone the card may be below the screen (a short screen, the keyboard open) or above it
# (the visitor scrolled down to an example): it is brought to the top. Desktops show it where it is.
SHOW_ANSWER = """() => {
  TELL
  const card = document.getElementById('qa-card');
  const told = '.qa-notice, .qa-source, .qa-answer, .qa-meta .qa-pill:first-child';
  const parts = card ? card.querySelectorAll(told) : [];
  tell([...parts].map((e) => e.innerText.trim()).join(' '));
  if (!card || !matchMedia('(max-width: 640px)').matches) return;
  const top = card.getBoundingClientRect().top;
  if (top < 0 || top > innerHeight / 3) card.scrollIntoView({behavior: 'smooth', block: 'start'});
}""".replace("TELL", TELL)
# A Batch run has ended (RUN_SENT lists the runs on their way, and ENDED notes when the last of them ended).
# One that failed also ends a press that waited for it: Gradio does not send that one then (only after a
# later run succeeds: reliability 145).
# The runs on their way end in the order they were sent (one at a time: always_last), so ENDED takes the
# first of them. A repeat sent as "again" answers nothing: its end is no run's end. Counted as one, a press
# made after the results while that repeat was still on its way (a loaded server) was judged against the
# repeat's end and dropped, though the run it repeated had ended before the press.
ENDED = """const ended = (window.qaOut ??= []).shift();
  if (ended !== 'again' && !window.qaOut.includes('run')) window.qaEndedAt = performance.now();"""
# and the end of an upload's run: its summary, a stop or a refusal (not each "Menjawab… N dari M")
TELL_SUMMARY = """() => {
  ENDED
  TELL
  const summary = document.getElementById('qa-summary');
  tell(summary ? summary.innerText.trim() : '');
}""".replace("TELL", TELL).replace("ENDED", ENDED)
RUN_FAILED = "() => { " + ENDED + " " + TELL + " tell(''); }"
# Jawab semua pressed while the file is still uploading waits in the browser (Gradio sends the run once
# the file is there), so Hentikan pressed meanwhile found nothing running on the server: the run started
# anyway when the upload ended. The page notes when each button was last pressed (CLICKS, with the page's
# script) and a run whose Hentikan came after its own click, before it could be sent, is sent as stopped
# (batch_view then says so and answers nothing). Gradio runs an event's ``js`` after its inputs are ready,
# just before it sends them: a press that waited for the run before it (below) is sent once that one is done.
# Jawab semua pressed while a run is pending is run after it (``trigger_mode="always_last"``), so the second
# click of a double click (the browser's count, ``detail``) is stopped here: it would answer the file again.
# So is Enter held down on it (its repeats, each a click of ``detail`` 0 as a single press is): a keyboard
# user's or a switch's hold ran the file twice (Enter only: Tab held moves on past it). A press, a tap and a
# screen reader's click stay runs.
# RUN_SENT sends a press as "again" when its file, k and document are the run's before it and it was made
# before that run ended, and batch_view leaves the page as it is: Enter pressed twice, or Jawab semua
# pressed again seconds later while the run was pending, answered the same file twice. Anything new
# (another file, k or document) runs; so does a press made once the run has ended, or after a Hentikan
# that stopped it (the stopped run's summary says "Jalankan lagi": a press while it finished its step in
# flight was dropped, reliability 150). Judged when sent, by times: a flag set at each press was read by
# an earlier press still waiting for its upload, so the same file chosen again ran nothing.
CLICKS = """() => {
  document.addEventListener('keydown', (e) => {
    if (e.repeat && e.key === 'Enter' && e.target.closest?.('#qa-run')) e.preventDefault();  // Tab moves on
  }, true);
  document.addEventListener('click', (e) => {
    const at = performance.now();
    if (e.target.closest?.('#qa-run')) {
      if (e.detail > 1) { e.stopPropagation(); return; }
      window.qaRunAt = at;
    }
    if (e.target.closest?.('#qa-stop')) window.qaStopAt = at;
  }, true);
}"""
# The run's inputs as sent (upload, k, doc, stopped, again); the upload's server path names its file.
RUN_SENT = """(upload, k, doc) => {
  const key = JSON.stringify([upload?.path ?? null, k, doc ?? null]);
  const pressed = window.qaRunAt ?? -1, stop = window.qaStopAt ?? -1;
  const out = (window.qaOut ??= []);  // 'run' or 'again' for each run on its way, in the order sent
  const during = out.includes('run') || pressed < (window.qaEndedAt ?? -1);  // the run before's
  const halted = stop > (window.qaSentAt ?? -1) && stop < pressed;  // Hentikan, then this press
  const again = key === window.qaRunKey && during && !halted;
  window.qaRunKey = key;
  window.qaSentAt = performance.now();
  out.push(again ? 'again' : 'run');
  return [upload, k, doc, stop > pressed, again];
}"""
SAID = '<div id="qa-said" class="qa-sr-only" role="status" aria-live="polite" aria-atomic="true"></div>'
