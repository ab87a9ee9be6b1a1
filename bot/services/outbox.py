"""Posts that follow a write: planned in the write's transaction, sent once it committed.

A service that saves something and then shows it (a check-in answer in the week's
thread, a meeting's announcement) plans the post with :meth:`Outbox.plan` inside its
transaction; the post is an ``outbox_post`` timer holding the card itself, the target,
and what to do once it is up (``then``: a hook the feature declared, e.g. record the
message id). :meth:`Outbox.send` runs it at once in the scheduler's interactive lane.
So a post is never lost (an outage or a restart retries it), never doubled (the timer
closes once and the send carries the firing's nonce), and still shows what happened at
that moment when it is retried late.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.chat import Card, Channel, Chat, DirectMessage, Posted, Target, target_key
from bot.clock import Clock
from bot.db.connection import Connection
from bot.db.timers import Timer
from bot.firing import AfterClose, Handed, HandedBack
from bot.scheduler import Firing, Scheduler, TimerKind
from bot.services.sends import send_once

log = logging.getLogger(__name__)

OUTBOX_KIND = "outbox_post"
Then = Callable[[Connection, Posted | None, dict[str, Any]], Awaitable[AfterClose | None]]
"""What a feature records once its post is up (or refused: None), with the args it
planned: in the transaction that closes the post, so the post costs one write after it
is sent; it awaits only that connection (the close runs on the database thread). What
it returns runs once that committed (a re-draw, a message to take back)."""


def card_types() -> dict[str, type[Card]]:
    """Every card type of the application, by class name (for cards read back from a
    timer's payload)."""
    found: dict[str, type[Card]] = {}
    pending: list[type[Card]] = list(Card.__subclasses__())
    for first in pending:
        found[first.__name__] = first
    while pending:
        kind = pending.pop()
        for sub in kind.__subclasses__():
            if sub.__name__ in found and found[sub.__name__] is not sub:
                raise RuntimeError(f"two card types are named {sub.__name__}")
            found[sub.__name__] = sub
            pending.append(sub)
    return found


def pack(card: Card) -> dict[str, Any]:
    return {"type": type(card).__name__, "fields": card.model_dump(mode="json")}


# The card types by name as last walked: walking every subclass for each post cost more
# than the rest of the unpacking (700 walks in a benchmark of 300 answers).
_KNOWN: weakref.WeakValueDictionary[str, type[Card]] = weakref.WeakValueDictionary()


def unpack(data: dict[str, Any]) -> Card:
    kind = _KNOWN.get(data["type"])
    if kind is None:  # a type not seen yet (or imported since the last walk)
        _KNOWN.update(card_types())
        kind = _KNOWN[data["type"]]
    return kind.model_validate(data["fields"])


def _target(data: dict[str, Any]) -> Target:
    if "user_id" in data:
        return DirectMessage(int(data["guild_id"]), int(data["user_id"]))
    return Channel(int(data["guild_id"]), int(data["channel_id"]))


@dataclass(frozen=True)
class Planned:
    """A post planned in a transaction: its key, and for one sent as soon as the
    transaction committed, the timer as it wrote it (:meth:`Outbox.send` runs it without
    reading it back)."""

    key: str
    handed: Handed | None


class Outbox:
    """One per process; features declare their ``then`` hooks once, at start-up."""

    def __init__(self, scheduler: Scheduler, chat: Chat, clock: Clock) -> None:
        self._scheduler = scheduler
        self._chat = chat
        self._clock = clock
        self._then: dict[str, Then] = {}

    def on_posted(self, name: str, then: Then) -> None:
        if name in self._then:
            raise RuntimeError(f"outbox hook {name!r} declared twice")
        self._then[name] = then

    def timer_kinds(self) -> tuple[TimerKind, ...]:
        return (
            TimerKind.run_late(OUTBOX_KIND, self._post, said="delivery.status.missed.outbox_post"),
        )

    async def plan(
        self,
        conn: Connection,
        key: str,
        target: Target,
        card: Card,
        *,
        mention: tuple[int, ...] = (),
        replace: Posted | None = None,
        then: str | None = None,
        args: dict[str, Any] | None = None,
        at_once: bool = False,
    ) -> Planned:
        """Plan ``card`` for ``target`` in the caller's transaction (``replace``: edit that
        message instead, posting anew if it is gone); what to give :meth:`send` once it
        committed (or its key).

        ``at_once``: the caller sends it as soon as the transaction committed, so the
        scheduler's bulk lane is not woken for it meanwhile, and it is sent as written,
        without being read back (``key`` must then be new: a token in it)."""
        if then is not None and then not in self._then:
            raise RuntimeError(f"outbox hook {then!r} was not declared")
        where: dict[str, Any] = {"guild_id": target.guild_id}
        if isinstance(target, DirectMessage):
            where["user_id"] = target.user_id
        else:
            where["channel_id"] = target.channel_id
        payload = {
            "target": where,
            "card": pack(card),
            "mention": list(mention),
            "replace": [replace.channel_id, replace.message_id] if replace else None,
            "then": then,
            "args": args or {},
        }
        handed = await self._scheduler.schedule(
            conn, target.guild_id, OUTBOX_KIND, key, self._clock.now(), payload, wake=not at_once
        )
        return Planned(key, handed)

    async def send(self, *posts: str | Planned) -> bool:
        """Send what was planned (as :meth:`plan` returned it, or by key), in order (a
        failure is retried by the scheduler); True if every one was sent now."""
        sent = True
        for post in posts:
            key, handed = (post, None) if isinstance(post, str) else (post.key, post.handed)
            sent = await self._scheduler.run_now(OUTBOX_KIND, key, handed) and sent
        return sent

    async def send_unclosed(self, post: Planned) -> HandedBack | None:
        """Send one planned post now, answered as soon as it is up: with the message that
        shows it (None: the platform refused it), its bookkeeping written behind the caller
        (:meth:`~bot.scheduler.Scheduler.run_now_unclosed`). None if it was not sent now:
        the scheduler retries it, or another lane sent it meanwhile."""
        return await self._scheduler.run_now_unclosed(OUTBOX_KIND, post.key, post.handed)

    async def _post(self, timer: Timer, firing: Firing) -> None:
        payload = timer.payload
        target, card = _target(payload["target"]), unpack(payload["card"])
        firing.record_at_close()
        posted: Posted | None = None
        if payload["replace"] is not None:
            channel_id, message_id = payload["replace"]
            earlier = Posted(target.guild_id, int(channel_id), int(message_id))
            if await self._chat.edit(earlier, card):
                posted = earlier
        if posted is None:
            outcome = await send_once(
                self._chat, firing, target, card, mention=tuple(payload["mention"])
            )
            posted = _sent(firing, target, outcome)
        firing.hand_back(posted)
        name = payload["then"]
        if name is not None:
            then, args = self._then[name], payload["args"]

            async def record(conn: Connection) -> AfterClose | None:
                return await then(conn, posted, args)

            firing.at_close(record)


def _sent(firing: Firing, target: Target, outcome: str | None) -> Posted | None:
    if outcome != "sent":
        return None
    message_id = firing.message_id(target_key(target))
    if message_id is None or not isinstance(target, Channel):
        return None
    return Posted(target.guild_id, target.channel_id, message_id)
