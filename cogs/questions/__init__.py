"""Anonymous questions and topics (SPEC §7): ``/ask``, ``/topic propose``, ``/questions top``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.scheduler import TimerKind
from bot.services.questions import POST_KIND, RETENTION_KIND, QuestionService
from cogs.questions.commands import Questions
from cogs.questions.views import QuestionButton

if TYPE_CHECKING:
    from cogs.client import PlcBot


async def setup(bot: PlcBot) -> None:
    service = bot.services.get(QuestionService)
    cog = Questions(bot, service)
    bot.core.scheduler.register(
        TimerKind(POST_KIND, cog.on_post_timer, on_missed=cog.on_post_missed)
    )
    bot.core.scheduler.register(
        TimerKind(RETENTION_KIND, cog.on_retention, on_missed=cog.on_retention_missed)
    )
    bot.add_dynamic_items(QuestionButton)
    await bot.add_cog(cog)
    await service.plan_retention()
