"""The rotation of facilitators (SPEC §5): ``/rotation``, the offer's buttons, its cards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.services.facilitation_cards import FacilitatorOffer, RotationNotice
from cogs.rotation import render
from cogs.rotation.commands import Rotation

if TYPE_CHECKING:
    from cogs.client import PlcBot


async def setup(bot: PlcBot) -> None:
    cog = Rotation(bot)
    bot.chat.renders(FacilitatorOffer, render.offer)
    bot.chat.renders(RotationNotice, render.notice)
    bot.buttons.route(render.ACCEPT, cog.on_accept)
    bot.buttons.route(render.DECLINE, cog.on_decline)
    await bot.add_cog(cog)
