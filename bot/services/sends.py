"""Sending from a timer handler: each target reached once per firing, whatever the retries.

A handler may run again after a partial failure; what a firing already delivered (or
gave up on) is recorded in ``timer_deliveries`` and skipped, and the firing's nonce makes
a repeated send return the first message instead of posting twice.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from bot.chat import Card, Channel, Chat, DirectMessage, Target, target_key
from bot.scheduler import Firing

log = logging.getLogger(__name__)


async def send_once(
    chat: Chat,
    firing: Firing,
    target: Target,
    card: Card,
    *,
    key: str | None = None,
    mention: Collection[int] = (),
    missing: str = "failed",
) -> str | None:
    """Send ``card`` to ``target`` unless this firing already did; the outcome recorded
    under ``key`` (the target's own key by default): ``"sent"``, or ``missing`` when the
    platform refused."""
    key = key or target_key(target)
    if not firing.already_delivered(key):
        posted = await chat.send(target, card, nonce=firing.nonce(key), mention=mention)
        if posted is None:
            await firing.delivered(key, missing)
        else:
            await firing.delivered(key, "sent", posted.message_id)
    return firing.outcome(key)


async def dm_or_mention(
    chat: Chat,
    firing: Firing,
    dm: DirectMessage,
    card: Card,
    *,
    direct: bool,
    fallback: int | None,
) -> None:
    """A personal message: by DM when the member takes them (``direct``); otherwise, or
    when the DM is refused, the card's ``in_channel`` variant in the ``fallback`` channel,
    mentioning the member. A DM this firing already sent is not followed by a mention."""
    if firing.outcome(target_key(dm)) == "sent":
        return
    if direct and await send_once(chat, firing, dm, card, missing="fallback") == "sent":
        return
    if fallback is None:
        log.warning("guild %s: a member's DMs are closed and no channel is set", dm.guild_id)
        return
    await send_once(
        chat,
        firing,
        Channel(dm.guild_id, fallback),
        card.model_copy(update={"in_channel": True}),
        mention=[dm.user_id],
    )
