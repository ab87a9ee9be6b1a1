"""The :class:`State`: every object of the emulated Discord, with Discord's lookups and rules.

Creation helpers (users, guilds, roles, members, channels, DM channels), lookups
that raise Discord's ``Unknown ...`` errors, Discord's permission computation,
mention resolution and the GUILD_CREATE payload.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import permissions
from .channels import Channel, Overwrite
from .common import JSON, WALL_CLOCK, SnowflakeGenerator, now_iso, unknown
from .guilds import ApplicationCommand, Guild, Member, Role, ScheduledEvent, User
from .kinds import DEFAULT_EVERYONE_PERMISSIONS, THREAD_TYPES, ChannelType, Permission
from .messages import Attachment, Message

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


class State:
    """Every object of the emulated Discord, plus lookups that raise Discord's errors."""

    def __init__(self, *, bot_user: User, application_id: int, base_url: str = "") -> None:
        self.snowflakes = SnowflakeGenerator()
        self.bot_user_id = bot_user.id
        self.application_id = application_id
        self.application_name = bot_user.username
        self.owner_user_id: int | None = None
        self.base_url = base_url
        #: "Now" for Discord's own rules (an event may not start in the past); tests
        #: that move the bot's clock point this at the same clock.
        self.now_timestamp: Callable[[], float] = lambda: WALL_CLOCK.now().timestamp()
        self.users: dict[int, User] = {bot_user.id: bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.channel_messages: dict[int, list[int]] = {}
        self.dm_channel_by_user: dict[int, int] = {}
        self.scheduled_events: dict[int, ScheduledEvent] = {}
        self.commands: dict[int, ApplicationCommand] = {}
        self.closed_dm_user_ids: set[int] = set()
        #: Files users attached to slash command options (served like message attachments).
        self.uploads: dict[int, Attachment] = {}

    # ----- creation helpers ------------------------------------------------------------
    def new_id(self) -> int:
        return self.snowflakes.next()

    @property
    def bot_user(self) -> User:
        return self.users[self.bot_user_id]

    def add_user(
        self,
        username: str,
        *,
        global_name: str | None = None,
        locale: str = "en-US",
        bot: bool = False,
    ) -> User:
        user = User(
            id=self.new_id(), username=username, global_name=global_name, locale=locale, bot=bot
        )
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, *, owner_id: int, preferred_locale: str = "en-US") -> Guild:
        """A guild with its @everyone role (whose id is the guild id, as on Discord)."""
        guild = Guild(
            id=self.new_id(), name=name, owner_id=owner_id, preferred_locale=preferred_locale
        )
        guild.roles[guild.id] = Role(
            id=guild.id,
            guild_id=guild.id,
            name="@everyone",
            permissions=int(DEFAULT_EVERYONE_PERMISSIONS),
        )
        self.guilds[guild.id] = guild
        self.add_member(guild.id, owner_id)
        return guild

    def add_role(self, guild_id: int, name: str, *, permissions: int = 0, **fields: Any) -> Role:
        guild = self.guild(guild_id)
        position = fields.pop("position", max(r.position for r in guild.roles.values()) + 1)
        role = Role(
            id=self.new_id(),
            guild_id=guild_id,
            name=name,
            permissions=int(permissions),
            position=position,
            **fields,
        )
        guild.roles[role.id] = role
        return role

    def add_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        roles: list[int] | None = None,
        nick: str | None = None,
    ) -> Member:
        member = Member(guild_id=guild_id, user_id=user_id, roles=list(roles or []), nick=nick)
        self.guild(guild_id).members[user_id] = member
        return member

    def add_channel(
        self,
        guild_id: int | None,
        name: str | None,
        type: ChannelType = ChannelType.TEXT,
        **fields: Any,
    ) -> Channel:
        if guild_id is not None and "position" not in fields and type not in THREAD_TYPES:
            fields["position"] = sum(1 for c in self.guild_channels(guild_id))
        channel = Channel(
            id=fields.pop("id", None) or self.new_id(),
            type=type,
            name=name,
            guild_id=guild_id,
            **fields,
        )
        self.channels[channel.id] = channel
        self.channel_messages.setdefault(channel.id, [])
        return channel

    def set_overwrite(
        self, channel_id: int, target_id: int, *, allow: int = 0, deny: int = 0
    ) -> None:
        """Set (replace) the overwrite of a role or member on a channel."""
        channel = self.channel(channel_id)
        guild = self.guild(channel.guild_id or 0)
        kind = 0 if target_id in guild.roles else 1
        channel.overwrites = [o for o in channel.overwrites if o.id != target_id]
        channel.overwrites.append(
            Overwrite(id=target_id, type=kind, allow=int(allow), deny=int(deny))
        )

    def dm_channel(self, user_id: int) -> Channel:
        """The DM channel between the bot and ``user_id`` (created on first use, like Discord)."""
        self.user(user_id)
        channel_id = self.dm_channel_by_user.get(user_id)
        if channel_id is None:
            channel = self.add_channel(None, None, ChannelType.DM, recipient_ids=[user_id])
            self.dm_channel_by_user[user_id] = channel.id
            return channel
        return self.channels[channel_id]

    # ----- lookups raising Discord's errors --------------------------------------------
    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise unknown("User", 10013) from None

    def guild(self, guild_id: int) -> Guild:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise unknown("Guild", 10004) from None

    def channel(self, channel_id: int) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None or channel.deleted:
            raise unknown("Channel", 10003)
        return channel

    def message(self, channel_id: int, message_id: int) -> Message:
        self.channel(channel_id)
        message = self.messages.get(message_id)
        if message is None or message.deleted or message.channel_id != channel_id:
            raise unknown("Message", 10008)
        return message

    def member(self, guild_id: int, user_id: int) -> Member:
        member = self.guild(guild_id).members.get(user_id)
        if member is None:
            raise unknown("Member", 10007)
        return member

    def role(self, guild_id: int, role_id: int) -> Role:
        role = self.guild(guild_id).roles.get(role_id)
        if role is None:
            raise unknown("Role", 10011)
        return role

    def scheduled_event(self, guild_id: int, event_id: int) -> ScheduledEvent:
        event = self.scheduled_events.get(event_id)
        if event is None or event.guild_id != guild_id:
            raise unknown("Guild Scheduled Event", 10070)
        return event

    def guild_channels(self, guild_id: int) -> list[Channel]:
        return sorted(
            (
                c
                for c in self.channels.values()
                if c.guild_id == guild_id and not c.deleted and not c.is_thread
            ),
            key=lambda c: (c.position, c.id),
        )

    def active_threads(self, guild_id: int) -> list[Channel]:
        return [
            c
            for c in self.channels.values()
            if c.guild_id == guild_id and c.is_thread and not c.deleted and not c.archived
        ]

    def attachment(self, attachment_id: int) -> Attachment | None:
        """Any stored file by id: message attachments or slash command uploads."""
        if attachment_id in self.uploads:
            return self.uploads[attachment_id]
        for message in self.messages.values():
            for att in message.attachments:
                if att.id == attachment_id:
                    return att
        return None

    def channel_history(self, channel_id: int, *, include_deleted: bool = False) -> list[Message]:
        """Messages of a channel, oldest first."""
        msgs = (self.messages[mid] for mid in self.channel_messages.get(channel_id, []))
        return [m for m in msgs if include_deleted or not m.deleted]

    def commands_for(self, guild_id: int | None) -> list[ApplicationCommand]:
        return [c for c in self.commands.values() if c.guild_id == guild_id]

    # ----- permissions (Discord's rules in :mod:`.permissions`) ------------------------
    def permissions(self, guild_id: int, user_id: int, channel_id: int | None = None) -> int:
        """Discord's permission computation: base role permissions, then channel overwrites."""
        return permissions.of_member(self, guild_id, user_id, channel_id)

    def channel_permissions(self, user_id: int, channel_id: int) -> int:
        """Permissions of ``user_id`` in any channel, DM channels included."""
        return permissions.in_any_channel(self, user_id, channel_id)

    def require(self, user_id: int, channel_id: int, *needed: Permission) -> None:
        """Raise 403/50013 unless ``user_id`` has every permission in ``needed`` there."""
        permissions.require(self, user_id, channel_id, *needed)

    # ----- messages --------------------------------------------------------------------
    def add_message(self, message: Message) -> Message:
        self.messages[message.id] = message
        self.channel_messages.setdefault(message.channel_id, []).append(message.id)
        channel = self.channels[message.channel_id]
        if not message.ephemeral:
            channel.last_message_id = message.id
            if channel.is_thread:
                channel.message_count += 1
                channel.total_message_sent += 1
        return message

    def resolve_mentions(self, message: Message) -> None:
        """Fill the message's mentions from its content, honouring ``allowed_mentions``."""
        users = [int(u) for u in _USER_MENTION.findall(message.content)]
        roles = [int(r) for r in _ROLE_MENTION.findall(message.content)]
        everyone = "@everyone" in message.content or "@here" in message.content
        allowed = message.allowed_mentions
        if allowed is not None:
            parse = allowed.get("parse", [])
            explicit_users = {int(u) for u in allowed.get("users", [])}
            explicit_roles = {int(r) for r in allowed.get("roles", [])}
            users = [u for u in users if "users" in parse or u in explicit_users]
            roles = [r for r in roles if "roles" in parse or r in explicit_roles]
            everyone = everyone and "everyone" in parse
        if message.message_reference and (allowed is None or allowed.get("replied_user", False)):
            ref = self.messages.get(int(message.message_reference.get("message_id") or 0))
            if ref is not None and ref.author_id not in users:
                users.append(ref.author_id)
        guild = self.guilds.get(message.guild_id or 0)
        if everyone and guild is not None and message.author_id in guild.members:
            everyone = bool(
                self.permissions(guild.id, message.author_id, message.channel_id)
                & Permission.MENTION_EVERYONE
            )
        message.mention_user_ids = list(dict.fromkeys(u for u in users if u in self.users))
        message.mention_role_ids = [
            r for r in dict.fromkeys(roles) if guild is not None and r in guild.roles
        ]
        message.mention_everyone = everyone

    # ----- gateway payloads ------------------------------------------------------------
    def guild_create_json(self, guild_id: int, *, with_members: bool) -> JSON:
        """The GUILD_CREATE payload: the guild plus channels, threads, members, events."""
        guild = self.guild(guild_id)
        data = guild.to_json()
        members = (
            guild.members.values()
            if with_members
            else [m for m in guild.members.values() if m.user_id == self.bot_user_id]
        )
        me = guild.members.get(self.bot_user_id)
        data.update(
            joined_at=me.joined_at if me else now_iso(),
            large=len(guild.members) > 250,
            unavailable=False,
            member_count=len(guild.members),
            voice_states=[],
            members=[m.to_json(self.users[m.user_id]) for m in members],
            channels=[c.to_json(self) for c in self.guild_channels(guild_id)],
            threads=[
                c.to_json(self)
                for c in self.active_threads(guild_id)
                if self.permissions(guild_id, self.bot_user_id, c.id) & Permission.VIEW_CHANNEL
            ],
            presences=[],
            stage_instances=[],
            guild_scheduled_events=[
                e.to_json(self) for e in self.scheduled_events.values() if e.guild_id == guild_id
            ],
            soundboard_sounds=[],
            embedded_activities=[],
            activity_instances=[],
            lazy=True,
            application_command_counts={},
        )
        return data
