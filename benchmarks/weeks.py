"""One week of a community's past: its meeting and session, check-in, question."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.protocols import load_builtin
from bot.services.checkins.schedule import CLOSE_KIND, NUDGE_KIND, OPEN_KIND, checkin_key, open_key
from bot.services.facilitation.rotation.models import OFFER_KIND, offer_key
from bot.services.facilitation.sessions.state import POST_KIND as SESSION_POST_KIND
from bot.services.facilitation.sessions.state import post_key as session_post_key
from bot.services.facilitation.sessions.summary import SessionSummary, SummaryStep, SummaryTurns
from bot.services.meetings.models import END_KIND, REMINDER_KIND, occurrence_key, stamp
from bot.services.questions.models import POST_KIND as QUESTION_POST_KIND
from bot.services.questions.models import post_key as question_post_key

from .rows import Writer, as_json, instant
from .spec import MEMBERS, WEEKS, ZONE, CommunitySpec

SESSION_POSTS = 25  # opening, overview, steps, one prompt per turn, summary…
ANSWER_TEXTS = json.dumps(["Ran the reading groups twice", "Time to prepare", "A shared rubric"])


class WeeklyActivity(Writer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.random = random.Random(12)
        plc = next(p for p in load_builtin() if p.id == "plc")
        self.protocol = plc
        self.protocol_json = as_json(plc.model_dump(mode="json"))
        self.steps = tuple(
            SummaryStep(number=i + 1, title=s.title.text("en"), mode=s.mode)
            for i, s in enumerate(plc.steps)
        )

    def occurrence(
        self, spec: CommunitySpec, meeting_id: int, monday: datetime, facilitator: int
    ) -> int:
        g, members = spec.guild_id, spec.member_ids
        starts = monday + timedelta(days=2, hours=21)
        occurrence_id = self.ids.take("meeting_occurrences")
        self.add(
            "meeting_occurrences",
            "id, guild_id, meeting_id, local_date, starts_at, status, "
            "announcement_channel_id, announcement_message_id, created_at",
            occurrence_id,
            g,
            meeting_id,
            starts.astimezone(ZoneInfo(ZONE)).date().isoformat(),
            instant(starts),
            "done",
            spec.announcements_channel_id,
            self.message_id(),
            instant(starts - timedelta(days=7)),
        )
        self.add(
            "facilitator_assignments",
            "occurrence_id, guild_id, user_id, status, offers, assigned_at, answered_at, held",
            occurrence_id,
            g,
            facilitator,
            "accepted",
            1,
            instant(starts - timedelta(days=6)),
            instant(starts - timedelta(days=5)),
            1,  # the date took place (above)
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
                instant(starts - timedelta(days=3)),
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
                instant(ended),
                instant(ended + timedelta(days=6)) if done else None,
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
            instant(started),
            instant(ended),
            summary.model_dump_json(),
        )
        for turn, user in enumerate(participants):
            self.add(
                "session_participants",
                "session_id, guild_id, user_id, joined_at",
                session_id,
                g,
                user,
                instant(started),
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
                instant(started + timedelta(minutes=10 + turn // 2)),
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
                instant(started + timedelta(minutes=20)),
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
            instant(opened),
            instant(closes),
            "closed",
            instant(closes),
        )
        answered = spec.member_ids[: MEMBERS * 7 // 10]
        for n, user in enumerate(answered):
            at = opened + timedelta(hours=1 + n)
            answer_id = self.ids.take("checkin_answers")
            self.add(
                "checkin_answers",
                "id, guild_id, checkin_id, user_id, texts, help_text, "
                "post_message_id, created_at, updated_at",
                answer_id,
                g,
                checkin_id,
                user,
                ANSWER_TEXTS,
                "A shared rubric",
                self.message_id(),
                instant(at),
                instant(at),
            )
            self.add(
                "checkin_progress",
                "answer_id, goal_id, value, checkin_id, opened_at",
                answer_id,
                goals[user],
                40.0 + n,
                checkin_id,
                instant(opened),
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
            instant(at),
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
