"""Weekly check-ins against a real SQLite file and the real scheduler, no Discord.

Schedule math on DST boundaries (S4, S5), one answer per member per week, the pulse
threshold, streaks across away weeks, the digest, idempotent opening and closing (S6).
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ControlledClock
from bot.db import checkins as checkins_db
from bot.db import members as members_db
from bot.db import targets as targets_db
from bot.db import timers as timers_db
from bot.db.communities import CommunitySettings
from bot.db.timers import Timer
from bot.errors import UserError
from bot.scheduler import Firing, TimerKind
from bot.services.base import Core
from bot.services.checkins import (
    CLOSE_KIND,
    CSV_HEADER,
    NUDGE_KIND,
    OPEN_KIND,
    CheckinService,
    ClosedCheckin,
    csv_text,
    gap_days,
    next_open_after,
    nudge_time,
    parse_questions,
    parse_time_of_day,
    week_of,
)
from bot.services.community import CommunityService
from bot.services.goals import GoalService
from bot.services.members import MemberService
from tests.conftest import START

GUILD = 10
FACILITATOR = 100
ALICE, BOB, CAROL, DAN = 101, 102, 103, 104
CHANNEL = 500
TORONTO = "America/Toronto"

# -- schedule math ------------------------------------------------------------------


def _local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone))


def _weekly(start: datetime, weekday: int, at: time, zone: str, count: int) -> list[datetime]:
    found, after = [], start
    for _ in range(count):
        after = next_open_after(after, weekday, at, zone)
        found.append(after)
    return found


@pytest.mark.parametrize(
    ("zone", "transition"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
        ("America/Toronto", date(2026, 3, 8)),
        ("America/Toronto", date(2026, 11, 1)),
        ("Europe/Paris", date(2026, 3, 29)),
        ("Europe/Paris", date(2026, 10, 25)),
    ],
)
def test_a_weekly_18h_opening_stays_at_18h_local_across_dst(zone: str, transition: date) -> None:
    """S4: the same wall time on both sides of the change, so the UTC instant moves."""
    start = datetime.combine(transition - timedelta(days=15), time(12), tzinfo=UTC)
    openings = _weekly(start, transition.weekday(), time(18), zone, 4)
    assert [_local(o, zone).time() for o in openings] == [time(18)] * 4
    assert all(_local(o, zone).weekday() == transition.weekday() for o in openings)
    offsets = {_local(o, zone).utcoffset() for o in openings}
    assert len(offsets) == 2  # the UTC instant moved with the clock change
    gaps = [b - a for a, b in itertools.pairwise(openings)]
    assert set(gaps) - {timedelta(days=7)} in (
        {timedelta(days=7, hours=1)},
        {timedelta(days=6, hours=23)},
    )


def test_a_time_in_the_spring_gap_opens_once_an_hour_later_and_is_announced() -> None:
    """S5: 02:30 does not exist on 2026-03-08 in New York."""
    zone = "America/New_York"
    start = datetime(2026, 3, 1, 12, tzinfo=UTC)
    openings = _weekly(start, 6, time(2, 30), zone, 3)
    local = [_local(o, zone) for o in openings]
    assert [lt.date() for lt in local] == [date(2026, 3, 8), date(2026, 3, 15), date(2026, 3, 22)]
    assert local[0].time() == time(3, 30)
    assert [lt.time() for lt in local[1:]] == [time(2, 30)] * 2
    assert gap_days(6, time(2, 30), zone, date(2026, 1, 1)) == [date(2026, 3, 8)]
    assert gap_days(6, time(18), zone, date(2026, 1, 1)) == []


def test_a_time_repeated_at_fall_back_opens_once() -> None:
    """S5: 01:30 happens twice on 2026-11-01 in New York; the week opens once."""
    zone = "America/New_York"
    start = datetime(2026, 10, 30, tzinfo=UTC)
    first, second = _weekly(start, 6, time(1, 30), zone, 2)
    assert _local(first, zone).date() == date(2026, 11, 1)
    assert _local(first, zone).fold == 0 and _local(first, zone).utcoffset() == timedelta(hours=-4)
    assert _local(second, zone).date() == date(2026, 11, 8)


def test_next_open_is_strictly_after_and_the_week_is_the_local_iso_week() -> None:
    at = datetime(2026, 11, 23, 14, tzinfo=UTC)  # Monday 09:00 Toronto
    assert next_open_after(at, 0, time(9), TORONTO) == at + timedelta(days=7)
    assert next_open_after(at - timedelta(seconds=1), 0, time(9), TORONTO) == at
    assert week_of(at, TORONTO) == "2026-W48"
    # Sunday 23:30 in Toronto is already Monday in UTC: the local day decides.
    sunday = datetime(2026, 11, 30, 4, 30, tzinfo=UTC)
    assert week_of(sunday, TORONTO) == "2026-W48"
    assert week_of(sunday, "Europe/Paris") == "2026-W49"


def test_the_nudge_comes_12_hours_before_close_or_halfway() -> None:
    opened = START
    assert nudge_time(opened, opened + timedelta(hours=48)) == opened + timedelta(hours=36)
    assert nudge_time(opened, opened + timedelta(hours=6)) == opened + timedelta(hours=3)
    assert nudge_time(opened, opened + timedelta(hours=1)) == opened + timedelta(minutes=30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("18:00", time(18)), ("9:05", time(9, 5)), ("18h30", time(18, 30)), (" 00:00 ", time(0))],
)
def test_times_of_day_are_24_hour(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["24:00", "24:61", "12:60", "6pm", "", "18", "18:0", "-1:00"])
def test_impossible_times_are_refused(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_time_of_day(text)
    assert caught.value.key == "checkins.errors.bad_time"


def test_custom_questions_are_split_cleaned_and_limited() -> None:
    assert parse_questions(None) is None
    assert parse_questions("  ") is None
    assert parse_questions("What did you try? | What surprised you?\n\nNext step?") == [
        "What did you try?",
        "What surprised you?",
        "Next step?",
    ]
    with pytest.raises(UserError) as caught:
        parse_questions("a|b|c|d")
    assert caught.value.key == "checkins.errors.too_many_questions"
    with pytest.raises(UserError) as caught:
        parse_questions("ok|" + "x" * 101, field="Question {number}")
    assert caught.value.key == "errors.text_too_long"
    assert caught.value.params["field"] == "Question 2"


# -- the service through the scheduler -----------------------------------------------------


class Harness:
    """The service with stand-in timer handlers that do what the cog does, minus Discord."""

    def __init__(self, core: Core, clock: ControlledClock) -> None:
        self.core = core
        self.clock = clock
        self.community = CommunityService(core)
        self.members = MemberService(core, self.community)
        self.goals = GoalService(core, self.community)
        self.checkins = CheckinService(core, self.community)
        self.prompts: list[int] = []
        self.nudged: list[tuple[int, int]] = []
        self.closed_dms: set[int] = set()
        self.closings: list[ClosedCheckin] = []
        self.missed_opens: list[Timer] = []
        self._ids = itertools.count(9000)
        core.scheduler.register(TimerKind(OPEN_KIND, self.on_open, on_missed=self.on_missed_open))
        core.scheduler.register(TimerKind(NUDGE_KIND, self.on_nudge))
        core.scheduler.register(TimerKind(CLOSE_KIND, self.on_close))

    async def on_open(self, timer: Timer, firing: Firing) -> None:
        opened = await self.checkins.begin_open(
            timer.guild_id, timer.payload["schedule_id"], timer.payload["week"]
        )
        if opened is None:
            return
        if opened.checkin.message_id is None:
            message_id = next(self._ids)
            self.prompts.append(opened.checkin.id)
            await self.checkins.record_prompt(opened.checkin.id, message_id)
            await self.checkins.record_thread(opened.checkin.id, message_id)

    async def on_missed_open(self, timer: Timer) -> None:
        self.missed_opens.append(timer)
        await self.checkins.plan_after_missed_open(
            timer.guild_id, timer.payload["schedule_id"], timer.payload["week"]
        )

    async def on_nudge(self, timer: Timer, firing: Firing) -> None:
        plan = await self.checkins.nudge_plan(timer.payload["checkin_id"])
        if plan is None:
            return
        for user_id in plan.recipients:
            target = f"dm:{user_id}"
            if firing.already_delivered(target):
                continue
            closed = user_id in self.closed_dms or user_id in plan.known_closed
            if not closed:
                self.nudged.append((plan.checkin.id, user_id))
            await firing.delivered(target, "fallback" if closed else "sent")

    async def on_close(self, timer: Timer, firing: Firing) -> None:
        closed = await self.checkins.close(timer.payload["checkin_id"])
        if closed is not None and not firing.already_delivered("digest"):
            self.closings.append(closed)
            await firing.delivered("digest")

    async def setup(self, **changes: object) -> None:
        settings: dict[str, object] = {
            "timezone": TORONTO,
            "language": "en",
            "checkin_channel_id": CHANNEL,
            "questions_channel_id": None,
            "announcements_channel_id": None,
            "facilitator_role_id": None,
            "moderation_channel_id": None,
        }
        settings.update(changes)
        await self.community.setup(GUILD, 1, CommunitySettings(**settings))  # type: ignore[arg-type]

    async def schedule(self, **changes: object) -> None:
        values: dict[str, object] = {
            "weekday": 0,  # Monday
            "time_text": "09:30",
            "questions_text": None,
            "close_after_hours": 48,
            "pulse": False,
            "language": "en",
        }
        values.update(changes)
        await self.checkins.set_schedule(GUILD, FACILITATOR, **values)  # type: ignore[arg-type]

    async def advance(self, delta: timedelta) -> None:
        await self.clock.advance(delta)
        await self.core.scheduler.run_due()

    async def current(self) -> checkins_db.Checkin:
        async with self.core.db.read() as conn:
            checkin = await checkins_db.open_checkin(conn, GUILD)
        assert checkin is not None
        return checkin

    async def answer(
        self, user_id: int, checkin_id: int, progress: str = "", texts: tuple[str, ...] = ("", "")
    ) -> checkins_db.Answer:
        saved = await self.checkins.save_answer(
            GUILD, checkin_id, user_id, progress=progress, texts=list(texts), language="en"
        )
        return saved.answer

    async def timer(self, kind: str, key: str) -> Timer:
        async with self.core.db.read() as conn:
            found = await timers_db.find(conn, kind, key)
        assert found is not None
        return found


@pytest.fixture
async def plc(core: Core, clock: ControlledClock) -> Harness:
    harness = Harness(core, clock)
    await harness.setup()
    return harness


async def _known(plc: Harness, *user_ids: int) -> None:
    """Members the bot knows (they used a feature); the server list is never copied."""
    async with plc.core.db.transaction() as conn:
        for user_id in user_ids:
            await members_db.ensure(conn, GUILD, user_id, START)


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


async def test_a_week_opens_nudges_once_closes_once_and_plans_the_next(plc: Harness) -> None:
    await _known(plc, ALICE, BOB, CAROL, DAN)
    await plc.goals.create_goal(
        GUILD,
        ALICE,
        scope="mine",
        title="Reading",
        measure="% at level 3",
        baseline="40",
        target="80",
        due="2027-06-01",
        language="en",
        as_facilitator=False,
    )
    await plc.schedule(weekday=0, time_text="09:30", close_after_hours=48)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    assert plc.prompts == [checkin.id] and checkin.week == "2026-W48"
    assert checkin.closes_at == START + timedelta(minutes=30, hours=48)
    assert (await plc.timer(NUDGE_KIND, f"checkin:{checkin.id}")).due_at == (
        checkin.closes_at - timedelta(hours=12)
    )
    next_open = await plc.timer(OPEN_KIND, f"checkin:{checkin.schedule_id}:2026-W49")
    assert next_open.due_at == START + timedelta(days=7, minutes=30)

    await plc.answer(ALICE, checkin.id, progress="52,5", texts=("Reading circles", "Time"))
    await plc.answer(BOB, checkin.id, texts=("Exit tickets", ""))
    plc.closed_dms.add(DAN)
    await plc.advance(timedelta(hours=36))
    assert plc.nudged == [(checkin.id, CAROL)]
    await plc.advance(timedelta(hours=1))
    await plc.core.scheduler.run_due()  # a second wake-up
    assert plc.nudged == [(checkin.id, CAROL)]

    await plc.advance(timedelta(hours=11))
    (closing,) = plc.closings
    digest = closing.digest
    assert digest.answered == [ALICE, BOB]
    assert digest.expected == [ALICE, BOB, CAROL, DAN]
    assert digest.response_rate == 0.5
    assert [(h.user_id, h.text) for h in digest.help_requests] == [(ALICE, "Time")]
    assert [(g.goal.title, g.latest, g.goal.target) for g in digest.goals] == [
        ("Reading", 52.5, 80.0)
    ]
    assert digest.unreachable == [DAN]
    assert digest.pulse is None
    async with plc.core.db.read() as conn:
        stored = await checkins_db.get_checkin(conn, checkin.id)
    assert stored is not None and stored.status == "closed"

    # Closing again (a second timer run, a restart) changes nothing.
    again = await plc.checkins.close(checkin.id)
    assert again is not None and again.digest.answered == [ALICE, BOB]
    async with plc.core.db.read() as conn:
        assert (await checkins_db.get_checkin(conn, checkin.id)) == stored

    await plc.advance(timedelta(days=5))
    assert len(plc.prompts) == 2
    assert (await plc.current()).week == "2026-W49"


async def test_one_answer_per_member_per_week_and_edits_update_it(plc: Harness) -> None:
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    first = await plc.answer(ALICE, checkin.id, progress="3", texts=("a", "b"))
    await plc.clock.advance(timedelta(hours=1))
    second = await plc.checkins.save_answer(
        GUILD, checkin.id, ALICE, progress="4,5", texts=["a2", ""], language="fr"
    )
    assert second.created is False
    assert second.answer.id == first.id
    assert (second.answer.progress, second.answer.texts) == (4.5, ("a2", ""))
    assert second.answer.help_text == ""
    assert second.answer.updated_at > second.answer.created_at
    async with plc.core.db.read() as conn:
        assert len(await checkins_db.answers_to(conn, checkin.id)) == 1
    # The database itself refuses a second row for the same member and week.
    async with plc.core.db.read() as conn:
        again = await checkins_db.insert_answer(
            conn,
            GUILD,
            checkin.id,
            ALICE,
            goal_id=None,
            progress=None,
            texts=["x"],
            help_text="",
            now=START,
        )
    assert again is None


async def test_bad_answers_are_refused_and_nothing_is_written(plc: Harness) -> None:
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    cases = [
        ({"progress": "a lot"}, "goals.errors.not_a_number"),
        ({"progress": " ", "texts": [" ", "\u200b"]}, "checkins.errors.empty_answer"),
        ({"texts": ["x" * 1001, ""]}, "errors.text_too_long"),
        ({"texts": ["only one"]}, "checkins.errors.questions_changed"),
    ]
    for changes, key in cases:
        values: dict[str, object] = {"progress": "", "texts": ["ok", ""], "language": "en"}
        values.update(changes)
        with pytest.raises(UserError) as caught:
            await plc.checkins.save_answer(GUILD, checkin.id, ALICE, **values)  # type: ignore[arg-type]
        assert caught.value.key == key
    async with plc.core.db.read() as conn:
        assert await checkins_db.answers_to(conn, checkin.id) == []


async def test_answering_or_editing_after_close_is_refused(plc: Harness) -> None:
    await plc.schedule(time_text="09:30", close_after_hours=2)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    answer = await plc.answer(ALICE, checkin.id, texts=("a", "b"))
    form = await plc.checkins.edit_form(GUILD, answer.id, ALICE, "en")
    assert form.existing == answer and form.questions[0] == "What did you try? What worked?"
    with pytest.raises(UserError) as caught:
        await plc.checkins.edit_form(GUILD, answer.id, BOB, "en")
    assert caught.value.key == "checkins.errors.not_your_answer"
    await plc.clock.advance(timedelta(hours=2))  # past closes_at, before the timer ran
    for attempt in (
        plc.checkins.answer_form(GUILD, checkin.id, BOB, "en"),
        plc.checkins.edit_form(GUILD, answer.id, ALICE, "en"),
        plc.checkins.save_answer(
            GUILD, checkin.id, BOB, progress="1", texts=["", ""], language="en"
        ),
    ):
        with pytest.raises(UserError) as caught:
            await attempt
        assert caught.value.key == "checkins.errors.closed"


async def test_custom_questions_are_snapshotted_with_the_help_question_last(
    plc: Harness,
) -> None:
    await plc.schedule(time_text="09:30", questions_text="Tried? | Learned? | Need help with?")
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    form = await plc.checkins.answer_form(GUILD, checkin.id, ALICE, "fr")
    assert form.questions == ["Tried?", "Learned?", "Need help with?"]
    saved = await plc.answer(ALICE, checkin.id, texts=("x", "y", "a colleague to observe"))
    assert saved.help_text == "a colleague to observe"
    # A new schedule does not change the open week's questions.
    await plc.schedule(time_text="09:30")
    form = await plc.checkins.answer_form(GUILD, checkin.id, ALICE, "en")
    assert form.questions == ["Tried?", "Learned?", "Need help with?"]


async def test_the_answer_number_goes_to_the_members_current_goal(plc: Harness) -> None:
    old = await plc.goals.create_goal(
        GUILD,
        ALICE,
        scope="mine",
        title="Old",
        measure="n",
        baseline="0",
        target="10",
        due="2027-01-01",
        language="en",
        as_facilitator=False,
    )
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    new = await plc.goals.create_goal(
        GUILD,
        ALICE,
        scope="mine",
        title="New",
        measure="n",
        baseline="0",
        target="5",
        due="2027-01-01",
        language="en",
        as_facilitator=False,
    )
    checkin = await plc.current()
    form = await plc.checkins.answer_form(GUILD, checkin.id, ALICE, "en")
    assert form.goal is not None and form.goal.id == new.id
    answer = await plc.answer(ALICE, checkin.id, progress="2")
    assert answer.goal_id == new.id
    assert [p.value for p in (await plc.goals.progress_series(GUILD, ALICE)).points] == [2.0]
    assert old.id != new.id


async def test_the_pulse_is_anonymous_one_vote_each_and_hidden_below_three(
    plc: Harness,
) -> None:
    await plc.schedule(time_text="09:30", pulse=True)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    assert await plc.checkins.vote_pulse(GUILD, checkin.id, ALICE, 2) is True
    assert await plc.checkins.vote_pulse(GUILD, checkin.id, ALICE, 4) is False  # changed
    assert await plc.checkins.vote_pulse(GUILD, checkin.id, BOB, 5) is True
    summary = await plc.checkins.pulse_summary(checkin.id)
    assert summary is not None and summary.count == 2 and summary.average is None
    for bad in (0, 6):
        with pytest.raises(UserError) as caught:
            await plc.checkins.vote_pulse(GUILD, checkin.id, CAROL, bad)
        assert caught.value.key == "checkins.errors.bad_pulse"
    await plc.checkins.vote_pulse(GUILD, checkin.id, CAROL, 3)
    summary = await plc.checkins.pulse_summary(checkin.id)
    assert summary is not None and summary.count == 3 and summary.average == 4.0
    async with plc.core.db.read() as conn:
        cursor = await conn.execute("SELECT * FROM checkin_pulse")
        rows = [dict(row) for row in await cursor.fetchall()]
    # No author column: only a keyed hash (one vote each), the check-in and the score.
    assert {tuple(row) for row in rows} == {("checkin_id", "voter_hash", "score")}
    assert sorted(row["score"] for row in rows) == [3, 4, 5]
    assert all(len(row["voter_hash"]) == 64 for row in rows)
    assert len({row["voter_hash"] for row in rows}) == 3
    await plc.advance(timedelta(hours=48))
    (closing,) = plc.closings
    assert closing.digest.pulse is not None and closing.digest.pulse.average == 4.0


async def test_the_pulse_average_stays_hidden_in_the_digest_below_three(plc: Harness) -> None:
    await plc.schedule(time_text="09:30", pulse=True)
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    await plc.checkins.vote_pulse(GUILD, checkin.id, ALICE, 1)
    await plc.checkins.vote_pulse(GUILD, checkin.id, BOB, 5)
    await plc.advance(timedelta(hours=48))
    (closing,) = plc.closings
    assert closing.digest.pulse is not None
    assert (closing.digest.pulse.count, closing.digest.pulse.average) == (2, None)


async def test_a_check_in_without_pulse_refuses_votes(plc: Harness) -> None:
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    with pytest.raises(UserError) as caught:
        await plc.checkins.vote_pulse(GUILD, (await plc.current()).id, ALICE, 3)
    assert caught.value.key == "checkins.errors.no_pulse"


async def test_away_members_are_not_nudged_and_their_week_does_not_break_the_streak(
    plc: Harness,
) -> None:
    await _known(plc, ALICE, BOB)
    await plc.schedule(time_text="09:30")
    # Week 1: Alice answers.
    await plc.advance(timedelta(minutes=30))
    await plc.answer(ALICE, (await plc.current()).id, texts=("w1", ""))
    await plc.advance(timedelta(days=7))
    # Week 2: Alice is away (set during the week, back early after the close).
    await plc.members.set_away(GUILD, ALICE, "2026-12-06", "en")
    week2 = await plc.current()
    await plc.advance(timedelta(hours=36))
    assert (week2.id, ALICE) not in plc.nudged and (week2.id, BOB) in plc.nudged
    await plc.advance(timedelta(hours=12))
    assert plc.closings[-1].digest.away == [ALICE]
    assert plc.closings[-1].digest.expected == [BOB]
    await plc.members.back(GUILD, ALICE)  # does not rewrite week 2
    await plc.advance(timedelta(days=5))
    # Week 3: Alice answers again.
    await plc.answer(ALICE, (await plc.current()).id, texts=("w3", ""))
    history = await plc.checkins.history(GUILD, ALICE)
    assert [(w.week, w.status) for w in history.weeks] == [
        ("2026-W50", "answered"),
        ("2026-W49", "away"),
        ("2026-W48", "answered"),
    ]
    assert (history.streak, history.best_streak, history.answered) == (2, 2, 2)
    bob = await plc.checkins.history(GUILD, BOB)
    assert [w.status for w in bob.weeks] == ["open", "missed", "missed"]
    assert bob.streak == 0


async def test_a_missed_week_breaks_the_streak_and_an_open_week_does_not(plc: Harness) -> None:
    await _known(plc, ALICE)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    await plc.answer(ALICE, (await plc.current()).id, texts=("w1", ""))
    await plc.advance(timedelta(days=7))  # week 2: no answer
    await plc.advance(timedelta(days=7))
    await plc.answer(ALICE, (await plc.current()).id, texts=("w3", ""))
    await plc.advance(timedelta(days=7))  # week 4 open, not answered yet
    history = await plc.checkins.history(GUILD, ALICE)
    assert [w.status for w in history.weeks] == ["open", "answered", "missed", "answered"]
    assert (history.streak, history.best_streak) == (1, 1)


async def test_checkin_now_opens_this_week_and_keeps_the_weekly_chain(plc: Harness) -> None:
    await plc.schedule(weekday=4, time_text="09:00")  # Fridays; START is a Monday
    checkin = await plc.checkins.open_now(GUILD, FACILITATOR)
    assert checkin.week == "2026-W48" and checkin.opened_at == START
    assert checkin.message_id is not None
    with pytest.raises(UserError) as caught:
        await plc.checkins.open_now(GUILD, FACILITATOR)
    assert caught.value.key == "checkins.errors.already_this_week"
    # Friday of this week does not open a second one; next Friday does.
    await plc.advance(timedelta(days=4, hours=1))
    assert plc.prompts == [checkin.id]
    await plc.advance(timedelta(days=7))
    assert len(plc.prompts) == 2
    assert (await plc.current()).week == "2026-W49"


async def test_checkin_now_needs_a_schedule_and_a_reachable_channel(plc: Harness) -> None:
    with pytest.raises(UserError) as caught:
        await plc.checkins.open_now(GUILD, FACILITATOR)
    assert caught.value.key == "checkins.errors.no_schedule"
    await plc.schedule()
    async with plc.core.db.transaction() as conn:
        await targets_db.mark_unreachable(conn, GUILD, CHANNEL, "unknown channel", START)
    with pytest.raises(UserError) as caught:
        await plc.checkins.open_now(GUILD, FACILITATOR)
    assert caught.value.key == "checkins.errors.channel_lost"
    assert caught.value.params == {"channel_id": CHANNEL}
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


async def test_an_abandoned_week_cancels_its_nudge_and_close(plc: Harness) -> None:
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    await plc.checkins.abandon(checkin.id)
    assert (await plc.timer(NUDGE_KIND, f"checkin:{checkin.id}")).status == "cancelled"
    assert (await plc.timer(CLOSE_KIND, f"checkin:{checkin.id}")).status == "cancelled"
    # /checkin now can open the week again once the channel is fixed.
    reopened = await plc.checkins.open_now(GUILD, FACILITATOR)
    assert reopened.week == checkin.week and reopened.id != checkin.id


async def test_an_opening_missed_while_down_is_recorded_and_the_chain_continues(
    plc: Harness,
) -> None:
    """S1: beyond the 12 h grace the week is missed, told, and next week still opens."""
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30, hours=13))
    assert plc.prompts == [] and len(plc.missed_opens) == 1
    await plc.advance(timedelta(days=7, hours=-13))
    assert len(plc.prompts) == 1
    assert (await plc.current()).week == "2026-W49"


async def test_a_clock_stepping_back_and_forth_duplicates_nothing(plc: Harness) -> None:
    """S6: after a step back, nothing is opened, nudged or closed twice."""
    await _known(plc, ALICE)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    await plc.advance(timedelta(hours=36))
    await plc.advance(timedelta(hours=12))
    await plc.clock.set(START)
    await plc.core.scheduler.run_due()
    await plc.advance(timedelta(hours=49))
    assert len(plc.prompts) == 1 and len(plc.closings) == 1
    assert plc.nudged == [(plc.prompts[0], ALICE)]


async def test_members_with_reminders_off_are_not_nudged(plc: Harness) -> None:
    await _known(plc, ALICE, BOB)
    await plc.members.set_dm_reminders(GUILD, BOB, False)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    await plc.advance(timedelta(hours=36))
    assert [user for _, user in plc.nudged] == [ALICE]


async def test_the_csv_export_parses_back_to_the_stored_answers(plc: Harness) -> None:
    await plc.goals.create_goal(
        GUILD,
        ALICE,
        scope="mine",
        title="=Reading",
        measure="n",
        baseline="0",
        target="10",
        due="2027-01-01",
        language="en",
        as_facilitator=False,
    )
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    await plc.answer(ALICE, checkin.id, progress="3,5", texts=("Line 1\nline 2, with comma", "-"))
    await plc.answer(BOB, checkin.id, texts=('Quote " inside', ""))
    assert await plc.checkins.answer_authors(GUILD) == [ALICE, BOB]
    export = await plc.checkins.export_csv(GUILD, {ALICE: "Alice A.", BOB: "@Bob"})
    rows = list(csv.reader(io.StringIO(export.text)))
    assert export.rows == 2
    assert tuple(rows[0]) == CSV_HEADER
    async with plc.core.db.read() as conn:
        stored = await checkins_db.answers_to(conn, checkin.id)
    assert len(rows) == 1 + len(stored)
    for row, answer in zip(rows[1:], stored, strict=True):
        record = dict(zip(CSV_HEADER, row, strict=True))
        assert record["week"] == checkin.week
        assert int(record["user_id"]) == answer.user_id
        assert record["answer_1"] == csv_text(answer.texts[0])
        assert record["answer_2"] == csv_text(answer.texts[1])
        assert record["question_1"] == "What did you try? What worked?"
        assert (float(record["progress"]) if record["progress"] else None) == answer.progress
    alice = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert alice["goal"] == "'=Reading" and alice["member"] == "Alice A."
    assert alice["answer_2"] == "'-" and alice["target"] == "10"
    assert dict(zip(CSV_HEADER, rows[2], strict=True))["member"] == "'@Bob"


async def test_status_shows_the_open_check_in_and_the_next_one(plc: Harness) -> None:
    assert [line.key for line in await plc.checkins.status_lines(GUILD)] == ["checkins.status.none"]
    await plc.schedule(time_text="09:30")
    (line,) = await plc.checkins.status_lines(GUILD)
    assert line.key == "checkins.status.next"
    assert line.params["at"] == int((START + timedelta(minutes=30)).timestamp())
    await plc.advance(timedelta(minutes=30))
    lines = await plc.checkins.status_lines(GUILD)
    assert [line.key for line in lines] == ["checkins.status.open", "checkins.status.next"]
    assert lines[1].params["at"] == int((START + timedelta(days=7, minutes=30)).timestamp())


async def test_export_and_delete_reach_answers_and_away_weeks(plc: Harness) -> None:
    await _known(plc, ALICE, BOB)
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    checkin = await plc.current()
    await plc.answer(ALICE, checkin.id, progress="1", texts=("mine", ""))
    await plc.answer(BOB, checkin.id, texts=("bob's", ""))
    await plc.members.set_away(GUILD, ALICE, "2026-12-31", "en")
    await plc.advance(timedelta(hours=48))
    async with plc.core.db.read() as conn:
        exported = await plc.checkins.export_member(conn, GUILD, ALICE)
    assert [a["texts"] for a in exported["answers"]] == [["mine", ""]]
    assert exported["away_weeks"] == ["2026-W48"]
    async with plc.core.db.transaction() as conn:
        await plc.checkins.delete_member(conn, GUILD, ALICE)
    async with plc.core.db.read() as conn:
        assert await checkins_db.answers_of_member(conn, GUILD, ALICE) == []
        assert await checkins_db.away_weeks_of_member(conn, GUILD, ALICE) == set()
        assert len(await checkins_db.answers_of_member(conn, GUILD, BOB)) == 1


async def test_check_ins_are_purged_after_twelve_months_idempotently(plc: Harness) -> None:
    """G3: the rule deletes closed weeks over a year old with their answers; twice is once."""
    await plc.schedule(time_text="09:30")
    await plc.advance(timedelta(minutes=30))
    first = await plc.current()
    await plc.answer(ALICE, first.id, texts=("old", ""))
    await plc.advance(timedelta(hours=36))
    await plc.advance(timedelta(hours=12))
    await plc.clock.advance(timedelta(days=365))
    async with plc.core.db.transaction() as conn:
        assert await plc.checkins.purge_old(conn, plc.clock.now()) == 1
    async with plc.core.db.transaction() as conn:
        assert await plc.checkins.purge_old(conn, plc.clock.now()) == 0
    async with plc.core.db.read() as conn:
        assert await checkins_db.get_checkin(conn, first.id) is None
        assert await checkins_db.answers_of_member(conn, GUILD, ALICE) == []
