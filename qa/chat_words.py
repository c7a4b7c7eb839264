"""Chat's function words: the forms colloquial Indonesian types for conjunctions, prepositions, modals,
adverbs, negations, pronouns and particles, which an abstention never names.

Taken from a general description of colloquial Jakarta Indonesian (Sneddon 2006, *Colloquial Jakartan
Indonesian*) and the vowel-dropped shorthand chat writes for the function words of ``qa.analysis``'s
tables (its informal words and stopwords), never from questions of a corpus (docs/quality.md,
"Twenty-first round"). A message naming one ("Dokumen tidak menyebut bakal.") tells a user the question
was not understood, so ``qa.abstention`` names none of them (nor, in a question typed as chat, their
homographs). The lexical table does not read them as their formal words yet: that changes
``ANALYSIS_ID`` and the features the models were trained on, and the retrained models lost ranking held
out (training/patches/twenty-first-round-chat-function-words.patch reads them so).
"""

from __future__ import annotations

# chat form -> the formal function word ("_" is a space; empty: a particle, dropped)
_FUNCTION_SPEC = """
akn=akan tlh=telah prnh=pernah masi=masih lgi=lagi jga=juga lom=belum blum=belum mmg=memang
ndak=tidak kaga=tidak ngak=tidak gabisa=tidak_bisa gaboleh=tidak_boleh gaperlu=tidak_perlu gaada=tidak_ada
gatau=tidak_tahu gamau=tidak_mau jgn=jangan blh=boleh bole=boleh bsa=bisa kepengen=ingin kepingin=ingin
mksd=maksud mhn=mohon mending=sebaiknya mendingan=sebaiknya biar=agar shg=sehingga bhw=bahwa
sprti=seperti scr=secara thdp=terhadap untk=untuk tuk=untuk dngn=dengan bareng=dengan krna=karena yng=yang
dri=dari drpd=daripada sjk=sejak ssdh=sesudah mnrt=menurut ampe=sampai adlh=adalah hny=hanya
sja=saja smua=semua stiap=setiap byk=banyak kdg=kadang disini=di_sini disitu=di_situ disana=di_sana
kesini=ke_sini kesana=ke_sana kesitu=ke_situ sya=saya ane=saya ente=kamu elu=kamu loe=kamu donk=
"""
FUNCTION_FORMS: dict[str, str] = {
    k: v.replace("_", " ") for k, v in (item.split("=") for item in _FUNCTION_SPEC.split())
}
# Chat function words that are also a word a document may need, so no table may read them away (the
# table reads documents too): "pas" (when; also exact, a permit), "abis" (after; also run out), "kaya"
# and "kek" (like; also rich, grandpa), "gua" (I; also a cave), "kudu" (must; also the noni tree), "mah"
# (a topic particle; also a surname), "doi" (he, she; also a DOI), "rada" (rather; also Ukraine's
# parliament), "gada" (there is no; also a mace), "dalem" (in; also a noble's house: "abdi dalem", the
# palace's servants, "Pura Dalem", a temple; formal text never writes "dalam" so), "bakal" (will; also
# the stuff a thing is made of, "bakal calon", "bakal buah"), "tau" (know; also the Greek letter, "protein
# tau"). A message leaves one out only in a question typed as chat (``qa.chat_senses``): "Berapa jumlah
# gua …?" asks about caves; "bakal" before a verb is "akan" in any question. Some short forms are in
# neither list: "mw" (mau; megawatt), "lbh" (lebih; the legal-aid LBH), "km" (kamu; kilometre), "ni"
# (ini; Ni Luh, Balinese names).
HOMOGRAPHS = frozenset("pas abis kaya kek gua kudu mah doi rada gada dalem bakal tau".split())
# Forms of the informal table that standard written Indonesian uses as its own words: "tapi" (KBBI's
# short form of "tetapi"), "kenapa" (the question word of edited prose beside "mengapa") and the
# abbreviations "dll", "dsb", "dst", "tsb" of letters and reports. A formal question writes them, so none
# of them says a question is typed as chat (``qa.chat_senses``).
STANDARD_FORMS = frozenset("tapi kenapa dll dsb dst tsb".split())
# Chat's shorthand of content words, and the word each is short for: vowel-dropped ("hr", "thn") and
# clipped ("ortu", "perpus"), as colloquial Indonesian writes them generally, never from questions of a
# corpus, each with one reading ("asmen" is asisten menteri and, in companies, asisten manajer: a
# message would name a job the question may not mean). The analysis does not read them (that would
# change the features the models read); an abstention names the full word ("Dokumen tidak menyebut
# jumlah hari."), and none when the document holds it.
_SHORTHAND_SPEC = """
hr=hari mgg=minggu bln=bulan thn=tahun jm=jam tmpt=tempat kntr=kantor krj=kerja pkrjn=pekerjaan
hrg=harga brg=barang ortu=orang_tua perpus=perpustakaan medsos=media_sosial ultah=ulang_tahun
mapel=mata_pelajaran wamen=wakil_menteri menlu=menteri_luar_negeri
"""
CONTENT_SHORTHAND: dict[str, str] = {
    k: v.replace("_", " ") for k, v in (item.split("=") for item in _SHORTHAND_SPEC.split())
}
