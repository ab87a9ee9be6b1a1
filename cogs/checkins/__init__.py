"""Goals and weekly check-ins (SPEC §6): the Discord side of ``/goal`` and ``/checkin``.

Loaded as the extension ``cogs.checkins``. The services (built once in ``bot/app.py``)
own every rule, the timers and what is posted; this extension declares how their
cards look, routes the prompt's buttons and the two forms (custom_ids unchanged, so
messages and forms from before a restart or an upgrade keep working), and adds the
commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.checkins import cards
from cogs.checkins.commands import Checkins, Goals
from cogs.checkins.forms import ANSWER_FORM, GOAL_FORM
from cogs.checkins.render import (
    ANSWER_BUTTON,
    EDIT_BUTTON,
    PULSE_BUTTON,
    nudge_renderer,
    render_answer,
    render_closed_prompt,
    render_digest,
    render_fallback,
    render_prompt,
)

if TYPE_CHECKING:
    from cogs.client import PlcBot


async def setup(bot: PlcBot) -> None:
    bot.chat.renders(cards.CheckinPrompt, render_prompt)
    bot.chat.renders(cards.ClosedCheckinPrompt, render_closed_prompt)
    bot.chat.renders(cards.AnswerPost, render_answer)
    bot.chat.renders(cards.CheckinNudge, nudge_renderer(bot))
    bot.chat.renders(cards.NudgeFallback, render_fallback)
    bot.chat.renders(cards.CheckinDigest, render_digest)
    goals, checkins = Goals(bot), Checkins(bot)
    bot.buttons.route(ANSWER_BUTTON, checkins.on_answer)
    bot.buttons.route(EDIT_BUTTON, checkins.on_edit)
    bot.buttons.route(PULSE_BUTTON, checkins.on_pulse)
    bot.forms.route(ANSWER_FORM, checkins.on_answer_form)
    bot.forms.route(GOAL_FORM, goals.on_goal_form)
    await bot.add_cog(goals)
    await bot.add_cog(checkins)
