"""Regenerate qa/data/id_words.txt, the speller's Indonesian word list, from Debian's ``hunspell-id``.

The list is the LibreOffice Indonesian Hunspell dictionary's word column (LGPL-3, Copyright (C) 2017 Ali
Ahmadi; the affix file it pairs with is GPL, Benitius Brevoort): the /FLAGS stripped, lower case, only
words of letters, at least three of them; and each word the dictionary flags as taking a clitic (-nya,
-ku, -mu, -lah, -kah) with it too ("makannya", "dialah"), as Hunspell accepts them: the affix file is
read only for which flags add a bare clitic, and not copied. A clitic is no word's by default: "maslah"
is a typo of "masalah", not "mas" + "-lah" (docs/reliability.md section 62). Sastrawi's root-word list
is not used: it comes from Kateglo under CC-BY-NC-SA, which a public Space may not ship (section 56).

    python scripts/id_words.py                  # apt-get download hunspell-id, then extract and write
    python scripts/id_words.py --deb FILE.deb   # from a .deb already at hand
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "qa" / "data" / "id_words.txt"
DIC = "usr/share/hunspell/id_ID.dic"
AFF = "usr/share/hunspell/id_ID.aff"
CLITICS = frozenset({"nya", "ku", "mu", "lah", "kah"})  # Hunspell writes "pun" apart (EYD): no flag adds it
FLAG_LETTERS = 2  # the .aff's "FLAG long": each flag two characters
MIN_LETTERS = 3  # as qa/wordlist.py reads: the one- and two-letter entries ("a", "ab") are no evidence

HEADER = """\
# Indonesian words for the speller's doubts (qa/wordlist.py); one a line, lower case.
# Source: Debian package hunspell-id {version} (LibreOffice dictionaries, dictionaries/id/id_ID.dic),
#   the word column of id_ID.dic: /FLAGS stripped, lower-cased, letters only, >= {min} letters, sorted;
#   a word flagged as taking a clitic (-nya, -ku, -mu, -lah, -kah) also listed with it.
# Copyright (C) 2017 Ali Ahmadi <idnux09@gmail.com>. Licence: LGPL-3 (GNU Lesser General Public
#   License version 3; qa/data/id_words.NOTICE, qa/data/LGPL-3.txt, qa/data/GPL-3.txt).
#   The dictionary's affix file (id_ID.aff, read for its clitic flags only, not copied) says GPL,
#   Benitius Brevoort, 2004/2014.
# Regenerate: python scripts/id_words.py
"""


def clitic_flags(aff_text: str) -> dict[str, set[str]]:
    """The .aff's suffix flags that add a bare clitic to a word ("SFX o0 0 nya .": o0 → -nya), with the
    clitics each adds; an entry that strips letters, has a condition or continues (a circumfix's "-nya"
    needs its "ke-") adds none."""
    flags: dict[str, set[str]] = {}
    for line in aff_text.splitlines():
        parts = line.split("#", 1)[0].split()
        bare = len(parts) == 4 or (len(parts) > 4 and parts[4] == ".")
        if bare and parts[0] == "SFX" and parts[2] == "0" and parts[3] in CLITICS:
            flags.setdefault(parts[1], set()).add(parts[3])
    return flags


def words_of(dic_text: str, clitics: dict[str, set[str]] | None = None) -> list[str]:
    """The .dic's entries as the speller reads them: the first line (a count) and /FLAGS dropped, and
    each word a flag of ``clitics`` marks also with those clitics ("makan/o0" → makanku, makanmu, …)."""
    out = set()
    for line in dic_text.splitlines()[1:]:
        entry, _, flags = line.partition("/")
        word = entry.strip().lower()
        if len(word) >= MIN_LETTERS and word.isalpha() and word.isascii():
            out.add(word)
            flags = flags.strip()
            for i in range(0, len(flags), FLAG_LETTERS):
                out.update(word + c for c in (clitics or {}).get(flags[i : i + FLAG_LETTERS], ()))
    return sorted(out)


def extract(deb: Path, into: Path) -> tuple[str, str, str]:
    """The .dic's and the .aff's text and the package's version, by dpkg-deb."""
    subprocess.run(["dpkg-deb", "-x", str(deb), str(into)], check=True)
    field = ["dpkg-deb", "-f", str(deb), "Version"]
    version = subprocess.run(field, check=True, capture_output=True, text=True).stdout.strip()
    aff = (into / AFF).read_text(encoding="latin-1")  # its "SET ISO8859-1"
    return (into / DIC).read_text(encoding="utf-8"), aff, version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--deb", type=Path, help="a hunspell-id .deb (default: apt-get download it)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        deb = args.deb
        if deb is None:
            subprocess.run(["apt-get", "download", "hunspell-id"], cwd=tmp, check=True)
            deb = next(Path(tmp).glob("hunspell-id_*.deb"))
        text, aff, version = extract(deb.resolve(), Path(tmp) / "x")
    words = words_of(text, clitic_flags(aff))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    body = HEADER.format(version=version, min=MIN_LETTERS) + "\n".join(words) + "\n"
    args.out.write_text(body, encoding="utf-8")
    print(f"{len(words)} words from hunspell-id {version} → {args.out}")


if __name__ == "__main__":
    main()
