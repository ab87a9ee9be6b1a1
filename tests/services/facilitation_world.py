"""A facilitation world for service tests: the real services built by the entry point's
``build_services`` on a real SQLite file, a meeting service wired to the rotation, and
the shared :class:`RecordingChat` standing in for the chat platform (nonces
de-duplicate like Discord's; closed DMs, lost channels and refused threads answer
``None``). ``tests/services/conftest.py`` serves it as the ``world`` fixture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.actor import Actor
from bot.app import build_services
from bot.clock import ControlledClock
from bot.db.communities import CommunitySettings
from bot.services.base import Core
from bot.services.community import CommunityService, MemberService
from bot.services.facilitation import (
    ActionService,
    PracticeLog,
    RotationService,
    SessionRecords,
    SessionService,
    SessionStarted,
)
from bot.services.meetings import MeetingService, UpcomingMeeting
from bot.services.registry import Services
from tests.recording_chat import RecordingChat
from tests.services.sample import (
    ADMIN,
    ALICE,
    ANNOUNCEMENTS,
    FACILITATOR_ROLE,
    GUILD,
    MODERATION,
    ROOM,
)


@dataclass
class World:
    core: Core
    clock: ControlledClock
    chat: RecordingChat
    services: Services
    meetings: MeetingService
    rotation: RotationService
    sessions: SessionService
    records: SessionRecords
    practices: PracticeLog
    actions: ActionService
    members: MemberService

    async def run_due(self) -> int:
        return await self.core.scheduler.run_due()

    async def advance(self, delta: timedelta) -> None:
        await self.clock.advance(delta)
        await self.core.scheduler.run_due()

    async def start_session(
        self, protocol: str | None = None, *, by: Actor | None = None, **options: Any
    ) -> SessionStarted:
        """``/session start`` in the room, by Alice (a facilitator) unless ``by`` says who."""
        return await self.sessions.start(
            by or facilitator(ALICE), channel_id=ROOM, protocol=protocol, **options
        )

    async def schedule(
        self, when: str = "2026-12-03 15:30", repeat: str = "none", **options: Any
    ) -> UpcomingMeeting:
        """Schedule and announce a meeting as Alice (a facilitator)."""
        draft = await self.meetings.draft_schedule(
            facilitator(ALICE),
            title=options.pop("title", "CAP"),
            when=when,
            repeat=repeat,
            **options,
        )
        result = await self.meetings.schedule(facilitator(ALICE), draft)
        return result.upcoming


def member(user_id: int, language: str = "en") -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, language="fr" if language == "fr" else "en")


def facilitator(user_id: int = ALICE) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset({FACILITATOR_ROLE}))


async def build_world(core: Core, clock: ControlledClock, *, language: str = "en") -> World:
    """The services of ``core``, for a community set up with Alice's facilitator role."""
    services = build_services(core)
    chat = core.chat.platform
    assert isinstance(chat, RecordingChat)
    await services.get(CommunityService).setup(
        GUILD,
        ADMIN,
        CommunitySettings(
            timezone="America/Toronto",
            language=language,
            announcements_channel_id=ANNOUNCEMENTS,
            facilitator_role_id=FACILITATOR_ROLE,
            moderation_channel_id=MODERATION,
        ),
    )
    return World(
        core=core,
        clock=clock,
        chat=chat,
        services=services,
        meetings=services.get(MeetingService),
        rotation=services.get(RotationService),
        sessions=services.get(SessionService),
        records=services.get(SessionRecords),
        practices=services.get(PracticeLog),
        actions=services.get(ActionService),
        members=services.get(MemberService),
    )
