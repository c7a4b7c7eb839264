"""Candidate features and labels of a question set over one index (the reranker's training rows).

Graded relevance: 2 when the candidate's sentence holds an expected phrase, 1 when only its window
does, 0 otherwise. A question is answerable over an index when an expected phrase occurs in its corpus,
whitespace aside: FacQA holds some paragraphs twice, once with "260,571" and once with "260, 571", so a
question whose paragraph has a copy in the other half is answerable over both halves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.features import candidate_features
from qa.passage_table import PassageTable
from qa.question import analyze

from .data import CACHE, Question, as_read, encode_cached, spaceless


@dataclass
class Collected:
    """Per question: feature matrix, graded labels, fused scores, answerable flag, facts; ``questions``
    as the models read them over this index (``data.as_read``) and their query vectors."""

    name: str
    questions: list[Question]
    qvecs: np.ndarray
    x: list[np.ndarray]
    y: list[np.ndarray]
    fused: list[np.ndarray]
    rows: list[np.ndarray]
    answerable: np.ndarray
    group: np.ndarray  # paragraph of the answer (for grouped folds); -1 - i when none
    facts: list
    table: PassageTable | None  # None when read back from the cache
    assistant: object


def _contains(texts: list[str], expected: list[str]) -> np.ndarray:
    wanted = [e.lower() for e in expected]
    return np.array([any(w in t for w in wanted) for t in texts], dtype=bool)


def _answer_paragraph(windows: list[str], keys: list[int], expected: list[str], default: int) -> int:
    """The paragraph of the first window holding an expected phrase (the fold group of a question)."""
    for r, w in enumerate(windows):
        if any(e.lower() in w for e in expected):
            return keys[r]
    return default


def collect(
    name: str, assistant, questions: list[Question], qvecs: np.ndarray, pool_size: int = 30
) -> Collected:
    """The rows of ``questions`` as given: already read as the runtime reads them (``collect_cached``)."""
    retriever = assistant.retriever
    table = PassageTable(assistant.index, retriever.passage_texts)
    sentences = [c.text.lower() for c in assistant.index.chunks]
    windows = [t.lower() for t in retriever.passage_texts]
    paragraph_key: dict[tuple[str, int], int] = {}
    keys = [
        paragraph_key.setdefault((c.doc, c.paragraph), len(paragraph_key)) for c in assistant.index.chunks
    ]
    corpus = spaceless(" ".join(d.text for d in assistant.documents.values()))
    out = Collected(
        name,
        questions,
        qvecs,
        [],
        [],
        [],
        [],
        np.zeros(len(questions), bool),
        np.zeros(len(questions), np.int64),
        [],
        table,
        assistant,
    )
    n = retriever.candidates  # the depth the runtime scores on, whatever k (qa.retrieval.CANDIDATES)
    for start in range(0, len(questions), 64):
        batch = questions[start : start + 64]
        pools = retriever.pools([q.question for q in batch], qvecs[start : start + 64], n)
        for i, (q, pool) in enumerate(zip(batch, pools)):
            qi = start + i
            facts = analyze(q.question)
            c = candidate_features(
                table, assistant.index.vectors, q.question, qvecs[qi], pool, facts, pool_size
            )
            rows = c.rows.tolist()
            in_sent = (
                _contains([sentences[r] for r in rows], q.expected)
                if q.expected
                else np.zeros(len(rows), bool)
            )
            in_win = (
                _contains([windows[r] for r in rows], q.expected) if q.expected else np.zeros(len(rows), bool)
            )
            out.x.append(c.x)
            out.y.append(np.where(in_sent, 2, np.where(in_win, 1, 0)).astype(np.int64))
            out.fused.append(pool.fused[c.pool_index])
            out.rows.append(c.rows)
            out.facts.append(facts)
            out.answerable[qi] = bool(q.expected) and any(spaceless(e) in corpus for e in q.expected)
            out.group[qi] = _answer_paragraph(windows, keys, q.expected, -1 - qi)
    return out


def collect_cached(
    name: str,
    assistant,
    questions: list[Question],
    encoder,
    cache: Path = CACHE,
    pool_size: int = 30,
    vectors: str | None = None,
) -> Collected:
    """``collect`` of ``questions`` read as the runtime reads them over ``assistant``'s corpus, stored as
    .npz under ``cache`` keyed by the feature set, the questions and the index build. Their query vectors
    are cached under ``vectors`` (default ``name``): a name shared by question sets read alike over
    several corpora (FacQA's over its halves) encodes them once."""
    import hashlib

    from qa.features import FEATURE_SET

    questions = as_read(assistant, questions)  # what ask_many's models read, not the stored text
    shared = assistant.index.lexical.shared  # the runtime's query vectors over this corpus
    qvecs = encode_cached(encoder, [q.question for q in questions], vectors or name, cache, shared)

    # the code that computes the rows is part of the key: a changed analysis, retrieval or feature
    # recollects them. The whole core (qa/*.py) is hashed, not a list of the modules it uses today: a
    # list went stale when question.py was split, and a stale row is worse than a slow run.
    code = sorted((Path(__file__).parents[1] / "qa").glob("*.py"))
    code.append(Path(__file__))  # and so are the labels
    source = hashlib.sha256(b"".join(f.read_bytes() for f in code)).hexdigest()

    build = json.dumps(
        assistant.index.manifest.get("build", {}).get("id", assistant.index.manifest.get("corpus"))
    )
    key = hashlib.sha256(
        "\n".join(
            [
                FEATURE_SET,
                source,
                build,
                str(pool_size),
                *(q.question + "\t" + "|".join(q.expected) for q in questions),
            ]
        ).encode()
    ).hexdigest()[:16]
    path = cache / f"rows-{name}-{key}.npz"
    if path.exists():
        z = np.load(path, allow_pickle=False)
        sizes = z["sizes"]
        cuts = np.cumsum(sizes)[:-1]
        out = Collected(
            name,
            questions,
            qvecs,
            np.split(z["x"], cuts),
            np.split(z["y"], cuts),
            np.split(z["fused"], cuts),
            np.split(z["rows"], cuts),
            z["answerable"],
            z["group"],
            [],
            None,
            assistant,
        )
        return out
    out = collect(name, assistant, questions, qvecs, pool_size)
    np.savez(
        path,
        x=np.concatenate(out.x),
        y=np.concatenate(out.y),
        fused=np.concatenate(out.fused),
        rows=np.concatenate(out.rows),
        sizes=np.array([len(y) for y in out.y]),
        answerable=out.answerable,
        group=out.group,
    )
    return out
