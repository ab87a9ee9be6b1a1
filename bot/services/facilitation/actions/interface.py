"""``/actions`` (a member's or the community's actions, with Done buttons and paging) and
the Done button of an action (in ``/actions``, in a reminder DM, in a channel)."""

from __future__ import annotations

from bot.chat import Text
from bot.interactions import Interaction
from bot.interactions.commands import Option
from bot.interactions.interface import Interface, click, command
from bot.interactions.routes import Params
from bot.services.facilitation.actions.cards import ACTION_DONE, ACTIONS_PAGE, LISTED_DONE
from bot.services.facilitation.actions.replies import action_done, action_list
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
        """Done under a due-date reminder: the reminder says it is done and loses its
        button (also when it was closed elsewhere meanwhile); the clicker is told."""
        # Marking done may wait on the database: acknowledge within Discord's 3 seconds.
        await ctx.defer(update=True)
        actor = ctx.actor_in(int(params["guild"]))
        item, fresh, reminder = await self.actions.mark_done_reminded(
            actor, int(params["action"]), in_channel=ctx.guild_id is not None
        )
        if reminder is not None:
            await ctx.update(reminder)
        if fresh:
            await ctx.reply(action_done(item, actor.user_id))
        else:
            await ctx.reply(
                Text(key="facilitation.errors.action_already_done", params={"number": item.id})
            )

    @click(LISTED_DONE)
    async def done_listed(self, ctx: Interaction, params: Params) -> None:
        """Done under ``/actions``: the same page again, the action shown done without its
        button; the clicker is told (a refusal goes to them alone, the list unchanged)."""
        await ctx.defer(update=True)
        actor = ctx.actor_in(int(params["guild"]))
        item, listed = await self.actions.mark_done_listed(
            actor,
            int(params["action"]),
            params["scope"],
            include_done=params["done"] == "1",
            page=int(params["page"]),
        )
        await ctx.update(action_list(listed))
        await ctx.reply(action_done(item, actor.user_id))
