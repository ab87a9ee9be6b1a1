"""Someone adds the bot to a new server: Discord sends GUILD_CREATE after READY
(``on_guild_join``), and the bot greets the server once, in its system channel and its
language, with where to begin; a server the bot may not post in gets nothing, and
nothing breaks."""

from __future__ import annotations

import logging

import pytest

from bot.emulator import ChannelType, Permission
from tests.e2e.harness import Harness, until


def new_server(harness: Harness, *, locale: str, open_to_bot: bool = True) -> tuple[int, int]:
    """A server of its own (its owner, a #général system channel), the bot not in it yet."""
    state = harness.emu.state
    owner = state.add_user("principal", locale=locale)
    guild = state.add_guild("École du Parc", owner_id=owner.id, preferred_locale=locale)
    general = state.add_channel(guild.id, "général", ChannelType.TEXT)
    guild.system_channel_id = general.id
    if not open_to_bot:  # @everyone, the bot included, may not post
        guild.roles[guild.id].permissions &= ~int(Permission.SEND_MESSAGES)
    return guild.id, general.id


async def test_a_server_that_adds_the_bot_is_greeted_in_its_language(harness: Harness) -> None:
    guild_id, general = new_server(harness, locale="fr")
    harness.emu.add_bot(guild_id)

    def greetings() -> list[str]:
        return [
            m.content
            for m in harness.emu.messages_in(general)
            if m.author_id == harness.emu.bot_user_id
        ]

    [said] = await harness.emu.wait_for(lambda: greetings() or None)
    assert said.startswith("👋 Bonjour ! Je suis **plc-bot**.")
    assert "`/aide` liste toutes les commandes." in said
    assert "lance `/cap configurer`" in said
    assert said.endswith(
        "🇬🇧 In English: `/plc setup` to begin (choose English), then "
        "`/meeting schedule`, `/checkin schedule` and `/ask`."
    )
    # Its commands answer "not set up yet" until someone runs /plc setup.
    owner = harness.emu.state.guild(guild_id).owner_id
    result = await harness.emu.slash(guild_id, owner, "rotation show", channel_id=general)
    await result.final()
    assert "/cap configurer" in (result.content or "")


async def test_a_server_the_bot_may_not_post_in_is_not_greeted(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.services.community.welcome")
    guild_id, general = new_server(harness, locale="en-US", open_to_bot=False)
    harness.emu.add_bot(guild_id)
    await until(lambda: "no channel to greet in" in caplog.text, "the bot looks for a channel")
    posted = harness.emu.messages_in(general)
    assert [m for m in posted if m.author_id == harness.emu.bot_user_id] == []
