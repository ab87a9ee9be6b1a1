"""Channels (text, voice, categories, threads, DMs) and their permission overwrites."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .common import JSON, now_iso, opt_str
from .kinds import THREAD_TYPES, ChannelType, Permission

if TYPE_CHECKING:
    from .world import State


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

    @property
    def send_permission(self) -> Permission:
        """What a member needs to post here (threads have their own permission)."""
        return Permission.SEND_MESSAGES_IN_THREADS if self.is_thread else Permission.SEND_MESSAGES

    def to_json(self, state: State) -> JSON:
        if self.type == ChannelType.DM:
            return {
                "id": str(self.id),
                "type": int(self.type),
                "last_message_id": opt_str(self.last_message_id),
                "flags": 0,
                "recipients": [state.users[uid].to_json() for uid in self.recipient_ids],
            }
        data: JSON = {
            "id": str(self.id),
            "type": int(self.type),
            "guild_id": opt_str(self.guild_id),
            "name": self.name,
            "parent_id": opt_str(self.parent_id),
            "flags": 0,
        }
        if self.is_thread:
            data.update(
                owner_id=opt_str(self.owner_id),
                last_message_id=opt_str(self.last_message_id),
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
                last_message_id=opt_str(self.last_message_id),
                rate_limit_per_user=self.rate_limit_per_user,
                default_auto_archive_duration=4320,
                default_thread_rate_limit_per_user=0,
            )
        elif self.type in (ChannelType.VOICE, ChannelType.STAGE):
            data.update(
                bitrate=64000,
                user_limit=0,
                rtc_region=None,
                last_message_id=opt_str(self.last_message_id),
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
