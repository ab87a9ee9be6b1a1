"""What every service is built with, and the hooks features plug into."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

from bot.chat import Chat, Param, Posted
from bot.clock import Clock
from bot.config import Settings
from bot.db.connection import Connection
from bot.db.engine import Engine
from bot.i18n import Catalog
from bot.scheduler import Scheduler

T = TypeVar("T")


@dataclass(frozen=True)
class Core:
    """The shared parts, built once in the entry point and handed to every service."""

    db: Engine
    clock: Clock
    settings: Settings
    catalog: Catalog
    scheduler: Scheduler
    chat: Chat
    """The chat platform, for workflows that post, edit, DM or open threads."""


@dataclass(frozen=True, slots=True)
class StatusLine:
    """One line of ``/plc status`` contributed by a feature: a catalog key and its values
    as core text (a member's words as plain ``str``, references, numbers), which the
    status layout renders in the reader's language like any other text. Only shown, so
    a plain dataclass: the layout's text checks the values once."""

    key: str
    params: dict[str, Param] = field(default_factory=dict)


class PersonalData(Protocol):
    """A feature that stores something about a member implements this: ``/me export``
    shows it, ``/me delete`` erases it."""

    name: str

    async def export_member(
        self, conn: Connection, guild_id: int, user_id: int
    ) -> dict[str, Any]: ...

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None: ...


@runtime_checkable
class MemberPosts(Protocol):
    """A feature that posted a member's own words in their name (check-in answers, signed
    topics): erasure removes those messages from the chat platform too."""

    async def posts_of_member(
        self, conn: Connection, guild_id: int, user_id: int
    ) -> list[Posted]: ...


AfterCommit = Callable[[], Awaitable[None]]
"""What to do once the transaction committed (re-draw a post that changed)."""


class DepartureListener(Protocol):
    """A feature that holds something for a member that others must take over when they
    go (a meeting date they were to facilitate): told when the member leaves the server
    and when their data is erased, inside that transaction."""

    async def hand_over(self, conn: Connection, guild_id: int, user_id: int) -> AfterCommit: ...


class AvailabilityListener(Protocol):
    """A feature that gives out what nobody could take (a meeting date nobody was free
    for): told when a member's away period ends early or changes (``/me back``, ``/me
    away``), inside that transaction, since they may now be free on those days."""

    async def availability_changed(
        self, conn: Connection, guild_id: int, user_id: int
    ) -> AfterCommit: ...


class StatusRead:
    """One ``/plc status``: every feature's line read in one read (one connection, one
    snapshot), and what a feature's service query already answered in it. A line built on
    another feature's data asks that feature's service, which answers once per status
    (the rotation's line and the meetings' both show the next dates)."""

    def __init__(self, conn: Connection, guild_id: int) -> None:
        self.conn = conn
        self.guild_id = guild_id
        self._answers: dict[Hashable, Any] = {}

    async def once(self, key: Hashable, query: Callable[[], Awaitable[T]]) -> T:
        """``query()``'s answer, asked the first time ``key`` is, then kept."""
        if key not in self._answers:
            self._answers[key] = await query()
        answer: T = self._answers[key]
        return answer


class StatusProvider(Protocol):
    async def status_lines(self, read: StatusRead) -> list[StatusLine]: ...


class OccurrenceListener(Protocol):
    """A feature that acts when a meeting date is created (the rotation assigns its
    facilitator) or took place (the rotation counts it as facilitated). Called inside
    the transaction that creates or closes the occurrence, so what the listener writes
    is committed with it, or not at all."""

    async def occurrence_created(
        self,
        conn: Connection,
        guild_id: int,
        meeting_id: int,
        occurrence_id: int,
        starts_at: datetime,
    ) -> None: ...

    async def occurrence_held(self, conn: Connection, occurrence_id: int) -> None: ...
