"""Planning check-ins: the schedule, ``/checkin now``, the weekly chain and status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.actor import Actor
from bot.chat import Channel, ChannelRef, Moment, Notice
from bot.db import checkins as checkins_db
from bot.db import targets as targets_db
from bot.db import timers as timers_db
from bot.db.timers import Timer
from bot.errors import UserError
from bot.missed import WhenMissed
from bot.scheduler import Firing, TimerKind
from bot.services.checkins import OPEN_KIND
from tests.conftest import START
from tests.services.checkins.harness import BOB, CHANNEL, GUILD, MODERATION, Harness, member
from tests.services.status import status_lines


async def test_a_schedule_plans_the_next_opening_in_the_community_zone(plc: Harness) -> None:
    await plc.schedule(weekday=0, time_text="09:30")  # START is Monday 09:00 in Toronto
    async with plc.core.db.read() as conn:
        schedule = await checkins_db.active_schedule(conn, GUILD)
    assert schedule is not None
    timer = await plc.timer(OPEN_KIND, f"checkin:{schedule.id}:2026-W48")
    assert timer.due_at == START + timedelta(minutes=30)
    assert timer.status == "pending"


async def test_rescheduling_retires_the_old_opening(plc: Harness) -> None:
    await plc.schedule(weekday=0, time_text="09:30")
    await plc.schedule(weekday=0, time_text="10:00", pulse=True)
    async with plc.core.db.read() as conn:
        pending = await timers_db.due(conn, START + timedelta(days=8), plc.core.scheduler.kinds)
    assert [(t.kind, t.due_at) for t in pending] == [(OPEN_KIND, START + timedelta(hours=1))]
    await plc.advance(timedelta(minutes=30))
    assert plc.prompts == []
    await plc.advance(timedelta(minutes=30))
    assert len(plc.prompts) == 1
    assert (await plc.current()).pulse is True


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"time_text": "25:00"}, "checkins.errors.bad_time"),
        ({"weekday": 7}, "checkins.errors.bad_day"),
        ({"close_after_hours": 0}, "checkins.errors.bad_close_after"),
        ({"close_after_hours": 169}, "checkins.errors.bad_close_after"),
        ({"questions_text": "a|b|c|d"}, "checkins.errors.too_many_questions"),
    ],
)
async def test_bad_schedules_are_refused_and_nothing_is_planned(
    plc: Harness, changes: dict[str, object], key: str
) -> None:
    with pytest.raises(UserError) as caught:
        await plc.schedule(**changes)
    assert caught.value.key == key
    async with plc.core.db.read() as conn:
        assert await checkins_db.active_schedule(conn, GUILD) is None
        assert await timers_db.next_wake(conn, plc.core.scheduler.kinds) is None


async def test_a_schedule_needs_a_checkin_channel(plc: Harness) -> None:
    await plc.setup(checkin_channel_id=None)
    with pytest.raises(UserError) as caught:
        await plc.schedule()
    assert caught.value.key == "checkins.errors.no_channel"


async def test_checkin_now_opens_this_week_and_keeps_the_weekly_chain(plc: Harness) -> None:
    await plc.schedule(weekday=4, time_text="09:00")  # Fridays; START is a Monday
    opened = await plc.checkins.open_now(plc.facilitator)
    checkin = opened.checkin
    assert opened.schedule is None  # the facilitator's own schedule is kept
    assert checkin.week == "2026-W48" and checkin.opened_at == START
    assert checkin.message_id is not None
    with pytest.raises(UserError) as caught:
        await plc.checkins.open_now(plc.facilitator)
    assert caught.value.key == "checkins.errors.already_open"
    # Friday of this week does not open a second one; next Friday does.
    await plc.advance(timedelta(days=4, hours=1))
    assert plc.prompts == [checkin.id]
    await plc.advance(timedelta(days=7))
    assert len(plc.prompts) == 2
    assert (await plc.current()).week == "2026-W49"


async def test_only_facilitators_schedule_and_open_check_ins(plc: Harness) -> None:
    """A member without the role is refused by the service itself, whatever the command's
    permission override said."""
    for attempt in (
        plc.checkins.set_schedule(
            member(BOB),
            weekday=0,
            time_text="09:30",
            questions_text=None,
            close_after_hours=None,
            pulse=False,
        ),
        plc.checkins.open_now(member(BOB)),
    ):
        with pytest.raises(UserError) as caught:
            await attempt
        assert caught.value.key == "errors.not_facilitator"
    async with plc.core.db.read() as conn:
        assert await checkins_db.active_schedule(conn, GUILD) is None
        assert await timers_db.next_wake(conn, plc.core.scheduler.kinds) is None
    # Whoever manages the server may facilitate.
    await plc.checkins.set_schedule(
        Actor(GUILD, BOB, manages_guild=True),
        weekday=0,
        time_text="09:30",
        questions_text=None,
        close_after_hours=None,
        pulse=False,
    )
    async with plc.core.db.read() as conn:
        assert await checkins_db.active_schedule(conn, GUILD) is not None


async def test_checkin_now_runs_its_own_opening_and_nothing_else(plc: Harness) -> None:
    """A facilitator's click runs the timer it asked for, not every due one (run_now)."""
    ran: list[str] = []

    async def other(timer: Timer, firing: Firing) -> None:
        ran.append(timer.key)

    plc.core.scheduler.register(
        TimerKind("test_other", other, on_missed=WhenMissed.drop(said="admin.status.missed"))
    )
    async with plc.core.db.transaction() as conn:
        await plc.core.scheduler.schedule(conn, GUILD, "test_other", "due", START)
    await plc.schedule(weekday=4, time_text="09:00")
    opened = await plc.checkins.open_now(plc.facilitator)
    assert plc.prompts == [opened.checkin.id] and ran == []
    await plc.core.scheduler.run_due()
    assert ran == ["due"]


async def test_checkin_now_before_any_schedule_starts_the_default_weekly_one(
    plc: Harness,
) -> None:
    """A facilitator trying the bot gets this week's check-in with the default questions,
    and is told it will now open weekly at this day and time."""
    opened = await plc.checkins.open_now(plc.facilitator)
    assert opened.schedule is not None
    assert (opened.schedule.weekday, opened.schedule.local_time.strftime("%H:%M")) == (0, "09:00")
    assert opened.schedule.questions is None and not opened.schedule.pulse
    assert opened.checkin.week == "2026-W48" and plc.prompts == [opened.checkin.id]
    async with plc.core.db.read() as conn:
        active = await checkins_db.active_schedule(conn, GUILD)
    assert active is not None and active.id == opened.schedule.id
    await plc.advance(timedelta(days=7, minutes=1))
    assert len(plc.prompts) == 2  # next Monday 09:00 (Toronto), by the new schedule


async def test_the_default_weekly_check_in_opens_on_the_hour(plc: Harness) -> None:
    """Tried at 09:37, the check-in opens at once, and weekly at 09:00, not at 09:37."""
    await plc.advance(timedelta(minutes=37))
    opened = await plc.checkins.open_now(plc.facilitator)
    assert opened.schedule is not None
    assert opened.schedule.local_time.strftime("%H:%M") == "09:00"
    assert opened.checkin.week == "2026-W48" and plc.prompts == [opened.checkin.id]


async def test_checkin_now_needs_a_reachable_channel(plc: Harness) -> None:
    await plc.schedule()
    async with plc.core.db.transaction() as conn:
        await targets_db.mark_unreachable(conn, GUILD, CHANNEL, "unknown channel", START)
    with pytest.raises(UserError) as caught:
        await plc.checkins.open_now(plc.facilitator)
    assert caught.value.key == "checkins.errors.channel_lost"
    assert caught.value.params == {"channel": ChannelRef(channel_id=CHANNEL)}
    async with plc.core.db.read() as conn:
        assert await checkins_db.checkins_of(conn, GUILD) == []


async def test_a_paused_channel_skips_the_week_but_keeps_the_next_one_planned(
    plc: Harness,
) -> None:
    await plc.schedule(time_text="09:30")
    async with plc.core.db.transaction() as conn:
        await targets_db.mark_unreachable(conn, GUILD, CHANNEL, "unknown channel", START)
    await plc.advance(timedelta(minutes=30))
    assert plc.prompts == []
    async with plc.core.db.read() as conn:
        schedule = await checkins_db.active_schedule(conn, GUILD)
    assert schedule is not None
    assert (await plc.timer(OPEN_KIND, f"checkin:{schedule.id}:2026-W49")).status == "pending"


async def test_an_opening_missed_while_down_is_recorded_and_the_chain_continues(
    plc: Harness,
) -> None:
    """Down past the 12 h grace: the week is recorded as missed, facilitators are told,
    and next week still opens."""
    await plc.setup(moderation_channel_id=MODERATION)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30, hours=13))
    told = [s for s in plc.chat.sent if isinstance(s.card, Notice)]
    assert plc.prompts == [] and len(told) == 1
    assert told[0].target == Channel(GUILD, MODERATION)
    assert told[0].card.key == "checkins.missed.open"
    await plc.advance(timedelta(days=7, hours=-13))
    assert len(plc.prompts) == 1
    assert (await plc.current()).week == "2026-W49"


@pytest.mark.parametrize("moderation", [True, False], ids=["told", "nowhere to tell"])
async def test_status_says_whether_a_missed_opening_was_told(
    plc: Harness, moderation: bool
) -> None:
    """/plc status says "the facilitators were told" only when they were."""
    await plc.setup(moderation_channel_id=MODERATION if moderation else None)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30, hours=13))
    status = await plc.community.status(GUILD)
    expected = "checkins.status.missed.open" if moderation else "admin.status.missed_untold"
    assert [(line.key, line.params) for line in status.missed] == [(expected, {"count": 1})]


async def test_status_shows_the_open_check_in_and_the_next_one(plc: Harness) -> None:
    assert [line.key for line in await status_lines(plc.core, plc.checkins, GUILD)] == [
        "checkins.status.none"
    ]
    await plc.schedule(time_text="09:30")
    (line,) = await status_lines(plc.core, plc.checkins, GUILD)
    assert line.key == "checkins.status.next"
    assert line.params["at"] == Moment(at=START + timedelta(minutes=30))
    await plc.advance(timedelta(minutes=30))
    lines = await status_lines(plc.core, plc.checkins, GUILD)
    assert [line.key for line in lines] == ["checkins.status.open", "checkins.status.next"]
    assert lines[1].params["at"] == Moment(at=START + timedelta(days=7, minutes=30))


async def test_status_names_the_next_week_without_a_check_in(plc: Harness) -> None:
    """Opened by hand on Monday, this week's Friday opening will not run: the status names
    next Friday's, the first week still free."""
    await plc.schedule(weekday=4, time_text="09:00")  # Fridays; START is a Monday
    (line,) = await status_lines(plc.core, plc.checkins, GUILD)
    assert line.params["at"] == Moment(at=START + timedelta(days=4))
    await plc.checkins.open_now(plc.facilitator)
    lines = await status_lines(plc.core, plc.checkins, GUILD)
    assert [line.key for line in lines] == ["checkins.status.open", "checkins.status.next"]
    assert lines[1].params["at"] == Moment(at=START + timedelta(days=11))


async def test_rescheduling_keeps_the_questions_window_and_pulse_left_out(plc: Harness) -> None:
    """Moving the check-in to another day or time keeps what was not given again; the
    built-in questions come back when asked for by name."""
    await plc.schedule(questions_text="What did you try? | What next?", pulse=True)
    await plc.schedule(close_after_hours=72, questions_text=None, pulse=None)
    await plc.schedule(weekday=3, time_text="16:00", close_after_hours=None, pulse=None)
    async with plc.core.db.read() as conn:
        moved = await checkins_db.active_schedule(conn, GUILD)
    assert moved is not None and (moved.weekday, moved.local_time.hour) == (3, 16)
    assert moved.questions == ("What did you try?", "What next?")
    assert (moved.close_after_hours, moved.pulse) == (72, True)

    for word in ("Default", "par défaut"):
        await plc.schedule(questions_text="Only one?")
        await plc.schedule(questions_text=word, close_after_hours=None, pulse=None)
        async with plc.core.db.read() as conn:
            back = await checkins_db.active_schedule(conn, GUILD)
        assert back is not None and back.questions is None
        assert (back.close_after_hours, back.pulse) == (48, False)


async def test_a_first_schedule_without_options_takes_the_defaults(plc: Harness) -> None:
    await plc.schedule(close_after_hours=None, pulse=None)
    async with plc.core.db.read() as conn:
        first = await checkins_db.active_schedule(conn, GUILD)
    assert first is not None and first.questions is None
    assert (first.close_after_hours, first.pulse) == (48, False)
