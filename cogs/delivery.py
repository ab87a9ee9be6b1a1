"""Sending what the scheduler fires: channel posts and DMs that survive Discord's refusals.

- A closed DM (403, code 50007) marks the member, is never retried for that action,
  and the caller mentions the member in the channel post instead (RELIABILITY D5).
- A deleted channel (10003) or lost access (50001/50013) pauses that channel and
  tells the admins once; later sends to it are skipped, not hammered (D6).
- 5xx and rate limits that outlast discord.py's own retries (a 429 five times in a
  row, or a wait longer than the client's ``max_ratelimit_timeout``) raise
  :class:`RetryLater`, so the timer is tried again within its grace (D7).
Every send carries the firing's deterministic nonce (D8, S2).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.scheduler import RetryLater
from bot.services.community import CommunityService
from bot.services.delivery import DeliveryService

if TYPE_CHECKING:
    from cogs.client import PlcBot

log = logging.getLogger(__name__)

DM_CLOSED = 50007
UNKNOWN_CHANNEL = 10003
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
RATE_LIMITED = 429
#: A 429 five times in a row: discord.py gives up; Discord is busy, so try again later.
RATE_LIMITED_THROUGH_RETRIES = "rate limited through discord.py's retries"


def delivery_service(bot: PlcBot) -> DeliveryService:
    return bot.services.get(DeliveryService)


async def post(
    bot: PlcBot, guild_id: int, channel_id: int, *, nonce: str | None, **send: Any
) -> discord.Message | None:
    """Post in a guild channel (or thread); None if the channel is paused or refused."""
    deliveries = delivery_service(bot)
    if await deliveries.is_paused(guild_id, channel_id):
        return None
    try:
        channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            await _channel_lost(bot, guild_id, channel_id, "not a text channel")
            return None
        if nonce is not None:
            send["nonce"] = nonce
        return await channel.send(**send)
    except discord.NotFound as exc:
        await _channel_lost(bot, guild_id, channel_id, f"unknown channel ({exc.code})")
    except discord.Forbidden as exc:
        await _channel_lost(bot, guild_id, channel_id, f"missing access ({exc.code})")
    except discord.DiscordServerError as exc:
        raise RetryLater(f"Discord {exc.status}") from exc
    except discord.RateLimited as exc:
        raise RetryLater(f"rate limited for {exc.retry_after:.0f}s") from exc
    except discord.HTTPException as exc:
        if exc.status != RATE_LIMITED:
            raise
        raise RetryLater(RATE_LIMITED_THROUGH_RETRIES) from exc
    return None


async def dm(
    bot: PlcBot, guild_id: int, user_id: int, *, nonce: str | None, **send: Any
) -> discord.Message | None:
    """DM a member; None if their DMs are closed (recorded; the caller falls back)."""
    deliveries = delivery_service(bot)
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        channel = user.dm_channel or await user.create_dm()
        if nonce is not None:
            send["nonce"] = nonce
        return await channel.send(**send)
    except discord.Forbidden as exc:
        if exc.code != DM_CLOSED:
            log.warning("DM refused with code %s", exc.code)
        await deliveries.dm_closed(guild_id, user_id)
    except discord.NotFound:
        log.info("a member to DM no longer exists")
    except discord.DiscordServerError as exc:
        raise RetryLater(f"Discord {exc.status}") from exc
    except discord.RateLimited as exc:
        raise RetryLater(f"rate limited for {exc.retry_after:.0f}s") from exc
    except discord.HTTPException as exc:
        if exc.status != RATE_LIMITED:
            raise
        raise RetryLater(RATE_LIMITED_THROUGH_RETRIES) from exc
    return None


async def _channel_lost(bot: PlcBot, guild_id: int, channel_id: int, reason: str) -> None:
    if not await delivery_service(bot).target_unreachable(guild_id, channel_id, reason):
        return
    community = await bot.services.get(CommunityService).get(guild_id)
    if community is None:
        return
    for admin_channel in (community.moderation_channel_id, community.announcements_channel_id):
        if admin_channel is None or admin_channel == channel_id:
            continue
        text = bot.catalog.t(
            community.language, "delivery.channel_lost", channel=f"<#{channel_id}>", reason=reason
        )
        if await post(bot, guild_id, admin_channel, nonce=None, content=text):
            return
    log.warning("guild %s: nobody could be told that channel %s is lost", guild_id, channel_id)
