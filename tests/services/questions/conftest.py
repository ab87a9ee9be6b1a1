"""The ``community`` (set up without review) and ``questions`` fixtures."""

from __future__ import annotations

import pytest

from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.questions import QuestionService
from tests.services.questions.helpers import GUILD, community_settings, question_service


@pytest.fixture
async def community(core: Core) -> CommunityService:
    service = CommunityService(core)
    await service.setup(GUILD, 1, community_settings(moderation=False))
    return service


@pytest.fixture
def questions(core: Core, community: CommunityService) -> QuestionService:
    return question_service(core, community)
