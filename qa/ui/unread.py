"""A bound on the answers Gradio keeps for message streams nobody opens.

Gradio's queue puts every message of an event (estimation, start, the answer itself) into its session's
inbox (``Queue.pending_messages_per_session``) and removes it only when a stream of that session
(``/queue/data``, or ``GET /call/<api>/<event_id>``) reads it. A client that joins (or POSTs ``/call/``)
and never opens the stream leaves them there: about 10 KB a request, with no expiry, and without bound
for one session (its inbox grows with every join) or for the event ids Gradio keeps beside it
(``pending_event_ids_session``, a plain dict). :class:`Unread` bounds them on two principles:

- a session may hold at most ``per_session`` answers nobody has read; a further join is refused (429)
  until its stream is read: the page and ``gradio_client`` read each answer as it comes, so they never
  reach it (a burst of ``gradio_client`` may land before its stream opens: see ``PER_SESSION``);
- the inboxes of sessions that nobody reads, with no question in flight and no stream open, go after
  ``idle`` seconds (counted from the sweep that first saw their last question answered: a run may take
  longer than that), or sooner, least recently used first, while more than ``total`` answers are unread.
  A client that comes back for one later is told "session not found" in the stream, as for any
  session the queue does not hold.

It reads and trims the queue's private state (Gradio 6.31), guarded: when that state is not there, it
does nothing. Used from Gradio's event loop only (:class:`~qa.ui.routecheck.RouteCheck`), with no
``await`` inside a sweep, so no queue operation runs halfway through one.
"""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from typing import Any

# A refusal is an answer too: gradio_client posts a burst from up to 40 threads (its default
# ``max_workers``) and opens the session's one stream after the first join returns, so on a loaded
# machine a burst's answers and refusals can all land before the stream reads them. Each thread waits
# for its answer through that stream, so no more than 40 can wait unread for a client that reads.
PER_SESSION = 64
TOTAL = 1000  # about 10 MB of answers nobody has read, across all sessions
IDLE_SECONDS = 5 * 60.0  # longer than a person takes to copy an event id from one curl to the next
TOO_MANY = (
    "Terlalu banyak jawaban sesi ini yang belum diambil ({count}); baca dulu alirannya (GET "
    "/gradio_api/queue/data?session_hash=…, atau GET /gradio_api/call/<api>/<event_id>), lalu kirim lagi."
)


class Unread:
    """What :class:`RouteCheck` asks before a join, and tells when a session's stream opens or closes."""

    def __init__(
        self, blocks: Any, per_session: int | None = None, total: int | None = None,
        idle: float | None = None, clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.blocks, self.clock = blocks, clock
        self.per_session = PER_SESSION if per_session is None else per_session
        self.total = TOTAL if total is None else total
        self.idle = IDLE_SECONDS if idle is None else idle
        self.seen: OrderedDict[str, float] = OrderedDict()  # session -> last join or stream, oldest first
        self.streams: Counter[str] = Counter()  # open streams per session
        self.busy: set[str] = set()  # sessions with a question in flight at the last sweep
        self.dropped = 0  # sessions whose unread answers were dropped, for tests and logs

    def _queue(self) -> Any | None:
        queue = getattr(self.blocks, "_queue", None)
        needed = ("pending_messages_per_session", "pending_event_ids_session", "event_ids_to_events")
        return queue if all(hasattr(queue, name) for name in needed) else None

    def touch(self, session: str) -> None:
        self.seen[session] = self.clock()
        self.seen.move_to_end(session)

    def unread(self, session: str) -> int:
        """Answers of ``session`` delivered to its inbox and not read: its events no longer in flight whose
        completion no stream has taken."""
        queue = self._queue()
        if queue is None:
            return 0
        ids = queue.pending_event_ids_session.get(session, ())
        return sum(1 for i in ids if i not in queue.event_ids_to_events)

    def join(self, session: str | None) -> str | None:
        """Before a join: a refusal when ``session`` holds too many unread answers; sweeps first."""
        self.sweep()
        if not isinstance(session, str):
            return None  # /call without a session of its own: a new one, Gradio's to name
        self.touch(session)  # if Gradio refuses the join, the next sweep forgets it
        self.busy.add(session)  # its question is in flight from now: idle only once it is answered
        count = self.unread(session)
        return TOO_MANY.format(count=count) if count >= self.per_session else None

    def opened(self, session: str | None) -> None:
        if isinstance(session, str):
            self.streams[session] += 1
            self.touch(session)

    def closed(self, session: str | None) -> None:
        if isinstance(session, str):
            self.streams[session] -= 1
            if self.streams[session] <= 0:
                del self.streams[session]
                if not self._holds(session):  # a stream for a session the queue never held (or let go):
                    self.seen.pop(session, None)  # kept, it grew ``seen`` with every such GET until a join
                    return
            self.touch(session)

    def _holds(self, session: str) -> bool:
        queue = self._queue()
        return queue is not None and (
            session in queue.pending_messages_per_session or session in queue.pending_event_ids_session
        )

    def session_of(self, event_id: str) -> str:
        """The session a ``GET /call/<api>/<event_id>`` reads, found as Gradio finds it."""
        queue = self._queue()
        if queue is None:
            return event_id
        event = queue.event_ids_to_events.get(event_id)
        if event is not None:
            return str(event.session_hash)
        held = queue.pending_event_ids_session.items()
        return next((s for s, ids in held if event_id in ids), event_id)

    def sweep(self) -> int:
        """Drop the inboxes nobody reads: idle too long, or the least recently used while more than ``total``
        answers wait unread. Returns how many sessions went."""
        queue = self._queue()
        if queue is None:
            return 0
        inboxes, pending, running = (
            queue.pending_messages_per_session,
            queue.pending_event_ids_session,
            queue.event_ids_to_events,
        )
        for session in list(self.seen):
            if session not in inboxes and session not in pending and not self.streams[session]:
                del self.seen[session]  # gone by Gradio's own hand (its stream ended or was cancelled)
        for session in set(inboxes).union(pending).difference(self.seen):
            self.touch(session)  # first seen now (made by Gradio before this ran, or by an in-process call)
        counts = {s: sum(1 for i in ids if i not in running) for s, ids in pending.items()}
        busy = {s for s, count in counts.items() if count < len(pending[s])}
        for session in self.busy.difference(busy).intersection(pending):
            self.touch(session)  # answered since the last sweep: idle from now, not from its join
        self.busy = busy
        now, waiting, dropped = self.clock(), sum(counts.values()), 0
        for session, seen in list(self.seen.items()):  # least recently used first
            if now - seen < self.idle and waiting <= self.total:
                break  # the rest are younger still
            if self.streams[session] or counts.get(session, 0) < len(pending.get(session, ())):
                continue  # being read, or a question still in flight: its inbox will be needed
            waiting -= counts.get(session, 0)
            inboxes.pop(session, None)
            pending.pop(session, None)
            del self.seen[session]
            dropped += 1
        self.dropped += dropped
        return dropped
