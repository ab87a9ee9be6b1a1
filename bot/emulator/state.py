"""In-memory model of the Discord world the emulator serves.

Holds users, guilds, roles, members, channels (including threads and DM
channels), messages with their attachments and reactions, guild scheduled
events and the application commands the bot registered.  Every object knows
how to serialize itself to the JSON shape Discord API v10 uses, so the payloads
the REST routes and the gateway send can be parsed by discord.py unchanged.

Snowflakes are generated like Discord does (milliseconds since the Discord
epoch shifted left by 22 bits, plus worker/process/increment), so they are
increasing integers, serialized as strings.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum, IntFlag
from typing import Any

from bot.clock import SystemClock

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1420070400000


class ChannelType(IntEnum):
    """Discord channel types the emulator models."""

    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    NEWS = 5
    NEWS_THREAD = 10
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    STAGE = 13


THREAD_TYPES = frozenset(
    {ChannelType.NEWS_THREAD, ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD}
)


class Permission(IntFlag):
    """Discord permission bits (https://discord.com/developers/docs/topics/permissions)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    PRIORITY_SPEAKER = 1 << 8
    STREAM = 1 << 9
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    VIEW_GUILD_INSIGHTS = 1 << 19
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    MUTE_MEMBERS = 1 << 22
    DEAFEN_MEMBERS = 1 << 23
    MOVE_MEMBERS = 1 << 24
    USE_VAD = 1 << 25
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    MANAGE_GUILD_EXPRESSIONS = 1 << 30
    USE_APPLICATION_COMMANDS = 1 << 31
    REQUEST_TO_SPEAK = 1 << 32
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    USE_EXTERNAL_STICKERS = 1 << 37
    SEND_MESSAGES_IN_THREADS = 1 << 38
    USE_EMBEDDED_ACTIVITIES = 1 << 39
    MODERATE_MEMBERS = 1 << 40
    VIEW_CREATOR_MONETIZATION_ANALYTICS = 1 << 41
    USE_SOUNDBOARD = 1 << 42
    CREATE_GUILD_EXPRESSIONS = 1 << 43
    CREATE_EVENTS = 1 << 44
    USE_EXTERNAL_SOUNDS = 1 << 45
    SEND_VOICE_MESSAGES = 1 << 46
    SET_VOICE_CHANNEL_STATUS = 1 << 48
    SEND_POLLS = 1 << 49
    USE_EXTERNAL_APPS = 1 << 50
    PIN_MESSAGES = 1 << 51
    BYPASS_SLOWMODE = 1 << 52


ALL_PERMISSIONS = 0
for _perm in Permission:
    ALL_PERMISSIONS |= _perm.value

#: What @everyone gets in a freshly created guild.
DEFAULT_EVERYONE_PERMISSIONS = (
    Permission.CREATE_INSTANT_INVITE
    | Permission.ADD_REACTIONS
    | Permission.STREAM
    | Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.CONNECT
    | Permission.SPEAK
    | Permission.USE_VAD
    | Permission.CHANGE_NICKNAME
    | Permission.USE_APPLICATION_COMMANDS
    | Permission.REQUEST_TO_SPEAK
    | Permission.CREATE_PUBLIC_THREADS
    | Permission.CREATE_PRIVATE_THREADS
    | Permission.USE_EXTERNAL_STICKERS
    | Permission.SEND_MESSAGES_IN_THREADS
    | Permission.USE_EMBEDDED_ACTIVITIES
    | Permission.SEND_VOICE_MESSAGES
    | Permission.SEND_POLLS
    | Permission.USE_EXTERNAL_APPS
)

#: Permissions a user implicitly has in a DM channel.
DM_PERMISSIONS = (
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.SEND_TTS_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.ADD_REACTIONS
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.USE_APPLICATION_COMMANDS
)


class MessageFlag(IntFlag):
    """Message flags the emulator interprets."""

    CROSSPOSTED = 1 << 0
    SUPPRESS_EMBEDS = 1 << 2
    HAS_THREAD = 1 << 5
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_COMPONENTS_V2 = 1 << 15


class ApiError(Exception):
    """A Discord API error: HTTP status plus the JSON error body Discord sends."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        body: JSON = {"message": self.message, "code": self.code}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def unknown(what: str, code: int) -> ApiError:
    """404 ``Unknown <what>`` as Discord words it."""
    return ApiError(404, code, f"Unknown {what}")


def invalid(field: str, code: str, message: str) -> ApiError:
    """400 ``Invalid Form Body`` (50035) with one error on ``field``."""
    errors = {field: {"_errors": [{"code": code, "message": message}]}}
    return ApiError(400, 50035, "Invalid Form Body", errors)


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def iso(moment: dt.datetime) -> str:
    """Discord's timestamp format (ISO 8601, microseconds, +00:00)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


#: Discord's servers keep real time, whatever clock the bot under test is given.
WALL_CLOCK = SystemClock()


def now_iso() -> str:
    return iso(WALL_CLOCK.now())


def parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


class SnowflakeGenerator:
    """Generates increasing snowflakes from the current time, like Discord."""

    def __init__(self, worker_id: int = 1, process_id: int = 0) -> None:
        self._prefix = (worker_id & 0x1F) << 17 | (process_id & 0x1F) << 12
        self._last_ms = 0
        self._increment = 0

    def next(self) -> int:
        ms = int(WALL_CLOCK.now().timestamp() * 1000) - DISCORD_EPOCH_MS
        if ms <= self._last_ms:
            ms = self._last_ms
            self._increment += 1
            if self._increment > 0xFFF:
                ms += 1
                self._increment = 0
        else:
            self._increment = 0
        self._last_ms = ms
        return ms << 22 | self._prefix | self._increment


@dataclass
class User:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False
    locale: str = "en-US"
    avatar: str | None = None

    def to_json(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": self.avatar,
            "avatar_decoration_data": None,
            "banner": None,
            "accent_color": None,
            "public_flags": 0,
            "flags": 0,
            "collectibles": None,
            "primary_guild": None,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    hoist: bool = False
    mentionable: bool = False
    managed: bool = False
    tags: JSON | None = None

    def to_json(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.tags is not None:
            data["tags"] = self.tags
        return data


@dataclass
class Member:
    guild_id: int
    user_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=now_iso)

    def to_json(self, user: User | None = None) -> JSON:
        data: JSON = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if user is not None:
            data["user"] = user.to_json()
        return data


@dataclass
class Overwrite:
    """A channel permission overwrite; ``type`` 0 is a role, 1 a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_json(self) -> JSON:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class Channel:
    id: int
    type: ChannelType
    name: str | None = None
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    nsfw: bool = False
    overwrites: list[Overwrite] = field(default_factory=list)
    rate_limit_per_user: int = 0
    last_message_id: int | None = None
    recipient_ids: list[int] = field(default_factory=list)
    # Thread fields.
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 4320
    archive_timestamp: str = field(default_factory=now_iso)
    created_at: str = field(default_factory=now_iso)
    thread_members: dict[int, str] = field(default_factory=dict)
    message_count: int = 0
    total_message_sent: int = 0
    deleted: bool = False

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    def to_json(self, state: State) -> JSON:
        if self.type == ChannelType.DM:
            return {
                "id": str(self.id),
                "type": int(self.type),
                "last_message_id": _opt_str(self.last_message_id),
                "flags": 0,
                "recipients": [state.users[uid].to_json() for uid in self.recipient_ids],
            }
        data: JSON = {
            "id": str(self.id),
            "type": int(self.type),
            "guild_id": _opt_str(self.guild_id),
            "name": self.name,
            "parent_id": _opt_str(self.parent_id),
            "flags": 0,
        }
        if self.is_thread:
            data.update(
                owner_id=_opt_str(self.owner_id),
                last_message_id=_opt_str(self.last_message_id),
                rate_limit_per_user=self.rate_limit_per_user,
                message_count=self.message_count,
                member_count=min(len(self.thread_members), 50),
                total_message_sent=self.total_message_sent,
                thread_metadata={
                    "archived": self.archived,
                    "archive_timestamp": self.archive_timestamp,
                    "auto_archive_duration": self.auto_archive_duration,
                    "locked": self.locked,
                    "create_timestamp": self.created_at,
                    **(
                        {"invitable": self.invitable}
                        if self.type == ChannelType.PRIVATE_THREAD
                        else {}
                    ),
                },
            )
            return data
        data.update(
            position=self.position,
            permission_overwrites=[o.to_json() for o in self.overwrites],
            nsfw=self.nsfw,
        )
        if self.type in (ChannelType.TEXT, ChannelType.NEWS):
            data.update(
                topic=self.topic,
                last_message_id=_opt_str(self.last_message_id),
                rate_limit_per_user=self.rate_limit_per_user,
                default_auto_archive_duration=4320,
                default_thread_rate_limit_per_user=0,
            )
        elif self.type in (ChannelType.VOICE, ChannelType.STAGE):
            data.update(
                bitrate=64000,
                user_limit=0,
                rtc_region=None,
                last_message_id=_opt_str(self.last_message_id),
                rate_limit_per_user=self.rate_limit_per_user,
                topic=self.topic,
            )
        return data

    def thread_member_json(self, user_id: int) -> JSON:
        return {
            "id": str(self.id),
            "user_id": str(user_id),
            "join_timestamp": self.thread_members[user_id],
            "flags": 1,
        }


@dataclass
class Attachment:
    """A file attached to a message: kept with its name, content type and bytes."""

    id: int
    filename: str
    content_type: str
    data: bytes
    channel_id: int
    description: str | None = None
    ephemeral: bool = False

    @property
    def size(self) -> int:
        return len(self.data)

    def url(self, base_url: str) -> str:
        return f"{base_url}/attachments/{self.channel_id}/{self.id}/{self.filename}"

    def to_json(self, base_url: str) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url(base_url),
            "proxy_url": self.url(base_url),
            "content_type": self.content_type,
        }
        if self.description is not None:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


@dataclass
class Message:
    """A message as stored by the emulator (what the bot or a user really sent)."""

    id: int
    channel_id: int
    author_id: int
    guild_id: int | None = None
    content: str = ""
    type: int = 0
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    nonce: str | None = None
    allowed_mentions: JSON | None = None
    tts: bool = False
    timestamp: str = field(default_factory=now_iso)
    edited_timestamp: str | None = None
    deleted: bool = False
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: JSON | None = None
    message_reference: JSON | None = None
    mention_user_ids: list[int] = field(default_factory=list)
    mention_role_ids: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    reactions: dict[str, list[int]] = field(default_factory=dict)
    thread_id: int | None = None
    pinned: bool = False
    created_monotonic: float = field(default_factory=time.monotonic)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MessageFlag.EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & MessageFlag.LOADING)

    def iter_components(self) -> Iterator[JSON]:
        """Every component of the message, nested ones included (rows, containers, sections...)."""
        yield from _walk_components(self.components)

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.iter_components() if "custom_id" in c]

    def find_component(self, custom_id: str) -> JSON | None:
        return next((c for c in self.iter_components() if c.get("custom_id") == custom_id), None)

    def all_text(self) -> str:
        """Content, embed texts and text-display components joined: handy for assertions."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title") or "", embed.get("description") or ""]
            for fld in embed.get("fields", []):
                parts += [fld.get("name", ""), fld.get("value", "")]
            parts.append((embed.get("footer") or {}).get("text", ""))
            parts.append((embed.get("author") or {}).get("name", ""))
        for comp in self.iter_components():
            if comp.get("type") == 10:
                parts.append(comp.get("content", ""))
            if comp.get("label"):
                parts.append(str(comp["label"]))
        return "\n".join(p for p in parts if p)

    def to_json(self, state: State, *, with_member: bool = False, depth: int = 0) -> JSON:
        author = state.users[self.author_id]
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "channel_id": str(self.channel_id),
            "author": author.to_json(),
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.mention_everyone,
            "mentions": [
                state.users[uid].to_json() for uid in self.mention_user_ids if uid in state.users
            ],
            "mention_roles": [str(r) for r in self.mention_role_ids],
            "attachments": [a.to_json(state.base_url) for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": self.pinned,
            "flags": self.flags,
        }
        if self.nonce is not None:
            data["nonce"] = self.nonce
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
            if "name" in self.interaction_metadata:
                data["interaction"] = {
                    "id": self.interaction_metadata["id"],
                    "type": self.interaction_metadata["type"],
                    "name": self.interaction_metadata["name"],
                    "user": self.interaction_metadata["user"],
                }
        if self.reactions:
            data["reactions"] = [
                _reaction_json(emoji, users, state.bot_user_id)
                for emoji, users in self.reactions.items()
                if users
            ]
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
            ref_id = int(self.message_reference.get("message_id") or 0)
            ref = state.messages.get(ref_id)
            if depth == 0 and ref is not None and not ref.deleted:
                data["referenced_message"] = ref.to_json(state, depth=1)
        if self.thread_id is not None and self.thread_id in state.channels:
            data["thread"] = state.channels[self.thread_id].to_json(state)
        if with_member and self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
            member = state.guilds[self.guild_id].members.get(self.author_id)
            if member is not None and self.webhook_id is None:
                data["member"] = member.to_json()
        return data


def _opt_str(value: int | None) -> str | None:
    return None if value is None else str(value)


def _walk_components(components: list[JSON]) -> Iterator[JSON]:
    for comp in components:
        yield comp
        yield from _walk_components(comp.get("components", []))
        if isinstance(comp.get("component"), dict):
            yield from _walk_components([comp["component"]])
        if isinstance(comp.get("accessory"), dict):
            yield from _walk_components([comp["accessory"]])


def emoji_json(key: str) -> JSON:
    """``name`` for unicode emoji, ``name:id`` for custom ones, as in reaction routes."""
    if ":" in key:
        name, _, emoji_id = key.partition(":")
        return {"id": emoji_id, "name": name}
    return {"id": None, "name": key}


def _reaction_json(emoji: str, users: list[int], bot_user_id: int) -> JSON:
    return {
        "emoji": emoji_json(emoji),
        "count": len(users),
        "count_details": {"burst": 0, "normal": len(users)},
        "me": bot_user_id in users,
        "me_burst": False,
        "burst_me": False,
        "burst_count": 0,
        "burst_colors": [],
    }


@dataclass
class Guild:
    id: int
    name: str
    owner_id: int
    preferred_locale: str = "en-US"
    description: str | None = None
    roles: dict[int, Role] = field(default_factory=dict)
    members: dict[int, Member] = field(default_factory=dict)
    features: list[str] = field(default_factory=list)
    system_channel_id: int | None = None

    def to_json(self, *, with_counts: bool = False) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "icon_hash": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": self.description,
            "owner_id": str(self.owner_id),
            "region": "deprecated",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "widget_enabled": False,
            "widget_channel_id": None,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [r.to_json() for r in sorted(self.roles.values(), key=lambda r: r.position)],
            "emojis": [],
            "stickers": [],
            "features": self.features,
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": _opt_str(self.system_channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_presences": None,
            "max_members": 25000000,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "max_video_channel_users": 25,
            "max_stage_video_channel_users": 50,
            "nsfw_level": 0,
            "nsfw": False,
            "premium_progress_bar_enabled": False,
            "incidents_data": None,
            "latest_onboarding_question_id": None,
            "hub_type": None,
        }
        if with_counts:
            data["approximate_member_count"] = len(self.members)
            data["approximate_presence_count"] = 0
        return data


@dataclass
class ScheduledEvent:
    id: int
    guild_id: int
    name: str
    scheduled_start_time: str
    entity_type: int
    creator_id: int
    description: str | None = None
    scheduled_end_time: str | None = None
    channel_id: int | None = None
    location: str | None = None
    privacy_level: int = 2
    status: int = 1
    user_ids: list[int] = field(default_factory=list)
    image: str | None = None

    def to_json(self, state: State, *, with_user_count: bool = False) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "channel_id": _opt_str(self.channel_id),
            "creator_id": str(self.creator_id),
            "name": self.name,
            "description": self.description,
            "scheduled_start_time": self.scheduled_start_time,
            "scheduled_end_time": self.scheduled_end_time,
            "privacy_level": self.privacy_level,
            "status": self.status,
            "entity_type": self.entity_type,
            "entity_id": None,
            "entity_metadata": {"location": self.location} if self.location is not None else None,
            "image": self.image,
            "recurrence_rule": None,
            "auto_start": False,
        }
        if self.creator_id in state.users:
            data["creator"] = state.users[self.creator_id].to_json()
        if with_user_count:
            data["user_count"] = len(self.user_ids)
        return data


@dataclass
class ApplicationCommand:
    """A registered application command; ``guild_id`` is None for global ones."""

    id: int
    application_id: int
    name: str
    payload: JSON
    guild_id: int | None = None
    version: int = 0

    @property
    def type(self) -> int:
        return int(self.payload.get("type", 1))

    @property
    def options(self) -> list[JSON]:
        return list(self.payload.get("options") or [])

    def to_json(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "application_id": str(self.application_id),
            "version": str(self.version),
            "default_member_permissions": None,
            "type": 1,
            "name": self.name,
            "name_localizations": None,
            "description": "",
            "description_localizations": None,
            "dm_permission": True,
            "contexts": None,
            "integration_types": [0],
            "nsfw": False,
        }
        data.update({k: v for k, v in self.payload.items() if k != "id"})
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data


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

    # ----- permissions -----------------------------------------------------------------
    def permissions(self, guild_id: int, user_id: int, channel_id: int | None = None) -> int:
        """Discord's permission computation: base role permissions, then channel overwrites."""
        guild = self.guild(guild_id)
        if user_id == guild.owner_id:
            return ALL_PERMISSIONS
        member = guild.members.get(user_id)
        if member is None:
            return 0
        base = guild.roles[guild.id].permissions
        for role_id in member.roles:
            if role_id in guild.roles:
                base |= guild.roles[role_id].permissions
        if base & Permission.ADMINISTRATOR:
            return ALL_PERMISSIONS
        if channel_id is None:
            return base
        channel = self.channel(channel_id)
        source = (
            self.channel(channel.parent_id) if channel.is_thread and channel.parent_id else channel
        )
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
        own = overwrites.get(user_id)
        if own is not None and own.type == 1:
            perms = (perms & ~own.deny) | own.allow
        if not perms & Permission.VIEW_CHANNEL:
            return 0
        outsider = (
            channel.type == ChannelType.PRIVATE_THREAD and user_id not in channel.thread_members
        )
        if outsider and not perms & Permission.MANAGE_THREADS:
            return 0
        if not perms & Permission.SEND_MESSAGES:
            perms &= ~(
                Permission.SEND_TTS_MESSAGES
                | Permission.MENTION_EVERYONE
                | Permission.EMBED_LINKS
                | Permission.ATTACH_FILES
            )
        return perms

    def channel_permissions(self, user_id: int, channel_id: int) -> int:
        """Permissions of ``user_id`` in any channel, DM channels included."""
        channel = self.channel(channel_id)
        if channel.guild_id is None:
            return (
                int(DM_PERMISSIONS)
                if user_id in channel.recipient_ids or user_id == self.bot_user_id
                else 0
            )
        return self.permissions(channel.guild_id, user_id, channel_id)

    def require(self, user_id: int, channel_id: int, *needed: Permission) -> None:
        """Raise 403/50013 unless ``user_id`` has every permission in ``needed`` there."""
        perms = self.channel_permissions(user_id, channel_id)
        channel = self.channel(channel_id)
        if not perms & Permission.VIEW_CHANNEL:
            raise (
                ApiError(403, 50001, "Missing Access")
                if channel.guild_id is not None
                else unknown("Channel", 10003)
            )
        for perm in needed:
            if not perms & perm:
                raise missing_permissions()

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
