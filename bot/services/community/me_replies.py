"""What ``/me`` answers: a date said back, the export file, what an erasure did."""

from __future__ import annotations

import json
from typing import Any

from bot.chat import Attachment, CalendarDay, Code, Join, Message, MessageLink, Text
from bot.chat.text import Content, Param
from bot.dates import LocalDay, read_as
from bot.i18n import Language
from bot.services.community.members import Erasure

EXPORT_FILE = "plc-bot-my-data.json"
LINKS_SHOWN = 10
"""Messages left behind that an erasure reply links to; the others are counted."""


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=f"members.{key}", params=params)


def timezone_saved(zone: str) -> Text:
    return _text("timezone.saved", zone=Code(text=zone))


def language_reply(chosen: Language | None, app: Language) -> Text:
    """Which language the bot's DMs to the member are in: their choice, or their app's."""
    if chosen is not None:
        return _text("language.chosen", language=_text(f"language.names.{chosen}"))
    return _text("language.auto", language=_text(f"language.names.{app}"))


def away_saved(until: LocalDay) -> Join:
    """The last day away as the member's language writes it (a day, not an instant: no
    zone may shift it; « 1er décembre 2026 », "18 December 2026", as the date read back
    under it, with its weekday and zone)."""
    day = CalendarDay(day=until.day)  # as the line under it writes it: "18 December 2026"
    return Join(parts=(_text("away.saved", date=day), read_as(until.day, until.timezone)))


def export_reply(data: dict[str, Any]) -> Message:
    payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
    return Message(
        content=_text("export.done"),
        files=(Attachment(filename=EXPORT_FILE, data=payload),),
    )


def erase_preview() -> Message:
    return Message(content=_text("delete.ask"))


def erasure_reply(erased: Erasure) -> Message:
    """Done; how many messages posted in the member's name were removed, and where those
    that could not be removed are."""
    parts: list[Content] = [_text("delete.done")]
    if erased.posts_removed:
        parts.append(_text("delete.posts", removed=erased.posts_removed))
    if erased.left:
        links: list[Content] = [
            MessageLink(guild_id=p.guild_id, channel_id=p.channel_id, message_id=p.message_id)
            for p in erased.left[:LINKS_SHOWN]
        ]
        if len(erased.left) > LINKS_SHOWN:
            links.append(_text("delete.posts_more", count=len(erased.left) - LINKS_SHOWN))
        parts.append(_text("delete.posts_left", links=Join(parts=tuple(links))))
    return Message(content=Join(parts=tuple(parts)))
