"""Which sense a homograph of chat (qa/chat_words.py ``HOMOGRAPHS``) has in a question: the function word
an abstention never names ("pas" when, "kaya" like, "bakal" will) or the word a document may lack ("pas"
a permit, "kaya" rich, "bakal calon" a candidate-to-be). Read from the question's words and their
neighbours only, for the message (qa/abstention.py); the models read none of it (docs/reliability.md
sections 135, 140, 146).
"""

from __future__ import annotations

import re

from .analysis import INFORMAL, STOPWORDS
from .chat_verbs import CHAT_SUFFIX, CHAT_VERB_LETTERS, POSSESSIVE
from .chat_words import FUNCTION_FORMS, HOMOGRAPHS, STANDARD_FORMS
from .question_words import WORD_RE

# Homographs whose chat sense is a preposition or a conjunction, which takes a complement: "kaya apa",
# "pas rapat", "abis itu". With none after it, at a clause's end or before a negation, a particle or a
# degree word ("kaya gak?", "udah pas belum?", "kuotanya abis banget"), the word is the adjective or the
# verb it also is (rich, exact, run out), and a chat question asks about that.
_TAKES_COMPLEMENT = frozenset("pas abis kaya".split())
_NEGATIONS = frozenset("tidak bukan belum".split())  # read through INFORMAL: "gak", "ga", "blm"
# "raya" is the intensifier of "kaya raya" (very rich), no complement; "pas Hari Raya" has "hari" next.
_NO_COMPLEMENT = _NEGATIONS | frozenset("sangat sekali amat raya ya kah".split())
_CLAUSE_END = re.compile(r"[.?!;:]")
# "bakal" is "akan" before what "akan" precedes: a verb (a derived one: a verbal prefix and no root of
# the dictionary itself, "diadakan", "mendapat", "bekerja") or an auxiliary, a negation, an adverb of the
# predicate ("bakal ada", "bakal bisa", "bakal tidak"). Before a noun it is the noun "bakal calon".
_BAKAL = "bakal"
_VERB_PREFIXES = ("me", "ber", "be", "di", "ter", "per")
# per-…-an makes nouns of a domain or an event ("pertemuan", "perumahan"): "bakal pertemuan" is a
# meeting-to-be, as "bakal calon" is a candidate-to-be ("-kan" ends verbs: "pertahankan").
_NOUN_CONFIX = ("per", "an")
_AUXILIARIES = frozenset("tidak bisa dapat harus jadi menjadi mau perlu boleh sudah masih tetap".split())


def chat_homographs(question: str) -> set[str]:
    """The homographs of ``question`` that are function words there, which a message names none of: in a
    question typed as chat (``typed_as_chat``) each one, but a preposition with no complement ("kaya gak?",
    rich); in any question "bakal" before a verb ("Kapankah bakal diadakannya …?"). In a formal question
    the others are the words of the dictionary they are ("Berapa jumlah gua …?" asks about caves)."""
    low = question.lower()
    typed = [(m.group(), low[m.end() :]) for m in WORD_RE.finditer(low)]
    words = [_without_nya(w) for w, _ in typed]
    found = HOMOGRAPHS.intersection(words)
    if not found:
        return set()
    function = {_BAKAL} if any(w == _BAKAL and _before_a_predicate(after) for w, after in typed) else set()
    if typed_as_chat(words):
        function |= {h for h in found if h not in _TAKES_COMPLEMENT or _with_a_complement(h, typed)}
    return function & found


def typed_as_chat(words: list[str]) -> bool:
    """``words`` (lower case) hold a chat form: a word of the informal table or of ``FUNCTION_FORMS``
    other than one formal text writes too (a closed compound, "kerjasama", "dimana", "disini"; a standard
    form, "tapi", "kenapa": ``STANDARD_FORMS``), or a chat verb in -in the dictionary lacks ("ngikutin").
    A homograph is no evidence of its own: it is what is asked about."""
    from .wordlist import is_indonesian_word

    return any(
        (w not in STANDARD_FORMS and FUNCTION_FORMS.get(w, INFORMAL.get(w, w)).replace(" ", "") != w)
        or (w.endswith(CHAT_SUFFIX) and len(w) >= CHAT_VERB_LETTERS and not is_indonesian_word(w))
        for w in words
    )


def _with_a_complement(homograph: str, typed: list[tuple[str, str]]) -> bool:
    """Some occurrence of ``homograph`` (typed bare: "kayanya", apparently, is a function word whatever
    follows) has a word after it in its clause that is no negation, particle or degree word."""
    return any(w != homograph or _complement(after) for w, after in typed if _without_nya(w) == homograph)


def _complement(after: str) -> bool:
    """The text ``after`` a word starts with a word of its clause that can be its complement: a negated
    predicate is one ("pas gak ada sinyal", when there is no signal), a negation alone is none ("kaya
    gak?"), nor one before what may be the inverted subject ("udah pas belum gajinya?")."""
    m = WORD_RE.search(after)
    if m is None or _CLAUSE_END.search(after[: m.start()]):
        return False
    word = _formal(m.group())
    if word in _NEGATIONS:
        return _before_a_predicate(after[m.end() :])
    return word not in _NO_COMPLEMENT | {""}  # "": a particle, "sih", "dong"


def _before_a_predicate(after: str) -> bool:
    """The word after "bakal" (``after``: the text that follows it) is a verb or an auxiliary."""
    from .wordlist import is_indonesian_word, is_readable_word

    m = WORD_RE.search(after)
    if m is None or _CLAUSE_END.search(after[: m.start()]):
        return False
    word = _formal(m.group())
    if word in STOPWORDS or word in _AUXILIARIES:
        return True
    bare = _without_nya(word)
    noun = bare.startswith(_NOUN_CONFIX[0]) and bare.endswith(_NOUN_CONFIX[1]) and not bare.endswith("kan")
    derived = word.startswith(_VERB_PREFIXES) and not noun and not is_indonesian_word(word)
    return derived and is_readable_word(word)


def _formal(word: str) -> str:
    """``word`` as the tables read it: "gak" is "tidak", "dapet" "dapat", "sih" "" (a particle)."""
    return FUNCTION_FORMS.get(word, INFORMAL.get(word, word))


def _without_nya(word: str) -> str:
    """ "kayanya" is "kaya" + -nya (apparently); a short word ending so is itself ("punya")."""
    return word[: -len(POSSESSIVE)] if word.endswith(POSSESSIVE) and len(word) > len(POSSESSIVE) + 2 else word
