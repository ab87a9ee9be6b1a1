"""Messages with their attachments, components and reactions."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .common import JSON, now_iso
from .kinds import MessageFlag

if TYPE_CHECKING:
    from .world import State


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
