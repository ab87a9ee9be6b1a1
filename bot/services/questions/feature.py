"""Anonymous questions and topics, as the application installs them."""

from __future__ import annotations

from bot.features import Feature
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.outbox import Outbox
from bot.services.questions.interface import QuestionsInterface
from bot.services.questions.models import RETENTION_RULE
from bot.services.questions.service import QuestionService
from bot.services.registry import Services


def declare(core: Core, services: Services) -> Feature:
    questions = QuestionService(core, services.get(CommunityService), outbox=services.get(Outbox))
    return Feature(
        name="questions",
        services=(questions,),
        timer_kinds=questions.posting.timer_kinds(),
        personal_data=(questions.records,),
        retention=((RETENTION_RULE, questions.records.retention_rule),),
        status=(questions.records,),
        interface=QuestionsInterface(questions).declare,
    )
