"""Faults on the Bot Connector routes, with the bodies and headers Teams answers.

Matching, counting, latency, ``commit`` and ``hook`` work as in
:mod:`bot.emulator.faults`; only the answers differ: Teams' error body is
``{"error": {"code", "message"}}`` and a 429 carries ``Retry-After`` in seconds.
The codes are the ones Microsoft documents for the bot APIs (``conversation-messages.md``
in MicrosoftDocs/msteams-docs, "Status codes from bot conversational APIs").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Unpack

from ..faults import Fault, FaultInjector, FaultOptions, commits
from .state import JSON

#: Status -> (code, message) as the Teams documentation lists them.
TEAMS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("BadSyntax", "Incorrect conversation creation parameters."),
    401: ("BotNotRegistered", "No registration found for this bot."),
    403: ("ConversationBlockedByUser", "User blocked the conversation with the bot."),
    404: ("ConversationNotFound", "Conversation not found."),
    412: ("PreconditionFailed", "Precondition failed, please try again."),
    413: ("MessageSizeTooBig", "Message size too large."),
    429: ("Throttled", "Too many requests."),
    500: ("ServiceError", "Internal server error."),
    502: ("ServiceError", "Service error."),
    503: ("ServiceUnavailable", "Service unavailable."),
    504: ("GatewayTimeout", "Gateway timeout."),
}


@dataclass
class TeamsFault(Fault):
    """A :class:`~bot.emulator.faults.Fault` answered as the Bot Connector answers."""

    error_code: str | None = None

    def error_body(self) -> JSON:
        assert self.status is not None
        code, message = TEAMS_ERRORS.get(self.status, ("ServiceError", f"{self.status}"))
        return {"error": {"code": self.error_code or code, "message": self.message or message}}

    def headers(self) -> dict[str, str]:
        if self.status != 429:
            return {}
        return {"Retry-After": str(max(1, round(self.retry_after)))}


class TeamsFaultInjector(FaultInjector):
    """``emu.faults.add(path="/v3/conversations/{id}/activities", status=429, retry_after=2)``."""

    def add(  # type: ignore[override]
        self,
        *,
        path: str,
        method: str | None = None,
        status: int | None = None,
        code: str | None = None,
        commit: bool | None = None,
        **options: Unpack[FaultOptions],
    ) -> TeamsFault:
        """Inject a fault, as :meth:`FaultInjector.add`; ``code`` is Teams' error code
        string (default: the documented one for ``status``)."""
        commit = commits(status) if commit is None else commit
        return self._keep(
            TeamsFault(method, path, status, commit=commit, error_code=code, **options)
        )

    def take(self, method: str, route: str, path: str) -> TeamsFault | None:
        fault = super().take(method, route, path)
        assert fault is None or isinstance(fault, TeamsFault)
        return fault
