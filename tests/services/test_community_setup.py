"""``/plc setup`` asks the platform: can the bot post in each channel, can the facilitator
role see the command that moderates questions (the recording platform answers)."""

from __future__ import annotations

import dataclasses

import pytest

from bot.actor import Actor
from bot.chat import ChannelRef, Code, Join
from bot.db.communities import SetupChanges
from bot.errors import UserError
from bot.services.base import Core
from bot.services.community import CommunityService
from tests.recording_chat import RecordingChat

GUILD = 100
ROLE = 4
ADMIN = Actor(guild_id=GUILD, user_id=7, manages_guild=True, language="en")


@pytest.mark.parametrize(("can", "hidden"), [(False, True), (True, False), (None, False)])
async def test_setup_says_whether_the_facilitators_can_see_moderate(
    core: Core, chat: RecordingChat, can: bool | None, hidden: bool
) -> None:
    if can is not None:
        chat.moderating_roles[ROLE] = can
    result = await CommunityService(core).set_up(ADMIN, SetupChanges(facilitator_role_id=ROLE))
    assert result.created and result.community.facilitator_role_id == ROLE
    assert result.moderation_hidden is hidden


async def test_nothing_is_said_of_moderate_without_a_role_or_the_questions_feature(
    core: Core, chat: RecordingChat
) -> None:
    chat.moderating_roles[ROLE] = False
    service = CommunityService(core)
    assert not (await service.set_up(ADMIN, SetupChanges(language="fr"))).moderation_hidden
    features = core.settings.features.model_copy(update={"enabled": ["meetings"]})
    settings = core.settings.model_copy(update={"features": features})
    without_questions = CommunityService(dataclasses.replace(core, settings=settings))
    result = await without_questions.set_up(ADMIN, SetupChanges(facilitator_role_id=ROLE))
    assert not result.moderation_hidden


async def test_a_channel_the_bot_cannot_post_in_is_refused_and_nothing_saved(
    core: Core, chat: RecordingChat
) -> None:
    service = CommunityService(core)
    chat.unwritable[11] = ("send_messages", "embed_links")
    with pytest.raises(UserError) as refused:
        await service.configure(ADMIN, SetupChanges(timezone="Europe/Paris", checkin_channel_id=11))
    assert refused.value.key == "admin.errors.channel_permission"
    assert refused.value.params["channel"] == ChannelRef(channel_id=11)
    assert refused.value.params["permissions"] == Join(
        parts=(Code(text="send_messages"), Code(text="embed_links")), sep=", "
    )
    chat.lost_channels.add(12)
    with pytest.raises(UserError) as missing:
        await service.configure(ADMIN, SetupChanges(moderation_channel_id=12))
    assert missing.value.key == "admin.errors.channel_missing"
    assert await service.get(GUILD) is None


async def test_only_managers_are_asked_about_channels(core: Core, chat: RecordingChat) -> None:
    chat.lost_channels.add(12)
    member = Actor(guild_id=GUILD, user_id=8)
    with pytest.raises(UserError) as refused:
        await CommunityService(core).configure(member, SetupChanges(moderation_channel_id=12))
    assert refused.value.key == "errors.manage_server_required"
