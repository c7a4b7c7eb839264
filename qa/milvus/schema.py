"""The collection a build writes: one row per passage, dense vector plus two BM25 text fields.

The engine scores BM25 itself (IDF, term-frequency saturation, length normalisation, top-k over its
inverted index), but the text it analyses is already our analysis (``qa.analysis``: informal words,
stopwords, number folding, reduplication, Snowball Indonesian stems) joined by spaces, so its terms are
exactly the local index's terms and only the scoring runs in the engine. Milvus Lite's analyzers are the
``standard`` (``\\w+``) and ``jieba`` tokenizers only, and a server's Snowball filter would not know our
informal-word table; a term with punctuation (a decimal ``2,5``) is written with underscores, which both
Lite's ``\\w+`` and a server's Unicode word tokenizer keep inside one word.
"""

from __future__ import annotations

from typing import Any

from ..analysis import tokenize

OWNER = "qa-asisten-menteri"  # property marking the collections this package created (and may drop)
P_OWNER, P_STATE, P_MANIFEST = "qa.owner", "qa.state", "qa.manifest"
P_BEAT = "qa.heartbeat"  # epoch seconds of a build's last batch: a running build is not an orphan
MAX_TEXT = 65_535  # Milvus VARCHAR limit, in bytes
_PUNCT = str.maketrans({",": "_", ".": "__"})  # a stem has no other punctuation (qa.analysis._WORD_RE)
ANALYZER = {"tokenizer": "standard"}
# The fields ``make_schema`` writes, by type, and the BM25 functions between them: what a collection
# must have to be read (``checks.py``); the readers ask for these fields by name.
FIELDS = {
    "row": "INT64",
    "sentence_key": "VARCHAR",
    "chunk": "VARCHAR",
    "vector": "FLOAT_VECTOR",
    "sentence": "VARCHAR",
    "sentence_bm25": "SPARSE_FLOAT_VECTOR",
    "window": "VARCHAR",
    "window_bm25": "SPARSE_FLOAT_VECTOR",
}
BM25_FIELDS = {"sentence": "sentence_bm25", "window": "window_bm25"}


def engine_text(text: str) -> str:
    """The analysed form the engine indexes: our stems, space-separated, punctuation as underscores."""
    return " ".join(t.translate(_PUNCT) for t in tokenize(text))


def text_terms(engine: str) -> list[str]:
    """Back from the engine text to our stems' spelling (the underscores are only for the tokenizer)."""
    return [t.replace("__", ".").replace("_", ",") for t in engine.split()]


def make_schema(client: Any, dim: int) -> Any:
    from pymilvus import DataType, Function, FunctionType

    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("row", DataType.INT64, is_primary=True)
    s.add_field("sentence_key", DataType.VARCHAR, max_length=64)
    s.add_field("chunk", DataType.VARCHAR, max_length=MAX_TEXT)
    s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
    for name, sparse in BM25_FIELDS.items():
        s.add_field(
            name, DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True, analyzer_params=ANALYZER
        )
        s.add_field(sparse, DataType.SPARSE_FLOAT_VECTOR)
        s.add_function(
            Function(
                name=f"{name}_bm25_fn",
                function_type=FunctionType.BM25,
                input_field_names=[name],
                output_field_names=[sparse],
            )
        )
    return s


def vector_index(n: int, policy: dict) -> tuple[str, dict, dict]:
    """(index type, build params, search params): the local store's policy, exact below its threshold."""
    if n <= policy["flat_max"]:
        return "FLAT", {}, {}
    h = policy["hnsw"]
    return "HNSW", {"M": h["M"], "efConstruction": h["efConstruction"]}, {"ef": h["efSearch"]}


def make_index_params(client: Any, n: int, policy: dict, k1: float, b: float) -> Any:
    """The vector and BM25 indexes. Their parameters go in one JSON ``params`` entry, the request form
    every Milvus reads: a server also reads them flattened (pymilvus's form), but Milvus Lite 3.2 reads
    only ``params`` and silently built HNSW with its own M=16, efConstruction=200 (3x the build time at
    10k passages)."""
    kind, params, _ = vector_index(n, policy)
    ip = client.prepare_index_params()
    ip.add_index("vector", index_type=kind, metric_type="IP", params={"params": params} if params else {})
    for name in ("sentence", "window"):
        ip.add_index(
            f"{name}_bm25",
            index_type="SPARSE_INVERTED_INDEX",
            metric_type="BM25",
            params={"params": {"bm25_k1": k1, "bm25_b": b}},
        )
    return ip
