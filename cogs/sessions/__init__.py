"""Live sessions, actions and the practice log (SPEC §5): ``/session``, ``/actions``,
``/practices``; the session's cards, buttons and Add action form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services import facilitation_cards as cards
from cogs.sessions import render_open, render_steps, render_summary, routes
from cogs.sessions.buttons import SessionButtons
from cogs.sessions.commands import Sessions
from cogs.sessions.records import Records

if TYPE_CHECKING:
    from cogs.client import PlcBot


async def setup(bot: PlcBot) -> None:
    chat = bot.chat
    chat.renders(cards.SessionOpened, render_open.opened)
    chat.renders(cards.SessionOverview, render_open.overview)
    chat.renders(cards.ActionReview, render_open.review)
    chat.renders(cards.QuestionsAgenda, render_open.agenda)
    chat.renders(cards.OpeningControl, render_open.opening_control)
    chat.renders(cards.StepStarted, render_steps.step)
    chat.renders(cards.TurnPrompt, render_steps.turn)
    chat.renders(cards.RoundComplete, render_steps.round_complete)
    chat.renders(cards.TimeNotice, render_steps.time_notice)
    chat.renders(cards.StepExtended, render_steps.extended)
    chat.renders(cards.EntryPosted, render_steps.entry)
    chat.renders(cards.ActionPosted, render_steps.action)
    chat.renders(cards.ReviewAnswered, render_steps.review_answered)
    chat.renders(cards.QuestionDiscussed, render_steps.question_discussed)
    chat.renders(cards.SessionEnded, render_summary.summary)
    chat.renders(cards.ActionReminder, render_summary.reminder)
    SessionButtons(bot).declare()
    await bot.add_cog(Sessions(bot))
    records = Records(bot)
    bot.buttons.route(routes.ACTIONS_PAGE, records.on_page)
    await bot.add_cog(records)
