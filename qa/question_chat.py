"""What a typed message holds besides its question: greetings, thanks, ways of addressing, interjections,
talk about asking, and the sentences around the question itself.

People type questions as they chat: "Halo kak, mau tanya dong: apa tugas pustakawan? Makasih." Only
"apa tugas pustakawan" says what to look for; read whole, the greeting and the thanks became words the
document "does not state", and an answerable question was abstained on ("Dokumen tidak menyebut halo
kak."), while "halo" or "jadi gimana?" alone, asking nothing, was searched and could be answered. The
vocabulary is general chat usage, never words of a corpus; used by qa/question.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .analysis import INFORMAL, STOPWORDS
from .question_words import is_question_word

# Words that are never what a question asks about: greetings, thanks, apologies for asking, ways of
# addressing the reader, talk about asking itself, a test message. Matched as whole words, in any case; a
# capitalised one inside a sentence is kept (a name: "kapan Halo dirilis?").
_CHAT_SPEC = """
halo hallo helo hai hay hi hello hey hei permisi assalamualaikum selamat_pagi selamat_siang
selamat_sore selamat_malam good_morning good_afternoon good_evening
terima_kasih_banyak terima_kasih_sebelumnya makasih_banyak makasih_sebelumnya terima_kasih terimakasih
makasih mksh trims thanks thank_you thx tq
mohon_maaf_mengganggu mohon_maaf maaf_mengganggu maaf_sebelumnya maaf_ya sorry pls plz plis pliss
kak min gan sis bro mbak sob tanya bertanya nanya nanyain
"""
_CHAT_PHRASES = sorted((w.replace("_", r"\s+") for w in _CHAT_SPEC.split()), key=len, reverse=True)
# An interjection: a hum, a sigh, laughter ("hmm", "ehh", "wkwk", "hahaha", "hehe").
_INTERJECTION = r"h+m+|m{3,}|e+h+|a+h+|o+h+|u+h+|w+k+(?:w+k+)*w*|(?:h+[aei]+)+h*|x+d+"
# "maaf" opening a message is an apology for asking ("maaf, apa …?"); elsewhere it may be asked about
# ("bagaimana cara meminta maaf?").
_CHAT_RE = re.compile(
    rf"(?<![^\W_])(?:{'|'.join(_CHAT_PHRASES)}|{_INTERJECTION}|(?<![\s\S])maaf)(?![^\W_])", re.IGNORECASE
)
# Ways of addressing someone that are also words ("pak" sir, "mas" also gold, "om" uncle, "bang" brother):
# an address only as a vocative (``_without_vocatives``), with the addressee's name if any.
_ADDRESS = (
    "pak|bapak|bu|ibu|mas|bang|abang|om|tante|dek|adek|bund|bunda|kang|teh|neng|bos|gaes|guys|admin|kakak"
)
# Two typed as one with a slash address either reader, as letters and forms do: "Bapak/Ibu", "Pak/Bu".
_ADDRESS_WORD = re.compile(rf"(?i:{_ADDRESS})")
# Words after which a name is whom the message is addressed to: a plea ("tolong @admin jelaskan …"), a
# salutation ("dear @budi"), a sentence particle ("… ya @admin?"); greetings and address terms too.
_BEFORE_AN_ADDRESSEE = frozenset("tolong mohon please dear yth ya dong deh sih nih yah".split())
_NAMED = rf"(?i:{_ADDRESS})(?:\s*/\s*(?i:{_ADDRESS}))?(?:\s+[A-Z][^\W\d_]*)?"
_OPENING_VOCATIVE = re.compile(
    rf"\W*(?P<term>{_NAMED}(?:\s+(?i:mau|boleh|numpang))?)(?![^\W_])\s*(?P<set_off>[,!:])?"
)
_CLOSING_VOCATIVE = re.compile(rf",\s*(?P<term>{_NAMED})\W*$")
_VOCATIVES_IN_A_ROW = 3
# After an opening address word and its comma: more words set off by commas closed by a conjunction.
_ENUMERATION = re.compile(r"\s*[^\W\d_]+\s*,\s*(?:[^\W\d_]+\s*,\s*){0,8}(?i:dan|atau|serta|and|or)\s")
# Words that carry a question only together with something else: a connective ("jadi gimana?", "terus?"),
# a follow-up to a previous answer the assistant does not keep ("yang lain?", "contohnya?", "tell me
# more", "how come?"), a bare plea for help or information ("bisa bantu?", "minta info"), small talk
# ("apa kabar?"), disbelief ("serius?"), a test message, a plea to answer ("pls jawab", "tolong dijawab").
# A question of these alone names nothing and is
# vague; beside other words they stay (they can be what is asked: "bantuan apa?", "kapan tes CPNS?",
# "contoh kegiatan literasi?").
EMPTY_ALONE = frozenset(
    """
    jadi terus lalu lanjut lanjutkan selanjutnya lain lainnya lagi tadi contoh misal lengkap selengkap
    detail detil rinci bantu bantuan help minta info informasi jelasin dijelasin ceritain cerita
    penasaran kabar kabarmu kabarnya ok oke okay okey sip iya beneran serius masa salam pertanyaan
    question test tes testing anything something then so more else further again elaborate details
    come jawab answer reply
    """.split()
)
# Where a sentence ends: after ? or ! (spaces or not: "menteri?saya"), after . ; : before white space when
# they follow a lower-case word (not "PT. Pupuk", "Sony D. Kuncoro", "Prof. Djoko": abbreviations).
_CLAUSE_END = re.compile(r"[?!]+|[.;:]+(?=\s)")
_LAST_WORD = re.compile(r"[^\W\d_]*$")
_TOPIC = frozenset("tentang soal mengenai terkait perihal seputar about regarding".split())  # "about"
_FIRST_PERSON = frozenset("saya aku kami i my me we our".split())  # chat forms (gue, gw, aq) map to these
# A web address pasted into the message: where something is, not words to look for ("https", "com").
_ADDRESS_RE = re.compile(r"(?<![^\W_])(?:https?://|www\.)\S+", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_QUOTES = frozenset('"\u201c\u201d\u00ab\u00bb')
# A Roman numeral typed in lower case ("golongan iii", "abad xviii", "pasal xxx"): a number, not a stretch.
_ROMAN = re.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")


def addresses_next(low: str) -> bool:
    """A name right after ``low`` (lower case) is an addressee: ``low`` greets, thanks, pleads, addresses
    or is a sentence particle ("halo", "tolong", "kak", "dear", "ya"); used for "@" mentions."""
    return low in _BEFORE_AN_ADDRESSEE or bool(_CHAT_RE.fullmatch(low) or _ADDRESS_WORD.fullmatch(low))


def unstretched(text: str) -> str:
    """``text`` with chat's stretched word endings undone: a last letter typed three times or more
    ("apaaa", "bangettt", "yaaa") once; typed twice, once when that gives a function or chat word ("yaa",
    "dongg", "kakk"): "saat", "maaf" stretch nothing, and English "too", "all", "free" stay as typed, as do
    Roman numerals in lower case ("golongan iii" is not "golongan i") and capitalised words, names ("Roh
    Moo-hyun" is not "mau")."""

    def shorten(m: re.Match[str]) -> str:
        word = m.group()
        last = word[-1]
        stem = word.rstrip(last)  # the word before its last letter's run
        run = len(word) - len(stem)
        if run < 2 or not last.isalpha() or not last.islower():  # "XXIII": Roman numerals, acronyms
            return word
        if _ROMAN.fullmatch(word):
            return word
        if run >= 3 or (word.islower() and _is_function_or_chat(stem + last)):  # not a name: "Moo-hyun"
            return stem + last
        return word

    return _WORD.sub(shorten, text)


def _is_function_or_chat(low: str) -> bool:
    return low in STOPWORDS or low in INFORMAL or is_question_word(low) or bool(_CHAT_RE.fullmatch(low))


def question_words_of(text: str) -> str:
    """The words of a typed message that may be its question's: web addresses and chat words blanked
    out, stretched endings undone."""
    return without_chat(unstretched(_ADDRESS_RE.sub(lambda m: " " * len(m.group()), text)))


def without_chat(text: str) -> str:
    """``text`` with its greetings, thanks, address terms and interjections blanked out (spaces), so the
    words left are the question's. A capitalised word after another word is a name and stays, unless that
    word is chat too ("Halo Kak", "Selamat Pagi Kak": greetings typed in title case)."""
    blanked_end = -1

    def blank(m: re.Match[str]) -> str:
        nonlocal blanked_end
        start = max(0, m.start() - 80, blanked_end)  # bounded: a match per word is linear
        before = text[start : m.start()].rstrip()
        if m.group()[:1].isupper() and before[-1:].isalnum():
            return m.group()
        blanked_end = m.end()
        return " " * len(m.group())

    return _without_vocatives(text, _CHAT_RE.sub(blank, text))


def _without_vocatives(typed: str, chatless: str) -> str:
    """``chatless`` with the words addressing someone blanked where they stand as a vocative: opening the
    message set off by a comma ("Pak, apa …?", "bu mau tanya, …", "Pak Budi, …", "Bapak/Ibu, …") or right
    after a greeting ("Halo pak apa …?"), a few in a row ("pak, bu, …"), or closing it after a comma
    ("…, bu?", "…, pak, bu?"; section 62).
    Elsewhere they are words ("Pak RT tugasnya apa?", "harga mas", "mas kawin"), and so is the first of
    a list ("Ibu, bapak, dan anak …"; section 56)."""
    pos = 0
    for turn in range(_VOCATIVES_IN_A_ROW):  # "pak, bu, apa …?": each set off by a comma
        opening = _OPENING_VOCATIVE.match(chatless, pos)
        greeted = not turn and opening and any(c.isalnum() for c in typed[: opening.start("term")])
        if not opening or not (opening.group("set_off") or greeted):
            break
        if opening.group("set_off") == "," and _ENUMERATION.match(chatless, opening.end()):
            break  # "Ibu, bapak, dan anak tinggal di mana?": the first of a list, not an address
        chatless, pos = _blank_words(chatless, opening), opening.end()
        if not opening.group("set_off"):
            break
    for _ in range(_VOCATIVES_IN_A_ROW):  # "…, pak, bu?": each set off by a comma
        closing = _CLOSING_VOCATIVE.search(chatless)
        if not closing:
            break
        chatless = _blank_words(chatless, closing)
    return chatless


def _blank_words(text: str, m: re.Match[str]) -> str:
    """``text`` with the letters and digits of ``m``'s term blanked (same length, punctuation kept)."""
    start, end = m.span("term")
    return text[:start] + re.sub(r"[^\W_]", " ", text[start:end]) + text[end:]


def question_clauses(text: str, names_something: Callable[[str], bool]) -> str:
    """The question of a message of several sentences: its sentences ending with "?", and those of the
    others that say what it is about ("Soal cuti tahunan. Berapa harinya?"), not those about the asker
    (first person: "Saya mahasiswa HI.", unless it gives the topic of the question after it) nor those
    that name nothing (``names_something`` false: "Terima kasih sebelumnya."). ``text`` itself when no
    sentence ends with "?", and always for a text quoting something (a title, a saying: its sentences
    belong to the question)."""
    if _QUOTES & set(text):
        return text
    clauses, start = [], 0
    for m in _CLAUSE_END.finditer(text):
        found = _LAST_WORD.search(text, max(start, m.start() - 80), m.start())  # the word it follows
        word = found.group() if found else ""
        if m.group()[0] in "?!" or (len(word) >= 2 and word.islower()):
            clauses.append(text[start : m.end()].strip())
            start = m.end()
    clauses = [c for c in [*clauses, text[start:].strip()] if any(ch.isalnum() for ch in c)]  # not "?."
    if not any(c.endswith("?") for c in clauses):
        return text
    kept = [
        c
        for c, after in zip(clauses, [*clauses[1:], ""])
        if c.endswith("?") or ((not _FIRST_PERSON & _words(c) or _leads_to(c, after)) and names_something(c))
    ]
    return text if len(kept) == len(clauses) else " ".join(kept)


def _leads_to(clause: str, question: str) -> bool:
    """A sentence about the asker that holds the topic of the question right after it: it says what the
    asking is about ("Saya ingin tahu tentang cuti pustakawan. Berapa hari per tahun?"), or the question
    points back at it ("Aku tertarik jadi asisten menteri. Apa syaratnya?": -nya, its)."""
    if not question.endswith("?"):
        return False
    return bool(_TOPIC & _words(clause)) or any(
        len(w) > 5 and w.endswith("nya") and w not in STOPWORDS for w in _words(question)
    )


def _words(text: str) -> set[str]:
    return {INFORMAL.get(w, w) for w in re.findall(r"[^\W\d_]+", text.lower())}
