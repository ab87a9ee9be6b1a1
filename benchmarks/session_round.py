"""5. A session round: 30 participants, 100 turns, each turn's latency against the no-op.

The sample guild grown to 30 members, set up through ``/plc setup``; Alice starts a
live session (the *exchange* protocol: three rounds), the 29 others press Join, and
each speaker in turn presses *Done* on the bot's prompt; at the end of a round Alice
presses *Next*, and a new session starts when the protocol is over, until 100 turns.

Per turn: from the click to the bot's next post in the session's thread (the next
speaker's prompt, or the end of the round: what the group waits for), and to the
clicker's own answer. After each turn the speaker runs the no-op command, the floor.
Both count from the moment the emulator sends the interaction to the bot (as Discord
would) to the moment the bot's request reaches it, so the emulator's own work building
the click (its message and components, which a slash command has not) is in neither.
Turns are spaced by 50 ms, and the first turn of a step from the step's own posts, so
the figure is the bot's latency, not its pace under Discord's limit (a real round has
minutes between turns).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.clock import ControlledClock
from bot.emulator import Emulator, Message
from bot.services.facilitation.sessions.service import SessionService
from cogs.client import PlcBot

from . import fixtures
from .latency import meetings_reconciled
from .report import Figure, Report
from .stack import Samples, Timing, bot_running, emulator, percentile, timed, timing
from .world import Measured, measured_guild

SECTION = "5 session round (30 participants)"
TARGET_MS = 50.0
#: The round the group waits for: Done -> the next post, against the no-op (p99).
TARGET_RATIO = 3.0
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
    """Milliseconds from ``since`` (monotonic) to the first post in ``thread`` among the
    requests recorded after ``mark``, as it reached the emulator."""
    for request in emu.recorder.requests[mark:]:
        if request.method == "POST" and request.path.endswith(f"/channels/{thread}/messages"):
            return (request.arrived - since) * 1000
    return None


@dataclass(frozen=True)
class Turn:
    speaker: int
    posted_ms: float
    """Done -> the bot's next post in the thread."""
    answer: Timing
    """Done -> the speaker's own answer."""


class Round:
    """Turns of live sessions in the measured guild: each speaker in turn presses Done on
    the bot's prompt; at the end of a round Alice presses Next, and a new session starts
    when the protocol is over."""

    def __init__(self, emu: Emulator, bot: PlcBot, measured: Measured) -> None:
        self.emu, self.bot, self.measured = emu, bot, measured
        self.clicked: set[int] = set()
        self.thread = 0

    async def start(self) -> None:
        self.thread = await start_session(self.emu, self.bot, self.measured)

    async def turn(self) -> Turn:
        emu, guild = self.emu, self.measured.guild
        while True:
            prompts = [
                m
                for m in with_button(emu, self.thread, "plc:ses:done:")
                if m.id not in self.clicked
            ]
            if prompts:
                break
            live = await self.bot.services.get(SessionService).live(guild.id)
            assert live is not None
            if live.step_index + 1 < len(live.protocol["steps"]):
                await next_step(emu, self.measured, self.thread)
            else:
                ended = await emu.slash(guild.id, guild.users["alice"], "session end")
                await ended.final(30)
                await self.start()
            # Spaced from the step's own posts as turns are from each other: the first
            # speaker's Done would otherwise come a few milliseconds after Next posted
            # the step and its first prompt, and wait for Discord's pace behind them.
            await asyncio.sleep(SPACING_S)
        prompt = prompts[-1]
        self.clicked.add(prompt.id)
        speaker = prompt.mention_user_ids[0]
        mark = len(emu.recorder.requests)
        clicked = await emu.click(speaker, prompt, button(prompt, "plc:ses:done:"))
        answer = await timing(clicked)
        posted = first_post_after(emu, self.thread, mark, clicked.dispatched_at)
        assert posted is not None, "the bot posted nothing after a turn"
        return Turn(speaker, posted, answer)


async def set_up(emu: Emulator, bot: PlcBot, measured: Measured) -> None:
    guild = measured.guild
    await meetings_reconciled(bot)
    setup = await emu.slash(
        guild.id, guild.users["admin"], "plc setup", timezone=fixtures.ZONE,
        facilitator_role=guild.roles["facilitator"],
    )  # fmt: skip
    await setup.final(30)


async def run(report: Report, folder: Path, turns: int, log: Callable[[str], None]) -> None:
    clock = ControlledClock(fixtures.FIXTURE_NOW)
    async with emulator(clock) as emu:
        measured = measured_guild(emu.state, emu.bot_user_id)
        guild, spec = measured.guild, measured.spec
        db_path = folder / "session.sqlite3"
        await fixtures.add_communities(db_path, [spec], fixtures.FIXTURE_NOW)
        async with bot_running(emu, clock, db_path) as bot:
            await set_up(emu, bot, measured)
            turn_post: list[float] = []
            answers, noop = Samples(), Samples()
            started = time.perf_counter()
            rounds = Round(emu, bot, measured)
            await rounds.start()
            while len(turn_post) < turns:
                taken = await rounds.turn()
                turn_post.append(taken.posted_ms)
                answers.add(taken.answer)
                noop.add(
                    await timed(
                        emu.slash(
                            guild.id,
                            taken.speaker,
                            "bench-noop",
                            channel_id=guild.channels["general"],
                        )
                    )
                )
                await asyncio.sleep(SPACING_S)
            log(f"  {turns} turns in {time.perf_counter() - started:.1f} s")
    floor50, floor99 = percentile(noop.done, 0.5), percentile(noop.done, 0.99)
    report.add(Figure(SECTION, "no-op p50 (the speaker, after each turn)", floor50, "ms"))
    report.add(Figure(SECTION, "no-op p99", floor99, "ms"))
    for name, values, ratio in (
        ("Done -> the bot's next post in the thread", turn_post, TARGET_RATIO),
        ("Done -> the speaker's answer", answers.done, None),
    ):
        report.add(Figure(SECTION, f"{name}: p50", percentile(values, 0.5), "ms", floor50))
        p99 = percentile(values, 0.99)
        within = ratio is None or p99 <= ratio * floor99
        target = f"< {TARGET_MS:.0f} ms"
        if ratio is not None:
            target = f"<= {ratio:g}x, {target}"
        report.add(
            Figure(
                SECTION,
                f"{name}: p99",
                p99,
                "ms",
                floor99,
                target,
                p99 < TARGET_MS and within,
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
