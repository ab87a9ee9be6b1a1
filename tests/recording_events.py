"""A :class:`bot.chat.EventCalendar` for service tests: an in-memory calendar that records calls.

End-to-end tests use the Discord adapter against the emulator's scheduled events.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.chat import EventSpec, EventsRefused, ListedEvent


@dataclass
class RecordingCalendar:
    events: dict[int, tuple[ListedEvent, EventSpec | None]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    refuse: Literal["forbidden", "refused", "unreachable"] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7_000_000))

    def _check(self, call: str) -> None:
        self.calls.append(call)
        if self.refuse is not None:
            raise EventsRefused(self.refuse)

    def spec(self, event_id: int) -> EventSpec | None:
        return self.events[event_id][1]

    def status(self, event_id: int) -> str:
        return self.events[event_id][0].status

    def add(self, event: ListedEvent) -> None:
        """An event made outside the service (a person, or the bot before a crash)."""
        self.events[event.event_id] = (event, None)

    async def list_events(self, guild_id: int) -> list[ListedEvent]:
        self._check("list")
        return [event for event, _ in self.events.values() if event.guild_id == guild_id]

    async def mirror_event(
        self, guild_id: int, spec: EventSpec, current: ListedEvent | None = None
    ) -> int:
        self._check("create" if current is None else "edit")
        event_id = next(self._ids) if current is None else current.event_id
        listed = ListedEvent(
            guild_id=guild_id,
            event_id=event_id,
            status="scheduled",
            name=spec.name,
            starts_at=spec.starts_at,
            by_bot=True,
        )
        self.events[event_id] = (listed, spec)
        return event_id

    async def retire_event(self, event: ListedEvent) -> None:
        self._check("retire")
        if event.event_id in self.events:
            listed, spec = self.events[event.event_id]
            status: Literal["completed", "cancelled"] = (
                "completed" if listed.status == "active" else "cancelled"
            )
            self.events[event.event_id] = (replace(listed, status=status), spec)
