"""What every part of the session service shares: its parts, and who may do what."""

from __future__ import annotations

from typing import Protocol

from bot.actor import Actor
from bot.chat import ChannelRef
from bot.db import sessions as sessions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.questions import QuestionItem
from bot.db.sessions import SessionRow
from bot.errors import UserError
from bot.i18n import Language
from bot.interactions.errors import phrase_text
from bot.protocols import Protocol as SessionProtocol
from bot.protocols import ProtocolCatalog
from bot.services.actions import ActionService
from bot.services.base import Core, StatusLine
from bot.services.community import CommunityService, facilitates


class TopicSource(Protocol):
    """What a session needs of anonymous questions and topics (SPEC §7)."""

    async def top_open(self, guild_id: int, limit: int = 10) -> list[QuestionItem]: ...

    async def mark_discussed(
        self, guild_id: int, item_ids: list[int], session_ref: str
    ) -> list[QuestionItem]: ...


class SessionBase:
    def __init__(
        self,
        core: Core,
        community: CommunityService,
        protocols: ProtocolCatalog,
        actions: ActionService,
        topics: TopicSource | None = None,
    ) -> None:
        self._core = core
        self._community = community
        self.protocols = protocols
        self._actions = actions
        self._topics = topics

    # -- reading -----------------------------------------------------------------------

    def protocol_choices(self, text: str, language: Language) -> list[SessionProtocol]:
        return self.protocols.search(text, language)

    async def live(self, guild_id: int) -> SessionRow | None:
        async with self._core.db.read() as conn:
            return await sessions_db.live(conn, guild_id)

    async def status_lines(self, guild_id: int) -> list[StatusLine]:
        """``/plc status``: the session running now; custom protocol files refused."""
        lines = []
        session = await self.live(guild_id)
        if session is not None:
            lines.append(
                StatusLine(
                    key="facilitation.status.live",
                    params={
                        "channel": ChannelRef(channel_id=session.thread_id or session.channel_id)
                    },
                )
            )
        for problem in self.protocols.problems:
            lines.append(
                StatusLine(
                    key="facilitation.status.protocol_refused",
                    params={"problem": phrase_text(problem.phrase())},
                )
            )
        return lines

    async def get(self, session_id: int) -> SessionRow | None:
        async with self._core.db.read() as conn:
            return await sessions_db.get(conn, session_id)

    # -- who may do what -------------------------------------------------------------------------

    @staticmethod
    def _steers(actor: Actor, community: Community, session: SessionRow) -> bool:
        """Facilitators, and whoever started this session (the assigned facilitator)."""
        return facilitates(actor, community) or session.facilitator_id == actor.user_id

    async def _current(self, conn: Connection, actor: Actor) -> SessionRow:
        session = await sessions_db.live(conn, actor.guild_id)
        if session is None:
            raise UserError("facilitation.session.none_live")
        return session

    async def _live_by_id(self, conn: Connection, actor: Actor, session_id: int) -> SessionRow:
        session = await sessions_db.get(conn, session_id)
        if session is None or session.guild_id != actor.guild_id:
            raise UserError("facilitation.session.unknown")
        if session.status != "live":
            raise UserError("facilitation.session.over")
        return session

    async def _steered(
        self, conn: Connection, actor: Actor, community: Community, session_id: int | None
    ) -> SessionRow:
        session = (
            await self._current(conn, actor)
            if session_id is None
            else await self._live_by_id(conn, actor, session_id)
        )
        if not self._steers(actor, community, session):
            raise UserError("facilitation.session.not_steering")
        return session

    async def _require_participant(
        self, conn: Connection, actor: Actor, community: Community, session: SessionRow
    ) -> None:
        if actor.user_id in await sessions_db.participants(conn, session.id):
            return
        if not self._steers(actor, community, session):
            raise UserError("facilitation.session.join_first")
