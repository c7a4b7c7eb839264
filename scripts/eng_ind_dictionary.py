"""Regenerate qa/data/eng_ind.json, the English–Indonesian dictionary an English question is read through.

Source: Debian's ``dict-freedict-eng-ind`` (FreeDict's English–Bahasa Indonesia FreeDict+WikDict
dictionary, built by WikDict from Wiktionary via DBnary; CC-BY-SA-3.0, Karl Bartel). Its dictd entries
("headword /ipa/ <pos>", then per sense a line of translations, numbered "1. " when there are several
senses, and an English gloss line) become ``{"headword": ["translation", ...]}``: lower-cased, proper
nouns, phrases and affix entries (``<suffix>``, ``<prefix>``, "-an", "ke-") left out (a question is
looked up word by word), each translation once. The translations are stored as written; the runtime
stems them as it stems the corpus (``qa.translation``).

    python scripts/eng_ind_dictionary.py                 # apt-get download the package, extract, write
    python scripts/eng_ind_dictionary.py --deb FILE.deb  # from a .deb already at hand
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "qa" / "data" / "eng_ind.json"
PACKAGE = "dict-freedict-eng-ind"
DICT = "usr/share/dictd/freedict-eng-ind"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
HEAD = re.compile(r"^(?P<word>.+?)\s+(?:/[^<]*/\s*)*<(?P<pos>[^>]+)>\s*$")
NUMBERED = re.compile(r"^\s*\d+\.\s*(?P<text>.*)$")
SKIPPED_POS = frozenset({"pn", "suffix", "prefix", "infix", "interfix", "circumfix"})
WORD = re.compile(r"^[a-z][a-z'-]*[a-z]$|^[a-z]$")  # one word: a question is looked up word by word


def _b64(s: str) -> int:
    n = 0
    for c in s:
        n = n * 64 + B64.index(c)
    return n


def entries(index_text: str, data: bytes) -> list[str]:
    """The dictd entries' texts, in the index's order (the 00-database-* records left out)."""
    out = []
    for line in index_text.splitlines():
        head, offset, size = line.split("\t")
        if head.startswith("00database"):
            continue
        out.append(data[_b64(offset) : _b64(offset) + _b64(size)].decode("utf-8"))
    return out


def translations(entry: str) -> tuple[str, str, list[str]]:
    """(headword, part of speech, translations) of one entry: the line after the head when the senses are
    not numbered, else every numbered line (the gloss lines are English and left out)."""
    lines = [ln for ln in entry.splitlines() if ln.strip()]
    m = HEAD.match(lines[0]) if lines else None
    if m is None:
        return "", "", []
    body = lines[1:]
    numbered = [NUMBERED.match(ln) for ln in body]
    texts = [n.group("text") for n in numbered if n] if any(numbered) else body[:1]
    found = []
    for text in texts:
        text = re.sub(r"\s+\d+\.\s*$", "", text)  # "Ayyub 2.": a sense with no translation ran on
        for part in text.split(","):
            part = part.strip().lower()
            if part and not part.startswith("-") and not part.endswith("-") and part not in found:
                found.append(part)
    return m.group("word").strip().lower(), m.group("pos").strip(), found


def build(index_text: str, data: bytes) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for entry in entries(index_text, data):
        word, pos, found = translations(entry)
        if not word or pos in SKIPPED_POS or not WORD.match(word):
            continue
        kept = table.setdefault(word, [])
        kept.extend(t for t in found if t not in kept)
    return {w: t for w, t in sorted(table.items()) if t}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python scripts/eng_ind_dictionary.py")
    ap.add_argument("--deb", type=Path, help=f"a downloaded {PACKAGE}_*.deb (default: apt-get download)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        deb = args.deb
        if deb is None:
            subprocess.run(["apt-get", "download", PACKAGE], cwd=tmp, check=True)
            deb = next(Path(tmp).glob(f"{PACKAGE}_*.deb"))
        version = deb.name.split("_")[1] if deb.name.count("_") >= 2 else "unknown"
        subprocess.run(["dpkg-deb", "-x", str(deb), tmp], check=True)
        index_text = (Path(tmp) / f"{DICT}.index").read_text(encoding="utf-8")
        with gzip.open(Path(tmp) / f"{DICT}.dict.dz") as f:
            data = f.read()
    table = build(index_text, data)
    doc = {
        "source": f"Debian package {PACKAGE} {version}: FreeDict English-Bahasa Indonesia FreeDict+WikDict "
        "dictionary (http://www.wikdict.com/, from Wiktionary via DBnary), Karl Bartel",
        "copyright": "2000-2022 FreeDict contributors (Debian's copyright file, Files: eng-ind/*)",
        "license": "CC-BY-SA-3.0 (https://creativecommons.org/licenses/by-sa/3.0/); this file is an "
        "adaptation (one-word headwords and translations only, lower-cased, no proper nouns or affixes) "
        "under the same licence",
        "notice": "qa/data/eng_ind.NOTICE",
        "regenerate": "python scripts/eng_ind_dictionary.py",
        "entries": table,
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(table)} headwords, {sum(map(len, table.values()))} translations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
