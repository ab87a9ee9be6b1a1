"""Reading meetings: what is coming, the calendar file, the status line, personal data,
and the dates other features ask about (the rotation, live sessions)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.actor import Actor
from bot.chat import Moment
from bot.db import meeting_rsvps as rsvps_db
from bot.db import meetings as meetings_db
from bot.db.connection import Connection
from bot.db.meetings import ComingDate
from bot.errors import UserError
from bot.i18n import Language, format_time_of_day
from bot.interactions.suggest import matching, named
from bot.services.base import Core, StatusLine, StatusRead
from bot.services.community import CommunityService
from bot.services.meetings.ics import build_calendar
from bot.services.meetings.models import (
    DateAhead,
    ListedMeeting,
    MeetingDate,
    UpcomingMeeting,
    meeting_date,
)
from bot.services.meetings.reader import DateReader
from bot.services.meetings.times import next_occurrence


class MeetingQueries:
    """The read side of :class:`~bot.services.meetings.MeetingService`."""

    name = "meetings"

    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community
        self._dates = DateReader()

    async def upcoming(self, guild_id: int) -> list[UpcomingMeeting]:
        """Every active meeting's scheduled occurrence, soonest first."""
        async with self._core.db.read() as conn:
            dated = await meetings_db.scheduled_occurrences(conn, guild_id)
            return await self._dates.load_many(
                conn,
                [o for o, _, _ in dated],
                {m.id: m for _, m, _ in dated},
                {o.id: counts for o, _, counts in dated},
            )

    async def list_upcoming(self, actor: Actor) -> list[ListedMeeting]:
        """``/meeting list``: open to every member of a set-up community. Read as shown
        (plain rows), not as the models the other readers of the dates build."""
        community = await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            dates = await meetings_db.listed_dates(conn, community.guild_id)
            named = await self._dates.facilitators(conn, [d.occurrence_id for d in dates])
        return [ListedMeeting(d, named.get(d.occurrence_id)) for d in dates]

    async def upcoming_occurrence(self, occurrence_id: int) -> UpcomingMeeting | None:
        async with self._core.db.read() as conn:
            if await meetings_db.get_occurrence(conn, occurrence_id) is None:
                return None
            return await self._dates.load(conn, occurrence_id)

    async def unannounced(self, guild_id: int) -> list[UpcomingMeeting]:
        """Scheduled occurrences whose announcement is not recorded (a crash in between)."""
        return [u for u in await self.upcoming(guild_id) if u.announcement is None]

    async def meeting_choices(
        self, guild_id: int | None, current: str, language: Language = "en"
    ) -> list[tuple[str, str]]:
        """Autocomplete of ``meeting``: (id, "title — date and time") pairs, the date on the
        meeting's own wall clock in the member's words ("PLC — Thursday 3 December, 15:30",
        « CAP — jeudi 3 décembre, 15 h 30 »), within a choice's 100 characters."""
        if guild_id is None:
            return []
        choices = []
        for item in await self.upcoming(guild_id):
            local = item.occurrence.starts_at.astimezone(ZoneInfo(item.meeting.timezone))
            day = format_date(local.date(), "EEEE d MMMM", locale=language)
            hour = format_time_of_day(local.time(), language)
            label = f"{item.meeting.title[:62]} — {day}, {hour}"
            choices.append((str(item.meeting.id), label))
        return matching(choices, current)

    async def find(self, guild_id: int, reference: str) -> UpcomingMeeting:
        """The upcoming meeting an autocomplete value (its id) or its title names."""
        found = named(
            reference,
            await self.upcoming(guild_id),
            lambda upcoming: str(upcoming.meeting.id),
            lambda upcoming: upcoming.meeting.title,
        )
        if len(found) > 1:
            raise UserError("meetings.errors.ambiguous_meeting", text=reference[:100])
        if not found:
            raise UserError("meetings.errors.unknown_meeting", text=reference[:100])
        return found[0]

    async def calendar(self, actor: Actor) -> bytes | None:
        """``/meeting calendar``: an RFC 5545 file of the upcoming meetings (None: none)."""
        community = await self._community.require(actor.guild_id)
        upcoming = await self.upcoming(community.guild_id)
        if not upcoming:
            return None
        guild_id = community.guild_id
        channels = {u.meeting.channel_id for u in upcoming if u.meeting.channel_id}
        urls = {}
        for channel_id in channels:
            if (url := await self._core.chat.channel_url(guild_id, channel_id)) is not None:
                urls[channel_id] = url
        return build_calendar(
            upcoming, guild_id=guild_id, now=self._core.clock.now(), channel_urls=urls
        )

    async def status_lines(self, read: StatusRead) -> list[StatusLine]:
        # The next date and its title only: not the answers and facilitators a list shows.
        dates = await self.status_dates(read)
        if not dates:
            return [StatusLine(key="meetings.status.none")]
        first = dates[0]
        return [
            StatusLine(
                key="meetings.status.next",
                params={"title": first.title, "when": Moment(at=first.starts_at)},
            )
        ]

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        rsvps = []
        for rsvp in await rsvps_db.member_rsvps(conn, guild_id, user_id):
            occurrence = await meetings_db.get_occurrence(conn, rsvp.occurrence_id)
            meeting = (
                await meetings_db.get_meeting(conn, occurrence.meeting_id) if occurrence else None
            )
            rsvps.append(
                {
                    "meeting": meeting.title if meeting else None,
                    "starts_at": occurrence.starts_at.isoformat() if occurrence else None,
                    "answer": rsvp.answer,
                    "answered_at": rsvp.answered_at.isoformat(),
                }
            )
        created = await meetings_db.meetings_created_by(conn, guild_id, user_id)
        return {
            "rsvps": rsvps,
            "meetings_scheduled": [
                {"id": m.id, "title": m.title, "created_at": m.created_at.isoformat()}
                for m in created
            ],
        }

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        await rsvps_db.delete_member_rsvps(conn, guild_id, user_id)
        await meetings_db.forget_creator(conn, guild_id, user_id)

    # -- for other features, read in their own connection (often inside their write) -------

    async def date_of(self, conn: Connection, occurrence_id: int) -> MeetingDate | None:
        """A date by its id (None: there is no such date)."""
        occurrence = await meetings_db.get_occurrence(conn, occurrence_id)
        if occurrence is None:
            return None
        meeting = await meetings_db.get_meeting(conn, occurrence.meeting_id)
        return None if meeting is None else meeting_date(meeting, occurrence)

    async def status_dates(self, read: StatusRead) -> list[ComingDate]:
        """:meth:`coming_dates` for ``/plc status``: read once, whichever line asks."""
        return await read.once(
            (self.name, "coming_dates"),
            lambda: self.coming_dates(read.conn, read.guild_id),
        )

    async def coming_dates(self, conn: Connection, guild_id: int) -> list[ComingDate]:
        """:meth:`scheduled_dates` to be shown: each date's id, title and start alone."""
        return await meetings_db.coming_dates(conn, guild_id)

    async def scheduled_dates(self, conn: Connection, guild_id: int) -> list[MeetingDate]:
        """The next date of each active meeting of the community (one under way
        included), soonest first."""
        dated = await meetings_db.scheduled_occurrences(conn, guild_id)
        return [meeting_date(meeting, occurrence) for occurrence, meeting, _ in dated]

    async def dates_to_announce(self, conn: Connection, guild_id: int) -> list[DateAhead]:
        """The date each repeating meeting of the community announces next: the one after
        its current date (announced once that date is over), soonest first. A one-off
        meeting, or a series without a date after its current one, has none."""
        return self.dates_after(await self.coming_dates(conn, guild_id))

    def dates_after(self, dates: list[ComingDate]) -> list[DateAhead]:
        """:meth:`dates_to_announce` from the coming dates already read (no read)."""
        now = self._core.clock.now()
        found = []
        for coming in dates:
            after = next_occurrence(
                coming.first_date,
                coming.local_time,
                coming.timezone,
                coming.repeat,
                after_day=coming.local_date,
                now=now,
            )
            if after is not None:
                found.append(DateAhead(coming.meeting_id, coming.title, after.starts_at))
        return sorted(found, key=lambda date: date.starts_at)

    async def going(self, conn: Connection, occurrence_id: int) -> list[int]:
        """The members who answered Going for the date, in the order they answered."""
        return [r.user_id for r in await rsvps_db.rsvps_for(conn, occurrence_id, ("going",))]
