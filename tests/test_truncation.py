"""Cutting a text to the model's window costs a few bounded token counts, whatever the text's size."""

from __future__ import annotations

import pytest

from qa.truncation import MAX_PIECE, cut_to_window

LIMIT = 512


def _tokenizer(chars_per_token: int):
    """A stand-in tokenizer of fixed density (+2 specials) that records how much it was handed."""
    seen: list[int] = []

    def count(text: str) -> int:
        seen.append(len(text))
        return 2 + -(-len(text) // chars_per_token)

    return count, seen


@pytest.mark.parametrize("density", [1, 3, 5, 8, 16])
@pytest.mark.parametrize("size", [300, 2_000, 10_000, 5_000_000])
def test_cut_fits_the_window_fills_it_and_reads_a_bounded_prefix(density: int, size: int) -> None:
    count, seen = _tokenizer(density)
    text = "x" * size
    short, cut = cut_to_window(text, count, LIMIT)
    assert text.startswith(short) and count(short) <= LIMIT
    assert cut == (len(short) < size)
    if cut:
        assert count(short) >= 0.9 * LIMIT or len(short) == LIMIT * MAX_PIECE
    assert len(seen) <= 6 and max(seen) <= LIMIT * MAX_PIECE


def test_uneven_density_still_fits() -> None:
    """Dense text (one token per character) after sparse text: the proportional guesses must shrink."""
    text = "a" * 2_000 + "😀" * 50_000

    def count(t: str) -> int:
        return 2 + t.count("😀") + t.count("a") // 8

    short, cut = cut_to_window(text, count, LIMIT)
    assert cut and count(short) <= LIMIT and len(short) > 2_000


@pytest.mark.parametrize(
    ("short", "full", "kept"),
    [
        ("kebijakan luar ne", "kebijakan luar negeri", "kebijakan luar"),  # half a word goes
        ("kebijakan luar", "kebijakan luar negeri", "kebijakan luar"),  # cut at a space: kept
        ("kebijakan luar ", "kebijakan luar negeri", "kebijakan luar"),
        ("kebijakan", "kebijakan", "kebijakan"),  # not cut
        ("kebijakanluar", "kebijakanluarnegeri", "kebijakanluar"),  # one long word: nothing to fall back to
        ("apa tugas asisten ment", "apa  tugas asisten menteri", "apa tugas asisten"),  # decoded: no prefix
    ],
)
def test_a_cut_question_ends_at_a_word_boundary(short: str, full: str, kept: str) -> None:
    from qa.assistant import whole_words

    assert whole_words(short, full) == kept
