"""From a Discord interaction to what services take: the bot, the actor, the language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

from bot.actor import Actor
from bot.i18n import Language, language_for_locale

if TYPE_CHECKING:
    from cogs.client import PlcBot


def plc_bot(interaction: discord.Interaction) -> PlcBot:
    return cast("PlcBot", interaction.client)


def user_language(interaction: discord.Interaction) -> Language:
    """Ephemeral replies speak the user's Discord language (SPEC §2)."""
    return language_for_locale(str(interaction.locale))


def t(interaction: discord.Interaction, key: str, /, **params: object) -> str:
    """A message in the user's language."""
    return plc_bot(interaction).catalog.t(user_language(interaction), key, **params)


def guild_member(interaction: discord.Interaction) -> discord.Member:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage()
    return interaction.user


def actor(interaction: discord.Interaction) -> Actor:
    """Who is acting, as the services see it: ids, roles and powers, no Discord type."""
    member = guild_member(interaction)
    return Actor(
        guild_id=member.guild.id,
        user_id=member.id,
        role_ids=frozenset(role.id for role in member.roles),
        manages_guild=member.guild_permissions.manage_guild,
        language=user_language(interaction),
    )


def actor_in(interaction: discord.Interaction, guild_id: int) -> Actor:
    """The actor of a click on a message the bot sent for ``guild_id``, in the server or in
    a DM. In a DM Discord gives no roles or permissions: the actor has none, so only
    rules about the member themself (their own offer, their own action) can pass."""
    if interaction.guild is not None:
        return actor(interaction)
    return Actor(
        guild_id=guild_id, user_id=interaction.user.id, language=user_language(interaction)
    )


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    ephemeral: bool = True,
    **kwargs: Any,
) -> None:
    """Answer once, whether or not the interaction was deferred.

    A public answer that outlives the interaction's 15-minute token (Discord slow,
    RELIABILITY D4) is posted in the channel instead of being lost.
    """
    if content is not None:
        kwargs["content"] = content
    kwargs.setdefault("allowed_mentions", discord.AllowedMentions.none())
    if not interaction.response.is_done():
        await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
        return
    try:
        await interaction.followup.send(ephemeral=ephemeral, **kwargs)
    except discord.NotFound:
        channel = interaction.channel
        if ephemeral or not isinstance(channel, discord.abc.Messageable):
            raise
        for file in [kwargs.get("file"), *kwargs.get("files", [])]:
            if file is not None:
                file.reset()
        await channel.send(**kwargs)
