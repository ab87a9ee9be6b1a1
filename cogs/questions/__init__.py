"""Anonymous questions and topics (SPEC §7): ``/ask``, ``/topic propose``, ``/questions top``.

The extension declares how the feature's cards look, where its buttons and forms are
routed, and its commands; :class:`~bot.services.questions.QuestionService` (built in
``bot/app.py``) does the rest, its post timer included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.questions import QuestionPost, QuestionService, ReportPost, ReviewPost
from cogs.questions import buttons
from cogs.questions.commands import REPORT_ROUTE, SUBMIT_ROUTE, Questions, on_report, on_submit
from cogs.questions.moderation import moderate_command
from cogs.questions.render import render_question_post, render_report_post, render_review_post

if TYPE_CHECKING:
    from cogs.client import PlcBot


async def setup(bot: PlcBot) -> None:
    bot.chat.renders(QuestionPost, render_question_post)
    bot.chat.renders(ReviewPost, render_review_post)
    bot.chat.renders(ReportPost, render_report_post)
    for pattern, handler in buttons.ROUTES:
        bot.buttons.route(pattern, handler)
    bot.forms.route(SUBMIT_ROUTE, on_submit)  # plcq:ask, plcq:topic
    bot.forms.route(REPORT_ROUTE, on_report)  # plcq:report:<ref>
    await bot.add_cog(Questions(bot.services.get(QuestionService)))
    bot.tree.add_command(moderate_command())
