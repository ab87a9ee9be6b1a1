"""``/actions`` (a member's or the community's actions, with Done buttons and paging) and
the Done button of an action (in ``/actions``, in a reminder DM, in a channel)."""

from __future__ import annotations

from bot.chat import Text
from bot.interactions import Interaction
from bot.interactions.commands import Option
from bot.interactions.interface import Interface, click, command
from bot.interactions.routes import Params
from bot.services.facilitation.actions.cards import ACTION_DONE, ACTIONS_PAGE
from bot.services.facilitation.actions.replies import action_list
from bot.services.facilitation.actions.service import ActionService

SCOPES = (("mine", "Mine"), ("all", "Everyone's"))


class ActionInterface(Interface):
    def __init__(self, actions: ActionService) -> None:
        self.actions = actions

    @command(
        "actions",
        "The actions committed to in sessions, with Done buttons",
        Option("scope", "Your actions, or everyone's (default: yours)", choices=SCOPES),
        Option("done", "Also show the actions already done", kind="boolean"),
    )
    async def listing(self, ctx: Interaction, scope: str = "mine", done: bool = False) -> None:
        listed = await self.actions.listing(ctx.actor(), scope, include_done=done)
        await ctx.reply(action_list(listed))

    @click(ACTIONS_PAGE)
    async def page(self, ctx: Interaction, params: Params) -> None:
        """Previous / Next under ``/actions``: the other page replaces this one."""
        listed = await self.actions.listing(
            ctx.actor(),
            params["scope"],
            include_done=params["done"] == "1",
            page=int(params["page"]),
        )
        await ctx.update(action_list(listed))

    @click(ACTION_DONE)
    async def done(self, ctx: Interaction, params: Params) -> None:
        # Marking done may wait on the database: acknowledge within Discord's 3 seconds.
        await ctx.defer()
        item = await self.actions.mark_done(
            ctx.actor_in(int(params["guild"])), int(params["action"])
        )
        await ctx.reply(Text(key="facilitation.replies.action_done", params={"number": item.id}))
