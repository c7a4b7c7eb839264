"""Shared by the batch tests: a deterministic fake answerer and readers of the three output formats."""

from __future__ import annotations

import csv
import errno
import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fake_result(question: str) -> dict:
    """Deterministic, schema-shaped result; questions containing 'zzz' abstain."""
    n = sum(map(ord, question)) % 97
    passages = [
        {
            "rank": r,
            "chunk_id": n + r,
            "source": "doc.txt",
            "text": f"passage {r} for {question}\nsecond line",
            "score": round(0.9 - r / 10, 3),
            "start": 10 * r,
            "end": 10 * r + 9,
            "dense_score": 0.5,
            "matched_by": ["dense", "lexical"],
            "location": {"label": f"doc.txt › Bab {r}", "page": None, "headings": [f"Bab {r}"]},
        }
        for r in (1, 2)
    ]
    abstained = "zzz" in question
    return {
        "question": question,
        "abstained": abstained,
        "confidence": 0.1 if abstained else round(0.5 + n / 200, 4),
        "answer": None
        if abstained
        else {"text": f"Jawaban untuk {question}", "source": "doc.txt", "chunk_id": n, "score": -0.25},
        "passages": passages,
    }


class FakeAnswer:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, questions: list[str]) -> list[dict]:
        self.calls.append(list(questions))
        return [fake_result(q) for q in questions]

    @property
    def asked(self) -> list[str]:
        return [q for call in self.calls for q in call]


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def csv_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def md_ids(path: Path) -> list[str]:
    return re.findall(r"^<!-- qa:id=(\S*)(?: [qc]=\S+)* -->$", path.read_text(), re.M)


def ids_of(path: Path) -> list[str]:
    if path.suffix == ".jsonl":
        return [o["id"] for o in jsonl(path)]
    if path.suffix == ".csv":
        return [r["id"] for r in csv_rows(path)]
    return md_ids(path)


def disk_full_at(monkeypatch, call: int) -> None:  # noqa: ANN001 - pytest's fixture
    """Make the ``call``-th ``os.fsync`` fail as a full disk does (the others sync as usual)."""
    calls, real_fsync = [0], os.fsync

    def fsync(fd: int) -> None:
        calls[0] += 1
        if calls[0] == call:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
