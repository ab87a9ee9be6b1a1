"""A feature as the application sees it: what it builds and what it plugs into.

Each feature package (``bot/services/<feature>/``) has one ``declare(core, services)``
returning a :class:`Feature`; :func:`bot.app.build_app` installs every enabled one the
same way: its services, its timer kinds, its members' personal data (``/me export``
and ``/me delete``), its retention rules, its ``/plc status`` section, what it hands on
when a member leaves, its commands, and what it repairs once connected.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.interactions import UI
from bot.scheduler import TimerKind
from bot.services.base import (
    AvailabilityListener,
    Core,
    DepartureListener,
    PersonalData,
    StatusProvider,
)
from bot.services.community.retention import Rule
from bot.services.registry import Services


@dataclass(frozen=True)
class Feature:
    name: str
    services: tuple[object, ...]
    timer_kinds: tuple[TimerKind, ...] = ()
    personal_data: tuple[PersonalData, ...] = ()
    retention: tuple[tuple[str, Rule], ...] = ()
    """(what it purges, the rule): each run daily in its own transaction."""
    status: tuple[StatusProvider, ...] = ()
    departures: tuple[DepartureListener, ...] = ()
    """Hand on what a member held (a date to facilitate) when they leave or are erased."""
    availability: tuple[AvailabilityListener, ...] = ()
    """Give out what nobody could take when a member's away period ends early or changes."""
    interface: Callable[[UI], None] | None = None
    """Declares the feature's commands, routes and confirmations."""
    on_ready: Callable[[], Awaitable[None]] | None = None
    """Runs once per process, after the chat platform first connected: start-up repairs
    that need the platform (what a crash left unposted, calendar events to re-check). A
    failure is logged; the bot runs on."""


Declare = Callable[[Core, Services], Feature]
