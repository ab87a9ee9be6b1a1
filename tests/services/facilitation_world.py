"""A facilitation world for service tests: the real services built by the entry point's
``build_services`` on a real SQLite file, a meeting service wired to the rotation, and
a :class:`RecordingChat` standing in for the chat platform (it implements the
``Chat`` port: nonces de-duplicate like Discord's, closed DMs and lost channels
answer ``None``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from bot.actor import Actor
from bot.app import build_services
from bot.chat import Card, Channel, DirectMessage, EventMirror, Posted, Target
from bot.chat_relay import ChatRelay
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

GUILD = 1000
ADMIN = 1
FACILITATOR_ROLE = 77
ANNOUNCEMENTS = 500
MODERATION = 501
ROOM = 502
ALICE, BOB, CAROL, DAVE, ERIN = 11, 12, 13, 14, 15

C = TypeVar("C", bound=Card)


@dataclass(frozen=True)
class Sent:
    target: Target
    card: Card
    nonce: str | None
    mention: tuple[int, ...]
    posted: Posted


@dataclass
class RecordingChat:
    """Every message the services sent, in order."""

    sent: list[Sent] = field(default_factory=list)
    closed_dms: set[int] = field(default_factory=set)
    lost_channels: set[int] = field(default_factory=set)
    no_threads: bool = False
    _by_nonce: dict[str, Posted] = field(default_factory=dict)
    _next_id: int = 900_000

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    async def send(
        self,
        target: Target,
        card: Card,
        *,
        nonce: str | None = None,
        mention: Collection[int] = (),
    ) -> Posted | None:
        if nonce is not None and nonce in self._by_nonce:
            return self._by_nonce[nonce]
        if isinstance(target, DirectMessage) and target.user_id in self.closed_dms:
            return None
        if isinstance(target, Channel) and target.channel_id in self.lost_channels:
            return None
        channel_id = target.channel_id if isinstance(target, Channel) else 10_000 + target.user_id
        posted = Posted(target.guild_id, channel_id, self._id())
        if nonce is not None:
            self._by_nonce[nonce] = posted
        self.sent.append(Sent(target, card, nonce, tuple(mention), posted))
        return posted

    async def edit(self, posted: Posted, card: Card) -> bool:
        return True

    async def start_thread(self, posted: Posted, name: str) -> Posted | None:
        if self.no_threads:
            return None
        return Posted(posted.guild_id, self._id(), posted.message_id)

    async def mirror_event(self, event: EventMirror) -> int | None:
        return None

    async def remove_event(self, guild_id: int, event_id: int) -> None:
        return None

    def cards(self, kind: type[C]) -> list[C]:
        return [s.card for s in self.sent if isinstance(s.card, kind)]

    def to(self, kind: type[C]) -> list[Sent]:
        return [s for s in self.sent if isinstance(s.card, kind)]


@dataclass
class World:
    core: Core
    clock: ControlledClock
    services: Services
    chat: RecordingChat
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
        draft = await self.meetings.draft_schedule(
            GUILD, ALICE, title=options.pop("title", "CAP"), when=when, repeat=repeat, **options
        )
        return await self.meetings.schedule(draft)


def member(user_id: int, language: str = "en") -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, language="fr" if language == "fr" else "en")


def facilitator(user_id: int = ALICE) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset({FACILITATOR_ROLE}))


async def build_world(core: Core, clock: ControlledClock, *, language: str = "en") -> World:
    services = build_services(core)
    chat = RecordingChat()
    services.get(ChatRelay).bind(chat)
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
    meetings = MeetingService(core, community)
    meetings.add_occurrence_listener(services.get(RotationService))
    return World(core=core, clock=clock, services=services, chat=chat, meetings=meetings)
