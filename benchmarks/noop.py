"""The floor: a command that does nothing but answer, added only by the benchmark.

It goes through the same path as every feature's command (the core's declaration,
the Discord binder, the access check, the reply), so a ratio against it measures
what the features' own work costs.
"""

from __future__ import annotations

from bot.chat import Trusted
from bot.interactions import Interaction
from bot.interactions.commands import Command

NOOP_COMMAND = "bench-noop"


async def _noop(ctx: Interaction) -> None:
    await ctx.reply(Trusted(text="ok"))


NOOP = Command(NOOP_COMMAND, "Benchmark floor: answers at once", handler=_noop)
