"""A click that replaces the clicked message: at once or after a deferred update, and a
public card re-drawn in its own language whoever clicked."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.chat import Button, Card, Channel, Message, Text, Trusted
from bot.db import members as members_db
from bot.db.engine import DatabaseUnavailable
from bot.emulator import Message as EmulatedMessage
from bot.emulator.interactions import ResponseType
from bot.interactions import CustomId, Interaction
from bot.interactions.routes import Params
from tests.e2e.harness import Harness

COUNT = CustomId("plc:test:count:{clicks}:{how}", how="now|later")


class ClickCounter(Card):
    """A public post with a button that counts its clicks."""

    clicks: int

    def layout(self) -> Message:
        return Message(
            content=Text(key="meetings.announcement.going"),
            rows=(
                tuple(
                    Button(action=COUNT.build(clicks=self.clicks, how=how), label=Trusted(text=how))
                    for how in ("now", "later")
                ),
            ),
        )


async def count(ctx: Interaction, params: Params) -> None:
    counted = ClickCounter(language="en", clicks=int(params["clicks"]) + 1)
    if params["how"] == "later":
        await ctx.defer(update=True)
    await ctx.update(counted)


async def counter_posted(h: Harness) -> EmulatedMessage:
    """The counting card posted in #general, its clicks routed."""
    h.bot.app.ui.routes.click(COUNT, count)
    channel = h.channel("general")
    await h.bot.core.chat.send(Channel(h.guild.id, channel), ClickCounter(language="en", clicks=0))
    [posted] = [m for m in h.emu.messages_in(channel) if m.author_id == h.emu.bot_user_id]
    return posted


async def test_a_click_redraws_a_public_card_in_its_language_at_once_or_deferred(
    harness: Harness,
) -> None:
    h = harness
    posted = await counter_posted(h)

    for clicks, how, response in ((0, "now", ResponseType.UPDATE_MESSAGE), (1, "later", None)):
        custom_id = COUNT.build(clicks=clicks, how=how)
        click = await h.emu.click(h.user("chloe"), posted, custom_id, locale="fr")
        done = await click.final()
        expected = response or ResponseType.DEFERRED_UPDATE_MESSAGE
        assert done.response_type == expected
        shown = h.emu.state.messages[posted.id]
        assert shown.content == "Going"  # the post's language, not chloe's French
        assert shown.custom_ids() == [
            COUNT.build(clicks=clicks + 1, how="now"),
            COUNT.build(clicks=clicks + 1, how="later"),
        ]


async def test_a_click_is_routed_by_its_id_alone_and_discord_py_keeps_no_view(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """discord.py's own routing of persistent buttons rebuilt the clicked message's whole
    view before each click; the bot's buttons go out in a view finished from the start,
    which discord.py never keeps, and the click is routed from its id."""
    h = harness
    rebuilt: list[int] = []
    from_message = discord.ui.View.from_message

    def spied(cls: type[discord.ui.View], message: discord.Message, **options: Any) -> Any:
        rebuilt.append(message.id)
        return from_message(message, **options)

    monkeypatch.setattr(discord.ui.View, "from_message", classmethod(spied))
    posted = await counter_posted(h)

    for clicks in range(3):
        click = await h.emu.click(h.user("chloe"), posted, COUNT.build(clicks=clicks, how="now"))
        assert (await click.final()).response_type == ResponseType.UPDATE_MESSAGE

    assert h.emu.state.messages[posted.id].custom_ids()[0] == COUNT.build(clicks=3, how="now")
    assert rebuilt == []
    store = h.bot._connection._view_store  # discord.py's: what it keeps to dispatch clicks
    assert (store._views, store._dynamic_items, store._synced_message_views) == ({}, {}, {})


async def test_a_click_is_answered_when_the_members_language_cannot_be_kept(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The language a member's client speaks is kept before their click is routed; the
    database out of reach for it stops neither the click nor the next try."""
    h = harness
    read_member = members_db.get
    asked: list[int] = []

    async def out_of_reach_once(*args: Any) -> Any:
        asked.append(args[2])
        if len(asked) == 1:
            raise DatabaseUnavailable("the server is restarting")
        return await read_member(*args)

    monkeypatch.setattr(members_db, "get", out_of_reach_once)
    posted = await counter_posted(h)

    for clicks in range(2):
        click = await h.emu.click(h.user("chloe"), posted, COUNT.build(clicks=clicks, how="now"))
        assert (await click.final()).response_type == ResponseType.UPDATE_MESSAGE

    assert asked == [h.user("chloe")] * 2  # not kept the first time: tried again
    assert "could not keep a member's client language" in caplog.text
