"""Indonesian text analysis: normalisation, informal words, stopwords, stems and word spans.

One analysis serves the BM25 index, the question analysis and the highlights, so a word matches the
same way everywhere. PyStemmer (Snowball Indonesian, BSD) is imported on first use. ``ANALYSIS_ID``
names the tables and rules: it goes into the index manifest, so editing a table makes the index stale.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import Any

LEXICAL_VERSION = "id-v4"  # bump when the rules below change (the tables are hashed into ANALYSIS_ID)

# Informal / chat Indonesian -> standard form, applied word by word after lower-casing; general usage, not
# tuned on evaluation questions. "_" in a value is a space; an empty value drops the word (discourse
# particles). Nasal chat verbs (nyari, ngurus) are listed one by one: a generic rule is ambiguous (nyanyi,
# ngeri are base words). "buat" is left alone (it also means "make"). Closed compounds KBBI writes apart are
# split (the stemmer turns "kerjasama" into "rjasama").
_INFORMAL_SPEC = """
yg=yang sbg=sebagai dgn=dengan dg=dengan utk=untuk krn=karena karna=karena dr=dari pd=pada kpd=kepada
dlm=dalam ttg=tentang thd=terhadap tsb=tersebut spt=seperti kyk=seperti kayak=seperti tp=tetapi tapi=tetapi
jg=juga sm=sama ama=sama lg=lagi jd=jadi kalo=kalau klo=kalau trus=terus sblm=sebelum
stlh=setelah bbrp=beberapa skrg=sekarang dll=dan_lain-lain dsb=dan_sebagainya dst=dan_seterusnya
tdk=tidak gak=tidak ga=tidak gk=tidak nggak=tidak enggak=tidak ngga=tidak engga=tidak kagak=tidak
bkn=bukan blm=belum blom=belum belom=belum sdh=sudah udah=sudah udh=sudah dah=sudah bs=bisa hrs=harus
msh=masih sdg=sedang dpt=dapat pengen=ingin pingin=ingin pgn=ingin mo=mau emang=memang bener=benar
gmn=bagaimana gimana=bagaimana bgmn=bagaimana knp=mengapa kenapa=mengapa napa=mengapa ngapain=apa
brp=berapa sapa=siapa dmn=di_mana dimana=di_mana kemana=ke_mana darimana=dari_mana diantara=di_antara
aja=saja doang=saja cuman=hanya cman=hanya bgt=sangat banget=sangat sgt=sangat gitu=begitu gini=begini
ntar=nanti entar=nanti sampe=sampai pake=pakai bnyk=banyak org=orang sy=saya gue=saya gw=saya aq=aku
kmu=kamu lu=kamu lo=kamu elo=kamu mrk=mereka tlg=tolong makasih=terima_kasih mksh=terima_kasih
nyari=mencari ngurus=mengurus ngatur=mengatur ngelola=mengelola ngerjain=mengerjakan nanya=bertanya
bikin=membuat kerjaan=pekerjaan tu=itu emg=memang apaan=apa dapet=dapat nego=negosiasi ginian=begini
gituan=begitu ato=atau atw=atau gmna=bagaimana gmana=bagaimana kpn=kapan trs=terus pdhl=padahal
sebenernya=sebenarnya sbnrnya=sebenarnya bnr=benar smpe=sampai orng=orang dikit=sedikit
ngasih=memberi dikasih=diberi nyiapin=menyiapkan ngelakuin=melakukan ngerti=mengerti ngadain=mengadakan
ngadepin=menghadapi ngebantu=membantu bantuin=membantu nemuin=menemui ngomongin=membicarakan
sih= dong= deh= kok= kan= nih= tuh= lho= loh= yah= kerjasama=kerja_sama bekerjasama=bekerja_sama
tanggungjawab=tanggung_jawab bertanggungjawab=bertanggung_jawab
"""
INFORMAL: dict[str, str] = {
    k: v.replace("_", " ") for k, v in (item.split("=") for item in _INFORMAL_SPEC.split())
}

# Stopwords: function words trimmed from the general-purpose Tala (2003) Indonesian list, plus chat
# particles. Kept on purpose (they carry meaning for QA): negations (tidak, bukan, belum, tak, jangan),
# modals (bisa, dapat, boleh, harus, perlu, mampu, mau, ingin, wajib), numerals, "sama" (kerja sama).
# Question words are dropped: they never occur in the passages that answer them.
_STOPWORDS_SPEC = """
apa siapa kapan mana berapa bagaimana mengapa bilamana dan atau serta tetapi namun melainkan
sedangkan padahal sehingga agar supaya karena sebab jika jikalau kalau apabila bila maka lalu
kemudian bahwa bahwasanya yaitu yakni ialah adalah merupakan walau walaupun meski meskipun biarpun
bahkan justru malah malahan selain sementara sambil di ke dari pada kepada daripada dalam untuk bagi
dengan oleh tentang mengenai terhadap sejak hingga sampai antara tanpa menurut melalui per demi atas
sebelum sesudah setelah selama ketika saat sebagai sebagaimana seperti secara saya aku kami kita
kamu anda engkau dia ia beliau mereka kalian dirinya ini itu tersebut sini situ sana begini begitu
demikian yang sebuah seorang suatu sesuatu para sang si segala semua semuanya seluruh setiap tiap
beberapa berbagai sejumlah masing-masing lain-lain lainnya sebagainya seterusnya ada adanya sudah
telah sedang masih akan pernah lagi juga pula saja hanya cuma sangat amat sekali terlalu paling
lebih agak cukup lah kah pun ya yah nah wah toh
"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORDS_SPEC.split())
# The vowel letters, one definition for every word rule that asks of one letter (affixes, spelling, stems);
# a string, so it also joins other letters ("ghk" + VOWELS): test a single letter, never a longer slice.
VOWELS = "aeiou"

_L = r"(?:[^\W_]|[\u0300-\u036f])"  # a letter or digit, or a combining accent (\w misses those)
_WORD_RE = re.compile(rf"\d+(?:[.,]\d+)+|{_L}+(?:[-\u2010\u2011'\u2019]{_L}+)*")
_SIMPLE_RE = re.compile(r"[^\W_]+")
_JOINED_RE = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")  # jum'at: an apostrophe inside joins one word
_DROPPED = "|".join(k for k, v in INFORMAL.items() if not v)  # particles, removed with one adjacent space
_DROP_RE = re.compile(rf"^(?:{_DROPPED})(?![\w-]) ?| ?(?<![\w-])(?:{_DROPPED})(?![\w-])")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)+")
_HYPHEN_RE = re.compile(r"[-\u2010\u2011]")
_CLITIC_RE = re.compile(r"(?:lah|kah|pun)$")
# Chat shorthand for a reduplication: a word of two letters or more and a "2" (isu2 = isu-isu), with a
# possessive or the -an of X-Xan after it (tugas2nya, teman2ku, sayur2an). One letter and a 2 is a code
# (G2, B2, S2, O2); so, often, are two (km2, CO2: left as read before, section 160). A word with an
# apostrophe inside is repeated whole ("jum'at2" is "jum'at-jum'at", not "jum'at-at": section 160).
_CHAT_REDUP_RE = re.compile(r"([^\W\d_]{2,}|[^\W\d_]+(?:['\u2019][^\W\d_]+)+)2(nya|ku|mu|an)?")


def _tables_hash() -> str:
    """A short hash of the stopword and informal-word tables, so that editing either is noticed."""
    text = " ".join(sorted(STOPWORDS)) + "\n" + " ".join(f"{k}={v}" for k, v in sorted(INFORMAL.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


ANALYSIS_ID = f"{LEXICAL_VERSION}:tables-{_tables_hash()}"


def _fold(text: str) -> str:
    """NFKC, lower case and accent folding (kafé -> kafe): the stemmer only knows plain letters."""
    text = unicodedata.normalize("NFKC", text).lower()
    if text.isascii():
        return text
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", text)


def normalize(text: str) -> str:
    """Lower-case, NFKC, accent-folded text with the informal-Indonesian table applied word by word."""
    text = _DROP_RE.sub("", _fold(text))
    return _JOINED_RE.sub(lambda m: _formal(m.group()), text)


def _formal(word: str) -> str:
    """A word written with a 2 (kerjasama2 -> kerja-kerja sama) in formal spelling, read whole before
    the stemmer sees "kerjasama" or an apostrophe splits it; else each of its parts through the table."""
    written = chat_reduplication(word)
    if written != word:
        return written
    if word.isalnum():  # no apostrophe inside: the common case, one look-up
        return _informal(word)
    return _SIMPLE_RE.sub(lambda m: _informal(m.group()), word)


def _informal(word: str) -> str:
    """The formal form of a chat word, also with the possessive -nya (kerjaannya -> pekerjaannya)."""
    if word in INFORMAL:
        return INFORMAL[word]
    base = word[:-3]
    if word.endswith("nya") and INFORMAL.get(base, "").isalpha():
        return INFORMAL[base] + "nya"
    return word


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("indonesian")


@lru_cache(maxsize=1 << 18)
def _stem(word: str) -> str:
    return word if any(c.isdigit() for c in word) else _stemmer().stemWord(word)


def _is_stop(word: str) -> bool:
    """Stopword, also with a -lah/-kah/-pun clitic (apakah, itulah, siapapun)."""
    return word in STOPWORDS or _CLITIC_RE.sub("", word) in STOPWORDS


def _reduplication(x: str, y: str) -> list[str]:
    """Stems of a hyphenated pair X-Y, reducing Indonesian reduplication to one base.

    Full (kerja-kerja, berkali-kali: same stem) -> that stem; affixed overlap (melebih-lebihkan,
    meniru-nirukan: X ends with Y's start) -> stem of the merged word (melebihkan); nasal assimilation
    (tarik-menarik) or a rhyme with another first letter (sayur-mayur, lauk-pauk) -> stem of X;
    anything else (bolak-balik, covid-19) -> both stems.
    """
    sx, sy = _stem(x), _stem(y)
    if x == y or sx == sy:
        return [] if _is_stop(x) else [sx]
    for k in range(min(len(x), len(y)), 2, -1):
        if x.endswith(y[:k]):
            return [_stem(x + y[k:])]
    if (len(x) >= 4 and y.endswith(x[1:])) or (len(x) == len(y) and x[1:] == y[1:]):
        return [] if _is_stop(x) else [sx]
    return [s for p, s in ((x, sx), (y, sy)) if not _is_stop(p)]


def chat_reduplication(word: str) -> str:
    """Chat's shorthand for a reduplicated word written out formally: "isu2" is "isu-isu", "tugas2nya"
    "tugas-tugasnya", "ngurus2" "mengurus-mengurus"; a compound repeats its first word, as "surat-surat
    kabar" does ("kerjasama2" is "kerja-kerja sama"). Any other word as it is."""
    m = "2" in word and _CHAT_REDUP_RE.fullmatch(word)  # the test first: this runs on every word
    if not m:
        return word
    first, space, rest = (INFORMAL.get(m.group(1)) or m.group(1)).partition(" ")
    return f"{first}-{first}{space}{rest}{m.group(2) or ''}"


def _analyze_word(w: str) -> list[str]:
    """Stems of one normalized word (number, plain or hyphenated)."""
    if _NUMBER_RE.fullmatch(w):
        groups = re.split(r"[.,]", w)
        sep_ok = len(set(re.findall(r"[.,]", w))) == 1 and all(len(g) == 3 for g in groups[1:])
        return ["".join(groups)] if sep_ok else [w]  # 1.000.000 -> 1000000; 2,5 stays 2,5
    w = chat_reduplication(w.replace("'", "").replace("\u2019", ""))
    if _is_stop(w):
        return []
    parts = [p for p in _HYPHEN_RE.split(w) if p]
    if len(parts) == 1:
        return [] if _is_stop(parts[0]) else [_stem(parts[0])]
    if len(parts) == 2:
        return _reduplication(parts[0], parts[1])
    return list(dict.fromkeys(_stem(p) for p in parts if not _is_stop(p)))


@lru_cache(maxsize=1 << 18)
def _analyze(raw: str) -> tuple[str, ...]:
    """Stems of one word as found in the original text; cached, this is the hot path of indexing."""
    return tuple(s for w in _WORD_RE.findall(normalize(raw)) for s in _analyze_word(w))


def tokenize(text: str) -> list[str]:
    """Stems of the content words of `text`, in order (stopwords removed)."""
    return [s for raw in _WORD_RE.findall(text) for s in _analyze(raw)]


def token_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, stem) per content word, offsets into the original `text` (for highlighting).

    A word that yields several stems (kerjasama -> kerja, sama; bolak-balik) gives one entry per stem,
    each with the span of the whole original word.
    """
    return [(m.start(), m.end(), s) for m in _WORD_RE.finditer(text) for s in _analyze(m.group())]
