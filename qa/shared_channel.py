"""What both keyword channels (local BM25, a Milvus collection) say of the words their passages share.

One mixin, so the two channels cannot drift apart: the rule and its arithmetic are ``qa.shared_words``'s,
imported on first use (it needs numpy; ``import qa.lexical`` stays cheap).
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from .shared_words import Postings, SharedStems


class SharesStems:
    """For a channel with ``__len__`` and ``term_postings()`` (``qa.shared_words.Postings``)."""

    @cached_property
    def _shares(self) -> SharedStems:
        from .shared_words import SharedStems

        return SharedStems(cast("Postings", self))

    @property
    def shared(self) -> frozenset[str]:
        """The stems in more than half the passages: a majority cannot tell passages apart
        (``qa.shared_words``)."""
        return self._shares.whole

    def shared_in(self, rows: tuple[int, int] | None) -> frozenset[str]:
        """The stems in more than half of the passages ``rows`` (one document's; all when None)."""
        return self._shares.within(rows)
