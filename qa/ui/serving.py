"""Serving the app: Gradio's queue, what stands before its routes, the launch and the wait.

What the served page shares with the tests' in-process server (``queue``, ``server_options``) lives
here, so both run the same bounds; the handlers and the page are :mod:`qa.ui.app` and
:mod:`qa.ui.layout`.
"""

from __future__ import annotations

from typing import Any

from ..config import Settings

# Gradio's queue, for the events that use it (questions and uploads wait in the app instead)
QUEUE_SIZE, CONCURRENCY = 64, 4
# Sessions Gradio keeps state for (``state_session_capacity``; 10,000 by default), least recently used
# dropped first. Each is a copy of the page's component configuration, about 50 KB, and a client makes
# one per request by sending a new ``session_hash``: 10,000 of them held about 500 MB. The page keeps no
# ``gr.State``, so a session dropped here loses nothing a visitor sees.
SESSIONS = 1000
# Gradio records every event for its ``/monitoring`` dashboard and, after each one, rebuilds a pandas
# summary of the last 10,000 (twice per question): 50 ms more per question once they are held, on a
# two-core Space. The dashboard is switched off (``enable_monitoring=False``; left on, any visitor's
# GET /monitoring printed its secret URL, built from the visitor's own Host header, into the log), so
# the summary is never read: it is rebuilt never, and fewer events are kept. Gradio's own settings, read
# when the queue is made; an operator's value wins.
ANALYTICS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": str(2**62), "GRADIO_ANALYTICS_MAX_EVENTS": "1000"}


def queue(demo: Any) -> None:
    """Gradio's queue for the served page (and the tests' in-process server).

    ``api_open=False``: Gradio's direct routes (/run/ask, /api/batch, ...) skip the queue, its size and
    every concurrency limit; Gradio closes them on Spaces only, so they are closed here everywhere."""
    import os

    for name, value in ANALYTICS.items():
        os.environ.setdefault(name, value)
    demo.queue(max_size=QUEUE_SIZE, default_concurrency_limit=CONCURRENCY, api_open=False)


def server_options(demo: Any) -> dict[str, Any]:
    """``launch`` options of the served page that the tests' in-process server shares.

    ``_frontend=False`` skips Gradio's "is localhost reachable?" probe: one HEAD of the page with a 3 s
    timeout that, on a loaded machine (a busy two-core Space, CI), times out and ends the start with "a
    shareable link must be created" for a server that is up. The port was checked before loading
    (``check_port_free``); Gradio 6.31 (pinned) uses the flag for nothing else."""
    return {"app_kwargs": {"middleware": middleware(demo)}, "state_session_capacity": SESSIONS,
            "enable_monitoring": False, "_frontend": False}  # fmt: skip


def middleware(demo: Any) -> list[Any]:
    """What stands before Gradio's routes (``launch(app_kwargs={"middleware": ...})``, outermost first):
    every body bounded, then requests naming what the page lacks refused."""
    from starlette.middleware import Middleware

    from .bodylimit import BodyLimit
    from .routecheck import RouteCheck

    return [Middleware(BodyLimit), Middleware(RouteCheck, blocks=demo)]


def launch(settings: Settings | None = None) -> None:
    """Serve the app until interrupted (host/port from GRADIO_SERVER_NAME / GRADIO_SERVER_PORT)."""
    from .app import create_app
    from .layout import CSS, I18N, PAGE_JS, THEME, build_demo
    from .limits import MAX_FILE_SIZE, check_port_free, port_in_use, server_address

    host, port = server_address()
    check_port_free(host, port)  # before minutes of loading, and without Gradio's traceback
    app = create_app(settings)
    try:
        demo = build_demo(app)
        queue(demo)
        try:
            demo.launch(
                server_name=host, server_port=port, max_file_size=MAX_FILE_SIZE, css=CSS, js=PAGE_JS,
                theme=THEME(), i18n=I18N, **server_options(demo),
                prevent_thread_lock=True,  # we wait ourselves: serve_until_interrupted
            )  # fmt: skip
        except OSError as exc:  # taken between our check and Gradio's bind
            if "port" in str(exc).lower():
                raise port_in_use(host, port) from None
            raise
        serve_until_interrupted(demo)
    finally:  # the server is closed: its index is looked at no more (a caller in this process goes on)
        app.live.stop()


def serve_until_interrupted(demo: Any) -> None:
    """Wait while the server runs, and let Ctrl-C through: ``qa serve`` and ``python app.py`` then end
    with 130 as every other command does (Gradio's own wait, ``block_thread``, caught it and returned, so
    they ended 0). The server is closed on the way out, SIGTERM and SIGHUP included; the folder of
    uploads and answers goes with the exit handlers. ``GRADIO_DEBUG=1`` still makes Gradio wait inside
    ``launch`` and swallow the Ctrl-C there: it is raised again here."""
    import os
    import time

    try:
        if int(os.environ.get("GRADIO_DEBUG", "0")) == 1:  # the condition Gradio 6 blocks on
            raise KeyboardInterrupt
        while demo.is_running:
            time.sleep(0.1)
    finally:
        demo.close(verbose=False)
