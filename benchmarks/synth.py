"""Deterministic Indonesian-like text, and a fast stand-in encoder, for benchmarks at 10k-100k passages.

The real document has 10 sentences; scaling questions (ANN, BM25 at 100k, incremental updates) need
large corpora that anyone can regenerate bit for bit, so the generator is code with a fixed seed, not
data. The text has what the pipeline reacts to: real Indonesian function words (stopwords for BM25),
Zipf-distributed pseudo-words with Indonesian syllables and affixes, topical documents (so keyword and
vector neighbourhoods exist), names, numbers, commas, and 1-4 sentences per line (a line is a paragraph).
Every sentence ends where ``qa.chunking`` splits, so N generated sentences are exactly N passages.
Only ``random.Random`` is used: its sequence for a given seed is the same on every platform and
Python version this project supports.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from qa.boundaries import ABBREVIATIONS

SEED = 6  # the issue number; any fixed value would do
SENTENCES_PER_DOC = 500
VOCABULARY = 30_000
TOPICS = 60
TOPIC_WORDS = 1_500

FUNCTION_WORDS = (
    "yang dan di ke dari untuk dengan pada dalam ini itu adalah akan tidak juga oleh sebagai karena telah "
    "sudah bahwa atau para masih dapat harus bisa lebih serta antara tersebut kepada setelah namun"
).split()
REAL_WORDS = (
    "pemerintah menteri kerja sama luar negeri kebijakan laporan rapat kunjungan negara daerah kota warga "
    "pasar harga beras petani nelayan sekolah guru siswa rumah sakit dokter pasien jalan banjir hujan "
    "gunung pulau laut kapal pesawat bandara polisi hakim sidang partai pemilu presiden gubernur bupati "
    "anggaran pajak bank saham ekonomi investasi ekspor impor minyak listrik air tanah hutan sungai "
    "perusahaan karyawan buruh upah pelatihan program bantuan sosial kesehatan pendidikan budaya olahraga "
    "sepak bola pertandingan juara festival musik film buku penelitian universitas mahasiswa teknologi"
).split()
_ONSETS = "b c d g h j k l m n p r s t w y ng ny".split() + [""]
_VOWELS = "a a a i i u u e o".split()
_CODAS = [""] * 6 + "n ng r s t k l h m".split()
_PREFIXES = [""] * 8 + "me mem men meng ber di ter pe per ke se".split()
_SUFFIXES = [""] * 8 + "kan an i nya".split()
_QUESTION_WORDS = ("Apa", "Siapa", "Bagaimana", "Mengapa", "Kapan", "Di mana", "Berapa")


def _root(rng: random.Random) -> str:
    syllables = rng.choice((2, 2, 2, 3, 3))
    return "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))


class Generator:
    """Documents and questions from one seed; document ``i`` depends only on (seed, i), so sizes nest."""

    def __init__(self, seed: int = SEED) -> None:
        rng = random.Random(f"qa-synth:{seed}:vocabulary")
        self.seed = seed
        words: dict[str, None] = dict.fromkeys(REAL_WORDS)
        while len(words) < VOCABULARY:
            word = rng.choice(_PREFIXES) + _root(rng) + rng.choice(_SUFFIXES)
            if len(word) >= 4 and word not in ABBREVIATIONS and word not in FUNCTION_WORDS:
                words[word] = None
        self.vocabulary = list(words)
        rng.shuffle(self.vocabulary)
        self.names = [_root(rng).capitalize() for _ in range(2_000)]
        zipf = list(itertools.accumulate(1.0 / (r + 1) ** 1.07 for r in range(VOCABULARY)))
        self._general = zipf
        self._topic_cw = zipf[:TOPIC_WORDS]
        self.topics = [rng.sample(self.vocabulary, TOPIC_WORDS) for _ in range(TOPICS)]

    def _sentence(self, rng: random.Random, topic: list[str]) -> str:
        n = rng.randint(7, 22)
        words: list[str] = []
        for i in range(n):
            last = i == n - 1
            x = rng.random()
            if x < 0.30 and not last and i > 0:
                words.append(rng.choice(FUNCTION_WORDS))
            elif x < 0.34 and not last:
                words.append(
                    f"{rng.randint(2, 999)}.{rng.randint(0, 999):03d}"
                    if rng.random() < 0.3
                    else str(rng.randint(1, 2030))
                )
            elif x < 0.39:
                words.append(rng.choice(self.names))
            elif x < 0.80:
                words.append(rng.choices(topic, cum_weights=self._topic_cw)[0])
            else:
                words.append(rng.choices(self.vocabulary, cum_weights=self._general)[0])
            if not last and rng.random() < 0.07:
                words[-1] += ","
        words[0] = words[0][:1].upper() + words[0][1:]
        return " ".join(words) + ("?" if rng.random() < 0.03 else ".")

    def document(self, i: int, sentences: int = SENTENCES_PER_DOC) -> list[list[str]]:
        """Lines of sentences of document ``i``; one or two topics per document."""
        rng = random.Random(f"qa-synth:{self.seed}:doc:{i}")
        topics = [self.topics[t] for t in rng.sample(range(TOPICS), rng.choice((1, 2)))]
        lines: list[list[str]] = []
        left = sentences
        while left:
            k = min(left, rng.choice((1, 2, 2, 3, 3, 4)))
            lines.append([self._sentence(rng, rng.choice(topics)) for _ in range(k)])
            left -= k
        return lines

    def corpus(self, passages: int, per_doc: int = SENTENCES_PER_DOC) -> Iterator[tuple[str, str]]:
        """(document id, text) pairs holding exactly ``passages`` sentences in total."""
        for i in range((passages + per_doc - 1) // per_doc):
            n = min(per_doc, passages - i * per_doc)
            yield f"synth-{i:05d}.txt", "\n".join(" ".join(line) for line in self.document(i, n)) + "\n"

    def questions(self, n: int, docs: int = 20) -> list[str]:
        """Questions made of 3-6 content words of a sentence of the first ``docs`` documents."""
        rng = random.Random(f"qa-synth:{self.seed}:questions")
        out = []
        for _ in range(n):
            line = rng.choice(self.document(rng.randrange(docs)))
            words = [w.strip(",.?").lower() for w in rng.choice(line).split()]
            content = [w for w in words if w not in FUNCTION_WORDS and not w[:1].isdigit()]
            picked = sorted(rng.sample(range(len(content)), min(len(content), rng.randint(3, 6))))
            out.append(f"{rng.choice(_QUESTION_WORDS)} {' '.join(content[j] for j in picked)}?")
        return out


def write_corpus(directory: Path, passages: int, seed: int = SEED) -> list[Path]:
    """Write the generated corpus as files of ``SENTENCES_PER_DOC`` sentences each."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in Generator(seed).corpus(passages):
        (directory / name).write_text(text, encoding="utf-8")
        paths.append(directory / name)
    return paths


_WORD = re.compile(r"\w+")


class StandInEncoder:
    """A text -> vector map that costs microseconds: the stand-in for e5 on the corpus side at 10k/100k.

    Each word gets a fixed random latent vector (from its hash); a text is the mean of its words'
    latents, projected to 384 dimensions, plus a common offset, normalized. Texts that share words are
    close and the vectors have a low intrinsic dimension and one dominant direction, as sentence
    embeddings do, so ANN recall and search cost behave like on real vectors while a 100k build takes
    seconds instead of an hour. ``queries`` (the real encoder) answers ``encode_queries`` when given, so
    question-side costs are real.
    """

    model = "standin-hash-lowrank-v1"
    query_prefix = "query: "
    passage_prefix = "passage: "

    def __init__(self, queries=None, dim: int = 384, latent: int = 48, seed: int = SEED) -> None:
        self.queries = queries
        self.dim = dim
        self.runtime = "standin" + (f"+{queries.runtime}" if queries is not None else "")
        rng = np.random.default_rng(seed)
        self._proj = (rng.standard_normal((latent, dim)) / np.sqrt(latent)).astype(np.float32)
        self._offset = rng.standard_normal(dim).astype(np.float32)
        self._offset *= 2.1 / np.linalg.norm(self._offset)  # unrelated texts at cosine ~0.8, as e5 gives
        self._latent = latent
        self._cache: dict[str, np.ndarray] = {}

    def _word(self, word: str) -> np.ndarray:
        vec = self._cache.get(word)
        if vec is None:
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            vec = np.random.default_rng(int.from_bytes(digest, "little")).standard_normal(self._latent)
            vec = self._cache[word] = vec.astype(np.float32)
        return vec

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = _WORD.findall(text.lower()) or ["_"]
            out[i] = np.mean([self._word(w) for w in words], axis=0) @ self._proj
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        out += self._offset
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def truncate(self, text: str) -> tuple[str, bool]:
        return self.queries.truncate(text) if self.queries is not None else (text, False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.queries.encode_queries(texts) if self.queries is not None else self._encode(texts)

    def encode_passages(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        return self._encode(texts)
