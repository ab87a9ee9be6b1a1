"""A facilitation world for service tests: the real services built by the entry point's
``build_services`` on a real SQLite file, a meeting service wired to the rotation, and
the shared :class:`RecordingChat` standing in for the chat platform (nonces
de-duplicate like Discord's, closed DMs and lost channels answer ``None``). Test
modules override the ``chat`` fixture with :class:`FacilitationChat`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from bot.actor import Actor
from bot.app import build_services
from bot.chat import Card, Posted
from bot.clock import ControlledClock
from bot.db.communities import CommunitySettings
from bot.services.actions import ActionService
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.meetings import MeetingService, UpcomingMeeting
from bot.services.members import MemberService
from bot.services.registry import Services
from bot.services.rotation import RotationService
from bot.services.sessions import SessionService
from tests.recording_chat import RecordingChat, Sent

GUILD = 1000
ADMIN = 1
FACILITATOR_ROLE = 77
ANNOUNCEMENTS = 500
MODERATION = 501
ROOM = 502
ALICE, BOB, CAROL, DAVE, ERIN = 11, 12, 13, 14, 15

C = TypeVar("C", bound=Card)


@dataclass
class FacilitationChat(RecordingChat):
    """The shared recording chat, plus threads that can be refused and typed look-ups."""

    no_threads: bool = False

    async def start_thread(self, posted: Posted, name: str) -> Posted | None:
        if self.no_threads:
            return None
        self.threads.append((posted, name))
        return Posted(posted.guild_id, posted.message_id, posted.message_id)

    def of(self, kind: type[C]) -> list[C]:
        return [s.card for s in self.sent if isinstance(s.card, kind)]

    def to(self, kind: type[C]) -> list[Sent]:
        return [s for s in self.sent if isinstance(s.card, kind)]


@dataclass
class World:
    core: Core
    clock: ControlledClock
    services: Services
    chat: FacilitationChat
    meetings: MeetingService

    @property
    def rotation(self) -> RotationService:
        return self.services.get(RotationService)

    @property
    def sessions(self) -> SessionService:
        return self.services.get(SessionService)

    @property
    def actions(self) -> ActionService:
        return self.services.get(ActionService)

    @property
    def members(self) -> MemberService:
        return self.services.get(MemberService)

    async def run_due(self) -> int:
        return await self.core.scheduler.run_due()

    async def advance(self, delta: timedelta) -> None:
        await self.clock.advance(delta)
        await self.core.scheduler.run_due()

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
    """The services of ``core`` (whose chat must be a :class:`FacilitationChat`)."""
    services = build_services(core)
    chat = core.chat
    assert isinstance(chat, FacilitationChat), "override the `chat` fixture"
    community = services.get(CommunityService)
    await community.setup(
        GUILD,
        ADMIN,
        CommunitySettings(
            timezone="America/Toronto",
            language=language,
            checkin_channel_id=None,
            questions_channel_id=None,
            announcements_channel_id=ANNOUNCEMENTS,
            facilitator_role_id=FACILITATOR_ROLE,
            moderation_channel_id=MODERATION,
        ),
    )
    meetings = services.get(MeetingService)
    return World(core=core, clock=clock, services=services, chat=chat, meetings=meetings)
