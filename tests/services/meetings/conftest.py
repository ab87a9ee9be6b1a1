"""The meeting service of a set-up community (with a facilitator role), for every test here."""

from __future__ import annotations

import pytest

from bot.services.base import Core
from bot.services.meetings import MeetingService
from tests.services.meetings.helpers import set_up_service
from tests.services.sample import FACILITATOR_ROLE


@pytest.fixture
async def service(core: Core) -> MeetingService:
    return await set_up_service(core, facilitator_role=FACILITATOR_ROLE)
