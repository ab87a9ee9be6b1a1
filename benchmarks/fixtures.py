"""One year of activity for N communities, written with direct SQL (fast, no Discord).

The database is first created by the bot's own ``Database.open`` (every migration),
then filled in one ``sqlite3`` transaction. Each community has 30 members and, for
each of the 52 past weeks: a meeting occurrence with RSVPs, its reminders (timers
and their DM deliveries), a rotation assignment, a live session with its turns,
notes, actions and ~25 posts (each a ``session_post`` timer), a check-in with its
answers, a posted anonymous question with upvotes, and audit rows. Keys and JSON
come from the bot's own helpers and models, so rows look like the bot's.

Everything here is in the past: nothing is pending, so a bot started on the file
fires nothing. The measured community's live state (a scheduled meeting, a check-in
open now, a rotation) is made afterwards through the real commands.
"""

from __future__ import annotations

import functools
import json
import random
import sqlite3
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.db.codec import instant_to_db
from bot.protocols import load_builtin
from bot.services.checkins.schedule import CLOSE_KIND, NUDGE_KIND, OPEN_KIND, checkin_key, open_key
from bot.services.meetings.models import END_KIND, REMINDER_KIND, occurrence_key, stamp
from bot.services.questions.models import POST_KIND as QUESTION_POST_KIND
from bot.services.questions.models import post_key as question_post_key
from bot.services.rotation_models import OFFER_KIND, offer_key
from bot.services.session_state import POST_KIND as SESSION_POST_KIND
from bot.services.session_state import post_key as session_post_key
from bot.services.session_summary import SessionSummary, SummaryStep, SummaryTurns

MEMBERS = 30
WEEKS = 52
ZONE = "America/Toronto"
SESSION_POSTS = 25  # opening, overview, steps, one prompt per turn, summary…
ANSWER_TEXTS = json.dumps(["Ran the reading groups twice", "Time to prepare", "A shared rubric"])
#: Synthetic ids live far below Discord's (and the emulator's) time-based snowflakes.
SYNTHETIC_BASE = 10**15


@dataclass(frozen=True)
class CommunitySpec:
    """The ids one community's rows use."""

    guild_id: int
    member_ids: tuple[int, ...]
    facilitator_role_id: int
    checkin_channel_id: int
    questions_channel_id: int
    announcements_channel_id: int
    moderation_channel_id: int
    general_channel_id: int
    voice_channel_id: int


def synthetic_community(index: int) -> CommunitySpec:
    base = SYNTHETIC_BASE + index * 1000
    return CommunitySpec(
        guild_id=base,
        member_ids=tuple(base + 100 + n for n in range(MEMBERS)),
        facilitator_role_id=base + 1,
        checkin_channel_id=base + 2,
        questions_channel_id=base + 3,
        announcements_channel_id=base + 4,
        moderation_channel_id=base + 5,
        general_channel_id=base + 6,
        voice_channel_id=base + 7,
    )


@dataclass(frozen=True)
class FixtureStats:
    communities: int
    rows: int
    seconds: float
    bytes: int


class _Ids:
    """Row ids handed out by the fixture (tables with INTEGER PRIMARY KEY), after the
    ones already in the file, so a community can be added to a built history."""

    TABLES = (
        "timers",
        "meetings",
        "meeting_occurrences",
        "checkin_schedules",
        "checkins",
        "goals",
        "questions",
        "sessions",
        "action_items",
    )

    def __init__(self, db: sqlite3.Connection) -> None:
        self._next: dict[str, int] = {}
        for table in self.TABLES:
            (highest,) = db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
            self._next[table] = highest + 1

    def take(self, table: str) -> int:
        value = self._next.get(table, 1)
        self._next[table] = value + 1
        return value


class _Rows:
    """Rows per table, flushed with ``executemany`` in batches."""

    BATCH = 50_000

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._rows: dict[str, list[tuple[Any, ...]]] = {}
        self._sql: dict[tuple[str, str], str] = {}
        self.count = 0

    def add(self, table: str, columns: str, row: tuple[Any, ...]) -> None:
        sql = self._sql.get((table, columns))
        if sql is None:
            marks = ", ".join("?" * len(row))
            sql = self._sql[table, columns] = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        batch = self._rows.setdefault(sql, [])
        batch.append(row)
        self.count += 1
        if len(batch) >= self.BATCH:
            self._db.executemany(sql, batch)
            batch.clear()

    def flush(self) -> None:
        for sql, rows in self._rows.items():
            if rows:
                self._db.executemany(sql, rows)
                rows.clear()


@functools.lru_cache(maxsize=65_536)
def _at(value: datetime) -> str:
    # Every community shares the same calendar, so instants repeat: format each once.
    return instant_to_db(value)


def instant(value: datetime) -> str:
    """An instant as the bot stores it."""
    return _at(value)


def _json(value: Any) -> str:
    if not value:
        return "{}"
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


async def create_schema(path: Path) -> None:
    """The bot's own schema: every migration, applied by ``Database.open``."""
    db = await Database.open(path)
    await db.close()


async def build(
    path: Path, communities: Sequence[CommunitySpec], now: datetime, *, live: bool = True
) -> FixtureStats:
    """Add one year of history (ending at ``now``) for ``communities`` to ``path``
    (created with every migration if it does not exist).

    ``live``: each community also has what a running community has now (its weekly
    meeting's next occurrence with its pending reminders, next week's check-in
    opening). Without it, the history's meeting series is over and nothing is pending:
    the caller makes the live state through the real commands.
    """
    started = time.perf_counter()
    if not _exists(path):
        await create_schema(path)
    rows = _fill(path, communities, now, live)
    return FixtureStats(
        communities=len(communities),
        rows=rows,
        seconds=time.perf_counter() - started,
        bytes=_size(path),
    )


async def add_communities(
    path: Path,
    communities: Sequence[CommunitySpec],
    now: datetime,
    dm_channels: Mapping[int, int] | None = None,
) -> FixtureStats:
    """Only the communities (set up, as ``/plc setup`` leaves them) and their members,
    with the DM channels the bot already had with some of them (``dm_channels``)."""
    started = time.perf_counter()
    if not _exists(path):
        await create_schema(path)
    rows = _fill(path, communities, now, live=False, history=False, dm_channels=dm_channels)
    return FixtureStats(len(communities), rows, time.perf_counter() - started, _size(path))


def _exists(path: Path) -> bool:
    return path.exists()


def _size(path: Path) -> int:
    return path.stat().st_size


def _fill(
    path: Path,
    communities: Sequence[CommunitySpec],
    now: datetime,
    live: bool,
    history: bool = True,
    dm_channels: Mapping[int, int] | None = None,
) -> int:
    """The rows, in one transaction (no fsync: a crash here only loses the fixture)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        rows = _Rows(db)
        writer = _History(rows, _Ids(db), now, live, dm_channels or {})
        for spec in communities:
            if history:
                writer.community(spec)
            else:
                writer.setup(spec, now - timedelta(weeks=WEEKS + 1))
        rows.flush()
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return rows.count


class _History:
    def __init__(
        self, rows: _Rows, ids: _Ids, now: datetime, live: bool, dm_channels: Mapping[int, int]
    ) -> None:
        self.rows, self.ids, self.now, self.live = rows, ids, now, live
        self.dm_channels = dm_channels
        self.random = random.Random(12)
        plc = next(p for p in load_builtin() if p.id == "plc")
        self.protocol = plc
        self.protocol_json = _json(plc.model_dump(mode="json"))
        self.steps = tuple(
            SummaryStep(number=i + 1, title=s.title.text("en"), mode=s.mode)
            for i, s in enumerate(plc.steps)
        )

    def add(self, table: str, columns: str, *row: Any) -> None:
        self.rows.add(table, columns, row)

    def message_id(self) -> int:
        """A Discord message (or event, or thread) id the bot would have stored."""
        return self.ids.take("messages") + SYNTHETIC_BASE * 10

    def timer(self, guild: int, kind: str, key: str, due: datetime, payload: dict[str, Any]) -> int:
        timer_id = self.ids.take("timers")
        self.add(
            "timers",
            "id, guild_id, kind, key, due_at, payload, status, created_at, finished_at",
            timer_id,
            guild,
            kind,
            key,
            _at(due),
            _json(payload),
            "done",
            _at(due - timedelta(days=7)),
            _at(due + timedelta(seconds=1)),
        )
        return timer_id

    def delivery(self, timer_id: int, target: str, at: datetime) -> None:
        message_id = self.message_id()
        self.add(
            "timer_deliveries",
            "timer_id, target, outcome, message_id, at",
            timer_id,
            target,
            "sent",
            message_id,
            _at(at),
        )

    def setup(self, spec: CommunitySpec, start: datetime) -> None:
        g = spec.guild_id
        self.add(
            "communities",
            "guild_id, timezone, language, checkin_channel_id, questions_channel_id, "
            "announcements_channel_id, facilitator_role_id, moderation_channel_id, "
            "created_at, updated_at",
            g,
            ZONE,
            "en",
            spec.checkin_channel_id,
            spec.questions_channel_id,
            spec.announcements_channel_id,
            spec.facilitator_role_id,
            spec.moderation_channel_id,
            _at(start),
            _at(start),
        )
        for user in spec.member_ids:
            self.add(
                "members",
                "guild_id, user_id, created_at, dm_channel_id",
                g,
                user,
                _at(start),
                self.dm_channels.get(user),
            )

    def community(self, spec: CommunitySpec) -> None:
        g, members, now = spec.guild_id, spec.member_ids, self.now
        start = now - timedelta(weeks=WEEKS + 1)
        self.setup(spec, start)
        goals = self.goals(spec, start)
        # A live series' next occurrence is announced and mirrored as a Discord event.
        live_occurrence = self.ids.take("meeting_occurrences") if self.live else None
        meeting_id = self.meeting(spec, start, live_occurrence)
        schedule_id = self.ids.take("checkin_schedules")
        self.add(
            "checkin_schedules",
            "id, guild_id, weekday, local_time, created_at",
            schedule_id,
            g,
            0,
            "09:00",
            _at(start),
        )
        volunteers = members[:10]
        for position, user in enumerate(volunteers):
            self.add(
                "rotation_volunteers",
                "guild_id, user_id, position, joined_at, times_assigned",
                g,
                user,
                position,
                _at(start),
                WEEKS // len(volunteers),
            )
        if self.live:
            assert live_occurrence is not None
            self.pending(spec, meeting_id, live_occurrence, schedule_id)
        for week in range(WEEKS):
            monday = start + timedelta(weeks=week + 1)
            occurrence = self.occurrence(spec, meeting_id, monday, volunteers[week % 10])
            self.session(spec, occurrence, monday, volunteers[week % 10], week)
            self.checkin(spec, schedule_id, monday, goals)
            self.question(spec, monday, week)
            for action in ("meeting.rsvp", "checkin.answer", "session.end"):
                self.add(
                    "audit_log",
                    "guild_id, actor_id, action, detail, at",
                    g,
                    members[week % MEMBERS],
                    action,
                    "{}",
                    _at(monday),
                )

    def goals(self, spec: CommunitySpec, start: datetime) -> dict[int, int]:
        """Each member's open goal (and one closed earlier), and a community goal."""
        current: dict[int, int] = {}
        columns = "id, guild_id, scope, owner_id, title, measure, baseline, target, due_on, "
        columns += "status, created_at"
        due_on = (self.now + timedelta(days=90)).date().isoformat()
        for user in spec.member_ids:
            for status in ("closed", "open"):
                goal_id = self.ids.take("goals")
                self.add(
                    "goals",
                    columns,
                    goal_id,
                    spec.guild_id,
                    "member",
                    user,
                    "Students reading at grade level",
                    "% of my class",
                    40.0,
                    80.0,
                    due_on,
                    status,
                    _at(start),
                )
                current[user] = goal_id
        self.add(
            "goals",
            columns,
            self.ids.take("goals"),
            spec.guild_id,
            "community",
            None,
            "Attendance",
            "% present",
            85.0,
            95.0,
            due_on,
            "open",
            _at(start),
        )
        return current

    def meeting(self, spec: CommunitySpec, start: datetime, live_occurrence: int | None) -> int:
        meeting_id = self.ids.take("meetings")
        self.add(
            "meetings",
            "id, guild_id, title, duration_minutes, repeat, first_date, local_time, timezone, "
            "channel_id, agenda, event_id, event_occurrence_id, created_by, created_at, "
            "updated_at, cancelled_at",
            meeting_id,
            spec.guild_id,
            "Weekly PLC meeting (last year)",
            60,
            "weekly",
            start.astimezone(ZoneInfo(ZONE)).date().isoformat(),
            "16:00",
            ZONE,
            spec.voice_channel_id,
            "Data review, then a protocol",
            None if live_occurrence is None else self.message_id(),
            live_occurrence,
            spec.member_ids[0],
            _at(start),
            _at(start),
            None if self.live else _at(self.now - timedelta(days=1)),
        )
        return meeting_id

    def pending(
        self, spec: CommunitySpec, meeting_id: int, occurrence_id: int, schedule_id: int
    ) -> None:
        """Now: the meeting's next occurrence with its timers, next week's check-in."""
        g = spec.guild_id
        starts = self.now + timedelta(days=2, hours=21)
        self.add(
            "meeting_occurrences",
            "id, guild_id, meeting_id, local_date, starts_at, status, announcement_channel_id, "
            "announcement_message_id, created_at",
            occurrence_id,
            g,
            meeting_id,
            starts.astimezone(ZoneInfo(ZONE)).date().isoformat(),
            _at(starts),
            "scheduled",
            spec.announcements_channel_id,
            self.message_id(),
            _at(self.now - timedelta(days=4)),
        )
        prefix = occurrence_key(meeting_id, starts)
        payload = {"occurrence_id": occurrence_id, "starts_at": stamp(starts)}
        timers = [
            (REMINDER_KIND, f"{prefix}{offset}", starts - timedelta(minutes=offset), offset)
            for offset in (1440, 60)
        ]
        for kind, key, due, offset in timers:
            self.pending_timer(g, kind, key, due, {**payload, "offset": offset})
        self.pending_timer(g, END_KIND, f"{prefix}end", starts + timedelta(hours=1), payload)
        opens = self.now + timedelta(weeks=1, hours=14)
        year, number, _ = opens.astimezone(ZoneInfo(ZONE)).date().isocalendar()
        week = f"{year}-W{number:02d}"
        self.pending_timer(
            g,
            OPEN_KIND,
            open_key(schedule_id, week),
            opens,
            {"schedule_id": schedule_id, "week": week},
        )

    def pending_timer(
        self, guild: int, kind: str, key: str, due: datetime, payload: dict[str, Any]
    ) -> None:
        self.add(
            "timers",
            "id, guild_id, kind, key, due_at, payload, created_at",
            self.ids.take("timers"),
            guild,
            kind,
            key,
            _at(due),
            _json(payload),
            _at(self.now - timedelta(days=4)),
        )

    def occurrence(
        self, spec: CommunitySpec, meeting_id: int, monday: datetime, facilitator: int
    ) -> int:
        g, members = spec.guild_id, spec.member_ids
        starts = monday + timedelta(days=2, hours=21)
        occurrence_id = self.ids.take("meeting_occurrences")
        self.add(
            "meeting_occurrences",
            "id, guild_id, meeting_id, local_date, starts_at, status, facilitator_id, "
            "announcement_channel_id, announcement_message_id, created_at",
            occurrence_id,
            g,
            meeting_id,
            starts.astimezone(ZoneInfo(ZONE)).date().isoformat(),
            _at(starts),
            "done",
            facilitator,
            spec.announcements_channel_id,
            self.message_id(),
            _at(starts - timedelta(days=7)),
        )
        self.add(
            "facilitator_assignments",
            "occurrence_id, guild_id, user_id, status, offers, assigned_at, answered_at",
            occurrence_id,
            g,
            facilitator,
            "accepted",
            1,
            _at(starts - timedelta(days=6)),
            _at(starts - timedelta(days=5)),
        )
        offer = self.timer(
            g, OFFER_KIND, offer_key(occurrence_id, 1), starts - timedelta(days=6), {}
        )
        self.delivery(offer, f"dm:{facilitator}", starts - timedelta(days=6))
        attending = []
        for user in members[:20]:
            answer = self.random.choice(("going", "going", "going", "maybe", "cant"))
            self.add(
                "meeting_rsvps",
                "guild_id, occurrence_id, user_id, answer, answered_at",
                g,
                occurrence_id,
                user,
                answer,
                _at(starts - timedelta(days=3)),
            )
            if answer != "cant":
                attending.append(user)
        prefix = occurrence_key(meeting_id, starts)
        payload = {"occurrence_id": occurrence_id, "starts_at": stamp(starts)}
        for offset in (1440, 60):
            due = starts - timedelta(minutes=offset)
            timer_id = self.timer(
                g, REMINDER_KIND, f"{prefix}{offset}", due, {**payload, "offset": offset}
            )
            for user in attending:
                self.delivery(timer_id, f"dm:{user}", due)
            self.delivery(timer_id, f"channel:{spec.announcements_channel_id}", due)
        self.timer(g, END_KIND, f"{prefix}end", starts + timedelta(hours=1), payload)
        return occurrence_id

    def session(
        self, spec: CommunitySpec, occurrence: int, monday: datetime, facilitator: int, week: int
    ) -> None:
        g, members = spec.guild_id, spec.member_ids
        started = monday + timedelta(days=2, hours=21)
        ended = started + timedelta(minutes=55)
        session_id = self.ids.take("sessions")
        participants = members[:18]
        round_step = next(i for i, s in enumerate(self.protocol.steps) if s.mode == "round")
        notes = [f"Note {n} of week {week}" for n in range(3)]
        actions = []
        for n in range(2):
            action_id = self.ids.take("action_items")
            owner = participants[(week + n) % len(participants)]
            done = week < WEEKS - 4
            self.add(
                "action_items",
                "id, guild_id, session_id, text, owner_id, status, created_by, created_at, done_at",
                action_id,
                g,
                session_id,
                f"Try the strategy in class ({week}.{n})",
                owner,
                "done" if done else "open",
                facilitator,
                _at(ended),
                _at(ended + timedelta(days=6)) if done else None,
            )
            actions.append({"action_id": action_id, "text": "…", "owner_id": owner})
        summary = SessionSummary(
            session_id=session_id,
            language="en",
            protocol_id=self.protocol.id,
            protocol_name=self.protocol.name_in("en"),
            meeting_title="Weekly PLC meeting (last year)",
            started_at=started,
            ended_at=ended,
            facilitator_id=facilitator,
            client_id=None,
            participants=participants,
            covered=self.steps,
            not_reached=(),
            notes=(),
            decisions=(),
            actions=(),
            turns=tuple(SummaryTurns(user_id=u, spoke=1, passed=0) for u in participants),
        )
        self.add(
            "sessions",
            "id, guild_id, occurrence_id, meeting_title, protocol_id, protocol, language, "
            "facilitator_id, channel_id, thread_id, status, step_index, started_at, ended_at, "
            "summary",
            session_id,
            g,
            occurrence,
            "Weekly PLC meeting (last year)",
            self.protocol.id,
            self.protocol_json,
            "en",
            facilitator,
            spec.general_channel_id,
            self.message_id(),
            "ended",
            len(self.protocol.steps) - 1,
            _at(started),
            _at(ended),
            summary.model_dump_json(),
        )
        for turn, user in enumerate(participants):
            self.add(
                "session_participants",
                "session_id, guild_id, user_id, joined_at",
                session_id,
                g,
                user,
                _at(started),
            )
            self.add(
                "session_turns",
                "session_id, guild_id, user_id, step_index, turn_index, outcome, at",
                session_id,
                g,
                user,
                round_step,
                turn,
                "spoke",
                _at(started + timedelta(minutes=10 + turn // 2)),
            )
        for text in notes:
            self.add(
                "session_entries",
                "session_id, guild_id, kind, text, author_id, step_index, created_at",
                session_id,
                g,
                "note",
                text,
                participants[1],
                round_step,
                _at(started + timedelta(minutes=20)),
            )
        for serial in range(1, SESSION_POSTS + 1):
            at = started + timedelta(minutes=serial * 2)
            timer_id = self.timer(
                g, SESSION_POST_KIND, session_post_key(session_id, serial), at, {}
            )
            self.delivery(timer_id, f"channel:{spec.general_channel_id}", at)

    def checkin(
        self, spec: CommunitySpec, schedule_id: int, monday: datetime, goals: dict[int, int]
    ) -> None:
        g = spec.guild_id
        opened = monday + timedelta(hours=14)
        closes = opened + timedelta(hours=48)
        year, number, _ = opened.astimezone(ZoneInfo(ZONE)).date().isocalendar()
        week = f"{year}-W{number:02d}"
        checkin_id = self.ids.take("checkins")
        self.add(
            "checkins",
            "id, guild_id, schedule_id, week, pulse, channel_id, message_id, thread_id, "
            "opened_at, closes_at, status, closed_at",
            checkin_id,
            g,
            schedule_id,
            week,
            0,
            spec.checkin_channel_id,
            self.message_id(),
            self.message_id(),
            _at(opened),
            _at(closes),
            "closed",
            _at(closes),
        )
        answered = spec.member_ids[: MEMBERS * 7 // 10]
        for n, user in enumerate(answered):
            at = opened + timedelta(hours=1 + n)
            self.add(
                "checkin_answers",
                "guild_id, checkin_id, user_id, goal_id, progress, texts, help_text, "
                "post_message_id, created_at, updated_at",
                g,
                checkin_id,
                user,
                goals[user],
                40.0 + n,
                ANSWER_TEXTS,
                "A shared rubric",
                self.message_id(),
                _at(at),
                _at(at),
            )
        self.timer(g, OPEN_KIND, open_key(schedule_id, week), opened, {})
        key = checkin_key(checkin_id)
        nudge = self.timer(g, NUDGE_KIND, key, closes - timedelta(hours=12), {})
        for user in spec.member_ids[len(answered) :]:
            self.delivery(nudge, f"dm:{user}", closes - timedelta(hours=12))
        self.timer(g, CLOSE_KIND, key, closes, {"checkin_id": checkin_id})

    def question(self, spec: CommunitySpec, monday: datetime, week: int) -> None:
        g = spec.guild_id
        at = monday + timedelta(days=1)
        ref = f"{g:x}{week:03d}{self.random.getrandbits(32):08x}"
        question_id = self.ids.take("questions")
        self.add(
            "questions",
            "id, guild_id, ref, kind, number, text, status, channel_id, message_id, posted_at",
            question_id,
            g,
            ref,
            "question",
            week + 1,
            "How do you run reading groups with 30 students?",
            "posted",
            spec.questions_channel_id,
            self.message_id(),
            _at(at),
        )
        for _ in range(3):
            self.add(
                "question_upvotes",
                "question_id, voter",
                question_id,
                self.random.randbytes(16),
            )
        timer_id = self.timer(g, QUESTION_POST_KIND, question_post_key(ref, "first"), at, {})
        self.delivery(timer_id, f"channel:{spec.questions_channel_id}", at)


FIXTURE_NOW = datetime(2026, 1, 12, 17, tzinfo=UTC)
