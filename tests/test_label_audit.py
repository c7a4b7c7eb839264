"""training/audit.py: the held-out 'unanswerable' questions that the half corpus answers but for spacing."""

from training.audit import HALF, answered_in_corpus, spacing_duplicates
from training.data import spaceless


def test_an_expected_phrase_counts_whatever_its_spacing_and_case() -> None:
    expected = {
        "a": ["atau 94,8 persen dari proyeksi"],  # the corpus copy reads "94, 8"
        "b": ["Roy Glauber (80) dan"],  # "(8 0)"
        "c": ["tidak ada di korpus"],
        "d": ["   "],  # a blank phrase names nothing
    }
    corpus = "Indonesia, atau 94, 8 persen dari proyeksi. Penerima: ROY GLAUBER (8 0) dan John."
    assert answered_in_corpus(["a", "b", "c", "d", "e"], expected, corpus) == ["a", "b"]
    assert spaceless(" A \t b\nC ") == "abc"


def test_the_shipped_half_corpus_set_has_four_spacing_duplicates() -> None:
    found = spacing_duplicates()
    assert len(found) == 4
    assert "Siapa Wakil Presiden Indonesia?" in found
    # verbatim, the phrase is not in the half (the set's rule calls the question unanswerable); spaced, it is
    raw = (HALF / "corpus" / "kompas-facqa-half.txt").read_text(encoding="utf-8").lower()
    assert "94,8 persen" not in raw and "94, 8 persen" in raw
