"""Which live session a member's action is about, and who may do what in it: whoever
steers it (facilitators, and the member who started it) and its participants."""

from __future__ import annotations

from bot.actor import Actor
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.facilitation import sessions as sessions_db
from bot.db.facilitation.sessions import SessionRow
from bot.errors import UserError
from bot.services.community import facilitates


class SessionAccess:
    """The checks every session service runs inside its transaction."""

    @staticmethod
    def steers(actor: Actor, community: Community, session: SessionRow) -> bool:
        """Facilitators, and whoever started this session (the assigned facilitator)."""
        return facilitates(actor, community) or session.facilitator_id == actor.user_id

    async def current(self, conn: Connection, actor: Actor) -> SessionRow:
        """The community's live session, or a refusal saying none is running."""
        session = await sessions_db.live(conn, actor.guild_id)
        if session is None:
            raise UserError("facilitation.session.none_live")
        return session

    async def live_by_id(self, conn: Connection, actor: Actor, session_id: int) -> SessionRow:
        """The session a button belongs to, if it is still running."""
        session = await sessions_db.get(conn, session_id)
        if session is None or session.guild_id != actor.guild_id:
            raise UserError("facilitation.session.unknown")
        if session.status != "live":
            raise UserError("facilitation.session.over")
        return session

    async def steered(
        self, conn: Connection, actor: Actor, community: Community, session_id: int | None
    ) -> SessionRow:
        """The session (the live one, or the one a button names) if the actor steers it."""
        session = (
            await self.current(conn, actor)
            if session_id is None
            else await self.live_by_id(conn, actor, session_id)
        )
        if not self.steers(actor, community, session):
            raise UserError("facilitation.session.not_steering")
        return session

    async def require_participant(
        self, conn: Connection, actor: Actor, community: Community, session: SessionRow
    ) -> None:
        if actor.user_id in await sessions_db.participants(conn, session.id):
            return
        if not self.steers(actor, community, session):
            raise UserError("facilitation.session.join_first")
