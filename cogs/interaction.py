"""A Discord interaction as the core's handlers see it (:class:`bot.interactions.Interaction`).

Private answers are ephemeral replies in the member's Discord language; a public answer
that outlives the interaction's 15-minute token (Discord slow) is posted in the
channel instead of being lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.actor import Actor
from bot.chat.layout import Form, Message
from bot.chat.port import Card, Posted
from bot.chat.text import Content
from bot.i18n import Language, language_for_locale
from bot.interactions.commands import MemberOption
from cogs.render import Rendered, Renderer

if TYPE_CHECKING:
    from cogs.client import PlcBot


class DiscordInteraction:
    """One slash command, click, form or message command of a member."""

    def __init__(
        self, interaction: discord.Interaction, *, target: discord.Message | None = None
    ) -> None:
        self.interaction = interaction
        self._target = target or interaction.message
        self.language: Language = language_for_locale(str(interaction.locale))
        self.user_id = interaction.user.id
        self.user_name = interaction.user.display_name
        self.user_avatar: str | None = interaction.user.display_avatar.url
        self.guild_id = interaction.guild_id
        self.channel_id = interaction.channel_id

    @property
    def bot(self) -> PlcBot:
        return self.interaction.client  # type: ignore[return-value]

    @property
    def renderer(self) -> Renderer:
        return Renderer(self.bot.catalog, self.language)

    @property
    def message(self) -> Posted | None:
        found = self._target
        if found is None:
            return None
        return Posted(found.guild.id if found.guild else 0, found.channel.id, found.id)

    def actor(self) -> Actor:
        interaction = self.interaction
        member = interaction.user
        if interaction.guild is None or not isinstance(member, discord.Member):
            raise app_commands.NoPrivateMessage()
        return Actor(
            guild_id=member.guild.id,
            user_id=member.id,
            role_ids=frozenset(role.id for role in member.roles),
            manages_guild=member.guild_permissions.manage_guild,
            language=self.language,
        )

    def actor_in(self, guild_id: int) -> Actor:
        if self.interaction.guild is not None:
            return self.actor()
        return Actor(guild_id=guild_id, user_id=self.user_id, language=self.language)

    def option(self, name: str) -> object | None:
        value = getattr(self.interaction.namespace, name, None)
        if isinstance(value, discord.Member | discord.User | discord.Object):
            # An autocomplete may get a bare id for a member Discord did not resolve.
            return MemberOption(value.id, getattr(value, "display_name", ""))
        return value

    async def defer(self, *, private: bool = True, update: bool = False) -> None:
        response = self.interaction.response
        if response.is_done():
            return
        if update:  # a click: the clicked message is edited when the answer comes
            await response.defer()
        else:
            await response.defer(ephemeral=private, thinking=True)

    def _rendered(self, message: Message | Content | Card) -> Rendered:
        """A card in its own language (a public post), anything else in the member's."""
        if isinstance(message, Card):
            return self.bot.chat.render(message)
        if not isinstance(message, Message):
            message = Message(content=message)
        return self.renderer.message(message)

    async def reply(self, message: Message | Content | Card, *, private: bool = True) -> None:
        kwargs = self._rendered(message).send_kwargs()
        kwargs["allowed_mentions"] = discord.AllowedMentions.none()
        response = self.interaction.response
        if not response.is_done():
            await response.send_message(ephemeral=private, **without_none(kwargs))
            return
        try:
            await self.interaction.followup.send(ephemeral=private, **without_none(kwargs))
        except discord.NotFound:
            channel = self.interaction.channel
            if private or not isinstance(channel, discord.abc.Messageable):
                raise
            for file in kwargs.get("files", []):
                file.reset()
            await channel.send(**kwargs)

    async def update(self, message: Message | Card) -> None:
        """Replace the clicked message: the answer itself, or after ``defer(update=True)``."""
        kwargs = self._rendered(message).edit_kwargs()
        if self.interaction.response.is_done():
            await self.interaction.edit_original_response(**kwargs)
        else:
            await self.interaction.response.edit_message(**kwargs)

    async def open_form(self, form: Form) -> None:
        await self.interaction.response.send_modal(self.renderer.modal(form))
        forms = getattr(self.interaction.client, "forms_again", None)
        if forms is not None:  # to open it again, filled, if what is typed is refused
            forms.opened(self.interaction.user.id, form)


def without_none(kwargs: dict[str, Any]) -> dict[str, Any]:
    """discord.py's webhook send refuses ``content=None`` with files only on some paths."""
    return {key: value for key, value in kwargs.items() if value is not None}


def submitted_values(data: dict[str, Any]) -> dict[str, str]:
    """The inputs of a submitted modal, by custom_id (rows or labels alike; a select
    gives its chosen values)."""
    values: dict[str, str] = {}
    for top in data.get("components", []):
        inner = top.get("components") or ([top["component"]] if "component" in top else [])
        for component in inner:
            if "custom_id" not in component:
                continue
            if "values" in component:
                values[component["custom_id"]] = ",".join(map(str, component["values"]))
            else:
                values[component["custom_id"]] = str(component.get("value") or "")
    return values
