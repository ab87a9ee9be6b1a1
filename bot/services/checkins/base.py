"""What the parts of the check-in service share (:mod:`.service` composes them).

Each part (planning, opening, closing, answers, records) is a :class:`CheckinPart`: a
plain class holding one :class:`CheckinShared`, the core, the services it asks, and the
helpers more than one part needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time

from bot.chat import ChannelRef, Trusted
from bot.db import checkins as checkins_db
from bot.db import members as members_db
from bot.db import targets as targets_db
from bot.db.checkins import Checkin, CheckinSchedule
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.errors import FinalRefusal, UserError
from bot.i18n import Language, language_for_locale
from bot.services.anonymity import Anonymizer
from bot.services.base import Core
from bot.services.checkins.schedule import OPEN_KIND, next_open_after, open_key, week_of
from bot.services.community import CommunityService, MemberService

DEFAULT_QUESTION_KEYS = ("checkins.questions.tried", "checkins.questions.obstacles")


class CheckinShared:
    def __init__(self, core: Core, community: CommunityService, members: MemberService) -> None:
        self.core = core
        self.community = community
        self.members = members
        self.anonymizer = Anonymizer.configured(core.settings.privacy)

    def questions_for(self, checkin: Checkin, language: str) -> list[str]:
        """The text questions of a check-in as words (files, exports): the custom ones, or
        the built-in ones in ``language``."""
        if checkin.questions is not None:
            return list(checkin.questions)
        return [self.core.catalog.t(language, key) for key in DEFAULT_QUESTION_KEYS]

    @staticmethod
    async def require_channel(conn: Connection, community: Community) -> int:
        channel_id = community.checkin_channel_id
        if channel_id is None:
            raise UserError("checkins.errors.no_channel")
        if await targets_db.is_unreachable(conn, community.guild_id, channel_id):
            raise UserError("checkins.errors.channel_lost", channel=channel_ref(channel_id))
        return channel_id

    async def open_checkin(self, conn: Connection, guild_id: int, checkin_id: int) -> Checkin:
        """The check-in, if it still takes answers; else the refusal."""
        checkin = await checkins_db.get_checkin(conn, checkin_id)
        if checkin is None or checkin.guild_id != guild_id:
            raise FinalRefusal("checkins.errors.unknown_checkin")
        if checkin.status != "open" or self.core.clock.now() >= checkin.closes_at:
            raise FinalRefusal("checkins.errors.closed")
        return checkin

    async def plan_next_open(
        self,
        conn: Connection,
        community: Community,
        schedule: CheckinSchedule,
        after: datetime,
        *,
        skip_week: str | None = None,
    ) -> datetime:
        """Plan the first weekly opening after ``after`` whose week has no check-in yet.

        ``skip_week`` is the week being opened right now: its own timer is running and
        must not be moved (it is closed as done once its handler returns).
        """
        at, week = await next_free_slot(conn, community, schedule, after, skip_week)
        await self.core.scheduler.schedule(
            conn,
            community.guild_id,
            OPEN_KIND,
            open_key(schedule.id, week),
            at,
            {"schedule_id": schedule.id, "week": week},
        )
        return at

    @staticmethod
    async def away(conn: Connection, guild_id: int, user_ids: list[int], today: date) -> list[int]:
        """Which of ``user_ids`` are away on the community's local date (``Member.is_away``)."""
        profiles = await members_db.get_many(conn, guild_id, user_ids)
        return sorted(
            u for u in user_ids if (p := profiles.get(u)) is not None and p.is_away(today)
        )


class CheckinPart:
    """What every part of the check-in service is built with: the shared parts, and the
    core and the community service read through them."""

    def __init__(self, shared: CheckinShared) -> None:
        self._shared = shared
        self._core = shared.core
        self._community = shared.community


def community_language(community: Community) -> Language:
    """Public posts speak the community's language."""
    return language_for_locale(community.language)


def channel_ref(channel_id: int | None) -> ChannelRef | Trusted:
    """The check-in channel, as a refusal names it (a dash when none is set)."""
    return ChannelRef(channel_id=channel_id) if channel_id is not None else Trusted(text="—")


def openings(
    after: datetime, weekday: int, local_time: time, zone: str
) -> Iterator[tuple[datetime, str]]:
    """The next four weekly openings after ``after``, each with its week: a week holds one
    check-in, so one of them is free."""
    candidate = after
    for _ in range(4):
        candidate = next_open_after(candidate, weekday, local_time, zone)
        yield candidate, week_of(candidate, zone)


async def next_free_slot(
    conn: Connection,
    community: Community,
    schedule: CheckinSchedule,
    after: datetime,
    skip_week: str | None,
) -> tuple[datetime, str]:
    """The first weekly opening after ``after`` whose week has no check-in yet."""
    for candidate, week in openings(
        after, schedule.weekday, schedule.local_time, community.timezone
    ):
        if week != skip_week and (
            await checkins_db.checkin_of_week(conn, community.guild_id, week) is None
        ):
            return candidate, week
    raise AssertionError("four weeks in a row cannot all have a check-in already")
