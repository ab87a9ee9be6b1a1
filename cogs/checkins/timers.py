"""What the check-in timers do in Discord: open (prompt + thread), nudge, close (digest).

Every send goes through :mod:`cogs.delivery` with the firing's deterministic nonce, and
each step is recorded (the check-in row, ``firing.delivered``) before the next one, so
a re-run after a crash or a restart skips what was done and repeats nothing (S2, S3).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord

from bot.db.checkins import Checkin
from bot.db.communities import Community
from bot.db.timers import Timer
from bot.scheduler import Firing, RetryLater, TimerKind, nonce_for
from bot.services.checkins import (
    CLOSE_KIND,
    NUDGE_KIND,
    OPEN_KIND,
    CheckinService,
    ClosedCheckin,
)
from bot.services.community import CommunityService
from cogs import delivery
from cogs.checkins.render import (
    NO_MENTIONS,
    clip,
    closed_prompt_embed,
    digest_embed,
    message_link,
    prompt_embed,
)
from cogs.checkins.views import prompt_view

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

THREAD_ALREADY_CREATED = 160004
THREAD_ARCHIVE_MINUTES: Literal[10080] = (
    10080  # a week: longer than the longest check-in window (168 h)
)
MAX_FALLBACK_MENTIONS = 60  # keeps the reminder under Discord's 2,000 characters


class CheckinTimers:
    def __init__(self, bot: PlcBot, checkins: CheckinService) -> None:
        self.bot = bot
        self.checkins = checkins

    def register(self) -> None:
        scheduler = self.bot.core.scheduler
        scheduler.register(TimerKind(OPEN_KIND, self.open, on_missed=self.open_missed))
        scheduler.register(TimerKind(NUDGE_KIND, self.nudge))
        scheduler.register(TimerKind(CLOSE_KIND, self.close, on_missed=self.close_missed))

    # -- open ---------------------------------------------------------------------

    async def open(self, timer: Timer, firing: Firing) -> None:
        opened = await self.checkins.begin_open(
            timer.guild_id, int(timer.payload["schedule_id"]), str(timer.payload["week"])
        )
        if opened is None:
            return
        checkin, community = opened.checkin, opened.community
        language = community.language
        catalog = self.bot.catalog
        message_id = checkin.message_id
        if message_id is None:
            message = await delivery.post(
                self.bot,
                checkin.guild_id,
                checkin.channel_id,
                nonce=firing.nonce("prompt"),
                content=catalog.t(language, "delivery.late") if firing.late else None,
                embed=prompt_embed(
                    catalog, language, checkin, self.checkins.questions_for(checkin, language)
                ),
                view=prompt_view(catalog, language, checkin),
                allowed_mentions=NO_MENTIONS,
            )
            if message is None:  # channel deleted or access lost: paused, admins told
                await self.checkins.abandon(checkin.id)
                return
            await self.checkins.record_prompt(checkin.id, message.id)
            message_id = message.id
        if checkin.thread_id is None:
            thread_id = await self._start_thread(checkin, message_id, language)
            if thread_id is not None:
                await self.checkins.record_thread(checkin.id, thread_id)

    async def _start_thread(self, checkin: Checkin, message_id: int, language: str) -> int | None:
        """The week's thread on the prompt; None if Discord refuses (answers go to the channel)."""
        channel = self.bot.get_channel(checkin.channel_id)
        try:
            if channel is None:
                channel = await self.bot.fetch_channel(checkin.channel_id)
            if not isinstance(channel, discord.TextChannel):
                return None
            thread = await channel.get_partial_message(message_id).create_thread(
                name=clip(
                    self.bot.catalog.t(language, "checkins.prompt.thread", week=checkin.week), 100
                ),
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
        except discord.DiscordServerError as exc:
            raise RetryLater(f"Discord {exc.status}") from exc
        except discord.HTTPException as exc:
            if exc.code == THREAD_ALREADY_CREATED:
                return message_id  # a re-run: a thread started on a message has its id
            log.warning("guild %s: no thread for the check-in (%s)", checkin.guild_id, exc.code)
            return None
        return thread.id

    async def open_missed(self, timer: Timer) -> None:
        """Too late to open (bot down past the grace): keep the chain, tell facilitators."""
        week = str(timer.payload["week"])
        await self.checkins.plan_after_missed_open(
            timer.guild_id, int(timer.payload["schedule_id"]), week
        )
        community = await self._community(timer.guild_id)
        if community is None or community.moderation_channel_id is None:
            return  # /plc status lists missed timers for everyone else
        await delivery.post(
            self.bot,
            timer.guild_id,
            community.moderation_channel_id,
            nonce=nonce_for("checkin_open_missed", timer.key),
            content=self.bot.catalog.t(community.language, "checkins.missed.open"),
        )

    # -- nudge --------------------------------------------------------------------

    async def nudge(self, timer: Timer, firing: Firing) -> None:
        plan = await self.checkins.nudge_plan(int(timer.payload["checkin_id"]))
        if plan is None:
            return
        checkin, language = plan.checkin, plan.community.language
        catalog = self.bot.catalog
        guild = self.bot.get_guild(checkin.guild_id)
        closes = int(checkin.closes_at.timestamp())
        text = catalog.t(
            language,
            "checkins.nudge.dm",
            community=discord.utils.escape_markdown(guild.name) if guild else "",
            closes=closes,
            link=message_link(checkin.guild_id, checkin.channel_id, checkin.message_id),
        )
        for user_id in plan.recipients:
            target = f"dm:{user_id}"
            if firing.already_delivered(target):
                continue
            if user_id in plan.known_closed:  # refused before: not retried (D5)
                await firing.delivered(target, "fallback")
                continue
            message = await delivery.dm(
                self.bot, checkin.guild_id, user_id, nonce=firing.nonce(target), content=text
            )
            await firing.delivered(
                target, "sent" if message else "fallback", message.id if message else None
            )
        unreachable = [u for u in plan.recipients if firing.outcome(f"dm:{u}") == "fallback"]
        if unreachable and not firing.already_delivered("fallback"):
            shown = unreachable[:MAX_FALLBACK_MENTIONS]
            message = await delivery.post(
                self.bot,
                checkin.guild_id,
                checkin.thread_id or checkin.channel_id,
                nonce=firing.nonce("fallback"),
                content=catalog.t(
                    language,
                    "checkins.nudge.fallback",
                    closes=closes,
                    mentions=" ".join(f"<@{u}>" for u in shown),
                ),
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(id=u) for u in shown]
                ),
            )
            await firing.delivered(
                "fallback", "sent" if message else "failed", message.id if message else None
            )

    # -- close --------------------------------------------------------------------

    async def close(self, timer: Timer, firing: Firing) -> None:
        closed = await self.checkins.close(int(timer.payload["checkin_id"]))
        if closed is None:
            return
        if not firing.already_delivered("digest"):
            message = await self._post_digest(closed, firing)
            await firing.delivered(
                "digest", "sent" if message else "failed", message.id if message else None
            )
        if not firing.already_delivered("prompt"):
            await self._close_prompt(closed)
            await firing.delivered("prompt")

    async def _post_digest(self, closed: ClosedCheckin, firing: Firing) -> discord.Message | None:
        """To the moderation channel (facilitators) if set, else the week's thread, else
        the check-in channel; the first that takes it."""
        community, checkin = closed.community, closed.digest.checkin
        late = self.bot.catalog.t(community.language, "delivery.late") if firing.late else None
        embed = digest_embed(self.bot.catalog, closed.digest, late)
        targets = [community.moderation_channel_id, checkin.thread_id, checkin.channel_id]
        for target in dict.fromkeys(t for t in targets if t is not None):
            message = await delivery.post(
                self.bot,
                checkin.guild_id,
                target,
                nonce=firing.nonce(f"digest:{target}"),
                embed=embed,
                allowed_mentions=NO_MENTIONS,
            )
            if message is not None:
                return message
        return None

    async def _close_prompt(self, closed: ClosedCheckin) -> None:
        """Take the buttons off the prompt and show the count (and the pulse, if allowed)."""
        checkin, language = closed.digest.checkin, closed.community.language
        if checkin.message_id is None:
            return
        embed = closed_prompt_embed(
            self.bot.catalog, language, closed, self.checkins.questions_for(checkin, language)
        )
        try:
            channel = self.bot.get_channel(checkin.channel_id) or await self.bot.fetch_channel(
                checkin.channel_id
            )
            if isinstance(channel, discord.TextChannel):
                await channel.get_partial_message(checkin.message_id).edit(
                    content=None, embed=embed, view=None, allowed_mentions=NO_MENTIONS
                )
        except discord.DiscordServerError as exc:
            raise RetryLater(f"Discord {exc.status}") from exc
        except discord.HTTPException as exc:
            log.info(
                "guild %s: the closed prompt could not be updated (%s)", checkin.guild_id, exc.code
            )

    async def close_missed(self, timer: Timer) -> None:
        await self.checkins.close_missed(int(timer.payload["checkin_id"]))

    async def _community(self, guild_id: int) -> Community | None:
        return await self.bot.services.get(CommunityService).get(guild_id)
