"""Helpers for the facilitation end-to-end tests: run commands, click the bot's buttons,
read what it posted in a session's thread."""

from __future__ import annotations

from typing import Any

from bot.emulator import InteractionResult, Message, ResponseType
from bot.services.facilitation.sessions.service import SessionService
from tests.e2e.harness import Harness


async def answer(result: InteractionResult) -> str:
    """The answer a member got, deferred or not: the reply (ephemeral or not), or the
    clicked message as the click changed it, and any follow-up."""
    await result.final()
    unchanged = result.response_type == ResponseType.DEFERRED_UPDATE_MESSAGE and not (
        result.edit_count
    )
    shown = [] if unchanged else [result.message]
    parts = [m.content or "" for m in shown if m]
    parts += [m.content or "" for m in result.followups]
    embeds = [e for m in [*shown, *result.followups] if m for e in m.embeds]
    for embed in embeds:
        parts.append(str(embed.get("title", "")))
        parts.append(str(embed.get("description", "")))
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(p for p in parts if p)


async def run(harness: Harness, user: str, command: str, **options: Any) -> str:
    """``/command`` as ``user``; the answer's text."""
    return await answer(await harness.slash(user, command, **options))


def bot_messages(harness: Harness, channel_id: int) -> list[Message]:
    return [
        m for m in harness.emu.messages_in(channel_id) if m.author_id == harness.emu.bot_user_id
    ]


def find(messages: list[Message], text: str) -> list[Message]:
    return [m for m in messages if text in m.all_text()]


def button_of(message: Message, prefix: str) -> str:
    """The custom_id of ``message``'s button starting with ``prefix`` (e.g. "plc:ses:next:")."""
    found = [c for c in message.custom_ids() if c.startswith(prefix)]
    assert found, (prefix, message.custom_ids())
    return found[0]


async def click(harness: Harness, user: str, message: Message, prefix: str) -> str:
    result = await harness.emu.click(harness.user(user), message, button_of(message, prefix))
    return await answer(result)


async def live_thread(harness: Harness) -> int:
    session = await harness.bot.services.get(SessionService).live(harness.guild.id)
    assert session is not None and session.thread_id is not None
    return session.thread_id


async def round_going(harness: Harness, joining: tuple[str, ...] = ("bob",)) -> int:
    """An English community where alice started a check-in round, ``joining`` joined it
    and alice moved to the first turn: the live session's thread."""
    await harness.setup_community(language="en")
    await run(harness, "alice", "session start", protocol="checkin-round")
    thread = await live_thread(harness)
    [opening] = find(bot_messages(harness, harness.channel("general")), "session has started")
    for user in joining:
        await click(harness, user, opening, "plc:ses:join:")
    await click(harness, "alice", last_with(harness, thread, "plc:ses:next:"), "plc:ses:next:")
    return thread


def last_with(harness: Harness, channel_id: int, prefix: str) -> Message:
    """The bot's latest message in the channel carrying a button with ``prefix``."""
    found = [
        m
        for m in bot_messages(harness, channel_id)
        if any(c.startswith(prefix) for c in m.custom_ids())
    ]
    assert found, f"no message with a {prefix} button"
    return found[-1]
