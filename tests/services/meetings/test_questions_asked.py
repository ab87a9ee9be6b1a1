"""What the meeting service asks before a preview: whether the bot can post where it will
announce (the chat platform's answer), and which protocols exist (the facilitation
feature's answer, when it is on)."""

from __future__ import annotations

import pytest

from bot.chat import ChannelRef, Code, Join
from bot.errors import UserError
from bot.protocols import load_protocols
from bot.services.base import Core
from bot.services.meetings import MeetingService
from tests.recording_chat import RecordingChat
from tests.services.meetings.helpers import facilitator
from tests.services.sample import ANNOUNCEMENTS, GUILD


async def draft(service: MeetingService, **options: str) -> None:
    await service.draft_schedule(facilitator(), title="A", when="2026-12-03 15:30", **options)


async def test_the_bot_must_be_able_to_post_where_it_announces(
    service: MeetingService, core: Core, chat: RecordingChat
) -> None:
    chat.unwritable[ANNOUNCEMENTS] = ("send_messages", "embed_links")
    with pytest.raises(UserError) as caught:
        await draft(service)
    assert caught.value.key == "meetings.errors.announcements_permission"
    assert caught.value.params == {
        "channel": ChannelRef(channel_id=ANNOUNCEMENTS),
        "permissions": Join(parts=(Code(text="send_messages"), Code(text="embed_links")), sep=", "),
    }
    chat.lost_channels.add(ANNOUNCEMENTS)
    with pytest.raises(UserError) as caught:
        await draft(service)
    assert caught.value.key == "meetings.errors.announcements_missing"
    assert await service.upcoming(GUILD) == []


async def test_without_live_sessions_a_protocol_is_refused_and_none_suggested(
    service: MeetingService,
) -> None:
    assert service.protocol_choices("", "en") == []
    with pytest.raises(UserError) as caught:
        await draft(service, protocol="codev")
    assert caught.value.key == "meetings.errors.sessions_off"


async def test_protocols_are_suggested_and_checked_by_the_registered_catalog(
    service: MeetingService,
) -> None:
    service.use_protocols(load_protocols(None))
    assert service.protocol_choices("echange", "fr") == [
        ("exchange", "Échange de pratiques (exchange)")
    ]
    assert [value for value, _ in service.protocol_choices("", "en")][:2] == ["codev", "plc"]
    checked = await service.draft_schedule(
        facilitator(), title="A", when="2026-12-03 15:30", protocol=" CODEV "
    )
    assert checked.protocol_id == "codev"
    with pytest.raises(UserError) as caught:
        await draft(service, protocol="fishbowl")
    assert caught.value.key == "facilitation.session.unknown_protocol"
