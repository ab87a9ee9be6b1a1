"""What a session needs of the anonymous questions and topics, when that feature is on
(its service is the source): the top open ones for the agenda, and marking one discussed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Topic(Protocol):
    """A question or a topic as a session shows it."""

    @property
    def id(self) -> int: ...

    @property
    def number(self) -> int | None: ...

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def upvotes(self) -> int: ...


class TopicSource(Protocol):
    async def top_open(self, guild_id: int, limit: int = 10) -> Sequence[Topic]: ...

    async def mark_discussed(
        self, guild_id: int, item_ids: list[int], session_ref: str
    ) -> Sequence[Topic]: ...
