"""Actions: commitments with an owner and a due date, reviewed at the next session,
reminded by DM on the due date (``action_due``), listed by ``/actions``."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.actor import Actor
from bot.chat import DirectMessage, MemberRef
from bot.dates import LocalDay, local_today, parse_day
from bot.db import communities as communities_db
from bot.db import members as members_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.facilitation import actions as actions_db
from bot.db.facilitation import sessions as sessions_db
from bot.db.facilitation.actions import ActionItem
from bot.db.timers import Timer
from bot.errors import NotFacilitator, UserError
from bot.i18n import language_for_locale
from bot.paging import Paged, page_count
from bot.scheduler import Firing, TimerKind
from bot.services.base import Core
from bot.services.community import CommunityService, facilitates
from bot.services.facilitation.actions.cards import ActionReminder
from bot.services.sends import dm_or_mention
from bot.text import clean_text

log = logging.getLogger(__name__)

DUE_KIND = "action_due"
TEXT_MAX = 300
REMIND_AT = time(9, 0)
PAGE_SIZE = 10
Scope = Literal["mine", "all"]


class ActionList(Paged):
    """One page of ``/actions``: every pending action shown that the member may close gets
    its own Done button, so a page holds no more than Discord can show beside paging."""

    scope: Scope
    items: tuple[ActionItem, ...]
    """This page's actions."""
    include_done: bool
    markable: frozenset[int] = frozenset()
    """The pending actions this member may mark done (theirs, or all for facilitators)."""


class RecordedAction(ActionItem):
    """A new action, with the zone its typed due date was read in (the reply names it)."""

    due_zone: str | None = None


def due_key(action_id: int) -> str:
    return f"action:{action_id}:due"


def check_action_text(text: str | None) -> str:
    try:
        return clean_text(text, field="action", max_length=TEXT_MAX)
    except UserError as exc:
        problem = "empty" if exc.key == "errors.text_empty" else "too_long"
        raise UserError(f"facilitation.errors.action_{problem}", **exc.params) from None


def reminder_card(
    action: ActionItem, community: Community, *, in_channel: bool = False, done: bool = False
) -> ActionReminder:
    """An action's due-date reminder, in the community's language."""
    assert action.due_on is not None
    return ActionReminder(
        language=language_for_locale(community.language),
        guild_id=action.guild_id,
        action_id=action.id,
        text=action.text,
        owner_id=action.owner_id,
        due_on=action.due_on,
        in_channel=in_channel,
        done=done,
    )


class ActionService:
    name = "actions"

    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community
        self._chat = core.chat

    def timer_kinds(self) -> tuple[TimerKind, ...]:
        # Past its grace the due day is (nearly) over: a reminder then would only be
        # noise; the action stays in /actions and comes up in the next session's review.
        return (
            TimerKind.drop(DUE_KIND, self.remind, said="facilitation.status.missed.action_due"),
        )

    # -- checks (the session service calls them before its transaction) ------------------

    async def check_due(
        self, actor: Actor, community: Community, text: str | None
    ) -> LocalDay | None:
        """A due date in French or English, read in the member's zone; past or more than
        a year ahead is refused. Blank means no due date."""
        if text is None or not text.strip():
            return None
        return parse_day(
            text,
            field="due",
            now=self._core.clock.now(),
            timezone=await self._community.reading_zone(community, actor.user_id),
            language=actor.language,
        )

    async def is_present(self, guild_id: int, user_id: int) -> bool:
        """Whether the member is still in the server, as far as the platform can tell (ask
        it before a transaction, not inside one)."""
        return await self._chat.is_member(guild_id, user_id) is not False

    async def check_owner(
        self, conn: Connection, guild_id: int, owner_id: int, present: bool
    ) -> None:
        """The owner must still be in the server (the platform says so, or we saw them leave)."""
        member = await members_db.get(conn, guild_id, owner_id)
        if not present or (member is not None and member.left_at is not None):
            raise UserError("facilitation.errors.owner_left", user=MemberRef(user_id=owner_id))

    async def create(
        self,
        conn: Connection,
        community: Community,
        session_id: int | None,
        text: str,
        owner_id: int,
        due_on: date | None,
        created_by: int,
    ) -> ActionItem:
        """Write a checked action and plan its due-date reminder (caller's transaction)."""
        now = self._core.clock.now()
        await members_db.ensure(conn, community.guild_id, owner_id, now)
        action = await actions_db.insert(
            conn, community.guild_id, session_id, text, owner_id, due_on, created_by, now
        )
        if due_on is not None:
            remind_at = datetime.combine(due_on, REMIND_AT, ZoneInfo(community.timezone))
            if remind_at > now:
                await self._core.scheduler.schedule(
                    conn,
                    community.guild_id,
                    DUE_KIND,
                    due_key(action.id),
                    remind_at,
                    {"action_id": action.id},
                )
        return action

    # -- members' use ------------------------------------------------------------------------

    async def listing(
        self, actor: Actor, scope: str = "mine", include_done: bool = False, page: int = 1
    ) -> ActionList:
        """A page of the member's (or everyone's) actions; a page past the end (actions
        closed meanwhile) shows the last one."""
        if scope not in ("mine", "all"):
            raise UserError("facilitation.errors.scope", value=scope[:40])
        chosen: Scope = "mine" if scope == "mine" else "all"
        community = await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            items = await actions_db.listing(
                conn,
                community.guild_id,
                actor.user_id if chosen == "mine" else None,
                include_done,
            )
        pages = page_count(len(items), PAGE_SIZE)
        shown_page = min(max(page, 1), pages)
        shown = items[(shown_page - 1) * PAGE_SIZE : shown_page * PAGE_SIZE]
        steers = facilitates(actor, community)
        return ActionList(
            page=shown_page,
            pages=pages,
            total=len(items),
            scope=chosen,
            items=tuple(shown),
            include_done=include_done,
            markable=frozenset(
                a.id for a in shown if a.pending and (steers or a.owner_id == actor.user_id)
            ),
        )

    async def mark_done(self, actor: Actor, action_id: int) -> ActionItem:
        """The owner (or a facilitator) marks an action done; its reminder is cancelled."""
        community = await self._community.require(actor.guild_id)
        async with self._core.db.transaction() as conn:
            action = await self.own_action(conn, actor, community, action_id)
            if action.status == "done":
                raise UserError("facilitation.errors.action_already_done", number=action_id)
            await actions_db.mark_done(conn, action_id, self._core.clock.now())
            await self._core.scheduler.cancel(conn, DUE_KIND, due_key(action_id))
            done = await actions_db.get(conn, action_id)
        assert done is not None
        return done

    async def mark_done_reminded(
        self, actor: Actor, action_id: int, *, in_channel: bool
    ) -> tuple[ActionItem, bool, ActionReminder | None]:
        """Done under its due-date reminder: the action (and whether this click closed it,
        not an earlier one elsewhere) and the reminder to show in place, marked done."""
        community = await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            action = await self.own_action(conn, actor, community, action_id)
        fresh = action.status != "done"
        if fresh:
            action = await self.mark_done(actor, action_id)
        if action.due_on is None:
            return action, fresh, None
        card = reminder_card(action, community, in_channel=in_channel, done=True)
        return action, fresh, card

    async def mark_done_listed(
        self, actor: Actor, action_id: int, scope: str, *, include_done: bool, page: int
    ) -> tuple[ActionItem, ActionList]:
        """Done under ``/actions``: the action marked done, and the page it was on read
        again, still showing it (done, without its button) where done actions are left
        out."""
        done = await self.mark_done(actor, action_id)
        listed = await self.listing(actor, scope, include_done, page)
        if all(item.id != done.id for item in listed.items):
            listed = listed.model_copy(update={"items": (*listed.items, done)})
        return done, listed

    async def own_action(
        self, conn: Connection, actor: Actor, community: Community, action_id: int
    ) -> ActionItem:
        action = await actions_db.get(conn, action_id)
        if action is None or action.guild_id != community.guild_id:
            raise UserError("facilitation.errors.unknown_action", number=action_id)
        if action.owner_id != actor.user_id and not facilitates(actor, community):
            raise NotFacilitator()
        return action

    # -- the due-date reminder ----------------------------------------------------------------

    async def remind(self, timer: Timer, firing: Firing) -> None:
        """DM the owner on the due date, unless done, reminders off, or away (a closed
        DM falls back to a mention where the session ran)."""
        async with self._core.db.read() as conn:
            action = await actions_db.get(conn, int(timer.payload["action_id"]))
            if action is None or not action.pending:
                return
            community = await communities_db.get(conn, action.guild_id)
            member = await members_db.get(conn, action.guild_id, action.owner_id)
            session = await sessions_db.get(conn, action.session_id) if action.session_id else None
        if community is None or community.left_at is not None or action.due_on is None:
            return
        today = local_today(self._core.clock.now(), community.timezone)
        if member is not None and (not member.dm_reminders or member.is_away(today)):
            return
        card = reminder_card(action, community)
        ran_in = (session.thread_id or session.channel_id) if session is not None else None
        await dm_or_mention(
            self._chat,
            firing,
            DirectMessage(action.guild_id, action.owner_id),
            card,
            direct=member is None or member.dm_closed_at is None,
            fallback=ran_in or community.announcements_channel_id,
        )

    # -- personal data -------------------------------------------------------------------------

    async def export_member(self, conn: Connection, guild_id: int, user_id: int) -> dict[str, Any]:
        return {
            "actions": [
                {
                    "id": a.id,
                    "text": a.text,
                    "owner": a.owner_id == user_id,
                    "written_by_you": a.created_by == user_id,
                    "due_on": a.due_on.isoformat() if a.due_on else None,
                    "status": a.status,
                    "created_at": a.created_at.isoformat(),
                    "done_at": a.done_at.isoformat() if a.done_at else None,
                }
                for a in await actions_db.member_actions(conn, guild_id, user_id)
            ]
        }

    async def delete_member(self, conn: Connection, guild_id: int, user_id: int) -> None:
        for action_id in await actions_db.forget_member(conn, guild_id, user_id):
            await self._core.scheduler.cancel(conn, DUE_KIND, due_key(action_id))
