"""A :class:`~bot.chat.Chat` for services built before the chat client exists.

The entry point builds the services first and the platform adapter later (it needs
the connected client). Services hold this relay; the adapter binds itself to it when
it starts. Until then a send is a passing outage (:class:`RetryLater`), so a timer
that fires that early is simply tried again.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.chat import Card, Chat, EventMirror, Posted, Target
from bot.scheduler import RetryLater


class ChatRelay:
    """Forwards every call to the bound adapter."""

    def __init__(self) -> None:
        self._chat: Chat | None = None

    def bind(self, chat: Chat) -> None:
        self._chat = chat

    @property
    def bound(self) -> bool:
        return self._chat is not None

    def _target(self) -> Chat:
        if self._chat is None:
            raise RetryLater("the chat platform is not connected yet")
        return self._chat

    async def send(
        self,
        target: Target,
        card: Card,
        *,
        nonce: str | None = None,
        mention: Collection[int] = (),
    ) -> Posted | None:
        return await self._target().send(target, card, nonce=nonce, mention=mention)

    async def edit(self, posted: Posted, card: Card) -> bool:
        return await self._target().edit(posted, card)

    async def start_thread(self, posted: Posted, name: str) -> Posted | None:
        return await self._target().start_thread(posted, name)

    async def mirror_event(self, event: EventMirror) -> int | None:
        return await self._target().mirror_event(event)

    async def remove_event(self, guild_id: int, event_id: int) -> None:
        await self._target().remove_event(guild_id, event_id)
