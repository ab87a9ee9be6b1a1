"""Posts that follow a write: planned in its transaction, sent once, never lost."""

from __future__ import annotations

import weakref
from datetime import timedelta
from typing import Any

import pytest

from bot.chat import Card, Channel, Message, Notice, Posted, SendOptions, Target, Trusted
from bot.clock import ControlledClock
from bot.db import communities as communities_db
from bot.db import timers as timers_db
from bot.db.communities import CommunitySettings
from bot.db.connection import Connection
from bot.scheduler import RetryLater
from bot.services.base import Core
from bot.services.outbox import OUTBOX_KIND, Outbox, card_types, pack, unpack
from tests.conftest import START
from tests.db.trips import traced
from tests.recording_chat import RecordingChat

GUILD, CHANNEL = 1000, 501


@pytest.fixture
async def outbox(core: Core) -> Outbox:
    async with core.db.transaction() as conn:
        await communities_db.upsert(
            conn, GUILD, CommunitySettings(timezone="America/Toronto", language="en"), [], START
        )
    box = Outbox(core.scheduler, core.chat, core.clock)
    core.scheduler.register(*box.timer_kinds())
    return box


def notice(text: str) -> Notice:
    return Notice(language="en", key="errors.unexpected", params={"ref": Trusted(text=text)})


async def test_a_planned_post_goes_out_once_and_its_hook_learns_where(
    core: Core, outbox: Outbox, chat: RecordingChat
) -> None:
    seen: list[tuple[Posted | None, dict[str, Any]]] = []

    async def then(conn: Connection, posted: Posted | None, args: dict[str, Any]) -> None:
        seen.append((posted, args))

    outbox.on_posted("test.posted", then)
    async with core.db.transaction() as conn:
        key = await outbox.plan(
            conn, "test:1", Channel(GUILD, CHANNEL), notice("a"), then="test.posted", args={"n": 1}
        )
    await outbox.send(key)
    await outbox.send(key)  # a second send of the same post does nothing
    [sent] = chat.sent
    assert sent.card == notice("a") and sent.nonce is not None
    assert seen == [(sent.posted, {"n": 1})]


async def test_a_post_planned_in_a_rolled_back_write_never_goes_out(
    core: Core, outbox: Outbox, chat: RecordingChat
) -> None:
    with pytest.raises(RuntimeError):
        async with core.db.transaction() as conn:
            await outbox.plan(conn, "test:2", Channel(GUILD, CHANNEL), notice("b"))
            raise RuntimeError("the write failed")
    await outbox.send("test:2")
    assert chat.sent == []


async def test_posts_sent_at_once_run_as_written_and_rolled_back_ones_never_go_out(
    core: Core, outbox: Outbox, chat: RecordingChat
) -> None:
    """A post planned to be sent at once runs as its transaction wrote it, without reading
    its timer back; one whose write was rolled back never goes out."""
    with pytest.raises(RuntimeError):
        async with core.db.transaction() as conn:
            await outbox.plan(
                conn, "test:at-once:0", Channel(GUILD, CHANNEL), notice("x"), at_once=True
            )
            raise RuntimeError("the write failed")
    planned = []
    for n in (1, 2, 3):
        async with core.db.transaction() as conn:
            planned.append(
                await outbox.plan(
                    conn, f"test:at-once:{n}", Channel(GUILD, CHANNEL), notice(str(n)), at_once=True
                )
            )
    async with traced(core.db) as statements:
        assert await outbox.send(*planned) is True
    assert await outbox.send("test:at-once:0") is False  # never written: nothing to send
    assert [sent.card for sent in chat.sent] == [notice("1"), notice("2"), notice("3")]
    read_back = [s for s in statements if "FROM timers t" in s]
    assert read_back == []
    assert await outbox.send(*planned) is False  # each went once


async def test_an_outage_is_retried_by_the_scheduler_and_nothing_is_lost(
    core: Core,
    outbox: Outbox,
    chat: RecordingChat,
    clock: ControlledClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_post = chat.post

    async def down(target: Target, card: Any, options: SendOptions) -> Posted:
        raise RetryLater("Discord 503")

    monkeypatch.setattr(chat, "post", down)
    async with core.db.transaction() as conn:
        planned = await outbox.plan(conn, "test:3", Channel(GUILD, CHANNEL), notice("c"))
    key = planned.key
    await outbox.send(key)
    assert chat.sent == []
    async with core.db.read() as conn:
        timer = await timers_db.find(conn, OUTBOX_KIND, key)
    assert timer is not None and timer.status == "pending" and timer.attempts == 1
    monkeypatch.setattr(chat, "post", real_post)
    await clock.advance(timedelta(minutes=5))
    await core.scheduler.run_due()
    assert [s.card for s in chat.sent] == [notice("c")]


async def test_replace_edits_the_earlier_message_and_posts_anew_if_it_is_gone(
    core: Core, outbox: Outbox, chat: RecordingChat, monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier = Posted(GUILD, CHANNEL, 42)
    async with core.db.transaction() as conn:
        key = await outbox.plan(
            conn, "test:4", Channel(GUILD, CHANNEL), notice("d"), replace=earlier
        )
    await outbox.send(key)
    assert chat.edits == [(earlier, notice("d"))] and chat.sent == []

    async def gone(posted: Posted, card: Any) -> bool:
        return False

    monkeypatch.setattr(chat, "edit", gone)
    async with core.db.transaction() as conn:
        key = await outbox.plan(
            conn, "test:5", Channel(GUILD, CHANNEL), notice("e"), replace=earlier
        )
    await outbox.send(key)
    assert [s.card for s in chat.sent] == [notice("e")]


def test_every_card_type_round_trips_by_name() -> None:
    card = notice("f")
    assert unpack(pack(card)) == card
    assert card_types()["Notice"] is Notice
    assert Message not in card_types().values()


def test_unpacking_walks_the_card_types_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.services import outbox as outbox_module

    walks: list[int] = []
    real = outbox_module.card_types

    def counted() -> dict[str, type[Card]]:
        walks.append(1)
        return real()

    monkeypatch.setattr(outbox_module, "_KNOWN", weakref.WeakValueDictionary())
    monkeypatch.setattr(outbox_module, "card_types", counted)
    packed = pack(notice("g"))
    assert [unpack(packed) for _ in range(5)] == [notice("g")] * 5
    assert len(walks) == 1  # once for the first post, not once each (5 before)
