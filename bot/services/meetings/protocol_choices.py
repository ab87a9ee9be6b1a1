"""The live-session protocols a meeting may preselect, as the meetings feature asks for them.

Meetings know nothing of protocols: the facilitation feature, when it is on, registers
what answers these two questions (``MeetingService.use_protocols``).
"""

from __future__ import annotations

from typing import Protocol

from bot.actor import Actor
from bot.i18n import Language


class ProtocolChoices(Protocol):
    def suggest(self, current: str, language: Language) -> list[tuple[str, str]]:
        """Autocomplete: (protocol id, its name shown in ``language``) pairs matching the
        member's text so far."""
        ...

    def check(self, reference: str, actor: Actor) -> str:
        """The id of the protocol ``reference`` names, for ``actor``'s community; refuses
        (``UserError``) one that is unknown or whose file was refused."""
        ...
