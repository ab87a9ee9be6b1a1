"""5. A session round: 30 participants, 100 turns, each turn's latency against the no-op.

The sample guild grown to 30 members, set up through ``/plc setup``; Alice starts a
live session (the *exchange* protocol: three rounds), the 29 others press Join, and
each speaker in turn presses *Done* on the bot's prompt; at the end of a round Alice
presses *Next*, and a new session starts when the protocol is over, until 100 turns.

Per turn: from the click to the bot's next post in the session's thread (the next
speaker's prompt, or the end of the round: what the group waits for), and to the
clicker's own answer. After each turn the speaker runs the no-op command, the floor.
Turns are spaced by 50 ms so the figure is the bot's latency, not its pace under
Discord's limit (a real round has minutes between turns).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from bot.clock import ControlledClock
from bot.emulator import Emulator, Message
from bot.services.facilitation.sessions.service import SessionService
from cogs.client import PlcBot

from . import fixtures
from .latency import meetings_reconciled
from .report import Figure, Report
from .stack import Samples, bot_running, emulator, percentile, timed
from .world import Measured, measured_guild

SECTION = "5 session round (30 participants)"
TARGET_MS = 50.0
SPACING_S = 0.05
PROTOCOL = "exchange"


def with_button(emu: Emulator, channel_id: int, prefix: str) -> list[Message]:
    return [
        m
        for m in emu.messages_in(channel_id)
        if m.author_id == emu.bot_user_id and any(c.startswith(prefix) for c in m.custom_ids())
    ]


def button(message: Message, prefix: str) -> str:
    return next(c for c in message.custom_ids() if c.startswith(prefix))


async def start_session(emu: Emulator, bot: PlcBot, measured: Measured) -> int:
    """Alice starts a session in #general, everyone else joins; its thread."""
    guild = measured.guild
    general = guild.channels["general"]
    started = await emu.slash(
        guild.id, guild.users["alice"], "session start", channel_id=general, protocol=PROTOCOL
    )
    await started.final(timeout=30)
    opening = with_button(emu, general, "plc:ses:join:")[-1]
    for user in measured.spec.member_ids:
        if user != guild.users["alice"]:
            await (await emu.click(user, opening, button(opening, "plc:ses:join:"))).final(30)
    session = await bot.services.get(SessionService).live(guild.id)
    assert session is not None and session.thread_id is not None, "no live session"
    return session.thread_id


async def next_step(emu: Emulator, measured: Measured, thread: int) -> None:
    panel = with_button(emu, thread, "plc:ses:next:")[-1]
    alice = measured.guild.users["alice"]
    await (await emu.click(alice, panel, button(panel, "plc:ses:next:"))).final(30)


def first_post_after(emu: Emulator, thread: int, mark: int, since: float) -> float | None:
    for request in emu.recorder.requests[mark:]:
        if request.method == "POST" and request.path.endswith(f"/channels/{thread}/messages"):
            return (request.time - since) * 1000
    return None


async def run(report: Report, folder: Path, turns: int, log: Callable[[str], None]) -> None:
    clock = ControlledClock(fixtures.FIXTURE_NOW)
    async with emulator(clock) as emu:
        measured = measured_guild(emu.state, emu.bot_user_id)
        guild, spec = measured.guild, measured.spec
        db_path = folder / "session.sqlite3"
        await fixtures.add_communities(db_path, [spec], fixtures.FIXTURE_NOW)
        async with bot_running(emu, clock, db_path) as bot:
            await meetings_reconciled(bot)
            setup = await emu.slash(
                guild.id, guild.users["admin"], "plc setup", timezone=fixtures.ZONE,
                facilitator_role=guild.roles["facilitator"],
            )  # fmt: skip
            await setup.final(30)
            sessions = bot.services.get(SessionService)
            turn_post: list[float] = []
            answers, noop = Samples(), Samples()
            clicked: set[int] = set()
            started = time.perf_counter()
            thread = await start_session(emu, bot, measured)
            while len(turn_post) < turns:
                prompts = [
                    m for m in with_button(emu, thread, "plc:ses:done:") if m.id not in clicked
                ]
                if not prompts:
                    live = await sessions.live(guild.id)
                    assert live is not None
                    if live.step_index + 1 < len(live.protocol["steps"]):
                        await next_step(emu, measured, thread)
                    else:
                        ended = await emu.slash(guild.id, guild.users["alice"], "session end")
                        await ended.final(30)
                        thread = await start_session(emu, bot, measured)
                    continue
                prompt = prompts[-1]
                clicked.add(prompt.id)
                speaker = prompt.mention_user_ids[0]
                mark, since = len(emu.recorder.requests), time.time()
                answers.add(
                    await timed(emu.click(speaker, prompt, button(prompt, "plc:ses:done:")))
                )
                posted = first_post_after(emu, thread, mark, since)
                assert posted is not None, "the bot posted nothing after a turn"
                turn_post.append(posted)
                noop.add(
                    await timed(
                        emu.slash(
                            guild.id, speaker, "bench-noop", channel_id=guild.channels["general"]
                        )
                    )
                )
                await asyncio.sleep(SPACING_S)
            log(f"  {turns} turns in {time.perf_counter() - started:.1f} s")
    floor50, floor99 = percentile(noop.done, 0.5), percentile(noop.done, 0.99)
    report.add(Figure(SECTION, "no-op p50 (the speaker, after each turn)", floor50, "ms"))
    report.add(Figure(SECTION, "no-op p99", floor99, "ms"))
    for name, values in (
        ("Done -> the bot's next post in the thread", turn_post),
        ("Done -> the speaker's answer", answers.done),
    ):
        report.add(Figure(SECTION, f"{name}: p50", percentile(values, 0.5), "ms", floor50))
        p99 = percentile(values, 0.99)
        report.add(
            Figure(
                SECTION,
                f"{name}: p99",
                p99,
                "ms",
                floor99,
                f"< {TARGET_MS:.0f} ms",
                p99 < TARGET_MS,
                note=f"{name} p99 {p99:.1f} ms ({p99 / floor99:.1f}x the no-op)",
            )
        )
    report.add(
        Figure(
            SECTION,
            "Done -> callback (the click acknowledged): p99",
            percentile(answers.callback, 0.99),
            "ms",
            percentile(noop.callback, 0.99),
        )
    )
