"""``/rotation join|leave|show|skip|set-next`` and the offer's Accept / Can't this time."""

from __future__ import annotations

from bot.chat import Message, Moment, Text
from bot.interactions import UI, Interaction
from bot.interactions.commands import Command, Group, MemberOption, Option
from bot.interactions.routes import Params
from bot.services.facilitation.rotation.cards import ACCEPT, DECLINE, rotation_panel
from bot.services.facilitation.rotation.models import RotationView
from bot.services.facilitation.rotation.service import RotationService


class RotationInterface:
    def __init__(self, rotation: RotationService) -> None:
        self.rotation = rotation

    def declare(self, ui: UI) -> None:
        ui.add(
            Group(
                "rotation",
                "Take turns facilitating the community's meetings",
                (
                    Command("join", "Volunteer to facilitate meetings in turn", self.join),
                    Command("leave", "Stop volunteering to facilitate", self.leave),
                    Command(
                        "show", "Who facilitates next, the order, and how often each has", self.show
                    ),
                    Command(
                        "skip",
                        "Send whoever is next to the back of the line (facilitators)",
                        self.skip,
                        access="facilitator",
                    ),
                    Command(
                        "set-next",
                        "Choose who facilitates next (facilitators)",
                        self.set_next,
                        options=(
                            Option(
                                "member", "A member of the rotation", kind="member", required=True
                            ),
                        ),
                        access="facilitator",
                    ),
                ),
            )
        )
        ui.routes.click(ACCEPT, self.accept)
        ui.routes.click(DECLINE, self.decline)

    async def _show(self, ctx: Interaction, view: RotationView, key: str) -> None:
        await ctx.reply(
            Message(
                content=Text(key=f"facilitation.rotation.{key}"), panels=(rotation_panel(view),)
            )
        )

    async def join(self, ctx: Interaction) -> None:
        joined = await self.rotation.join(ctx.actor())
        await self._show(
            ctx, await self.rotation.show(ctx.actor()), "joined" if joined else "already_in"
        )

    async def leave(self, ctx: Interaction) -> None:
        await self.rotation.leave(ctx.actor())
        await ctx.reply(Text(key="facilitation.rotation.left"))

    async def show(self, ctx: Interaction) -> None:
        await self._show(ctx, await self.rotation.show(ctx.actor()), "shown")

    async def skip(self, ctx: Interaction) -> None:
        await self._show(ctx, await self.rotation.skip(ctx.actor()), "skipped")

    async def set_next(self, ctx: Interaction, member: MemberOption) -> None:
        await self._show(ctx, await self.rotation.set_next(ctx.actor(), member.user_id), "next_set")

    async def accept(self, ctx: Interaction, params: Params) -> None:
        answer = await self.rotation.accept(
            ctx.actor_in(int(params["guild"])), int(params["occurrence"])
        )
        await ctx.reply(
            Text(
                key="facilitation.offer.accepted",
                params={"title": answer.meeting_title, "when": Moment(at=answer.starts_at)},
            )
        )

    async def decline(self, ctx: Interaction, params: Params) -> None:
        answer = await self.rotation.decline(
            ctx.actor_in(int(params["guild"])), int(params["occurrence"])
        )
        key = "declined_passed" if answer.next_user_id else "declined_nobody"
        await ctx.reply(
            Text(key=f"facilitation.offer.{key}", params={"title": answer.meeting_title})
        )
