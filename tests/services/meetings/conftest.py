"""The meeting service of a set-up community (with a facilitator role), for every test here."""

from __future__ import annotations

import pytest

from bot.services.base import Core
from bot.services.meetings import MeetingService
from tests.services.meetings.helpers import FACILITATORS, set_up_service


@pytest.fixture
async def service(core: Core) -> MeetingService:
    return await set_up_service(core, facilitator_role=FACILITATORS)
