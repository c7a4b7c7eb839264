"""Fair turns for visitors' questions: one question at the model at a time, visitors served in turn.

Gradio's queue serves events first come, first served, so a client that sent 60 long questions at once
delayed every other visitor by its whole backlog (about 15 s). Here questions skip Gradio's queue
(no concurrency limit) and wait in :class:`Turns`, in the server's event loop (a waiting question holds
no thread): the next turn goes to the next *network address* in rotation, and within an address to the
next *session* in rotation, each taking its own questions in order. Another visitor's question then
waits for at most one question of each visitor ahead of it, not for their backlogs.

Who a visitor is: the address is the connection's peer as uvicorn reports it (``X-Forwarded-For`` only
from a proxy on the same machine); the session is Gradio's session hash, which the client chooses (one
per page load, one per ``gradio_client.Client``, a new one for each raw ``/call/`` request). So a
session may hold only ``per_session`` questions waiting, and the line ``line`` in all; more are
refused at once. Nothing is capped per address: behind a remote proxy (Hugging Face Spaces) every
visitor may share one, and a cap would turn them all away together.

A visitor may leave while their question waits (a closed tab, a dropped connection): Gradio does not
cancel the handler, it only marks the event dead. Each question may therefore bring a ``gone`` check;
a question whose visitor is gone is dropped when its turn comes, before it costs the model anything, and
the waiting questions of visitors gone free their places before anyone is refused for want of one.
"""

from __future__ import annotations

import asyncio
from collections import Counter, OrderedDict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

Visitor = tuple[str, str]  # (network address, session)
Gone = Callable[[], bool]  # True once the visitor who asked has left


class TooMany(Exception):
    """This session already has ``per_session`` questions waiting."""


class Busy(Exception):
    """``line`` questions are waiting in all."""


class Left(Exception):
    """The visitor left while the question waited: it was dropped, unanswered (never shown)."""


class Turns:
    """A turnstile for one question at a time, in round-robin over addresses, then sessions.

    Use from one event loop only (Gradio's): its state is changed without locks, between awaits.
    """

    def __init__(self, per_session: int, line: int) -> None:
        self.per_session, self.line = per_session, line
        self._busy = False
        self._waiting: OrderedDict[str, OrderedDict[str, deque[asyncio.Future[None]]]] = OrderedDict()
        self._count = 0
        self._of_session: Counter[Visitor] = Counter()
        self._gone: dict[asyncio.Future[None], Gone] = {}
        self.dropped = 0  # questions dropped because their visitor left, for tests and logs

    @asynccontextmanager
    async def turn(self, visitor: Visitor, gone: Gone | None = None) -> AsyncIterator[None]:
        """Hold the turn for the ``async with`` body; raises :class:`TooMany` or :class:`Busy` at once,
        :class:`Left` when ``gone()`` turned true while it waited."""
        if self._busy or self._count:
            await self._wait(visitor, gone)
        else:
            self._busy = True
        try:
            yield
        finally:
            self._pass_on()

    async def _wait(self, visitor: Visitor, gone: Gone | None) -> None:
        if self._of_session[visitor] >= self.per_session or self._count >= self.line:
            self._drop_gone()  # places held by visitors who left are not a reason to refuse
        if self._of_session[visitor] >= self.per_session:
            raise TooMany
        if self._count >= self.line:
            raise Busy
        address, session = visitor
        ticket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(address, OrderedDict()).setdefault(session, deque()).append(ticket)
        self._count += 1
        self._of_session[visitor] += 1
        if gone is not None:
            self._gone[ticket] = gone
        try:
            await ticket
        except asyncio.CancelledError:  # the client left while waiting
            if ticket.done() and not ticket.cancelled() and ticket.exception() is None:
                self._pass_on()  # the turn had just been given to it: hand it on
            else:  # still waiting, or dropped (Left) and out of the line already: no turn to hand on
                self._forget(visitor, ticket)
            raise
        finally:
            self._gone.pop(ticket, None)

    def _pass_on(self) -> None:
        """End the current turn: give it to the next visitor in rotation, or free it."""
        while self._waiting:
            address, sessions = next(iter(self._waiting.items()))
            session, tickets = next(iter(sessions.items()))
            ticket = tickets.popleft()
            self._count -= 1
            self._of_session[(address, session)] -= 1
            if not self._of_session[(address, session)]:
                del self._of_session[(address, session)]
            sessions.move_to_end(session)  # rotate: the session, then the address, to the back
            if not tickets:
                del sessions[session]
            self._waiting.move_to_end(address)
            if not sessions:
                del self._waiting[address]
            if not ticket.done() and not self._left(ticket):  # a cancelled or a left one is skipped
                ticket.set_result(None)
                return
        self._busy = False

    def _forget(self, visitor: Visitor, ticket: asyncio.Future[None]) -> None:
        address, session = visitor
        sessions = self._waiting.get(address)
        tickets = sessions.get(session) if sessions is not None else None
        if tickets is None or ticket not in tickets:
            return
        tickets.remove(ticket)
        self._count -= 1
        self._of_session[visitor] -= 1
        if not self._of_session[visitor]:
            del self._of_session[visitor]
        if not tickets:
            del self._waiting[address][session]
            if not self._waiting[address]:
                del self._waiting[address]

    def _drop_gone(self) -> None:
        """Drop every waiting question whose visitor has left (each of them raises :class:`Left`)."""
        for address, sessions in list(self._waiting.items()):
            for session, tickets in list(sessions.items()):
                for ticket in list(tickets):
                    if self._left(ticket):
                        self._forget((address, session), ticket)

    def _left(self, ticket: asyncio.Future[None]) -> bool:
        """True (and the question dropped) when the visitor who is waiting on ``ticket`` has left."""
        gone = self._gone.get(ticket)
        try:
            if ticket.done() or gone is None or not gone():
                return False
        except Exception:  # noqa: BLE001 - a check that fails cannot tell: the visitor is served
            return False
        ticket.set_exception(Left())
        self.dropped += 1
        return True

    @property
    def load(self) -> tuple[bool, int]:
        """(a question holds the turn, how many wait), for tests and logs."""
        return self._busy, self._count
