"""How a live session reaches its thread: every post is a durable timer.

A state change (Next, Done, a note…) plans its posts as ``session_post`` timers in
the same transaction (:class:`SessionOutbox`), then runs them at once (``run_now``). So a
post is never lost (a restart or an outage retries it) and never doubled (the
timer closes once, the send carries the firing's nonce). The payload holds the
card itself (packed like the core's outbox packs it), so a late retry still shows what
happened at that moment. A session keeps its own outbox because its first post opens
the thread every later post goes to.

The first post, ``open``, posts the opening card where the session was started,
opens the thread on it (or stays in the channel if threads are refused) and posts
the overview, the review of actions, the questions and the facilitator's panel.
``retire`` edits earlier posts (found by their names: ``open``, ``step<N>``,
``turn<step>.<turn>``) into what they say once the group moved on, without buttons; at
the end, the opening's too (Join where the session was started, the review of actions,
the questions).
``session_nearly_up`` and ``session_time_up`` are the step timers: they post only
if the session is still on that step with the same extra time, and "nearly up" only
while the step's time is not yet over.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from bot.chat import Card, Channel, Posted, target_key
from bot.db import timers as timers_db
from bot.db.connection import Connection
from bot.db.facilitation import sessions as sessions_db
from bot.db.facilitation.sessions import SessionRow
from bot.db.timers import Timer
from bot.firing import Handed
from bot.missed import MissedResult
from bot.scheduler import Firing, RetryLater, Scheduler, TimerKind
from bot.services.base import Core
from bot.services.facilitation.sessions.cards import ActionReview, TimeNotice
from bot.services.facilitation.sessions.review import as_answered
from bot.services.facilitation.sessions.state import (
    NEARLY_KIND,
    OPENING_POST,
    POST_KIND,
    TIME_UP_KIND,
    about_step,
    post_key,
    protocol_of,
    step_ends_at,
)
from bot.services.outbox import pack, unpack
from bot.services.sends import send_once

log = logging.getLogger(__name__)


def packed(card: Card, mention: tuple[int, ...] = ()) -> dict[str, Any]:
    return {"card": pack(card), "mention": list(mention)}


def unpacked(data: dict[str, Any]) -> tuple[Card, list[int]]:
    """A planned post's card and whom it mentions (posts planned by earlier versions held
    the card's type name under ``card`` and its fields beside it)."""
    card = data["card"]
    packed_card = card if isinstance(card, dict) else {"type": card, "fields": data["fields"]}
    return unpack(packed_card), list(data.get("mention", []))


def _retired_parts(
    payload: dict[str, Any], card: Card | None, session: SessionRow
) -> list[tuple[str, int | None, Card]]:
    """Which parts of a post to edit, where (None: the session's thread) and into what:
    ``card`` for a post of one card, or for the opening's controls (its last part); with
    no card (the session ended), the opening's posts that have buttons (Join where the
    session was started, the review of actions, the questions), as they read without."""
    parts = payload.get("parts")
    if parts is None:
        return [("post", None, card)] if card is not None else []
    if card is not None:
        return [(f"part:{len(parts) - 1}", None, card)]
    opened, _ = unpacked(payload["opened"])
    where = Channel(session.guild_id, session.channel_id)
    found: list[tuple[str, int | None, Card]] = [
        (target_key(where), session.channel_id, opened.model_copy(update={"ended": True}))
    ]
    for number, part in enumerate(parts[:-1]):
        shown, _ = unpacked(part)
        if "retired" in type(shown).model_fields:
            found.append((f"part:{number}", None, shown.model_copy(update={"retired": True})))
    return found


def _moved_past(session: SessionRow, payload: dict[str, Any]) -> bool:
    """An edit planned while the session was on a step, read once the session has left it."""
    step = payload.get("while_step")
    return step is not None and (session.status != "live" or session.step_index != step)


class SessionOutbox:
    """Posts planned inside a transaction, run once it committed."""

    def __init__(self, core: Core) -> None:
        self._scheduler: Scheduler = core.scheduler
        self._clock = core.clock
        self.keys: list[str] = []
        self._handed: dict[str, Handed | None] = {}

    async def post(
        self,
        conn: Connection,
        session: SessionRow,
        card: Card,
        mention: tuple[int, ...] = (),
        *,
        name: str | None = None,
    ) -> None:
        """Plan ``card``; ``name``: the post's name in the session, for a later
        :meth:`retire` of its buttons."""
        await self._plan(conn, session, {"post": "card", **packed(card, mention)}, name)

    async def retire(
        self,
        conn: Connection,
        session: SessionRow,
        posts: list[tuple[str, Card]],
        *,
        opening: bool = False,
    ) -> None:
        """Plan the edit of each named earlier post into its card (what it says once the
        group moved on, without buttons), and with ``opening`` (the session ends) of the
        opening's posts that have buttons: a post that was never sent, or that an earlier
        version made without a name, stays as it is."""
        if posts or opening:
            retired = [{"of": name, **packed(card)} for name, card in posts]
            payload = {"post": "retire", "posts": retired, "opening": opening}
            await self._plan(conn, session, payload)

    async def edit(self, conn: Connection, session: SessionRow, name: str, card: Card) -> None:
        """Plan the edit of the named earlier post into ``card``, buttons and all (the step's
        post once "+2 min" moved its end, or a latecomer joined its round): the same edit
        as :meth:`retire`'s, dropped if the session left that step before it runs (its
        buttons would come back on a post the group moved past)."""
        edited = [{"of": name, **packed(card)}]
        payload = {"post": "retire", "posts": edited, "opening": False}
        await self._plan(conn, session, {**payload, "while_step": session.step_index})

    async def open(
        self,
        conn: Connection,
        session: SessionRow,
        opened: Card,
        thread_name: str,
        parts: list[Card],
    ) -> None:
        await self._plan(
            conn,
            session,
            {
                "post": "open",
                "opened": packed(opened),
                "thread_name": thread_name,  # the platform fits it to its limit
                "parts": [packed(part) for part in parts],
            },
            OPENING_POST,
        )

    async def _plan(
        self,
        conn: Connection,
        session: SessionRow,
        payload: dict[str, Any],
        name: str | None = None,
    ) -> None:
        # A key of its own for each post (its name, which the session's state gives, or a
        # random token), with no counter to read and write: they run in the order planned
        # (here, and by the scheduler after a restart: by due time, then the order they
        # were written).
        key = post_key(session.id, name or secrets.token_hex(6))
        # Where it goes, when the thread is open already: the post needs no other read.
        where = {} if session.thread_id is None else {"thread_id": session.thread_id}
        self._handed[key] = await self._scheduler.schedule(
            conn,
            session.guild_id,
            POST_KIND,
            key,
            self._clock.now(),
            {"session_id": session.id, **where, **payload},
            wake=False,  # flush() runs it once committed, without reading it back
        )
        self.keys.append(key)

    async def flush(self) -> None:
        """Send what was planned, in order (a failure is retried by the scheduler)."""
        for key in self.keys:
            await self._scheduler.run_now(POST_KIND, key, self._handed.pop(key, None))
        self.keys.clear()


class SessionPosts:
    """The handlers of the session's timer kinds."""

    def __init__(self, core: Core) -> None:
        self._core = core
        self._chat = core.chat

    def timer_kinds(self) -> tuple[TimerKind, ...]:
        # A live session moves on within minutes: a late post would describe a moment
        # that is gone (the stored summary keeps the record).
        return (
            TimerKind.drop(
                POST_KIND,
                self.post,
                said="facilitation.status.missed.session_post",
                cleanup=self._post_missed,
            ),
            TimerKind.drop(
                NEARLY_KIND, self.time_notice, said="facilitation.status.missed.nearly_up"
            ),
            TimerKind.drop(
                TIME_UP_KIND, self.time_notice, said="facilitation.status.missed.time_up"
            ),
        )

    async def _session(self, session_id: int) -> SessionRow | None:
        async with self._core.db.read() as conn:
            return await sessions_db.get(conn, session_id)

    async def post(self, timer: Timer, firing: Firing) -> None:
        payload = timer.payload
        if payload["post"] == "card" and "thread_id" in payload:
            firing.record_at_close()
            card, mention = unpacked(payload)
            target = Channel(timer.guild_id, int(payload["thread_id"]))
            await send_once(self._chat, firing, target, card, key="post", mention=mention)
            return
        session = await self._session(int(payload["session_id"]))
        if session is None:
            return
        if payload["post"] == "open":
            await self._open(session, payload, firing)
            return
        if payload["post"] == "retire":
            if _moved_past(session, payload):
                return
            await self._retire(session, payload["posts"], payload["opening"])
            return
        if session.thread_id is None:
            raise RetryLater("the session's thread is not open yet")
        firing.record_at_close()
        card, mention = unpacked(payload)
        await self._send(firing, session, session.thread_id, "post", card, mention)

    async def _send(
        self,
        firing: Firing,
        session: SessionRow,
        channel_id: int,
        part: str,
        card: Card,
        mention: list[int] | tuple[int, ...] = (),
    ) -> None:
        target = Channel(session.guild_id, channel_id)
        await send_once(self._chat, firing, target, card, key=part, mention=mention)

    async def _open(self, session: SessionRow, payload: dict[str, Any], firing: Firing) -> None:
        thread_id = session.thread_id
        if thread_id is None:
            opened, _ = unpacked(payload["opened"])
            target = Channel(session.guild_id, session.channel_id)
            # The same nonce on a retry returns the same message, so no second opening.
            posted = await self._chat.send(target, opened, nonce=firing.nonce("opened"))
            if posted is None:
                await self._abandon(session)
                return
            thread = await self._chat.start_thread(posted, payload["thread_name"])
            thread_id = thread.channel_id if thread is not None else session.channel_id
            async with self._core.db.transaction() as conn:
                await sessions_db.set_thread(conn, session.id, thread_id)
            await firing.delivered(target_key(target), "sent", posted.message_id)
        for number, part in enumerate(payload["parts"]):
            card, mention = unpacked(part)
            await self._send(firing, session, thread_id, f"part:{number}", card, mention)

    async def _retire(
        self, session: SessionRow, posts: list[dict[str, Any]], opening: bool
    ) -> None:
        """Edit each named post the session made into its retired card, and with
        ``opening`` the opening's parts that have buttons (an edit done twice reads the
        same, so a retry needs no record of which were done)."""
        edits: list[tuple[int | None, int, Card]] = []
        async with self._core.db.read() as conn:
            wanted = [(post["of"], unpacked(post)[0]) for post in posts]
            for name, card in [*wanted, *([(OPENING_POST, None)] if opening else [])]:
                earlier = await timers_db.find(conn, POST_KIND, post_key(session.id, name))
                if earlier is None:
                    continue  # posted by an earlier version, under a random key
                if earlier.status == "pending":
                    raise RetryLater("a post it retires is not sent yet")
                reached = await timers_db.deliveries(conn, earlier.id)
                for part, channel_id, retired in _retired_parts(earlier.payload, card, session):
                    _, message_id = reached.get(part, ("", None))
                    if isinstance(retired, ActionReview):  # with the answers given
                        retired = await as_answered(conn, retired, session.id)
                    if message_id is not None:
                        edits.append((channel_id, int(message_id), retired))
        for channel_id, message_id, retired in edits:
            channel_id = channel_id or session.thread_id
            if channel_id is not None:
                await self._chat.edit(Posted(session.guild_id, channel_id, message_id), retired)

    async def _post_missed(self, timer: Timer) -> MissedResult:
        """A session whose opening was never posted never began: forget it, so the
        community can start another one."""
        session = await self._session(int(timer.payload["session_id"]))
        if session is None:
            return "moot"
        if timer.payload["post"] == "open" and session.thread_id is None:
            await self._abandon(session)
        return "done"

    async def _abandon(self, session: SessionRow) -> None:
        """The channel refused the opening: the session never really began; forget it."""
        log.warning("guild %s: session %s could not open its thread", session.guild_id, session.id)
        async with self._core.db.transaction() as conn:
            await sessions_db.delete_unopened(conn, session.id)

    async def time_notice(self, timer: Timer, firing: Firing) -> None:
        """ "Nearly up" / "over": only if the session is still on that step and extra time."""
        session = await self._session(int(timer.payload["session_id"]))
        step_index = int(timer.payload["step_index"])
        if (
            session is None
            or session.status != "live"
            or session.step_index != step_index
            or session.extra_minutes != int(timer.payload["extra_minutes"])
            or session.step_started_at is None
        ):
            return
        if session.thread_id is None:
            raise RetryLater("the session's thread is not open yet")
        step = protocol_of(session.protocol).steps[step_index]
        ends_at = step_ends_at(session.step_started_at, step, session.extra_minutes)
        nearly = timer.kind == NEARLY_KIND
        if nearly and firing.now >= ends_at:
            return  # woken after the end (late, or after a restart): "over" says it right
        card = TimeNotice(
            **about_step(session, step),
            phase="nearly" if nearly else "over",
            ends_at=ends_at,
            late=firing.late,
        )
        firing.record_at_close()
        await self._send(firing, session, session.thread_id, "time", card)
