"""The session's buttons and its Add action form: each click is one service call.

Routed by action id (:mod:`.routes`), so buttons posted before a restart work after it,
and so does the form.
"""

from __future__ import annotations

import asyncio

from bot.chat import Form, Text, TextInput
from bot.db.facilitation.sessions import TurnOutcome
from bot.interactions import Interaction
from bot.interactions.interface import Interface, click, form
from bot.interactions.routes import Params
from bot.services.facilitation.actions.service import TEXT_MAX
from bot.services.facilitation.sessions import replies, routes
from bot.services.facilitation.sessions.records import SessionRecords
from bot.services.facilitation.sessions.service import SessionService

DUE_TYPED_MAX = 40
#: A turn's acknowledgement waits for its write and its next prompt, but never longer
#: than this (a write held up behind others, a post paced): the platform wants it within
#: a few seconds.
ACKNOWLEDGE_WITHIN_S = 0.5


class Acknowledgement:
    """A click's ``defer``, started once: when the turn is on the disk and its next prompt
    posted, or after :data:`ACKNOWLEDGE_WITHIN_S`, or when the write failed, whichever
    comes first. The answer then replaces the clicked prompt; a refusal still goes to
    the clicker alone.

    Started at the click, it was built, sent and answered while the turn's write waited
    for the interpreter the loop held; started at the commit, its request went out ahead
    of the prompt's post. Either way the group's wait for the prompt was longer."""

    def __init__(self, ctx: Interaction) -> None:
        self._ctx = ctx
        self._sent: asyncio.Future[None] | None = None
        self._latest = asyncio.get_running_loop().call_later(ACKNOWLEDGE_WITHIN_S, self.start)

    def start(self) -> None:
        """Start it (a task: it runs once the caller next waits), unless it was."""
        if self._sent is None:
            self._latest.cancel()
            self._sent = asyncio.ensure_future(self._ctx.defer(update=True))

    async def sent(self) -> None:
        self.start()
        if self._sent is not None:
            await self._sent


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
    the platform's few seconds, then answers. A turn's acknowledgement goes out once its
    next prompt is posted and the turn is on the disk, not before: the group waits for
    the prompt (:class:`Acknowledgement`)."""

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
        await self._turn_over(ctx, params, "passed")

    @click(routes.DONE)
    async def done(self, ctx: Interaction, params: Params) -> None:
        await self._turn_over(ctx, params, "spoke")

    async def _turn_over(self, ctx: Interaction, params: Params, outcome: TurnOutcome) -> None:
        """*Pass* or *Done* on the turn the button names (its session, step and turn): the
        prompt then says how the turn ended, for everyone, and loses its buttons."""
        actor = ctx.actor()
        acknowledgement = Acknowledgement(ctx)
        try:
            session, step, turn = int(params["session"]), int(params["step"]), int(params["turn"])
            ended = await self.sessions.end_turn(
                actor, session, step, turn, outcome, committed=acknowledgement.start
            )
        finally:
            await acknowledgement.sent()  # before any answer, the refusal's too, goes out
        await ctx.update(ended)

    @click(routes.NEXT)
    async def next_step(self, ctx: Interaction, params: Params) -> None:
        """The clicked controls lose their buttons: the new step's post, right under them,
        has them (and says where the group is)."""
        await ctx.defer(update=True)
        moved = await self.sessions.next_step(
            ctx.actor(), int(params["session"]), expected_step=int(params["step"])
        )
        if moved.left is not None:
            await ctx.update(moved.left)

    @click(routes.MORE)
    async def more(self, ctx: Interaction, params: Params) -> None:
        await ctx.defer()
        session = await self.sessions.extend(
            ctx.actor(), int(params["session"]), expected_step=int(params["step"])
        )
        await ctx.reply(replies.extended(session))

    @click(routes.END)
    async def end(self, ctx: Interaction, params: Params) -> None:
        """The session ends; the controls it was pressed on lose their buttons (if they are
        those of where the session is: End buttons of earlier versions do not say)."""
        await ctx.defer(update=True)
        shown_at = int(params["step"]) if "step" in params else None
        ended = await self.sessions.end(ctx.actor(), int(params["session"]), shown_at)
        if ended.left is not None:
            await ctx.update(ended.left)
        await ctx.reply(replies.ended(ended.summary))

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
        """The clicked review then shows the action answered, without its buttons; the
        clicker is told (a refusal goes to them alone, the post unchanged)."""
        await ctx.defer(update=True)
        session_id = int(params["session"])
        item = await self.records.review_action(
            ctx.actor(), session_id, int(params["action"]), params["outcome"]
        )
        shown = await self.records.review_shown(session_id, item.id)
        if shown is not None:
            await ctx.update(shown)
        key = f"facilitation.replies.review_{params['outcome']}"
        await ctx.reply(Text(key=key, params={"number": item.id}))

    @click(routes.DISCUSSED)
    async def discussed(self, ctx: Interaction, params: Params) -> None:
        await ctx.defer()
        await self.records.discuss_question(
            ctx.actor(), int(params["session"]), int(params["item"])
        )
        await ctx.reply(Text(key="facilitation.replies.discussed"))
