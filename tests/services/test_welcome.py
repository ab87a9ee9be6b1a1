"""The bot's first words in a community that just added it: once, where the platform
greets newcomers, in the server's language with a line in the other; never to a
community that was set up before; nothing, and no error, where it may post nowhere."""

from __future__ import annotations

from typing import Any

import pytest

from bot.chat import Channel, Posted, SendOptions, Target
from bot.db import targets as targets_db
from bot.db.communities import CommunitySettings
from bot.scheduler import RetryLater
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.community.welcome import Greeter, Welcome
from tests.markup import rendered_plainly
from tests.recording_chat import RecordingChat
from tests.services.sample import ADMIN, ANNOUNCEMENTS, GUILD


@pytest.fixture
def community(core: Core) -> CommunityService:
    return CommunityService(core, Greeter(core))


async def test_a_new_community_is_greeted_once_in_its_servers_language(
    community: CommunityService, chat: RecordingChat, core: Core
) -> None:
    chat.greeting_channel, chat.server_language = ANNOUNCEMENTS, "fr"
    await community.bot_joined(GUILD)
    await community.bot_joined(GUILD)  # Teams tells an install twice
    [sent] = chat.sent
    assert sent.target == Channel(GUILD, ANNOUNCEMENTS) and sent.card == Welcome(language="fr")
    content = sent.card.layout().content
    assert content is not None
    [said] = rendered_plainly([content], "fr")
    assert said.startswith("👋 Bonjour ! Je suis **plc-bot**.")
    assert "`/cap configurer`" in said
    assert said.endswith(
        "\n\n🇬🇧 In English: `/plc setup` to begin (choose English), then "
        "`/meeting schedule`, `/checkin schedule` and `/ask`."
    )


async def test_a_platform_that_does_not_say_gets_the_configured_language(
    community: CommunityService, chat: RecordingChat
) -> None:
    chat.greeting_channel = ANNOUNCEMENTS
    await community.bot_joined(GUILD)
    assert [s.card for s in chat.sent] == [Welcome(language="en")]


async def test_a_community_set_up_before_is_not_greeted_again(
    community: CommunityService, chat: RecordingChat
) -> None:
    chat.greeting_channel = ANNOUNCEMENTS
    settings = CommunitySettings(timezone="America/Toronto", language="en")
    await community.setup(GUILD, ADMIN, settings)
    await community.bot_left(GUILD)
    await community.bot_joined(GUILD)
    assert chat.sent == []
    assert (await community.require(GUILD)).guild_id == GUILD  # back, settings kept


async def test_nowhere_to_post_is_no_error(
    community: CommunityService, chat: RecordingChat
) -> None:
    await community.bot_joined(GUILD)
    assert chat.sent == []


async def test_an_outage_is_logged_and_the_next_telling_tries_again(
    community: CommunityService,
    chat: RecordingChat,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    chat.greeting_channel = ANNOUNCEMENTS
    real_post = chat.post

    async def down(target: Target, card: Any, options: SendOptions) -> Posted:
        raise RetryLater("Discord 503")

    monkeypatch.setattr(chat, "post", down)
    await community.bot_joined(GUILD)  # no error for the event's handler
    assert chat.sent == [] and "the welcome could not be posted (Discord 503)" in caplog.text
    monkeypatch.setattr(chat, "post", real_post)
    await community.bot_joined(GUILD)
    assert [s.card for s in chat.sent] == [Welcome(language="en")]


async def test_a_channel_that_refuses_the_welcome_is_no_error_and_pauses_nothing(
    community: CommunityService, chat: RecordingChat, core: Core
) -> None:
    """The platform refuses the post (the channel lost meanwhile): the core's delivery
    policy would pause the channel, but a community with no row has nothing to pause."""
    chat.greeting_channel = ANNOUNCEMENTS
    chat.lost_channels.add(ANNOUNCEMENTS)
    await community.bot_joined(GUILD)
    assert chat.sent == []
    async with core.db.read() as conn:
        assert await targets_db.is_unreachable(conn, GUILD, ANNOUNCEMENTS) is False
    chat.lost_channels.clear()
    await community.bot_joined(GUILD)  # told again: tried again
    assert [s.card for s in chat.sent] == [Welcome(language="en")]
