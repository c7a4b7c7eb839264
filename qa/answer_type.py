"""What kind of answer a question asks for (its answer type), read from its standard words.

``qa.question.analyze`` reads it for three uses: a feature of the reranker and the answerability model
(a "kapan" question wants a passage with a date), the nouns that only restate it ("kota" of "kota mana",
"tahun" of "tahun berapa") kept out of the question's focus, and the ``lead`` an abstention message
names ("jumlah hari" for "cuti berapa hari?"). Only question words and the general nouns bound to them
are read, Indonesian and English; never a corpus's topic words.
"""

from __future__ import annotations

from .analysis import STOPWORDS
from .question_words import QUESTION_WORDS

ANSWER_TYPES = (
    "person",
    "time",
    "condition",
    "place",
    "quantity",
    "reason",
    "manner",
    "yesno",
    "definition",
    "other",
)

# Nouns that, bound to a question word, only restate the answer type ("kota mana", "tahun berapa").
PLACE_NOUNS = frozenset(
    "kota negara provinsi daerah wilayah tempat lokasi benua pulau kabupaten sebelah".split()
)
_TIME_NOUNS = frozenset("tahun tanggal bulan hari jam pukul waktu abad minggu".split())
_MEASURE_WORDS = frozenset("jumlah banyak besar lama kali persen tinggi luas jauh".split())
# What "berapa" + a measure asks for, in a message ("Dokumen tidak menyebut lama masa jabatan.").
_MEASURE_LEADS = dict(
    p.split("=") for p in "lama=lama besar=besar tinggi=tinggi luas=luas jauh=jarak persen=persentase".split()
)
_PLACE_VERBS = frozenset("berada terletak letak lokasi bertempat".split())
_PLACE_NOUNS_EN = frozenset("city country province place building region state town island".split())
_TIME_NOUNS_EN = frozenset("year month day date time century week".split())
_MEASURE_EN = frozenset("many much long old often far big large".split())
_REASON_NOUNS = frozenset("sebab alasan alasannya penyebab".split())
# "kapan sebaiknya …", "when should …": an advice or obligation word after "when" asks for a circumstance,
# which a document states with a conditional clause ("jika …"), not a date (docs/quality.md, thirty-sixth
# round). Not an ability or permission modal: "kapan bisa dihubungi?", "when can I register?" ask when a
# thing is possible, a time (office hours, a period), as "kapan" always did.
_MODALS = frozenset(
    "sebaiknya seharusnya semestinya sepatutnya hendaknya baiknya harus mesti perlu wajib".split()
)
_MODALS_EN = frozenset("should must ought".split())
# "dalam keadaan apa …", "under what circumstances …"; not "dalam hal apa" (mostly "in what respect").
_CONDITION_NOUNS = frozenset("keadaan kondisi situasi".split())
_CONDITION_NOUNS_EN = frozenset(
    "circumstance circumstances condition conditions case cases situation situations".split()
)
# Formal "Apakah nama ...?" asks *what* the name is, not yes or no: apakah + a noun naming an attribute.
_ATTRIBUTE_NOUNS = frozenset(
    "nama judul jenis macam kepanjangan singkatan arti julukan gelar sebutan istilah merek tema bentuk "
    "isi tujuan jabatan pekerjaan profesi status bahasa warna agama".split()
)
# "mana" after these is no "which": "mana mungkin" / "mana bisa" (how could), "mana ada" (no way), "mana
# tahu" (who knows); and a modal or negation before it selects nothing ("tidak mana").
_RHETORICAL = frozenset("mungkin bisa boleh tahu ada".split())
_NOT_HEADS = STOPWORDS | frozenset(
    "bisa dapat boleh harus perlu wajib mau ingin tidak tak bukan belum".split()
)
# Question words that ask for a type of their own: a "which N" beside one ("kapan … ke pejabat mana?",
# "berapa gaji … di kementerian mana?") binds its noun but leaves the type to that word (reliability 117).
_OWN_TYPE_WORDS = frozenset(
    "siapa kapan bilamana berapa mengapa kenapa bagaimana who whom whose when why how".split()
)
YESNO_EN = frozenset(  # English auxiliaries opening a yes/no question
    "is are was were do does did can could should would will shall may might must has have".split()
)


# Chat's prepositions the stopword list keeps as words ("sama" is also "same", "kerja sama"): before
# "N mana" they are "dengan" ("koordinasi sama pihak mana?"); an abstention never names one (qa.named_words).
CHAT_PREPOSITIONS = frozenset({"sama"})


def wh_heads(words: list[str]) -> list[tuple[str, str]]:
    """The noun each "mana" (which) selects, and the word before it: ("pihak", "dengan") of "dengan pihak
    mana …", ("lembaga", "") of "lembaga yang mana …". The noun names the category of the answer, which
    the answering passage names by itself ("perwakilan negara lain", not "pihak"). None for a "mana" that
    selects nothing: where-is ("mana laporannya?"), "mana yang …" (which one), "mana mungkin" (how
    could), "di mana" (where)."""
    heads = []
    for i, w in enumerate(words):
        if w != "mana" or i == 0 or (words[i + 1 : i + 2] and words[i + 1] in _RHETORICAL):
            continue
        j = i - 2 if words[i - 1] == "yang" else i - 1
        head = words[j] if j >= 0 else ""
        # The phrase's head is its first word ("surat kabar mana", "sekolah masak mana": the words after
        # it say which kind, and the answer must match them), so only a one-word phrase is read: one
        # opening the question or after a function word (di, dengan, yang; chat "sama").
        before = words[j - 1] if j > 0 else ""
        alone = j == 0 or before in STOPWORDS or before in QUESTION_WORDS or before in CHAT_PREPOSITIONS
        if alone and head.isalpha() and head not in _NOT_HEADS and head not in QUESTION_WORDS:
            heads.append((head, words[j - 1] if j else ""))
    return heads


def wh_head(words: list[str]) -> tuple[str, str]:
    """The first of ``wh_heads``, which decides the answer type; ("", "") when no "mana" selects a noun."""
    heads = wh_heads(words)
    return heads[0] if heads else ("", "")


def answer_type(words: list[str], heads: list[tuple[str, str]] | None = None) -> tuple[str, set[str]]:
    """The kind of answer wanted, and the nouns bound to the question word ("kota" of "kota mana");
    ``heads`` is ``wh_heads(words)`` when the caller has read it already."""
    ws = set(words)
    bound: set[str] = set()
    first = words[0] if words else ""
    if heads is None:  # "laporan yang mana …, dan ke pejabat mana …?": both only say a category
        heads = wh_heads(words)
    head, before = heads[0] if heads else ("", "")
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if w == "berapa" and (prev in _TIME_NOUNS or nxt in _TIME_NOUNS):
            bound |= {prev, nxt} & _TIME_NOUNS
            return "time", bound
        if w == "mana" and (prev in {"di", "ke", "dari"} or prev in PLACE_NOUNS):
            bound |= {prev} & PLACE_NOUNS | (_PLACE_VERBS & ws)
            return "place", bound
        # "negara apa", "bulan apa"; "which city", "what year"
        noun = prev if w == "apa" else nxt if w in {"which", "what"} else ""
        if noun in PLACE_NOUNS or noun in _PLACE_NOUNS_EN:
            return "place", bound | {noun} | (_PLACE_VERBS & ws)
        if noun in _TIME_NOUNS or noun in _TIME_NOUNS_EN:
            return "time", bound | {noun}
    selected = {noun for noun, _ in heads}
    if head and not ws & _OWN_TYPE_WORDS:  # "lembaga mana": the category only (reliability 107)
        # "di gedung mana" asks where, as "di mana" does; "ke" / "dari" also lead to a party ("dari pihak
        # mana"), and "place" wants a passage naming a place or a name (qa/passage_table.py)
        place = head in PLACE_NOUNS or before == "di"
        return "place" if place else "other", bound | selected | (_PLACE_VERBS & ws if place else set())
    bound |= selected  # "kapan laporan dikirim ke pejabat mana?": a time is asked; "pejabat" a category
    condition = _condition_nouns(words)
    if condition is not None:
        return "condition", bound | condition
    if ws & {"siapa", "who", "whom", "whose"}:
        return "person", bound
    if ws & {"kapan", "bilamana", "when"}:
        return "time", bound
    if "where" in ws:
        return "place", bound | (_PLACE_VERBS & ws)
    if "berapa" in ws or ("how" in ws and ws & _MEASURE_EN):
        i = words.index("berapa") if "berapa" in ws else -1
        if 0 <= i < len(words) - 1 and words[i + 1] in _MEASURE_WORDS:
            bound.add(words[i + 1])
        return "quantity", bound | (_MEASURE_EN & ws)
    if ws & {"mengapa", "kenapa", "why"} or ("apa" in ws and ws & _REASON_NOUNS):
        return "reason", bound | (_REASON_NOUNS & ws)
    if ws & {"bagaimana", "how"}:
        return "manner", bound
    # "apa itu X?", "apa arti X?"; not "itu" as a demonstrative or topic marker ("asisten itu ngurus apa?")
    apa_itu = any(a == "apa" and b == "itu" for a, b in zip(words, words[1:]))
    naming = ws & {"dimaksud", "arti", "artinya", "pengertian", "definisi"}
    definition = ("apa" in ws and (apa_itu or naming)) or (
        first == "what" and len(words) > 1 and words[1] in {"is", "are", "does"}
    )
    if first == "apakah" and len(words) > 1 and (words[1] in _ATTRIBUTE_NOUNS or words[1] == "yang"):
        return "other", bound
    if first == "apakah" and words[-1:] == ["itu"]:  # "apakah diplomasi itu?": the formal "what is"
        return "definition", bound
    kah = first.endswith("kah") and first[:-3] not in QUESTION_WORDS  # bisakah, bolehkah, adakah
    if first == "apakah" or first in YESNO_EN or kah:
        return "yesno", bound
    if definition or (len(words) >= 2 and words[-2:] == ["itu", "apa"]):
        return "definition", bound
    return "other", bound


def _condition_nouns(words: list[str]) -> set[str] | None:
    """The nouns that only restate a question for a circumstance ("keadaan" of "dalam keadaan apa"), empty
    for "kapan sebaiknya …" / "when should …"; None when the question asks for no circumstance."""
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        after = words[i + 2] if i + 2 < len(words) else ""
        if (w in {"kapan", "bilamana"} and nxt in _MODALS) or (w == "when" and nxt in _MODALS_EN):
            return set()
        if w in {"dalam", "pada"} and nxt in _CONDITION_NOUNS and after in {"apa", "bagaimana"}:
            return {nxt}
        # "in what condition is the roof?" asks for a state ("in good condition"), not a circumstance
        state = w == "in" and after == "condition"
        if w in {"under", "in"} and nxt in {"what", "which"} and after in _CONDITION_NOUNS_EN and not state:
            return {w, after}  # "under" restates the type as "circumstances" does
    return None


def lead(answer_type: str, words: list[str]) -> str:
    """How a message names what *berapa* + a unit or a measure asks for, where the answer type's own word
    names it badly: "jumlah hari" for "cuti berapa hari?" (a duration; "waktu" fits "tahun berapa", a
    point in time), "lama" for "berapa lama", "jarak" for "berapa jauh" ("jumlah" fits counts only)."""
    for i, w in enumerate(words[:-1]):
        unit = words[i + 1]
        if w == "berapa" and answer_type == "time" and unit in _TIME_NOUNS:
            return f"jumlah {unit}"
        if w == "berapa" and answer_type == "quantity" and unit in _MEASURE_LEADS:
            return _MEASURE_LEADS[unit]
    return ""
