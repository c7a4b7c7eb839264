"""Characters counted as a person sees them: extended grapheme clusters (UAX #29), in every limit and count
a user is told of; the work each limit bounds is bounded in code points too (docs/reliability.md
section 95). Counted by the ``regex`` module's ``\\X``, in linear time."""

from __future__ import annotations

import random
import time

import pytest

from qa.batch import MAX_QUESTION_CHARS, read_questions
from qa.errors import InputError
from qa.question_text import chars, code_point_cap
from qa.ui.limits import MAX_WEB_QUESTION_CHARS, check_question, read_upload, too_long

FLAG = "\U0001f1ee\U0001f1e9"  # 🇮🇩: two regional indicators
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧: five code points
THUMB = "\U0001f44d\U0001f3fd"  # 👍🏽: a skin-tone modifier
KEYCAP = "1\ufe0f\u20e3"  # 1️⃣
E = "e\u0301"  # é, decomposed


def test_a_flag_a_family_a_skin_tone_and_a_keycap_count_once():
    for shown in (FLAG, FAMILY, THUMB, KEYCAP, E, "\u1100\u1161\u11a8", "\u0915\u094d\u0937\u093f"):
        assert chars(shown) == 1, ascii(shown)
    assert chars(FLAG * 3 + "\U0001f1ee") == 4  # flags pair from the start of a run; the odd one is alone
    assert chars(f"apa {FLAG}?") == 6 and chars("a\r\nb") == 3 and chars("") == 0


def test_the_regex_declared_counts_a_conjunct_once_as_the_tests_here_do():
    """UAX #29's rule for Indic conjuncts (GB9c, Unicode 15.1) came to ``regex`` in 2024.7.24 (its issue 535);
    2024.5.15, which the floor of 2023.0 let pip install, counted "क्षि" as 2 characters and a Hindi question
    of 8 as 14, so a question's length, and whether it was refused, hung on the install."""
    import tomllib
    from packaging.requirements import Requirement
    from packaging.version import Version

    from tests.conftest import ROOT

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (regex,) = [Requirement(d) for d in declared if Requirement(d).name == "regex"]
    floors = [Version(s.version) for s in regex.specifier if s.operator in (">=", "==", "~=")]
    assert floors and max(floors) >= Version("2024.7.24"), regex
    assert chars("\u0915\u094d\u0937\u093f") == 1 and chars("क्या राष्ट्रीय स्वास्थ्य") == 8


def test_a_web_question_of_flags_under_the_cap_as_seen_is_asked_and_the_refusal_counts_them():
    question = "bendera " + FLAG * 400  # 808 code points, 408 characters: refused as 808 before
    assert check_question(question) == question
    with pytest.raises(InputError) as info:
        check_question(FAMILY * 501)
    assert "(501 karakter)" in info.value.message and "2.505" not in info.value.message


def test_one_character_of_ten_thousand_marks_is_still_refused_by_the_work_bound():
    """One grapheme, 10,001 code points: under 500 characters, over the code-point bound of the web cap."""
    question = "a" + "\u0301" * 10_000
    assert chars(question) == 1
    with pytest.raises(InputError) as info:
        check_question(question)
    said = info.value.message
    assert "1 karakter" in said and "10.001 titik kode" in said, said
    assert f"{code_point_cap(MAX_WEB_QUESTION_CHARS):,}".replace(",", ".") in said
    assert too_long(question).message == said


def test_batch_rows_and_an_upload_count_graphemes_and_bound_code_points(tmp_path):
    rows = tmp_path / "q.txt"
    rows.write_text(f"apa {FAMILY * 1499}\na{FLAG * 2000}\n{'a' + chr(0x301) * 9000}\n", encoding="utf-8")
    families, flags, marks = read_questions(rows)
    assert families.error is None and families.question == f"apa {FAMILY * 1499}"  # 7,499 code points
    assert flags.error == f"question too long (2001 characters, limit {MAX_QUESTION_CHARS})"
    cap = code_point_cap(MAX_QUESTION_CHARS)  # a row "too long" at 1 character says why: its code points
    assert marks.error == f"question too long (1 character but 9001 code points, limit {cap} code points)"
    # not "[1 more …", and not the letter with 199 of its marks: one character longer than all it may keep
    assert marks.question == "… [9001 more code points not kept]"
    upload = tmp_path / "web.txt"
    upload.write_text(f"a{THUMB * 500}\napa {THUMB * 400}\n", encoding="utf-8")
    over, fine = read_upload(upload)
    assert over.error == f"question too long (501 characters, limit {MAX_WEB_QUESTION_CHARS})"
    assert fine.error is None


def test_an_over_long_row_keeps_whole_characters_and_says_what_it_dropped(tmp_path):
    """An over-long row kept its first 200 code points, which could end inside a character: half a flag
    (a lone regional indicator, shown as a letter), half a family, a letter without its accent. It keeps
    the whole characters within 200 code points, and the note counts exactly what is not kept."""
    from qa.batch.readers import TOO_LONG_KEPT

    rows = tmp_path / "q.txt"
    rows.write_text(f"a{FLAG * 2000}\napa {FAMILY * 2000}\nx{E * 2100}\n{'b' * 199}{THUMB}{'c' * 7999}\n",
                    encoding="utf-8")  # fmt: skip
    flags, families, accents, thumb = read_questions(rows)
    assert flags.question == f"a{FLAG * 99}… [1901 more characters not kept]", flags.question[-60:]
    assert families.question == f"apa {FAMILY * 39}… [1961 more characters not kept]"  # not 1 man of 40
    assert accents.question == f"x{E * 99}… [2001 more characters not kept]"  # not an "e" without its mark
    assert thumb.question == f"{'b' * 199}… [8000 more characters not kept]"  # not a thumb without its tone
    lines = rows.read_text(encoding="utf-8").splitlines()
    for row, question in zip((flags, families, accents, thumb), lines, strict=True):
        kept = row.question.partition("… [")[0]
        assert len(kept) <= TOO_LONG_KEPT and question.startswith(kept)
        assert chars(kept) + int(row.question.split("[")[1].split()[0]) == chars(question)


def test_keeping_whole_characters_looks_at_the_start_only():
    """``whole_chars`` reads ``most + 1`` code points, whatever follows: 5 MB of flags, of marks or of
    one family after another cost nothing, and the cut is where the whole text's count puts it."""
    from qa.question_text import whole_chars

    for shape in (FLAG * 1_250_000, "a" + "\u0301" * 5_000_000, FAMILY * 1_000_000, "x\r\n" * 1_700_000):
        start = time.perf_counter()
        kept = whole_chars(shape, 200)
        assert time.perf_counter() - start < 0.05, ascii(shape[:8])
        assert shape.startswith(kept) and len(kept) <= 200
        assert chars(kept) + chars(shape[len(kept) : 4000]) == chars(shape[:4000]), ascii(shape[:8])
    assert whole_chars("a" * 199 + "\r\n", 200) == "a" * 199 and whole_chars("abc", 200) == "abc"
    assert whole_chars("\u0301" * 300, 200) == ""  # no character ends within 200 code points


def test_a_line_over_a_mebibyte_says_it_counted_code_points_and_keeps_whole_characters(tmp_path):
    """A line over 1 MiB is counted as it streams past, in code points (a character's end may lie any
    distance on), and its error called them "characters": 600,001 of them for a line of 300,001 flags.
    It says code points now, of the line and of what is not kept, and keeps whole flags."""
    from qa.labelled import read_jsonl

    line = "a" + FLAG * 300_000  # 2.4 MB, 600,001 code points, 300,001 characters
    rows = tmp_path / "q.txt"
    rows.write_text(f"{line}\napa?\n", encoding="utf-8")
    cut, fine = read_questions(rows)
    assert cut.error == ("line 1 is too long (600001 code points; a question holds at most 2000 characters): "
                         "not read past its first 1048576 bytes")  # fmt: skip
    assert cut.question == f"a{FLAG * 99}… [599802 more code points not kept]" and fine.error is None
    labelled = tmp_path / "q.jsonl"
    labelled.write_text(f"{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"q.jsonl:1: line is too long \(600001 code points\)"):
        list(read_jsonl(labelled, need_expected=True))


def test_a_csv_field_over_the_csv_modules_cap_says_it_counted_code_points(tmp_path):
    """The csv module refuses a field over its cap (131,072 code points, under our 1 MiB line): the row
    said "over 131072 characters" of a field that may hold far fewer characters."""
    import csv

    rows = tmp_path / "q.csv"
    marks = "\u0301" * (csv.field_size_limit() + 5)  # one character, over the cap in code points
    rows.write_text(f'id,question\n1,"a{marks}"\n', encoding="utf-8")
    (row,) = read_questions(rows)
    assert row.error == (f"question too long (over {csv.field_size_limit()} code points, "
                         f"limit {MAX_QUESTION_CHARS} characters)")  # fmt: skip


def test_a_row_refused_by_its_code_points_says_its_characters_too_in_both_languages(tmp_path):
    """ "question too long (9001 code points, limit 8000)" of a row showing one letter read as a mistake
    (the page: "pertanyaan terlalu panjang (9001 titik kode Unicode, batasnya 8000)"): the characters a
    person counts are said beside the code points, as the web's own refusal says them."""
    from qa.ui.pages import _status

    upload = tmp_path / "web.txt"
    upload.write_text("apa" + "\u0301" * 2000 + "\n", encoding="utf-8")
    (row,) = read_upload(upload)
    assert row.error == "question too long (3 characters but 2003 code points, limit 2000 code points)"
    assert _status({"error": row.error}, row.why) == (  # said from the row's code (section 133)
        "galat: pertanyaan terlalu panjang (3 karakter, tetapi 2003 "
        "titik kode Unicode; batasnya 2000 titik kode)"
    )


def test_a_question_of_joined_emoji_is_not_told_it_holds_stacked_diacritics():
    """300 kisses with skin tones (10 code points each) are 300 characters and 3,000 code points: the web's
    refusal named "tanda diakritik bertumpuk" alone, of a question holding none."""
    kiss = "\U0001f469\U0001f3fd\u200d\u2764\ufe0f\u200d\U0001f48b\u200d\U0001f468\U0001f3fb"
    with pytest.raises(InputError) as info:
        check_question("apa " + kiss * 300)
    said = f"{info.value.message} {info.value.hint}"
    assert "304 karakter, tetapi 3.004 titik kode" in said and "emoji" in said, said


def test_an_upload_over_the_code_point_total_says_its_bound_as_the_page_writes_numbers(tmp_path, monkeypatch):
    """The upload's total was said "lebih dari 800000 titik kode Unicode" (and "200000 karakter") where every
    other number the page shows is written "800.000"."""
    monkeypatch.setattr("qa.ui.limits.MAX_BATCH_CHARS", 1_000)  # 4,000 code points
    upload = tmp_path / "web.txt"
    upload.write_text(("a" + "\u0301" * 1_900 + "\n") * 3, encoding="utf-8")  # 3 characters, 5,703 points
    with pytest.raises(InputError) as info:
        read_upload(upload)
    assert "lebih dari 4.000 titik kode Unicode; batasnya 4.000 titik kode Unicode" in info.value.message


def test_the_count_is_the_libraries_on_any_mix_of_what_joins():
    """The flag pairs replaced before counting (for speed) change no count: against ``\\X`` itself."""
    import regex

    pool = [
        FLAG,
        "\U0001f1ee",
        "\U0001f1e9",
        "\u200d",
        "\U0001f468",
        "\U0001f3fd",
        "\u0301",
        "a",
        " ",
        "\u0600",
        "\r",
        "\n",
        "\u1100",
        "\u1161",
        "\u11a8",
        "\u0915",
        "\u094d",
        "\ufe0f",
        "\ue000",
    ]
    rng = random.Random(95)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
        assert chars(text) == len(regex.findall(r"\X", text)), ascii(text)


@pytest.mark.parametrize(
    "text",
    [FLAG * 30_000, "\U0001f1ee" * 60_001, ("\U0001f1ee" + "\u0301") * 30_000, "a" + "\u0301" * 200_000,
     ("\U0001f468" + "\u200d") * 50_000, ("\u0915\u094d") * 50_000, E * 100_000],
    ids=["flags", "lone-indicators", "indicator-marks", "marks", "zwj", "conjuncts", "decomposed"],
)  # fmt: skip
def test_counting_costs_one_pass_of_any_input(text):
    """``regex`` pairs regional indicators by counting those before each: 100,000 flags took 150 s of CPU
    (30,000: 13 s). Every shape here is counted in well under a second."""
    started = time.process_time()
    chars(text)
    assert time.process_time() - started < 0.3


def test_a_flag_question_through_the_real_server_and_gradio_client(settings, tmp_path, capfd):
    """/ask over a real Gradio server on 127.0.0.1: 300 flags are asked; one letter under 10,000 marks
    is refused with the code-point message, as the client shows it."""
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    from .conftest import FakeEncoder
    from .ui_helpers import make_app, serving

    app = make_app(settings, FakeEncoder(), tmp_path / "web", threshold=0.0)
    with serving(app) as (url, _demo):
        client = Client(url, verbose=False, analytics_enabled=False, download_files=False)
        asked = client.predict("apa tugas asisten? " + FLAG * 300, 3, api_name="/ask")
        assert asked["question"].startswith("apa tugas asisten?")
        with pytest.raises(AppError, match="titik kode Unicode"):
            client.predict("a" + "\u0301" * 10_000, 3, api_name="/ask")
    assert "Traceback" not in capfd.readouterr().err
