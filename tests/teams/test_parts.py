"""The Teams adapter's parts on their own: the pacer's windows, the id table, the router of
platforms, action ids with negative numbers."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

import pytest

from bot.chat import Channel, Notice, PostCheck, Posted
from bot.chat.platforms import PlatformMissing, Platforms, platform_of
from bot.db import Database
from bot.interactions.routes import CustomId, Router
from bot.scheduler import RetryLater
from teams.ids import TeamsIds, UnknownTeamsId
from teams.pacing import Pacer
from tests.recording_chat import RecordingChat
from tests.teams.harness import VirtualPace


async def test_the_pacer_keeps_each_conversation_under_teams_limits() -> None:
    pace = VirtualPace()
    pacer = Pacer(pace.clock())
    for _ in range(8):
        await pacer.slot("a:chat")
    assert pace.slept == [1.0]  # 7 a second: the eighth waits for the first to age out
    for _ in range(7):
        await pacer.slot("a:other")  # another conversation has its own windows
    assert pace.slept == [1.0]
    for _ in range(60):
        await pacer.slot("a:chat")
    assert pace.now >= 30  # at most 60 in 30 seconds
    pacer.hold("a:chat", 12.5)
    before = pace.now
    await pacer.slot("a:chat")
    assert pace.now - before >= 12.5  # a Retry-After holds the conversation


async def test_the_pacer_keeps_the_app_under_50_requests_a_second() -> None:
    pace = VirtualPace()
    pacer = Pacer(pace.clock())
    for n in range(51):
        await pacer.slot(f"a:chat{n}")
    assert pace.slept == [1.0]


async def test_teams_ids_are_negative_stable_and_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "ids.sqlite3"
    db = await Database.open(path)
    ids = TeamsIds(db)
    team = await ids.number("team", "19:abc@thread.tacv2")
    channel = await ids.number("conversation", "19:abc@thread.tacv2")  # same string, other kind
    user = await ids.number("user", "29:1bob")
    assert team < 0 and channel < 0 and user < 0 and len({team, channel, user}) == 3
    assert await ids.number("team", "19:abc@thread.tacv2") == team
    assert await ids.string(user, "user") == "29:1bob"
    with pytest.raises(UnknownTeamsId):
        await ids.string(user, "team")  # a number of another kind is refused
    with pytest.raises(UnknownTeamsId):
        await ids.string(-999, "user")
    await db.close()
    db = await Database.open(path)
    again = TeamsIds(db)
    assert await again.number("user", "29:1bob") == user
    assert await again.known("user", "29:1nobody") is None
    await db.close()


async def test_with_a_secret_ids_that_name_a_person_are_stored_keyed(tmp_path: Path) -> None:
    """A member's id and a chat's id are stored as keyed hashes under random numbers (an
    anonymous asker leaves nothing that names them); channels stay as they are."""
    path = tmp_path / "ids.sqlite3"
    db = await Database.open(path)
    ids = TeamsIds(db, secret="s" * 32)
    user = await ids.number("user", "29:1bob")
    chat = await ids.number("conversation", "a:1chat")
    channel = await ids.number("conversation", "19:abc@thread.tacv2")
    assert channel == -1  # in order
    for number in (user, chat):
        assert -(2**52) <= number < -(2**31)  # random, and exact in a card's JSON
    assert await ids.string(user, "user") == "29:1bob"  # this process met it
    await db.checkpoint()
    raw = path.read_bytes()
    assert b"29:1bob" not in raw and b"a:1chat" not in raw and b"19:abc@thread.tacv2" in raw
    await ids.reveal("conversation", "a:1chat")  # a chat the bot opened to write to them
    await db.close()

    db = await Database.open(path)
    again = TeamsIds(db, secret="s" * 32)
    await again.load()
    assert await again.maybe_string(user, "user") is None  # not met since the start...
    assert await again.find(user, "user", ["29:1amy", "29:1bob"]) == "29:1bob"  # ...roster
    assert await again.number("user", "29:1bob") == user
    assert await again.string(chat, "conversation") == "a:1chat"
    assert await again.number("conversation", "a:1chat") == chat
    assert await TeamsIds(db, secret="t" * 32).known("user", "29:1bob") is None
    await db.close()


class _Named(RecordingChat):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    async def community_name(self, guild_id: int) -> str | None:
        return self.name

    async def member_names(self, guild_id: int, user_ids: Collection[int]) -> Mapping[int, str]:
        return {user_id: self.name for user_id in user_ids}

    async def latency(self, guild_id: int) -> float | None:
        return 0.5 if self.name == "discord" else 0.02


async def test_each_community_is_served_by_the_platform_its_id_names() -> None:
    on_discord, on_teams = _Named("discord"), _Named("teams")
    platforms = Platforms(discord=on_discord, teams=on_teams)
    assert platform_of(1234) == "discord" and platform_of(-5) == "teams"
    assert await platforms.community_name(-5) == "teams"
    assert await platforms.community_name(1234) == "discord"
    card = Notice(language="en", key="delivery.channel_lost")
    posted = await platforms.post(Channel(-5, -9), card, {})
    assert on_teams.sent and not on_discord.sent and isinstance(posted, Posted)
    assert await platforms.can_post(1234, 55) == PostCheck()
    alone = Platforms(discord=on_discord)
    with pytest.raises(PlatformMissing) as missing:
        await alone.post(Channel(-5, -9), card, {})
    assert isinstance(missing.value, RetryLater)  # the timer tries again later
    # /plc status shows its own platform's round trip, not Discord's gateway for all.
    assert await platforms.latency(-5) == 0.02 and await platforms.latency(1234) == 0.5
    assert await alone.latency(-5) is None


def test_action_ids_route_the_negative_numbers_of_teams() -> None:
    accept = CustomId("plc:rot:accept:{guild}:{occurrence}")
    router: Router[str] = Router()
    router.route(accept, "accept")
    built = accept.build(guild=-12, occurrence=7)
    assert router.find(built) == ("accept", {"guild": "-12", "occurrence": "7"})
    assert router.find("plc:rot:accept:12:7") == ("accept", {"guild": "12", "occurrence": "7"})
    assert router.find("plc:rot:accept:--1:7") is None
