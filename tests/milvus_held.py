"""Short deadlines for the Milvus calls a test holds back, and only for them.

A test that stalls a call cannot wait the product's deadline (60 s for a build's call, 10 s for one
about the collections), so it shortens it. Shortened for every call (``reach``'s constants for the whole
test), it also applied to the calls that merely had to succeed on a healthy server: on a loaded 2-core CI
machine a creation with its index took 2.7 s of 3, and a drop of the unfinished collection passed 2 s and
left it listed (a flaky failure, not the product's). Here the held calls get the short deadline, the
calls that meet the same stall (a frozen server: the drop on the way out) too, every other call the
product's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from qa.milvus import alias, build, reach, store

BUILD = 3.0  # a held build call's deadline (the product's: 60 s, plus 2 ms a row for a flush or a load)
META = 2.0  # a held call about the collections (the product's: 10 s)
_CONSTANTS = ("BUILD_TIMEOUT", "BUILD_PER_ROW", "META_TIMEOUT")


class Held:
    """``hold(doing, seconds)``: the deadline of the calls whose step (``reach.timed``'s ``doing``)
    begins with ``doing``, computed by the product before the call (and before a stall a test starts
    there), hence given here. ``stalling(start)``: a hook that starts a stall and shortens every deadline
    computed from then on. ``release()``: the product's deadlines for every call again."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self._product = {name: getattr(reach, name) for name in _CONSTANTS}
        self._held: dict[str, float] = {}
        real = reach.timed

        def timed(target: Any, doing: str, seconds: float | None, call: Callable[..., Any], *args: Any,
                  **kwargs: Any) -> Any:  # fmt: skip
            for start, short in self._held.items():
                if seconds is not None and doing.startswith(start):
                    seconds = min(seconds, short)
            return real(target, doing, seconds, call, *args, **kwargs)

        for module in (alias, build, store):  # where the code under test took its name
            monkeypatch.setattr(module, "timed", timed)

    def hold(self, doing: str, seconds: float) -> None:
        self._held[doing] = seconds

    def stalling(self, start: Callable[[], None]) -> Callable[[], None]:
        """``start`` (a relay's ``stall``), after which the calls meet the same silence: their deadlines
        (the drop of the build's collection, computed after the held call failed) are short too."""

        def stall() -> None:
            self._set(BUILD, 0.0, META)
            start()

        return stall

    def release(self) -> None:
        self._held.clear()
        self._set(*(self._product[name] for name in _CONSTANTS))

    def _set(self, *values: float) -> None:
        for name, value in zip(_CONSTANTS, values):
            self._monkeypatch.setattr(reach, name, value)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Held:
    """The product's deadlines, but for the calls a test holds back (``Held``)."""
    return Held(monkeypatch)
