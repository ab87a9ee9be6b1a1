"""The meeting service of a set-up community (with a facilitator role), for every test here."""

from __future__ import annotations

import pytest

from bot.services.base import Core
from bot.services.meetings import MeetingService
from tests.services.meetings.helpers import FACILITATORS, meeting_service, set_up


@pytest.fixture
async def service(core: Core) -> MeetingService:
    return meeting_service(core, await set_up(core, facilitator_role=FACILITATORS))
