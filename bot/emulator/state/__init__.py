"""In-memory model of the Discord world the emulator serves.

Holds users, guilds, roles, members, channels (including threads and DM
channels), messages with their attachments and reactions, guild scheduled
events and the application commands the bot registered.  Every object knows
how to serialize itself to the JSON shape Discord API v10 uses, so the payloads
the REST routes and the gateway send can be parsed by discord.py unchanged.

Snowflakes are generated like Discord does (milliseconds since the Discord
epoch shifted left by 22 bits, plus worker/process/increment), so they are
increasing integers, serialized as strings.

One module per resource: ``kinds`` (channel types, permissions, message flags),
``common`` (JSON, error bodies, timestamps, snowflakes), ``guilds`` (users, roles,
members, guilds, scheduled events, application commands), ``channels``,
``messages`` and ``world`` (the :class:`State` holding them all).
"""

from .channels import Channel, Overwrite
from .common import (
    DISCORD_EPOCH_MS,
    JSON,
    WALL_CLOCK,
    ApiError,
    SnowflakeGenerator,
    invalid,
    iso,
    missing_access,
    missing_permissions,
    now_iso,
    opt_str,
    parse_iso,
    unknown,
)
from .guilds import ApplicationCommand, Guild, Member, Role, ScheduledEvent, User
from .kinds import (
    ALL_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM_PERMISSIONS,
    THREAD_TYPES,
    ChannelType,
    MessageFlag,
    Permission,
)
from .messages import Attachment, Message, emoji_json
from .world import State

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "DISCORD_EPOCH_MS",
    "DM_PERMISSIONS",
    "JSON",
    "THREAD_TYPES",
    "WALL_CLOCK",
    "ApiError",
    "ApplicationCommand",
    "Attachment",
    "Channel",
    "ChannelType",
    "Guild",
    "Member",
    "Message",
    "MessageFlag",
    "Overwrite",
    "Permission",
    "Role",
    "ScheduledEvent",
    "SnowflakeGenerator",
    "State",
    "User",
    "emoji_json",
    "invalid",
    "iso",
    "missing_access",
    "missing_permissions",
    "now_iso",
    "opt_str",
    "parse_iso",
    "unknown",
]
