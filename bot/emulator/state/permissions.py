"""Discord's permission arithmetic: a member's roles, then a channel's overwrites.

https://discord.com/developers/docs/topics/permissions#permission-overwrites
"""

from __future__ import annotations

from .channels import Channel
from .guilds import Guild, Member
from .kinds import ChannelType, Permission

#: What a member loses in a channel where they may not send messages.
NEEDS_SEND = (
    Permission.SEND_TTS_MESSAGES
    | Permission.MENTION_EVERYONE
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
)


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
