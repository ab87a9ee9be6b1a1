"""The session's buttons and its Add action form: each click is one service call.

Routed by action id (:mod:`.routes`), so buttons posted before a restart work after it,
and so does the form.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.actor import Actor
from bot.chat import Form, Text, TextInput
from bot.interactions import Interaction
from bot.interactions.interface import Interface, click, form
from bot.interactions.routes import Params
from bot.services.facilitation.actions.service import TEXT_MAX
from bot.services.facilitation.sessions import replies, routes
from bot.services.facilitation.sessions.records import SessionRecords
from bot.services.facilitation.sessions.service import SessionService

DUE_TYPED_MAX = 40
EndTurn = Callable[[Actor, int, int, int], Awaitable[object]]
"""Ends a turn: (who, session, step, turn)."""


def action_form(session_id: int) -> Form:
    return Form(
        action=routes.ACTION_FORM.build(session=session_id),
        title=Text(key="facilitation.form.title"),
        inputs=(
            TextInput(
                id="text",
                label=Text(key="facilitation.form.text"),
                style="paragraph",
                max_length=TEXT_MAX,
            ),
            TextInput(
                id="due",
                label=Text(key="facilitation.form.due"),
                required=False,
                max_length=DUE_TYPED_MAX,
                placeholder=Text(key="facilitation.form.due_hint"),
            ),
        ),
    )


class SessionButtons(Interface):
    """Clicks may post in the thread first: each acknowledges at once (``defer``), within
    the platform's few seconds, then answers. A turn's acknowledgement goes out beside its
    write and the next prompt's post, not before them: the group waits for the prompt."""

    def __init__(self, sessions: SessionService, records: SessionRecords) -> None:
        self.sessions = sessions
        self.records = records

    @click(routes.JOIN)
    async def join(self, ctx: Interaction, params: Params) -> None:
        await ctx.defer()
        added = await self.sessions.join(ctx.actor(), int(params["session"]))
        key = "facilitation.replies.joined" if added else "facilitation.replies.already_joined"
        await ctx.reply(Text(key=key))

    @click(routes.SKIP_TURN)
    async def pass_turn(self, ctx: Interaction, params: Params) -> None:
        await self._turn_over(ctx, params, self.sessions.pass_turn, "facilitation.replies.passed")

    @click(routes.DONE)
    async def done(self, ctx: Interaction, params: Params) -> None:
        await self._turn_over(ctx, params, self.sessions.finish_turn, "facilitation.replies.done")

    async def _turn_over(self, ctx: Interaction, params: Params, end: EndTurn, said: str) -> None:
        """*Pass* or *Done* on the turn the button names (its session, step and turn)."""
        actor = ctx.actor()
        acknowledged = asyncio.ensure_future(ctx.defer())
        try:
            await end(actor, int(params["session"]), int(params["step"]), int(params["turn"]))
        finally:
            await acknowledged  # before any answer, the refusal's too, goes out
        await ctx.reply(Text(key=said))

    @click(routes.NEXT)
    async def next_step(self, ctx: Interaction, params: Params) -> None:
        await ctx.defer()
        session = await self.sessions.next_step(
            ctx.actor(), int(params["session"]), expected_step=int(params["step"])
        )
        await ctx.reply(replies.moved(session, ctx.language))

    @click(routes.MORE)
    async def more(self, ctx: Interaction, params: Params) -> None:
        await ctx.defer()
        session = await self.sessions.extend(
            ctx.actor(), int(params["session"]), expected_step=int(params["step"])
        )
        await ctx.reply(replies.extended(session))

    @click(routes.END)
    async def end(self, ctx: Interaction, params: Params) -> None:
        await ctx.defer()
        await ctx.reply(replies.ended(await self.sessions.end(ctx.actor(), int(params["session"]))))

    @click(routes.ADD_ACTION)
    async def open_action_form(self, ctx: Interaction, params: Params) -> None:
        await self.sessions.check_live(ctx.actor(), int(params["session"]))
        await ctx.open_form(action_form(int(params["session"])))

    @form(routes.ACTION_FORM)
    async def submit_action(self, ctx: Interaction, params: Params, values: dict[str, str]) -> None:
        await ctx.defer()
        item = await self.records.add_action(
            ctx.actor(),
            values.get("text"),
            due=values.get("due") or None,
            session_id=int(params["session"]),
        )
        await ctx.reply(replies.action_recorded(item))

    @click(routes.REVIEW)
    async def review(self, ctx: Interaction, params: Params) -> None:
        await ctx.defer()
        item = await self.records.review_action(
            ctx.actor(), int(params["session"]), int(params["action"]), params["outcome"]
        )
        key = f"facilitation.replies.review_{params['outcome']}"
        await ctx.reply(Text(key=key, params={"number": item.id}))

    @click(routes.DISCUSSED)
    async def discussed(self, ctx: Interaction, params: Params) -> None:
        await ctx.defer()
        await self.records.discuss_question(
            ctx.actor(), int(params["session"]), int(params["item"])
        )
        await ctx.reply(Text(key="facilitation.replies.discussed"))
