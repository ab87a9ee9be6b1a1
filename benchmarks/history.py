"""A community's year: set up, members and goals, a weekly meeting series, and now (its
next occurrence and next week's check-in pending) when the community is live."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services.checkins.schedule import OPEN_KIND, open_key
from bot.services.meetings.models import END_KIND, REMINDER_KIND, occurrence_key, stamp

from .rows import instant
from .spec import MEMBERS, WEEKS, ZONE, CommunitySpec
from .weeks import WeeklyActivity


class History(WeeklyActivity):
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
            instant(start),
            instant(start),
        )
        for user in spec.member_ids:
            self.add(
                "members",
                "guild_id, user_id, created_at, dm_channel_id",
                g,
                user,
                instant(start),
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
            instant(start),
        )
        volunteers = members[:10]
        for position, user in enumerate(volunteers):
            self.add(
                "rotation_volunteers",
                "guild_id, user_id, position, joined_at, times_assigned",
                g,
                user,
                position,
                instant(start),
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
                    instant(monday),
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
                    instant(start),
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
            instant(start),
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
            instant(start),
            instant(start),
            None if self.live else instant(self.now - timedelta(days=1)),
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
            instant(starts),
            "scheduled",
            spec.announcements_channel_id,
            self.message_id(),
            instant(self.now - timedelta(days=4)),
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
