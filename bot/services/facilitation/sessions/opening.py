"""Opening a session: what it is for (the meeting date named, or one within 12 hours),
who may start it, its protocol and client; then, in the starting transaction, the
session row, its first participants and what it posts when it opens (the opening card,
the overview, the review of open actions, the top questions, the panel)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.actor import Actor
from bot.chat import Card, ChannelRef, Code, Join, MemberRef
from bot.db import audit
from bot.db import members as members_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.facilitation import actions as actions_db
from bot.db.facilitation import rotation as rotation_db
from bot.db.facilitation import sessions as sessions_db
from bot.db.facilitation.actions import ActionItem
from bot.db.facilitation.sessions import NewSession, SessionRow
from bot.errors import UserError
from bot.frozen import Frozen
from bot.interactions.suggest import named
from bot.protocols import DEFAULT_PROTOCOL, ProtocolCatalog
from bot.protocols import Protocol as SessionProtocol
from bot.services.base import Core
from bot.services.community import facilitates
from bot.services.facilitation.sessions import cards
from bot.services.facilitation.sessions.posts import SessionOutbox
from bot.services.facilitation.sessions.state import about, language_of
from bot.services.facilitation.sessions.topics import Topic, TopicSource
from bot.services.meetings import MeetingDate, MeetingService

AGENDA_SIZE = 5
NEAR_MEETING = timedelta(hours=12)
REVIEW_PER_CARD = 5  # one row of buttons per action, five rows per message


class OpeningPlan(Frozen):
    """What ``/session start`` asked for, checked before anything is written."""

    date: MeetingDate | None
    """The meeting date it is for, if any."""
    protocol: SessionProtocol
    client_id: int | None
    agenda: tuple[cards.AgendaItem, ...]


@dataclass(frozen=True, eq=False)
class SessionOpening:
    """What ``/session start`` checks and writes, on behalf of the session service."""

    core: Core
    protocols: ProtocolCatalog
    topics: TopicSource | None = None
    meetings: MeetingService | None = None

    async def plan(
        self,
        actor: Actor,
        community: Community,
        *,
        protocol: str | None,
        meeting: str | None,
        client_id: int | None,
    ) -> OpeningPlan:
        """Refuse whoever may not start it, an unknown protocol or meeting, a missing or
        departed client, a client for a protocol that has none; then read the top questions
        for the agenda."""
        async with self.core.db.read() as conn:
            date, assigned = await self._meeting_for(conn, community, actor, meeting)
        if not (facilitates(actor, community) or assigned):
            # With no meeting to be assigned to, only the facilitators may.
            raise UserError(f"facilitation.session.not_allowed{'' if date else '_no_meeting'}")
        preset = date.protocol_id if date else None
        chosen = self.protocols.require(protocol or preset or DEFAULT_PROTOCOL, actor.language)
        if chosen.client and client_id is None:
            raise UserError("facilitation.session.client_needed", protocol=chosen.id)
        if not chosen.client and client_id is not None:
            raise self._no_client(chosen)
        if client_id is not None and not await self._present(actor, community, client_id):
            raise UserError("facilitation.errors.owner_left", user=MemberRef(user_id=client_id))
        topics = await self.topics.top_open(community.guild_id, AGENDA_SIZE) if self.topics else []
        return OpeningPlan(
            date=date,
            protocol=chosen,
            client_id=client_id,
            agenda=tuple(_agenda_item(topic) for topic in topics),
        )

    def _no_client(self, chosen: SessionProtocol) -> UserError:
        """The refusal of a client for a protocol without one, naming those that have one."""
        having = [Code(text=p.id) for p in self.protocols.all() if p.client]
        return UserError(
            "facilitation.session.client_unused",
            protocol=chosen.id,
            names=Join(parts=tuple(having), sep=", "),
        )

    async def _present(self, actor: Actor, community: Community, user_id: int) -> bool:
        """Whether the member is still in the server, as far as the platform can tell."""
        if user_id == actor.user_id:
            return True
        return await self.core.chat.is_member(community.guild_id, user_id) is not False

    async def _meeting_for(
        self, conn: Connection, community: Community, actor: Actor, reference: str | None
    ) -> tuple[MeetingDate | None, bool]:
        """The meeting date the session is for: the one named, else one within 12 hours
        (the actor's own assignment first); and whether the rotation gave it to the actor."""
        now = self.core.clock.now()
        dates = (
            await self.meetings.scheduled_dates(conn, community.guild_id) if self.meetings else []
        )
        if reference is not None:
            dates = named(reference, dates, lambda d: str(d.meeting_id), lambda d: d.title)
            if not dates:
                raise UserError("facilitation.session.unknown_meeting", text=reference[:100])
            if len({d.meeting_id for d in dates}) > 1:
                raise UserError("facilitation.session.ambiguous_meeting", text=reference[:100])
        else:
            dates = [d for d in dates if abs(d.starts_at - now) <= NEAR_MEETING]
        if not dates:
            return None, False
        held = await rotation_db.facilitators(conn, [d.occurrence_id for d in dates])
        mine = {o for o, user_id in held.items() if user_id == actor.user_id}
        dates.sort(key=lambda d: (d.occurrence_id not in mine, abs(d.starts_at - now)))
        return dates[0], dates[0].occurrence_id in mine

    async def create(
        self,
        conn: Connection,
        actor: Actor,
        community: Community,
        plan: OpeningPlan,
        channel_id: int,
        outbox: SessionOutbox,
    ) -> tuple[SessionRow, int]:
        """Write the session and its first participants and plan its opening posts (in the
        caller's transaction); returns it and how many earlier actions it reviews."""
        running = await sessions_db.live(conn, community.guild_id)
        if running is not None:
            where = ChannelRef(channel_id=running.thread_id or running.channel_id)
            raise UserError("facilitation.session.already_live", channel=where)
        session = await self._insert(conn, actor, community, plan, channel_id)
        going = (
            await self.meetings.going(conn, plan.date.occurrence_id)
            if plan.date and self.meetings
            else []
        )
        now = self.core.clock.now()
        first = [actor.user_id, *([plan.client_id] if plan.client_id else []), *going]
        for user_id in dict.fromkeys(first):
            await members_db.ensure(conn, community.guild_id, user_id, now)
            await sessions_db.add_participant(conn, community.guild_id, session.id, user_id, now)
        review = await actions_db.pending_before(conn, community.guild_id, session.id)
        opened, thread_name = _opened(session, plan.protocol)
        posts = opening_posts(session, plan.protocol, review, plan.agenda)
        await outbox.open(conn, session, opened, thread_name, posts)
        return session, len(review)

    async def _insert(
        self, conn: Connection, actor: Actor, community: Community, plan: OpeningPlan, channel: int
    ) -> SessionRow:
        now = self.core.clock.now()
        new = NewSession(
            guild_id=community.guild_id,
            occurrence_id=plan.date.occurrence_id if plan.date else None,
            meeting_title=plan.date.title if plan.date else None,
            protocol_id=plan.protocol.id,
            protocol=plan.protocol.model_dump(mode="json"),
            language=language_of(community.language),
            facilitator_id=actor.user_id,
            client_id=plan.client_id,
            channel_id=channel,
        )
        try:
            session_id = await sessions_db.insert(conn, new, now)
        except sqlite3.IntegrityError:  # another start won the race
            raise UserError("facilitation.session.already_live", channel="—") from None
        detail = {"session_id": session_id, "protocol": plan.protocol.id}
        await audit.record(conn, community.guild_id, actor.user_id, "session.start", detail, now)
        session = await sessions_db.get(conn, session_id)
        assert session is not None
        return session


def _agenda_item(topic: Topic) -> cards.AgendaItem:
    return cards.AgendaItem(
        item_id=topic.id,
        number=topic.number,
        kind=topic.kind,
        text=topic.text,
        upvotes=topic.upvotes,
    )


def _opened(session: SessionRow, protocol: SessionProtocol) -> tuple[Card, str]:
    """The opening card, posted where the session was started, and its thread's name."""
    name = protocol.name_in(language_of(session.language))
    opened = cards.SessionOpened(
        **about(session),
        protocol_name=name,
        facilitator_id=session.facilitator_id,
        meeting_title=session.meeting_title,
    )
    thread_name = f"{name} — {session.meeting_title}" if session.meeting_title else name
    return opened, thread_name


def opening_posts(
    session: SessionRow,
    protocol: SessionProtocol,
    review: Sequence[ActionItem],
    agenda: Sequence[cards.AgendaItem],
) -> list[Card]:
    """The posts that follow in the thread: the overview, the review of earlier actions
    (five to a message), the top questions, the facilitator's panel."""
    language = language_of(session.language)
    posts: list[Card] = [_overview(session, protocol)]
    items = [
        cards.ReviewItem(
            action_id=a.id,
            text=a.text,
            owner_id=a.owner_id,
            due_on=a.due_on,
            carried_count=a.carried_count,
        )
        for a in review
    ]
    chunks = [items[i : i + REVIEW_PER_CARD] for i in range(0, len(items), REVIEW_PER_CARD)]
    for number, chunk in enumerate(chunks, start=1):
        posts.append(
            cards.ActionReview(**about(session), items=tuple(chunk), part=number, parts=len(chunks))
        )
    if agenda:
        posts.append(cards.QuestionsAgenda(**about(session), items=tuple(agenda)))
    posts.append(
        cards.OpeningControl(
            **about(session),
            first_step_title=protocol.steps[0].title.text(language),
            reviewed_actions=len(review),
            agenda_items=len(agenda),
        )
    )
    return posts


def _overview(session: SessionRow, protocol: SessionProtocol) -> Card:
    language = language_of(session.language)
    return cards.SessionOverview(
        **about(session),
        protocol_name=protocol.name_in(language),
        overview=protocol.overview.text(language),
        steps=tuple(
            cards.StepOutline(
                number=index + 1,
                title=step.title.text(language),
                minutes=step.minutes,
                mode=step.mode,
            )
            for index, step in enumerate(protocol.steps)
        ),
        client_id=session.client_id,
        total_minutes=protocol.total_minutes,
        for_meeting=session.occurrence_id is not None,
    )
