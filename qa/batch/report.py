"""What a run tells its user: the counts it returns, the one-line summary and the progress bar."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class BatchSummary:
    """Counts of one run; ``total`` = answered + abstained + errors + skipped (done before a resume)."""

    total: int
    answered: int
    abstained: int
    errors: int
    skipped: int
    output: Path
    also: tuple[Path, ...] = ()  # further outputs written in the same run
    first_error: str | None = None  # what the first error row says, for a terminal that sees only counts
    cut: int = 0  # answered (or abstained) with a notice: the question was cut to the model's window


def format_summary(s: BatchSummary) -> str:
    """One line, e.g. ``200 questions: 180 answered, 15 abstained, 5 errors → out.jsonl``."""
    parts = [f"{s.answered} answered", f"{s.abstained} abstained", f"{s.errors} error{'s' * (s.errors != 1)}"]
    if s.skipped:
        parts.append(f"{s.skipped} already done")
    outputs = ", ".join(str(p) for p in (s.output, *s.also))
    return f"{s.total} question{'s' * (s.total != 1)}: {', '.join(parts)} → {outputs}"


def file_state(path: Path) -> tuple[int, int, int] | None:
    """What tells a file changed (inode, size, modification time), None when it is not there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def format_interrupted(output: Path, before: tuple[int, int, int] | None, total: int | None) -> str:
    """What an interrupted run (Ctrl-C, SIGTERM) kept and how to go on, said before "interrupted": it
    said only that, and a user stopping a long run did not know whether the answers so far were lost,
    nor that ``--resume`` goes on (a rerun without it is refused: the output exists). Read from the
    output as the run left it (``before``: :func:`file_state` at the start), not from counts the signal
    may have cut between a chunk's write and its tally."""
    from .destination import records_in

    if file_state(output) == before:
        if before is None:
            return f"no answer was written ({output} was not created)"
        return f"no answer was written in this run ({output} is as it was)"
    try:
        kept = records_in(output)
    except (KeyboardInterrupt, SystemExit):  # a second Ctrl-C while a big output is read (3 s at 200 MB):
        kept = None  # said at once, uncounted, rather than not at all
    if kept and kept == total:  # stopped as it finished: there is no rest to answer
        return f"{output} keeps the answers to all {kept:,} question{'s' * (kept != 1)}"
    if kept == 0:  # a torn first record: a rerun without --resume is refused (the file is not empty)
        return f"{output} holds no whole answer yet; run the same command with --resume to answer them"
    if kept is None:
        held = "the answers written so far"
    else:
        of = f" of {total:,}" if total is not None and total >= kept else ""
        held = f"the answers to {kept:,}{of} question{'s' * (kept != 1 or bool(of))}"
    return f"{output} keeps {held}; run the same command with --resume to answer the rest"


def progress_bar(progress: bool | None, total: int | None, desc: str = "qa batch"):  # noqa: ANN201 - tqdm or None
    """A tqdm bar on stderr when ``progress`` (None: when stderr is a terminal), else None."""
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", lambda: False)())
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="q", file=sys.stderr, dynamic_ncols=True)
