"""What a run tells its user: the counts it returns, the one-line summary and the progress bar."""

from __future__ import annotations

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


def format_summary(s: BatchSummary) -> str:
    """One line, e.g. ``200 questions: 180 answered, 15 abstained, 5 errors → out.jsonl``."""
    parts = [f"{s.answered} answered", f"{s.abstained} abstained", f"{s.errors} error{'s' * (s.errors != 1)}"]
    if s.skipped:
        parts.append(f"{s.skipped} already done")
    outputs = ", ".join(str(p) for p in (s.output, *s.also))
    return f"{s.total} question{'s' * (s.total != 1)}: {', '.join(parts)} → {outputs}"


def progress_bar(progress: bool | None, total: int | None):  # noqa: ANN201 - tqdm or None
    """A tqdm bar on stderr when ``progress`` (None: when stderr is a terminal), else None."""
    if progress is None:
        progress = bool(getattr(sys.stderr, "isatty", lambda: False)())
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc="qa batch", unit="q", file=sys.stderr, dynamic_ncols=True)
