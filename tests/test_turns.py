"""Fair turns for visitors' questions (qa/ui/turns.py, docs/reliability.md section 17)."""

from __future__ import annotations

import asyncio

import pytest

from qa.ui.turns import Busy, Left, TooMany, Turns


async def _served_order(turns: Turns, visitors: list[tuple[str, str]]) -> list[int]:
    """Every visitor asks one question while another holds the turn; returns who was served when."""
    order: list[int] = []
    release = asyncio.Event()

    async def holder() -> None:
        async with turns.turn(("h", "h")):
            await release.wait()

    async def ask(n: int, visitor: tuple[str, str]) -> None:
        async with turns.turn(visitor):
            order.append(n)
            await asyncio.sleep(0)

    first = asyncio.create_task(holder())
    await asyncio.sleep(0)
    tasks = []
    for n, v in enumerate(visitors):
        tasks.append(asyncio.create_task(ask(n, v)))
        await asyncio.sleep(0)  # queued in this order
    release.set()
    await asyncio.gather(first, *tasks)
    return order


def test_a_session_that_floods_waits_its_turn_behind_a_session_that_asks_once() -> None:
    flood = [("127.0.0.1", "flooder")] * 8
    order = asyncio.run(_served_order(Turns(per_session=8, line=64), [*flood, ("127.0.0.1", "visitor")]))
    assert order.index(8) <= 1, order  # at most one of the flood's questions before it (was: all 8)
    assert [n for n in order if n != 8] == list(range(8))  # the flooder's own questions keep their order


def test_an_address_that_floods_with_a_new_session_each_time_waits_its_turn_too() -> None:
    flood = [("10.0.0.1", f"s{i}") for i in range(30)]
    order = asyncio.run(_served_order(Turns(per_session=8, line=64), [*flood, ("10.0.0.2", "visitor")]))
    assert order.index(30) <= 1, order


def test_one_visitor_asking_alone_is_served_in_order() -> None:
    order = asyncio.run(_served_order(Turns(per_session=8, line=64), [("a", "s")] * 5))
    assert order == [0, 1, 2, 3, 4]


def test_a_session_over_its_share_and_a_full_line_are_refused_at_once() -> None:
    async def scenario() -> tuple[type, type]:
        turns, release = Turns(per_session=2, line=3), asyncio.Event()

        async def hold(visitor: tuple[str, str]) -> None:
            async with turns.turn(visitor):
                await release.wait()

        tasks = [asyncio.create_task(hold(v)) for v in [("a", "x"), ("a", "x"), ("a", "x"), ("a", "y")]]
        await asyncio.sleep(0.01)  # one holds the turn, three wait: x twice (its share), y once
        refused = []
        for visitor in [("a", "x"), ("b", "z")]:
            try:
                async with turns.turn(visitor):
                    pass
            except (TooMany, Busy) as exc:
                refused.append(type(exc))
        release.set()
        await asyncio.gather(*tasks)
        assert turns.load == (False, 0)
        return refused[0], refused[1]

    assert asyncio.run(scenario()) == (TooMany, Busy)


@pytest.mark.parametrize("when", ["waiting", "just granted"])
def test_a_question_whose_client_left_does_not_keep_the_turn(when: str) -> None:
    async def scenario() -> list[str]:
        turns, release, served = Turns(per_session=8, line=64), asyncio.Event(), []

        async def ask(name: str, wait: asyncio.Event | None = None) -> None:
            async with turns.turn((name, name)):
                served.append(name)
                if wait is not None:
                    await wait.wait()

        holder = asyncio.create_task(ask("holder", release))
        await asyncio.sleep(0)
        leaver = asyncio.create_task(ask("leaver"))
        await asyncio.sleep(0)
        other = asyncio.create_task(ask("other"))
        await asyncio.sleep(0)
        if when == "just granted":
            release.set()
            await asyncio.sleep(0)  # the holder passed the turn on: the leaver's ticket is set
        leaver.cancel()
        release.set()
        await asyncio.gather(holder, other)
        assert turns.load == (False, 0)
        return served

    served = asyncio.run(scenario())
    assert "other" in served and served[0] == "holder"


@pytest.mark.parametrize("seed", range(40))
def test_random_cancellations_and_failures_never_leak_a_turn_or_a_place_in_line(seed: int) -> None:
    import random

    async def scenario() -> None:
        rnd, turns, holding, left = random.Random(seed), Turns(per_session=3, line=10), [0], set()

        async def ask(visitor: tuple[str, str], n: int) -> None:
            try:
                async with turns.turn(visitor, lambda: n in left):
                    holding[0] += 1
                    assert holding[0] == 1  # one question at the model at a time
                    try:
                        for _ in range(rnd.randint(0, 3)):
                            await asyncio.sleep(0)
                        if rnd.random() < 0.2:
                            raise ValueError("the answer failed")
                    finally:
                        holding[0] -= 1
            except (TooMany, Busy, Left, ValueError, asyncio.CancelledError):
                pass

        tasks: list[asyncio.Task[None]] = []
        for n in range(300):
            tasks.append(asyncio.create_task(ask((str(rnd.randint(0, 3)), str(rnd.randint(0, 4))), n)))
            for _ in range(rnd.randint(0, 2)):
                await asyncio.sleep(0)
            if rnd.random() < 0.3:  # a client leaves: waiting, just granted, or holding the turn
                rnd.choice(tasks).cancel()
            if rnd.random() < 0.2:  # a client leaves unnoticed: only its gone check tells
                left.add(rnd.randrange(len(tasks)))
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 10)
        assert turns.load == (False, 0)
        assert not turns._waiting and not turns._of_session and not turns._gone  # nothing kept

    asyncio.run(scenario())


def test_a_question_whose_visitor_left_while_it_waited_is_dropped_when_its_turn_comes() -> None:
    """Gradio does not cancel a handler whose client left, it marks the event dead (section 21): the
    question, checked when its turn comes, is dropped unanswered and the next visitor served."""

    async def scenario() -> tuple[list[str], list[str]]:
        turns, release, served, failed, left = Turns(per_session=8, line=64), asyncio.Event(), [], [], set()

        async def ask(name: str, wait: asyncio.Event | None = None) -> None:
            try:
                async with turns.turn((name, name), lambda: name in left):
                    served.append(name)
                    if wait is not None:
                        await wait.wait()
            except Left:
                failed.append(name)

        tasks = [asyncio.create_task(ask("holder", release))]
        for name in ["leaver", "other"]:
            await asyncio.sleep(0)
            tasks.append(asyncio.create_task(ask(name)))
        await asyncio.sleep(0)
        left.add("leaver")  # the tab closed: nothing is cancelled, the check now says so
        release.set()
        await asyncio.gather(*tasks)
        assert turns.load == (False, 0) and turns.dropped == 1 and not turns._gone
        return served, failed

    assert asyncio.run(scenario()) == (["holder", "other"], ["leaver"])


def test_places_held_by_visitors_who_left_do_not_turn_others_away() -> None:
    """A full line whose waiting questions' visitors left: a new question (of that session, which had
    used its share, and of another address) is let in, not refused as TooMany or Busy."""

    async def scenario() -> list[str]:
        turns, release, left, outcome = Turns(per_session=2, line=3), asyncio.Event(), set(), []

        async def ask(visitor: tuple[str, str], tag: str) -> None:
            try:
                async with turns.turn(visitor, lambda: tag in left):
                    await release.wait()
                outcome.append(f"{tag} served")
            except (Left, TooMany, Busy) as exc:
                outcome.append(f"{tag} {type(exc).__name__}")

        visitors = [(("a", "h"), "holder"), (("a", "x"), "x1"), (("a", "x"), "x2"), (("a", "y"), "y")]
        tasks = [asyncio.create_task(ask(v, tag)) for v, tag in visitors]
        await asyncio.sleep(0.01)  # the line is full: x twice (its share), y once
        left.update({"x1", "x2"})
        tasks += [asyncio.create_task(ask(("a", "x"), "x3")), asyncio.create_task(ask(("b", "z"), "z"))]
        await asyncio.sleep(0.01)
        release.set()
        await asyncio.gather(*tasks)
        assert turns.load == (False, 0) and not turns._of_session and turns.dropped == 2
        return outcome

    outcome = asyncio.run(scenario())
    assert sorted(outcome) == ["holder served", "x1 Left", "x2 Left", "x3 served", "y served", "z served"]


@pytest.mark.parametrize("dropped_by", ["its turn coming", "a newcomer finding the line full"])
def test_a_dropped_question_cancelled_before_it_wakes_does_not_hand_on_a_turn_it_never_had(
    dropped_by: str,
) -> None:
    """A waiting question is dropped (its visitor left) and, before its task wakes to hear so, Gradio
    cancels it too (a /cancel, a shutdown). Before, the cancelled task took the dropped ticket for a
    turn just given to it and passed the turn on: two questions at the model at once."""

    async def scenario() -> None:
        turns, left, holding, most = Turns(per_session=1, line=2), set(), [0], [0]
        release = asyncio.Event()

        async def ask(name: str, wait: asyncio.Event | None = None) -> None:
            async with turns.turn((name, name), lambda: name in left):
                holding[0] += 1
                most[0] = max(most[0], holding[0])
                try:
                    await (wait.wait() if wait is not None else asyncio.sleep(0.01))
                finally:
                    holding[0] -= 1

        tasks = {"holder": asyncio.create_task(ask("holder", release))}
        for name in ["leaver", "second"]:
            await asyncio.sleep(0)
            tasks[name] = asyncio.create_task(ask(name))
        await asyncio.sleep(0)
        assert turns.load == (True, 2)
        left.add("leaver")
        if dropped_by == "its turn coming":
            release.set()
            while turns.dropped == 0:  # the holder passes on: the leaver dropped, "second" served
                await asyncio.sleep(0)
        else:
            tasks["third"] = asyncio.create_task(ask("third"))
            while turns.dropped == 0:  # the line is full: the newcomer drops the leaver's place
                await asyncio.sleep(0)
        tasks["leaver"].cancel()  # before the leaver's task has woken
        if dropped_by == "its turn coming":  # (else the line is full again)
            tasks["fourth"] = asyncio.create_task(ask("fourth"))
        release.set()
        results = await asyncio.gather(*tasks.values(), return_exceptions=True)
        assert most[0] == 1, "two questions held the turn at once"
        assert turns.load == (False, 0) and not turns._waiting and not turns._of_session
        assert all(r is None or isinstance(r, asyncio.CancelledError) for r in results), results

    asyncio.run(scenario())
