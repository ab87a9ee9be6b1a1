"""Building, editing and deleting messages, shared by the channel routes, the interaction
routes and the users the emulator acts as."""

from __future__ import annotations

import mimetypes
from typing import Any

from ..gateway import Gateway
from ..recorder import RecordedFile
from ..state import JSON, Attachment, Channel, Message, MessageFlag, State, now_iso
from ..validation import check_message


def guess_content_type(filename: str, declared: str) -> str:
    """Discord infers the content type from the file name (discord.py always sends octet-stream)."""
    guessed, _ = mimetypes.guess_type(filename)
    content_type = guessed or declared or "application/octet-stream"
    if content_type.startswith("text/") and "charset" not in content_type:
        content_type += "; charset=utf-8"
    return content_type


#: Message flags a bot may set when sending.
SENDABLE_FLAGS = (
    MessageFlag.SUPPRESS_EMBEDS | MessageFlag.SUPPRESS_NOTIFICATIONS | MessageFlag.IS_COMPONENTS_V2
)


class MessageWriter:
    """Turns create and edit bodies into stored messages the way Discord merges them."""

    def __init__(self, state: State, gateway: Gateway) -> None:
        self.state = state
        self.gateway = gateway

    def attachments_from(
        self, body: JSON, files: list[RecordedFile], channel_id: int, *, ephemeral: bool
    ) -> list[Attachment]:
        """New attachments of a body: ``attachments[n].id`` names the file field ``files[n]``."""
        described = {
            str(a.get("id")): a for a in body.get("attachments") or [] if isinstance(a, dict)
        }
        result = []
        for index, file in enumerate(files):
            key = (
                file.field_name[len("files[") : -1]
                if file.field_name.startswith("files[")
                else str(index)
            )
            meta = described.get(key, {})
            result.append(
                Attachment(
                    id=self.state.new_id(),
                    filename=meta.get("filename") or file.filename,
                    content_type=guess_content_type(file.filename, file.content_type),
                    data=file.data,
                    channel_id=channel_id,
                    description=meta.get("description"),
                    ephemeral=ephemeral,
                )
            )
        return result

    def new_message(
        self,
        channel: Channel,
        author_id: int,
        body: JSON,
        files: list[RecordedFile],
        *,
        extra_flags: int = 0,
        **fields: Any,
    ) -> Message:
        """Build and store a message from a create body (content, embeds, components, files...)."""
        flags = (int(body.get("flags") or 0) & SENDABLE_FLAGS) | extra_flags
        message = Message(
            id=self.state.new_id(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author_id=author_id,
            content=body.get("content") or "",
            embeds=[{"type": "rich", **e} for e in body.get("embeds") or []],
            components=list(body.get("components") or []),
            flags=flags,
            tts=bool(body.get("tts")),
            nonce=None if body.get("nonce") is None else str(body["nonce"]),
            allowed_mentions=body.get("allowed_mentions"),
            **fields,
        )
        message.attachments = self.attachments_from(
            body, files, channel.id, ephemeral=message.ephemeral
        )
        self.state.resolve_mentions(message)
        return self.state.add_message(message)

    def apply_edit(self, message: Message, body: JSON, files: list[RecordedFile]) -> None:
        """Apply an edit body to a message the way Discord merges fields (validated first)."""
        content = (body["content"] or "") if "content" in body else message.content
        embeds = message.embeds
        if "embeds" in body:
            embeds = [{"type": "rich", **e} for e in body["embeds"] or []]
        components = list(body["components"] or []) if "components" in body else message.components
        flags = message.flags & ~MessageFlag.LOADING
        if body.get("flags") is not None:
            keep = message.flags & (MessageFlag.EPHEMERAL | MessageFlag.HAS_THREAD)
            flags = keep | (int(body["flags"]) & SENDABLE_FLAGS)
        attachments = message.attachments
        if body.get("attachments") is not None:
            kept_ids = {str(a.get("id")) for a in body["attachments"] if isinstance(a, dict)}
            attachments = [a for a in attachments if str(a.id) in kept_ids]
        new = self.attachments_from(body, files, message.channel_id, ephemeral=message.ephemeral)
        check_message(
            {"content": content, "embeds": embeds, "components": components, "flags": flags},
            file_count=len(attachments) + len(new),
        )
        message.content, message.embeds, message.components = content, embeds, components
        message.flags, message.attachments = flags, attachments + new
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        message.edited_timestamp = now_iso()
        self.state.resolve_mentions(message)

    def edit(self, message: Message, body: JSON, files: list[RecordedFile]) -> None:
        """Apply an edit and tell the gateway (MESSAGE_UPDATE)."""
        self.apply_edit(message, body, files)
        self.gateway.message_updated(message)

    def delete(self, message: Message) -> None:
        message.deleted = True
        self.gateway.message_deleted(message)
