"""One measurement in its own process: ``python -m benchmarks.worker TASK`` with JSON arguments on stdin.

A fresh interpreter per measurement keeps OpenMP settings, caches and peak memory of one task from
leaking into the next; the parent (``benchmarks.steps``) times and collects the printed JSON line.
"""

from __future__ import annotations

import json
import sys

from . import probe, query, st, tasks

TASKS = {**tasks.TASKS, **query.TASKS, **probe.TASKS, **st.TASKS}


def main() -> None:
    task = sys.argv[1]
    args = json.loads(sys.stdin.read() or "{}")
    print(json.dumps(TASKS[task](args)))


if __name__ == "__main__":
    main()
