"""The check-in service on a real SQLite file, the real scheduler and a recording chat.

The service's own timer kinds are registered, as ``bot/app.py`` does; what it would
show members is read back from :class:`~tests.recording_chat.RecordingChat`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.actor import Actor
from bot.chat import Card, Channel, DirectMessage, Posted, SendOptions, Target
from bot.clock import ControlledClock
from bot.db import checkins as checkins_db
from bot.db import members as members_db
from bot.db import timers as timers_db
from bot.db.communities import CommunitySettings
from bot.db.goals import Goal
from bot.db.timers import Timer
from bot.i18n import Language
from bot.scheduler import RetryLater
from bot.services.base import Core
from bot.services.checkins import (
    CheckinDigest,
    CheckinNudge,
    CheckinPrompt,
    CheckinService,
    GoalService,
)
from bot.services.community import CommunityService, MemberService
from bot.services.outbox import Outbox
from tests.conftest import START
from tests.recording_chat import RecordingChat

GUILD = 10
FACILITATOR = 100
FACILITATORS_ROLE = 900
ALICE, BOB, CAROL, DAN = 101, 102, 103, 104
CHANNEL = 500
MODERATION = 600
TORONTO = "America/Toronto"


@dataclass
class CountingChat(RecordingChat):
    """Also keeps every send the service attempted, even those a nonce made no-ops, so
    "sent once" means the service's own bookkeeping held, not only Discord's nonce."""

    attempts: list[tuple[Target, Card, Posted | None]] = field(default_factory=list)
    down: set[int] = field(default_factory=set)
    """Channels the platform does not answer for now (an outage): sends and edits there
    raise ``RetryLater``."""

    async def post(self, target: Target, card: Card, options: SendOptions) -> Posted:
        if isinstance(target, Channel) and target.channel_id in self.down:
            self.attempts.append((target, card, None))
            raise RetryLater("the platform is down")
        try:
            posted = await super().post(target, card, options)
        except Exception:
            self.attempts.append((target, card, None))
            raise
        self.attempts.append((target, card, posted))
        return posted

    async def edit(self, posted: Posted, card: Card) -> bool:
        if posted.channel_id in self.down:
            raise RetryLater("the platform is down")
        return await super().edit(posted, card)


async def set_up_community(community: CommunityService, **changes: object) -> None:
    """``/plc setup`` of GUILD: Toronto, English, the check-in channel, a facilitator role."""
    settings: dict[str, object] = {
        "timezone": TORONTO,
        "language": "en",
        "checkin_channel_id": CHANNEL,
        "questions_channel_id": None,
        "announcements_channel_id": None,
        "facilitator_role_id": FACILITATORS_ROLE,
        "moderation_channel_id": None,
    }
    settings.update(changes)
    await community.setup(GUILD, 1, CommunitySettings(**settings))  # type: ignore[arg-type]


def member(user_id: int, language: Language = "en") -> Actor:
    """A member with no particular role."""
    return Actor(GUILD, user_id, language=language)


class Harness:
    def __init__(self, core: Core, clock: ControlledClock, chat: CountingChat) -> None:
        self.core = core
        self.clock = clock
        self.chat = chat
        self.community = CommunityService(core)
        self.members = MemberService(core, self.community)
        self.goals = GoalService(core, self.community)
        self.outbox = Outbox(core.scheduler, core.chat, core.clock)
        self.checkins = CheckinService(core, self.community, self.members, self.outbox)
        self.facilitator = Actor(GUILD, FACILITATOR, role_ids=frozenset({FACILITATORS_ROLE}))
        core.scheduler.register(*self.checkins.timer_kinds(), *self.outbox.timer_kinds())

    # -- what the service showed -------------------------------------------------------

    @property
    def prompts(self) -> list[int]:
        """The check-ins whose prompt the service posted, once per attempt."""
        return [c.checkin.id for _, c, _ in self.chat.attempts if isinstance(c, CheckinPrompt)]

    @property
    def nudged(self) -> list[tuple[int, int]]:
        """(check-in, member) of every DM nudge that reached the member."""
        return [
            (card.checkin.id, target.user_id)
            for target, card, posted in self.chat.attempts
            if isinstance(card, CheckinNudge) and isinstance(target, DirectMessage) and posted
        ]

    @property
    def closings(self) -> list[CheckinDigest]:
        """Every digest the service posted, once per attempt."""
        return [c for _, c, _ in self.chat.attempts if isinstance(c, CheckinDigest)]

    # -- what members and facilitators do ------------------------------------------------

    async def setup(self, **changes: object) -> None:
        await set_up_community(self.community, **changes)

    async def schedule(self, **changes: object) -> None:
        values: dict[str, object] = {
            "weekday": 0,  # Monday
            "time_text": "09:30",
            "questions_text": None,
            "close_after_hours": 48,
            "pulse": False,
        }
        values.update(changes)
        await self.checkins.set_schedule(self.facilitator, **values)  # type: ignore[arg-type]

    async def known(self, *user_ids: int) -> None:
        """Members the bot knows (they used a feature); the server list is never copied."""
        async with self.core.db.transaction() as conn:
            for user_id in user_ids:
                await members_db.ensure(conn, GUILD, user_id, START)

    async def set_goal(self, user_id: int, title: str, target: str = "10") -> Goal:
        return await self.goals.create_goal(
            member(user_id),
            scope="mine",
            title=title,
            measure="n",
            baseline="0",
            target=target,
            due="2027-01-01",
        )

    async def advance(self, delta: timedelta) -> None:
        await self.clock.advance(delta)
        await self.core.scheduler.run_due()

    async def current(self) -> checkins_db.Checkin:
        async with self.core.db.read() as conn:
            checkin = await checkins_db.open_checkin(conn, GUILD)
        assert checkin is not None
        return checkin

    async def open_week(self) -> checkins_db.Checkin:
        """Check-ins on Mondays at 09:30, the clock moved until the week opens: its row."""
        await self.schedule(time_text="09:30")
        await self.advance(timedelta(minutes=30))
        return await self.current()

    async def answer(
        self, user_id: int, checkin_id: int, progress: str = "", texts: tuple[str, ...] = ("", "")
    ) -> checkins_db.Answer:
        saved = await self.checkins.save_answer(
            member(user_id), checkin_id, progress=progress, texts=list(texts)
        )
        await self.core.scheduler.closes_written()  # its post's bookkeeping too
        return saved.answer

    async def timer(self, kind: str, key: str) -> Timer:
        async with self.core.db.read() as conn:
            found = await timers_db.find(conn, kind, key)
        assert found is not None
        return found
