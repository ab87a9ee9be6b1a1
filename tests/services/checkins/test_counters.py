"""The counters kept for ``/checkin me`` always say what the whole history says.

A generated history (seeded, so a failure replays): weeks open and close on schedule or
out of order, members answer, edit, go away, come back, arrive late, erase their data,
and the retention purge removes old weeks. After every step each member's ``/checkin
me`` (the counters over the closed weeks and the recent weeks) is compared with the
history recomputed from every week there is.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.db import checkins as checkins_db
from bot.db import members as members_db
from bot.db import timers as timers_db
from bot.db.database import available_migrations
from bot.services.checkins import OPEN_KIND
from bot.services.checkins.records import RETENTION
from tests.services.checkins.harness import ALICE, BOB, CAROL, DAN, GUILD, Harness, member

PEOPLE = (ALICE, BOB, CAROL, DAN)


async def same_as_recomputed(plc: Harness, step: str) -> int:
    """Compares each member's; the longest streak seen."""
    best = 0
    for user_id in PEOPLE:
        kept = await plc.checkins.history(member(user_id))
        recomputed = await plc.checkins.full_history(GUILD, user_id)
        assert kept == recomputed, (step, user_id)
        best = max(best, kept.best_streak)
    return best


async def open_weeks(plc: Harness) -> list[checkins_db.Checkin]:
    async with plc.core.db.read() as conn:
        weeks = await checkins_db.checkins_of(conn, GUILD)
    return [week for week in weeks if week.status == "open"]


async def act(plc: Harness, rng: random.Random, user_id: int) -> str:
    """One member's move during an open week."""
    weeks = await open_weeks(plc)
    move = rng.choice(("answer", "answer", "edit", "away", "back", "nothing", "erase", "known"))
    if move in ("answer", "edit") and weeks:
        week = rng.choice(weeks)
        if plc.clock.now() < week.closes_at:
            await plc.answer(user_id, week.id, progress=str(rng.randint(0, 9)), texts=("x", ""))
    elif move == "away":
        until = (plc.clock.now() + timedelta(days=rng.choice((1, 8, 20)))).date().isoformat()
        await plc.members.set_away(GUILD, user_id, until, "en")
    elif move == "back":
        await plc.members.back(GUILD, user_id)
    elif move == "erase" and rng.random() < 0.1:
        await plc.members.delete(GUILD, user_id)
    elif move == "known":
        async with plc.core.db.transaction() as conn:
            await members_db.ensure(conn, GUILD, user_id, plc.clock.now())
    return f"{user_id} {move}"


async def close_out_of_order(plc: Harness) -> str:
    """Close every open week now, newest first (a close that ran late)."""
    for week in sorted(await open_weeks(plc), key=lambda w: w.opened_at, reverse=True):
        await plc.checkins.close(week.id)
    return "closed newest first"


async def purge(plc: Harness, rng: random.Random) -> str:
    """The retention purge, as if the oldest weeks were a year old now."""
    async with plc.core.db.read() as conn:
        weeks = await checkins_db.checkins_of(conn, GUILD, newest_first=False)
    closed = [week for week in weeks if week.status == "closed"]
    if not closed:
        return "nothing to purge"
    cutoff = rng.choice(closed).opened_at + timedelta(seconds=1)
    async with plc.core.db.transaction() as conn:
        await plc.checkins.purge_old(conn, cutoff + RETENTION)
    return "purged"


@pytest.mark.parametrize("seed", range(6))
async def test_the_counters_equal_the_whole_history_recomputed(plc: Harness, seed: int) -> None:
    rng = random.Random(seed)
    plc.members.add_personal_data(plc.checkins)
    await plc.known(ALICE, BOB)  # CAROL and DAN take part later
    await plc.schedule(time_text="09:30", close_after_hours=rng.choice((48, 160)))
    await plc.advance(timedelta(minutes=30))
    longest = 0
    for day in range(70):
        step = f"day {day}"
        for user_id in rng.sample(PEOPLE, rng.randint(0, len(PEOPLE))):
            step = await act(plc, rng, user_id)
            longest = max(longest, await same_as_recomputed(plc, step))
        chance = rng.random()
        if chance < 0.05:
            step = await close_out_of_order(plc)
        elif chance < 0.08:
            step = await purge(plc, rng)
        elif chance < 0.1:
            hours = rng.choice((1, 48, 168))
            await plc.schedule(time_text="09:30", close_after_hours=hours)
        await same_as_recomputed(plc, step)
        await plc.advance(timedelta(days=1))
        await same_as_recomputed(plc, f"after day {day}")
    assert longest > 1  # streaks were made and broken, not only zeros compared


async def test_a_late_close_after_a_newer_week_recomputes(plc: Harness) -> None:
    await plc.known(ALICE)
    await plc.schedule(time_text="09:30", close_after_hours=168)
    await plc.advance(timedelta(minutes=30))
    first = await plc.current()  # Alice does not answer this one
    # A week later the next week opens, and the close of this one is late.
    await plc.clock.advance(timedelta(days=7))
    async with plc.core.db.read() as conn:
        [opening] = await timers_db.due(conn, plc.clock.now(), [OPEN_KIND])
    assert await plc.core.scheduler.run_now(OPEN_KIND, opening.key)
    weeks = await open_weeks(plc)
    assert len(weeks) == 2
    newer = max(weeks, key=lambda w: w.opened_at)
    await plc.answer(ALICE, newer.id, texts=("two", ""))
    await same_as_recomputed(plc, "two open")
    await plc.checkins.close(newer.id)  # the newer week closes first
    await same_as_recomputed(plc, "the newer closed")
    await plc.checkins.close(first.id)  # folded in last, its miss would break the streak
    await same_as_recomputed(plc, "the older closed after it")
    history = await plc.checkins.history(member(ALICE))
    assert (history.streak, history.best_streak, history.answered) == (1, 1, 1)


async def test_the_migration_fills_the_counters_of_the_history_already_there(
    plc: Harness,
) -> None:
    rng = random.Random(7)
    plc.members.add_personal_data(plc.checkins)
    await plc.known(ALICE, BOB)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    for _ in range(40):
        for user_id in rng.sample(PEOPLE, rng.randint(0, len(PEOPLE))):
            await act(plc, rng, user_id)
        await plc.advance(timedelta(days=1))
    [migration] = [f for _, f in available_migrations() if f.name.endswith("_checkin_counters.sql")]
    script = migration.read_text(encoding="utf-8")
    fill = script[script.index("INSERT INTO checkin_streaks") :]
    async with plc.core.db.transaction() as conn:
        await conn.execute("DELETE FROM checkin_streaks")  # as before the migration
        await conn.execute(fill)
    longest = await same_as_recomputed(plc, "after the migration's fill")
    assert longest > 1
