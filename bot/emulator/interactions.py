"""Interactions in flight and what the bot answered to them.

An :class:`InteractionResult` is created by the actor when it dispatches an
INTERACTION_CREATE and is filled by the REST layer as the bot answers: the
callback (response type, latency), the original response message, follow-ups,
the modal or the autocomplete choices.  Tests read it and can ``await
result.final()`` for a deferred response to get its content.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from .state import JSON, Message, State

#: Discord's limit to answer an interaction.
RESPONSE_DEADLINE = 3.0
#: How long an interaction token can be used for follow-ups: by real time, or by
#: Discord's clock (``State.now_timestamp``), which tests move with the bot's clock.
TOKEN_LIFETIME = 15 * 60.0


class InteractionType(IntEnum):
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class ResponseType(IntEnum):
    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


class InteractionTimeout(AssertionError):
    """The bot did not answer an interaction within Discord's 3 seconds
    (the user sees "The application did not respond")."""

    def __init__(self, result: InteractionResult) -> None:
        message = f"no answer to interaction {result.id} ({result.type.name}) in {result.deadline}s"
        if result.rejected_responses:
            message += f"; refused responses: {result.rejected_responses}"
        super().__init__(message)
        self.result = result


@dataclass
class ModalField:
    """An input of a modal: a text input, or another component inside a label."""

    custom_id: str
    type: int
    label: str | None
    style: int | None = None
    required: bool = True
    value: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    options: list[JSON] = field(default_factory=list)


@dataclass
class Modal:
    """A modal the bot opened (interaction response type 9)."""

    custom_id: str
    title: str
    components: list[JSON]
    interaction: InteractionResult
    #: A modal closes when submitted: it can be submitted once.
    submitted: bool = False

    @property
    def fields(self) -> list[ModalField]:
        found: list[ModalField] = []
        for top in self.components:
            label = top.get("label")
            inner = top.get("components") or (
                [top["component"]] if isinstance(top.get("component"), dict) else []
            )
            for comp in inner:
                if "custom_id" not in comp:
                    continue
                found.append(
                    ModalField(
                        custom_id=comp["custom_id"],
                        type=comp["type"],
                        label=comp.get("label") or label,
                        style=comp.get("style"),
                        required=comp.get("required", True)
                        if comp["type"] == 4
                        else comp.get("min_values", 1) > 0,
                        value=comp.get("value"),
                        min_length=comp.get("min_length"),
                        max_length=comp.get("max_length"),
                        options=comp.get("options") or [],
                    )
                )
        return found


class InteractionResult:
    """Everything the bot did in answer to one interaction."""

    def __init__(self, state: State, payload: JSON, *, deadline: float = RESPONSE_DEADLINE) -> None:
        self._state = state
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type = InteractionType(payload["type"])
        user = payload["member"]["user"] if "member" in payload else payload["user"]
        self.user_id = int(user["id"])
        self.channel_id = int(payload["channel_id"])
        self.guild_id = int(payload["guild_id"]) if payload.get("guild_id") else None
        self.deadline = deadline
        self.dispatched_at: float = time.monotonic()
        self.dispatched_at_discord: float = state.now_timestamp()
        self.responded_at: float | None = None
        self.response_type: ResponseType | None = None
        self.response_data: JSON | None = None
        self.original_message_id: int | None = None
        self.followup_ids: list[int] = []
        self.modal: Modal | None = None
        self.choices: list[JSON] | None = None
        self.deferred_followup_pending = False
        self.edit_count = 0
        #: Discord's error bodies for callbacks the bot sent but that were refused.
        self.rejected_responses: list[JSON] = []
        self._changed = asyncio.Event()
        self._responded = asyncio.Event()

    # ----- filled by the REST layer ----------------------------------------------------
    def record_response(
        self, response_type: ResponseType, data: JSON | None, *, arrived: float | None = None
    ) -> None:
        """The accepted callback; ``arrived`` is when its request reached the emulator,
        before the reply was parsed and checked (a bigger reply costs the emulator more,
        not the bot), and the latency ends there, as Discord's clients see it."""
        self.responded_at = time.monotonic() if arrived is None else arrived
        self.response_type = response_type
        self.response_data = data
        self.deferred_followup_pending = response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE
        self._responded.set()
        self.touch()

    def touch(self) -> None:
        """Signal a change (edit of the original, new follow-up) to :meth:`final` waiters."""
        self._changed.set()

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None

    @property
    def expired(self) -> bool:
        return time.monotonic() - self.dispatched_at > self.deadline

    @property
    def token_expired(self) -> bool:
        """Past 15 minutes, in real time or on Discord's (possibly moved) clock."""
        return (
            time.monotonic() - self.dispatched_at > TOKEN_LIFETIME
            or self._state.now_timestamp() - self.dispatched_at_discord > TOKEN_LIFETIME
        )

    # ----- read by tests ---------------------------------------------------------------
    @property
    def latency(self) -> float | None:
        """Seconds from the dispatch of INTERACTION_CREATE to the arrival of the bot's
        callback request."""
        return None if self.responded_at is None else self.responded_at - self.dispatched_at

    @property
    def message(self) -> Message | None:
        """The original response message, as it is now (None for modal/autocomplete/pong)."""
        if self.original_message_id is None:
            return None
        return self._state.messages.get(self.original_message_id)

    @property
    def content(self) -> str | None:
        return None if self.message is None else self.message.content

    @property
    def embeds(self) -> list[JSON]:
        return [] if self.message is None else self.message.embeds

    @property
    def components(self) -> list[JSON]:
        return [] if self.message is None else self.message.components

    @property
    def ephemeral(self) -> bool:
        return self.message is not None and self.message.ephemeral

    @property
    def followups(self) -> list[Message]:
        return [self._state.messages[mid] for mid in self.followup_ids]

    @property
    def is_final(self) -> bool:
        """The response has its content: not a pending defer."""
        if self.response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE:
            message = self.message
            return message is not None and (not message.loading or message.deleted)
        if self.response_type == ResponseType.DEFERRED_UPDATE_MESSAGE:
            return self.edit_count > 0 or bool(self.followup_ids)
        return self.response_type is not None

    def note_original_edit(self) -> None:
        self.edit_count += 1
        self.touch()

    async def wait_response(self, timeout: float) -> None:  # noqa: ASYNC109
        await asyncio.wait_for(self._responded.wait(), timeout)

    async def final(self, timeout: float = 5.0) -> InteractionResult:  # noqa: ASYNC109
        """Wait until a deferred response got its content (edit or first follow-up)."""
        return await self._wait(lambda: self.is_final, timeout, "a final response")

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Message]:  # noqa: ASYNC109
        """Wait until the bot sent at least ``count`` follow-up messages."""
        await self._wait(lambda: len(self.followup_ids) >= count, timeout, f"{count} follow-up(s)")
        return self.followups

    async def _wait(self, predicate: Any, timeout: float, what: str) -> InteractionResult:  # noqa: ASYNC109
        async def _loop() -> None:
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

        try:
            await asyncio.wait_for(_loop(), timeout)
        except TimeoutError:
            raise TimeoutError(f"interaction {self.id}: no {what} within {timeout}s") from None
        return self

    def __repr__(self) -> str:
        rtype = self.response_type.name if self.response_type else None
        return (
            f"<InteractionResult id={self.id} type={self.type.name} response={rtype} "
            f"latency={self.latency}>"
        )


class InteractionRegistry:
    """Interactions by id and by token, for the callback and webhook routes."""

    def __init__(self) -> None:
        self.by_id: dict[int, InteractionResult] = {}
        self.by_token: dict[str, InteractionResult] = {}
        self.modals: list[Modal] = []

    def add(self, result: InteractionResult) -> None:
        self.by_id[result.id] = result
        self.by_token[result.token] = result

    @staticmethod
    def new_token() -> str:
        return "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(96)
