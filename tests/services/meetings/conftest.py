"""The meeting service of a set-up community (with a facilitator role) and a Discord
outage a test can switch on, for every test here."""

from __future__ import annotations

import pytest

from bot.clock import ControlledClock
from bot.services.base import Core
from bot.services.meetings import MeetingService
from tests.recording_chat import RecordingChat
from tests.services.meetings.helpers import Outage, set_up_service
from tests.services.sample import FACILITATOR_ROLE


@pytest.fixture
async def service(core: Core) -> MeetingService:
    return await set_up_service(core, facilitator_role=FACILITATOR_ROLE)


@pytest.fixture
def outage(
    chat: RecordingChat, core: Core, clock: ControlledClock, monkeypatch: pytest.MonkeyPatch
) -> Outage:
    return Outage(chat, core, clock, monkeypatch)
