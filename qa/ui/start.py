"""Starting the web server from a shell (``qa serve``, ``python app.py``, Spaces), before Gradio is imported.

Gradio reads some of its environment with ``int()`` while it is imported: a ``GRADIO_SERVER_PORT`` of
``abc`` (or set but empty, as ``GRADIO_SERVER_PORT= qa serve`` does) ended in a ``ValueError`` traceback
before any of our checks ran. :func:`check_server_env` runs first, so each is one line and exit 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

from ..errors import InputError, QAError, describe
from ..termination import interrupt_once, leave_quietly, unwind_on_termination
from .limits import server_address

# Whole numbers Gradio parses at import or launch (gradio 6.31: http_server, node_server, queueing, blocks)
GRADIO_INTEGERS = ("GRADIO_NUM_PORTS", "GRADIO_NODE_NUM_PORTS", "GRADIO_ANALYTICS_MAX_EVENTS",
                   "GRADIO_ANALYTICS_CACHE_FREQUENCY", "GRADIO_DEBUG")  # fmt: skip


def check_server_env(env: MutableMapping[str, str] | None = None) -> None:
    """Refuse what Gradio would crash on (InputError); a port variable set but empty counts as unset."""
    env = os.environ if env is None else env
    if env.get("GRADIO_SERVER_PORT") == "":
        del env["GRADIO_SERVER_PORT"]
    server_address(env)
    for name in GRADIO_INTEGERS:
        raw = env.get(name)
        if raw is not None and not raw.strip().lstrip("-").isdigit():
            raise InputError(f"{name} must be a whole number, got {raw[:20]!r}", f"unset it: unset {name}")


def main() -> None:
    """``python app.py`` (and Spaces): like ``qa serve``, core errors as one line and an exit code, and
    SIGTERM/SIGHUP unwinding (a stopped Space or ``make run``'s terminal closed left the folder of visitors'
    uploads and answers in the temporary folder). Closed standard streams get the null device first, as
    ``qa`` gives them (``qa.commands.run``): ``python app.py >&-`` (a service started without a stdout)
    ended in a traceback from uvicorn's logging set-up, exit 1."""
    from ..printable import plug_closed_streams

    plug_closed_streams()
    unwind_on_termination()
    interrupt_once()
    try:
        check_server_env()
        from .serving import launch  # imports Gradio

        launch()
    except QAError as exc:
        print(f"error: {describe(exc)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:  # as ``qa serve`` and every command: 130, after the server closed
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        leave_quietly()  # the process's exit is all that is left (qa.termination)
