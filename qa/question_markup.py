"""What a typed message holds around its words: list numbers, labels, mentions, hashtags, shouting.

People paste questions from a numbered list ("3. Apakah penyuluh …?"), label them ("Q: …", "Pertanyaan:
…"), address a bot ("@admin …"), tag them ("… ? #karier") and type them in capitals. None of that is what
the question asks about, yet read as words it was: "1. Berapa banyak bahasa …?" made the abstention say
"Dokumen tidak menyebut jumlah 1 bahasa asing.", the number in front hid the "apakah" of a yes/no
question, "@bot" and "#karier" were content words the document "does not state" (and tipped an answerable
question into an abstention), and a shouted question met the encoder in a case it was never trained on.
``plain_message`` takes them away before the question is analysed and before the models read it; a
message with none of them comes back unchanged, character for character. General typing habits, no words
of a corpus; used by qa/question.py (docs/reliability.md section 45).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .answer_type import YESNO_EN
from .question_chat import addresses_next
from .question_words import is_question_word

# A list number, letter or Roman numeral ("1.", "2)", "(3)", "a.", "ii.", "#1"), an exercise's number
# ("Soal 3:", "No. 4"), a label saying "question" ("Q:", "Tanya:", "Pertanyaan saya:", "Question 2:") or
# an e-mail's ("RE:", "Fwd:") opening the message or a sentence after "?" / "!": followed by a space, so
# "1.000 buku" and "2,5 juta" stay. "Soal" without a number is left alone: "Soal cuti: berapa harinya?"
# names the topic, and so is a number not set off by a mark ("Nomor 3 itu apa?", "Soal 3 tentang apa?";
# "No. 4" is a label).
# A capital with a full stop is a name's initial ("M. Nuh menjabat …?", "T. B. Simatupang …"), not a list
# letter nor a label ("Q:", "T)", "q." are), unless a question opens after it ("A. Apakah …?", "B. apa
# …?": no name is a question word; section 62). A small letter with a full stop is a list letter before what
# opens a question (a capital, a question word: "a. apa tugas …?"; a word with the question particle -kah,
# an English auxiliary: "a. bisakah …?", "b. is …?", which say it asks yes or no, section 62); before
# another small word it is an initial typed in lower case ("e. coli itu bakteri apa?", "s. aureus"), see
# ``_marker_or_initial``.
# A list's Roman numeral of two letters or more ("ii.", "iv)", "III."): no initial is two letters.
_ROMAN = r"(?:i{2,3}|iv|vi{1,3}|ix|xi{1,3}|I{2,3}|IV|VI{1,3}|IX|XI{1,3})"
_MARKER = re.compile(
    r"(?:(?<![\s\S])|(?<=[?!]\s))\s*"
    rf"(?:\(?(?:\d{{1,2}}|[a-z]|{_ROMAN})[.)]|\(?[A-Z]\)|[A-Z]\.|#\d{{1,2}}"
    r"|(?i:soal|nomor|no)\s*(?i:no\.?\s*)?\d{1,2}[:.)]|(?i:no)\.\s*\d{1,2}[:.)]?"
    r"|(?:[qt]\s*[:.)]|[QT]\s*[:)])"
    r"|(?i:tanya|pertanyaan(?:\s+(?:saya|ku|\d{1,2}))?|pertanyaanku|question(?:\s+\d{1,2})?)\s*[:.)]"
    r"|(?i:re|fw|fwd)\s*:)"
    r"(?=\s)"
)
# A signature closing the message after its question: "… ? Salam, Budi", "… ? -Budi", "… ? Regards, Ani S."
_SIGN_OFF = (
    r"salam|regards|best\s+regards|hormat\s+saya|wassalam|cheers|terima\s+kasih|makasih|thanks|thank\s+you"
)
_SIGNATURE = re.compile(
    rf"(?<=[?!])\s*(?:[-\u2013\u2014~]+\s*|(?i:{_SIGN_OFF})\W*)"
    r"(?:[A-Z][^\W\d_]*\.?\s*){0,3}$"
)
# "@admin", "@bot_kantor": whom the message is addressed to (an e-mail address has a word before its "@").
_MENTION = re.compile(r"(?<![^\s(\[])@[^\W_][\w.]*")
# A mention is an address where a vocative stands: opening the message or a sentence, set off by a comma,
# or closing the message after its last mark ("… ? @bot") or without one. After a word of a sentence and
# before its mark it is one of its words ("apa tugas @asisten menteri?", "apa tugas @diplomat?"): its
# "@" goes, its word stays; after a word that greets, pleads or addresses ("tolong @admin jelaskan …", "kak
# @budi apa …?", "… ya @admin?") it is an address again (section 62). Looked at in a bounded window either
# side (linear in the message).
_ADDRESS_BEFORE = re.compile(r"(?:^|[?!.,;:(\[]|@[\w.]+)\s*$")
_ADDRESS_AFTER = re.compile(r"^\s*(?:$|[,;:)\]]|@)")
_MENTION_WINDOW = 40
_BEFORE_MENTION = re.compile(r"([^\W\d_]+)\s+$")
_HASHTAG = re.compile(r"(?<![^\s(\[])#(?=[^\W_])")
_TAG = re.compile(r"#[^\W_]\w*")
_TOKEN = re.compile(r"\S+")
_SMALL_INITIAL = re.compile(r"\s*[a-z]\.")
_CAPITAL_INITIAL = re.compile(r"\s*[A-Z]\.")
_NEXT_WORD = re.compile(r"\s+([^\W_]+)")
_QUESTION_PARTICLE = "kah"  # "bisakah", "benarkah": a word asking, opening a yes/no question
# Chat writes the possessive apart ("org nya", "bos nya"): read as the word's own -nya, not a word.
# After an acronym it is left out: "KTPnya" is no word the index holds ("KTP nya" is "KTP").
_DETACHED_NYA = re.compile(r"(?<=[^\W\d_])\s+nya(?![^\W_-])")
_BEFORE_NYA = re.compile(r"[^\W\d_]+$")
_SHOUTED_WORDS = 2  # a message of this many words (2+ letters) in capitals only is shouted, not one acronym


def plain_message(text: str, names_something: Callable[[str], bool] | None = None) -> str:
    """``text`` without list numbers and question labels, a signature, mentions and a closing run of
    hashtags (an inner hashtag keeps its word; the closing ones too when, ``names_something`` says, the
    message names nothing without them: "Apa itu #MeToo" asks about the tag), with a detached "nya" joined
    to its word and a shouted message in lower case; ``text`` itself when it has none of these."""
    plain = _MARKER.sub(_marker_or_initial, text)
    plain = _SIGNATURE.sub("", plain)
    plain = _MENTION.sub(_without_mention, plain)
    untagged = _without_closing_tags(plain)
    weigh = names_something if untagged != plain else None
    if any(c.isalnum() for c in untagged) and (  # "#pustakawan #tugas" alone keeps its words
        weigh is None or weigh(untagged) or not weigh(plain)  # "Apa itu #MeToo" asks about the tag
    ):
        plain = untagged
    plain = _HASHTAG.sub("", plain)
    plain = _DETACHED_NYA.sub(_joined_nya, plain)
    if _shouted(plain):  # one character for one ("İ".lower() is two): the text never grows
        plain = "".join(c.lower() if len(c.lower()) == 1 else c for c in plain)
    return text if plain == text else plain.strip()


def _marker_or_initial(m: re.Match[str]) -> str:
    """A list number, letter or label taken away; a letter with a full stop kept when the word after it
    does not open a question (an initial: "e. coli", "M. Nuh"), a small one before a capital aside."""
    marker = m.group()
    if _SMALL_INITIAL.fullmatch(marker) or _CAPITAL_INITIAL.fullmatch(marker):
        after = _NEXT_WORD.match(m.string, m.end())
        word = after.group(1) if after else ""
        if (word[:1].islower() or marker.strip()[0].isupper()) and not _opens_a_question(word):
            return marker
    return " "


def _opens_a_question(word: str) -> bool:
    """``word`` (lower case) says a question opens: a question word, a word asking with -kah, an English
    auxiliary ("bisakah", "is", "does"): the answer type is read from the question's first word."""
    low = word.lower()
    asking = low.endswith(_QUESTION_PARTICLE) and len(low) > len(_QUESTION_PARTICLE) + 1
    return is_question_word(low) or asking or low in YESNO_EN


def _without_mention(m: re.Match[str]) -> str:
    """An address mention left out; a mention inside a sentence kept as its word (without the "@")."""
    text, start, end = m.string, m.start(), m.end()
    before = text[max(0, start - _MENTION_WINDOW) : start]
    after = text[end : end + _MENTION_WINDOW]
    if start <= _MENTION_WINDOW and not before.strip():
        return " "
    if _ADDRESS_BEFORE.search(before) or _ADDRESS_AFTER.match(after):
        return " "
    word = _BEFORE_MENTION.search(before)
    if word and addresses_next(word.group(1).lower()):
        return " "
    return m.group()[1:]


def _joined_nya(m: re.Match[str]) -> str:
    """The detached "nya" joined to its word; left out after an acronym (two capitals or more)."""
    word = _BEFORE_NYA.search(m.string, max(0, m.start() - 40), m.start())
    return "" if word and len(word.group()) >= 2 and word.group().isupper() else "nya"


def _without_closing_tags(text: str) -> str:
    """``text`` without the run of hashtags closing it (read token by token: a regular expression anchored
    at the end was tried from every position, quadratic in a message of 16,000 characters)."""
    cut = len(text)
    for token in reversed(list(_TOKEN.finditer(text))):
        if not _TAG.fullmatch(token.group()):
            break
        cut = token.start()
    return text if cut == len(text) else text[:cut].rstrip()


def _shouted(text: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", text)
    return len(words) >= _SHOUTED_WORDS and not any(c.islower() for c in text)
