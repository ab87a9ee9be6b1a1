"""A member's own settings (``/me``), the export of their data and its erasure."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from bot.chat import Code, Posted
from bot.dates import LocalDay, local_today, parse_day
from bot.db import audit
from bot.db import members as members_db
from bot.db import timers as timers_db
from bot.db.connection import Connection
from bot.db.members import Member
from bot.errors import UserError
from bot.frozen import Frozen
from bot.i18n import Language
from bot.scheduler import RetryLater
from bot.services.base import (
    AfterCommit,
    AvailabilityListener,
    Core,
    DepartureListener,
    MemberPosts,
    PersonalData,
)
from bot.services.community.service import CommunityService
from bot.timezones import require_timezone

log = logging.getLogger(__name__)

LANGUAGE_CHOICES: dict[str, Language | None] = {"auto": None, "fr": "fr", "en": "en"}
"""``/me language``: ``auto`` follows the language of the member's app."""


class Audience(Frozen):
    """Who a reminder or nudge reaches, and how (by DM, mentioned in the channel, or not)."""

    direct: list[int]
    """Reached by DM."""
    mention_instead: list[int]
    """DMs known closed: mentioned in the channel post, never knocked again."""
    skipped: list[int]
    """Reminders off, away, or gone from the server: not disturbed at all."""


def reminder_audience(profiles: dict[int, Member], user_ids: list[int], today: date) -> Audience:
    """The one rule for who may be reminded, used by every feature.

    A member with no stored profile has the defaults: reminders on, reachable.
    ``today`` is the community's local date (away dates are local dates).
    """
    direct: list[int] = []
    mention_instead: list[int] = []
    skipped: list[int] = []
    for user_id in user_ids:
        member = profiles.get(user_id)
        if member is not None and (
            not member.dm_reminders or member.is_away(today) or member.left_at is not None
        ):
            skipped.append(user_id)
        elif member is not None and member.dm_closed_at is not None:
            mention_instead.append(user_id)
        else:
            direct.append(user_id)
    return Audience(direct=direct, mention_instead=mention_instead, skipped=skipped)


class Erasure(Frozen):
    """What ``/me delete`` did beyond the database: messages posted in the member's name."""

    posts_removed: int
    left: list[Posted]
    """Messages that could not be removed (the platform refused, or was unreachable):
    the member is told where they are, to delete them or ask a moderator."""


class MemberService:
    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community
        self._personal_data: list[PersonalData] = []
        self._departures: list[DepartureListener] = []
        self._availability: list[AvailabilityListener] = []

    def add_personal_data(self, feature: PersonalData) -> None:
        """Features that store member data register here so export/delete reach it."""
        self._personal_data.append(feature)

    def add_departure_listener(self, feature: DepartureListener) -> None:
        """Features that must hand on what a departing member held register here."""
        self._departures.append(feature)

    def add_availability_listener(self, feature: AvailabilityListener) -> None:
        """Features that give out what nobody was free to take register here."""
        self._availability.append(feature)

    async def get(self, guild_id: int, user_id: int) -> Member | None:
        async with self._core.db.read() as conn:
            return await members_db.get(conn, guild_id, user_id)

    async def set_timezone(self, guild_id: int, user_id: int, name: str) -> str:
        """Save the member's own zone (its canonical spelling). Nothing typed is refused
        with an example and the zone their dates are read in now: their own, else the
        community's."""
        community = await self._community.require(guild_id)
        if not name.strip():
            member = await self.get(guild_id, user_id)
            if member is not None and member.timezone:
                raise UserError("members.timezone.empty", zone=Code(text=member.timezone))
            raise UserError("members.timezone.empty_community", zone=Code(text=community.timezone))
        zone = require_timezone(name)
        async with self._core.db.transaction() as conn:
            await members_db.ensure(conn, guild_id, user_id, self._core.clock.now())
            await members_db.set_timezone(conn, guild_id, user_id, zone)
        return zone

    async def set_dm_reminders(self, guild_id: int, user_id: int, enabled: bool) -> None:
        await self._community.require(guild_id)
        # Choosing what is already chosen (a member making sure) has nothing to save: one
        # read on the loop's thread, after any write under way, instead of a write and its
        # trip to the database thread; a change costs that read more.
        async with self._core.db.read(after_writes=True) as conn:
            if await members_db.dm_reminders_as_chosen(conn, guild_id, user_id, enabled):
                return
        now = self._core.clock.now()
        # One statement: the whole transaction in one trip to the database thread.
        await self._core.db.in_one_trip(
            lambda conn: members_db.set_dm_reminders(conn, guild_id, user_id, enabled, now)
        )

    async def choose_language(
        self, guild_id: int, user_id: int, choice: str | None
    ) -> Language | None:
        """The language the member chose for their DMs (None: their app's), after setting
        it to ``choice`` (``auto``, ``fr`` or ``en``) when one is given."""
        await self._community.require(guild_id)
        if choice is None:
            member = await self.get(guild_id, user_id)
            return member.language if member else None
        if choice not in LANGUAGE_CHOICES:
            raise UserError("members.language.unknown")
        chosen = LANGUAGE_CHOICES[choice]
        now = self._core.clock.now()
        await self._core.db.in_one_trip(
            lambda conn: members_db.set_language(conn, guild_id, user_id, chosen, now)
        )
        return chosen

    async def set_away(self, guild_id: int, user_id: int, until: str, language: str) -> LocalDay:
        """The last day away, read in the member's zone (said back with the zone)."""
        community = await self._community.require(guild_id)
        zone = await self._community.reading_zone(community, user_id)
        until_day = parse_day(
            until, field="until", now=self._core.clock.now(), timezone=zone, language=language
        )
        async with self._core.db.transaction() as conn:
            await members_db.ensure(conn, guild_id, user_id, self._core.clock.now())
            await members_db.set_away_until(conn, guild_id, user_id, until_day.day)
            follow_ups = await self._availability_changed(conn, guild_id, user_id)
        for follow_up in follow_ups:
            await follow_up()
        return until_day

    async def back(self, guild_id: int, user_id: int) -> bool:
        """Clear the away date; False if the member was not away."""
        community = await self._community.require(guild_id)
        member = await self.get(guild_id, user_id)
        today = local_today(self._core.clock.now(), community.timezone)
        if member is None or not member.is_away(today):
            return False
        async with self._core.db.transaction() as conn:
            await members_db.set_away_until(conn, guild_id, user_id, None)
            follow_ups = await self._availability_changed(conn, guild_id, user_id)
        for follow_up in follow_ups:
            await follow_up()
        return True

    async def _availability_changed(
        self, conn: Connection, guild_id: int, user_id: int
    ) -> list[AfterCommit]:
        """Inside the transaction that changed the member's away period: what the
        features give out now, and what they re-draw once it committed."""
        return [
            await listener.availability_changed(conn, guild_id, user_id)
            for listener in self._availability
        ]

    async def is_away(self, guild_id: int, user_id: int) -> bool:
        community = await self._community.require(guild_id)
        member = await self.get(guild_id, user_id)
        return member is not None and member.is_away(
            local_today(self._core.clock.now(), community.timezone)
        )

    async def audience(
        self, conn: Connection, guild_id: int, user_ids: list[int], today: date
    ) -> Audience:
        """:func:`reminder_audience` over the stored profiles, inside the caller's transaction."""
        profiles = await members_db.get_many(conn, guild_id, user_ids)
        return reminder_audience(profiles, user_ids, today)

    async def export(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Every row keyed to the member in this community (anonymous questions excluded)."""
        async with self._core.db.read_in_thread() as conn:  # every feature's rows
            member = await members_db.get(conn, guild_id, user_id)
            data: dict[str, Any] = {
                "guild_id": str(guild_id),
                "user_id": str(user_id),
                "exported_at": self._core.clock.now().isoformat(),
                "member": member.model_dump(mode="json") if member else None,
                "audit_log": [
                    entry.model_dump(mode="json")
                    for entry in await audit.by_actor(conn, guild_id, user_id)
                ],
            }
            for feature in self._personal_data:
                data[feature.name] = await feature.export_member(conn, guild_id, user_id)
        return data

    async def delete(self, guild_id: int, user_id: int) -> Erasure:
        """Erase the member everywhere, in one transaction (all or nothing), then remove
        the messages the bot posted in their name (check-in answers, signed topics).

        What they held for others (a date to facilitate) is handed on in the same
        transaction."""
        posts: list[Posted] = []
        async with self._core.db.transaction() as conn:
            follow_ups = [
                await listener.hand_over(conn, guild_id, user_id) for listener in self._departures
            ]
            for feature in self._personal_data:
                if isinstance(feature, MemberPosts):
                    posts += await feature.posts_of_member(conn, guild_id, user_id)
            await self._delete_in(conn, guild_id, user_id)
        self._core.chat.forget_member(guild_id, user_id)
        # The erased rows are zeroed in the file, not yet in the WAL: a checkpoint does it.
        await self._core.db.checkpoint()
        for follow_up in follow_ups:
            await follow_up()
        removed: list[Posted] = []
        for posted in posts:
            try:
                if await self._core.chat.delete(posted):
                    removed.append(posted)
            except RetryLater:
                log.warning("guild %s: a post of an erased member could not be removed", guild_id)
        return Erasure(posts_removed=len(removed), left=[p for p in posts if p not in removed])

    async def _delete_in(self, conn: Connection, guild_id: int, user_id: int) -> None:
        for feature in self._personal_data:
            await feature.delete_member(conn, guild_id, user_id)
        await audit.forget_actor(conn, guild_id, user_id)
        await timers_db.forget_targets(conn, [f"dm:{user_id}", f"user:{user_id}"])
        await members_db.delete(conn, guild_id, user_id)

    async def member_left(self, guild_id: int, user_id: int) -> None:
        """The member left the server: marked (skipped by reminders and the rotation),
        and what they held for others is handed on."""
        async with self._core.db.transaction() as conn:
            await members_db.mark_left(conn, guild_id, user_id, self._core.clock.now())
            follow_ups = [
                await listener.hand_over(conn, guild_id, user_id) for listener in self._departures
            ]
        for follow_up in follow_ups:
            await follow_up()
