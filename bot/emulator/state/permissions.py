"""Discord's permission rules: a member's roles, then a channel's overwrites; DM channels.

https://discord.com/developers/docs/topics/permissions#permission-overwrites
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .channels import Channel
from .common import missing_access, missing_permissions, unknown
from .guilds import Guild, Member
from .kinds import ALL_PERMISSIONS, DM_PERMISSIONS, ChannelType, Permission

if TYPE_CHECKING:
    from .world import State

#: What a member loses in a channel where they may not send messages.
NEEDS_SEND = (
    Permission.SEND_TTS_MESSAGES
    | Permission.MENTION_EVERYONE
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
)


def of_member(state: State, guild_id: int, user_id: int, channel_id: int | None = None) -> int:
    """What ``user_id`` may do in a guild, or in one of its channels: the owner and
    administrators everything, a non-member nothing."""
    guild = state.guild(guild_id)
    if user_id == guild.owner_id:
        return ALL_PERMISSIONS
    member = guild.members.get(user_id)
    if member is None:
        return 0
    base = from_roles(guild, member)
    if base & Permission.ADMINISTRATOR:
        return ALL_PERMISSIONS
    if channel_id is None:
        return base
    channel = state.channel(channel_id)
    source = (
        state.channel(channel.parent_id) if channel.is_thread and channel.parent_id else channel
    )
    return in_channel(base, guild, member, channel, source)


def in_any_channel(state: State, user_id: int, channel_id: int) -> int:
    """Permissions of ``user_id`` in any channel, DM channels included."""
    channel = state.channel(channel_id)
    if channel.guild_id is None:
        return (
            int(DM_PERMISSIONS)
            if user_id in channel.recipient_ids or user_id == state.bot_user_id
            else 0
        )
    return state.permissions(channel.guild_id, user_id, channel_id)


def require(state: State, user_id: int, channel_id: int, *needed: Permission) -> None:
    """Raise 403/50013 unless ``user_id`` has every permission in ``needed`` there
    (403/50001 where they cannot see the channel, 404 for someone else's DM)."""
    perms = state.channel_permissions(user_id, channel_id)
    channel = state.channel(channel_id)
    if not perms & Permission.VIEW_CHANNEL:
        raise (missing_access() if channel.guild_id is not None else unknown("Channel", 10003))
    for perm in needed:
        if not perms & perm:
            raise missing_permissions()


def from_roles(guild: Guild, member: Member) -> int:
    """@everyone's permissions plus those of every role the member has."""
    base = guild.roles[guild.id].permissions
    for role_id in member.roles:
        if role_id in guild.roles:
            base |= guild.roles[role_id].permissions
    return base


def in_channel(base: int, guild: Guild, member: Member, channel: Channel, source: Channel) -> int:
    """``base`` once ``source``'s overwrites apply (a thread's are its parent's): @everyone's,
    then the member's roles', then the member's own; nothing without VIEW_CHANNEL."""
    overwrites = {o.id: o for o in source.overwrites}
    perms = base
    everyone = overwrites.get(guild.id)
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member.roles:
        ow = overwrites.get(role_id)
        if ow is not None and ow.type == 0:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    own = overwrites.get(member.user_id)
    if own is not None and own.type == 1:
        perms = (perms & ~own.deny) | own.allow
    if not perms & Permission.VIEW_CHANNEL:
        return 0
    outsider = (
        channel.type == ChannelType.PRIVATE_THREAD and member.user_id not in channel.thread_members
    )
    if outsider and not perms & Permission.MANAGE_THREADS:
        return 0
    if not perms & Permission.SEND_MESSAGES:
        perms &= ~NEEDS_SEND
    return perms
