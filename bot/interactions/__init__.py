"""How members act on the bot, on any platform: commands, clicks, forms, confirmations.

Features declare their commands (:mod:`.commands`), route their buttons and forms by
action id (:mod:`.routes`) and ask for confirmation with the one dialog
(:mod:`.confirm`); handlers take an :class:`~.context.Interaction`. A platform adapter
reads the :class:`UI` the application built and serves it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.actor import Actor
from bot.clock import Clock
from bot.interactions.commands import Access, Command, Group, MessageCommand
from bot.interactions.confirm import CONFIRM, Confirmations
from bot.interactions.context import Interaction
from bot.interactions.routes import CustomId, Routes

Gate = Callable[[Access, Actor], Awaitable[None]]
"""Refuses (raises a ``UserError``) an actor a command's ``access`` does not allow."""

__all__ = ["UI", "CustomId", "Gate", "Interaction"]


@dataclass
class UI:
    """Every command, route and confirmation of the running bot (one per process)."""

    gate: Gate
    confirmations: Confirmations
    routes: Routes = field(default_factory=Routes)
    commands: list[Group | Command | MessageCommand] = field(default_factory=list)

    @classmethod
    def build(cls, clock: Clock, gate: Gate) -> UI:
        ui = cls(gate=gate, confirmations=Confirmations(clock))
        ui.routes.click(CONFIRM, ui.confirmations.answer)
        return ui

    def add(self, *commands: Group | Command | MessageCommand) -> None:
        self.commands.extend(commands)
