"""The session's buttons and its Add action form: each click is one service call.

Routed by ``custom_id`` (:mod:`cogs.sessions.routes`), so buttons posted before a
restart work after it; the form is restart-proof too (the toolkit's ``Form``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.services.actions import ActionService
from bot.services.sessions import SessionService
from cogs.sessions import routes
from cogs.sessions.commands import action_recorded, moved_text
from cogs.toolkit import Field, Form, actor, actor_in, reply, t

if TYPE_CHECKING:
    from cogs.client import PlcBot

Params = dict[str, str]


async def _thinking(interaction: discord.Interaction) -> None:
    """Clicks may post in the thread first: acknowledge within Discord's 3 seconds."""
    await interaction.response.defer(ephemeral=True, thinking=True)


class SessionButtons:
    def __init__(self, bot: PlcBot) -> None:
        self.bot = bot
        self.sessions = bot.services.get(SessionService)
        self.actions = bot.services.get(ActionService)

    def declare(self) -> None:
        route = self.bot.buttons.route
        route(routes.JOIN, self.join)
        route(routes.SKIP_TURN, self.pass_turn)
        route(routes.DONE, self.done)
        route(routes.NEXT, self.next_step)
        route(routes.MORE, self.more)
        route(routes.END, self.end)
        route(routes.ADD_ACTION, self.open_action_form)
        route(routes.REVIEW, self.review)
        route(routes.DISCUSSED, self.discussed)
        route(routes.ACTION_DONE, self.action_done)
        self.bot.forms.route(routes.ACTION_FORM, self.submit_action)

    async def join(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        added = await self.sessions.join(actor(interaction), int(params["session"]))
        key = "facilitation.replies.joined" if added else "facilitation.replies.already_joined"
        await reply(interaction, t(interaction, key))

    async def pass_turn(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        await self.sessions.pass_turn(
            actor(interaction), int(params["session"]), int(params["step"]), int(params["turn"])
        )
        await reply(interaction, t(interaction, "facilitation.replies.passed"))

    async def done(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        await self.sessions.finish_turn(
            actor(interaction), int(params["session"]), int(params["step"]), int(params["turn"])
        )
        await reply(interaction, t(interaction, "facilitation.replies.done"))

    async def next_step(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        session = await self.sessions.next_step(
            actor(interaction), int(params["session"]), expected_step=int(params["step"])
        )
        await reply(interaction, moved_text(interaction, session.protocol, session.step_index))

    async def more(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        session = await self.sessions.extend(
            actor(interaction), int(params["session"]), expected_step=int(params["step"])
        )
        await reply(
            interaction,
            t(interaction, "facilitation.replies.extended", extra=session.extra_minutes),
        )

    async def end(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        summary = await self.sessions.end(actor(interaction), int(params["session"]))
        await reply(
            interaction, t(interaction, "facilitation.replies.ended", covered=len(summary.covered))
        )

    async def open_action_form(self, interaction: discord.Interaction, params: Params) -> None:
        form = Form(
            custom_id=routes.ACTION_FORM.build(session=int(params["session"])),
            title=t(interaction, "facilitation.form.title"),
            fields=(
                Field(
                    id="text",
                    label=t(interaction, "facilitation.form.text"),
                    style="paragraph",
                    max_length=300,
                ),
                Field(
                    id="due",
                    label=t(interaction, "facilitation.form.due"),
                    required=False,
                    max_length=40,
                    placeholder=t(interaction, "facilitation.form.due_hint"),
                ),
            ),
        )
        await form.open(interaction)

    async def submit_action(
        self, interaction: discord.Interaction, params: Params, values: dict[str, str]
    ) -> None:
        await _thinking(interaction)
        item = await self.sessions.add_action(
            actor(interaction),
            values.get("text"),
            due=values.get("due") or None,
            session_id=int(params["session"]),
        )
        await reply(interaction, action_recorded(interaction, item))

    async def review(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        item = await self.sessions.review_action(
            actor(interaction), int(params["session"]), int(params["action"]), params["outcome"]
        )
        key = f"facilitation.replies.review_{params['outcome']}"
        await reply(interaction, t(interaction, key, number=item.id))

    async def discussed(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        await self.sessions.discuss_question(
            actor(interaction), int(params["session"]), int(params["item"])
        )
        await reply(interaction, t(interaction, "facilitation.replies.discussed"))

    async def action_done(self, interaction: discord.Interaction, params: Params) -> None:
        await _thinking(interaction)
        item = await self.actions.mark_done(
            actor_in(interaction, int(params["guild"])), int(params["action"])
        )
        await reply(interaction, t(interaction, "facilitation.replies.action_done", number=item.id))
