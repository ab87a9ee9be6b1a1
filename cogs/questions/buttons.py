"""The buttons of posted and in-review items (``plcq:<action>:<ref>``), routed by ``bot.buttons``.

Each handler parses, asks the service (which checks who may act) and answers the click
by re-rendering the message clicked on, or privately. Errors go to the one error
handler: an ephemeral message, never a log naming the member.
"""

from __future__ import annotations

import discord

from bot.chat import Card
from bot.db.questions import QuestionItem
from cogs.errors import Refused
from cogs.questions import moderation
from cogs.questions.commands import report_form, service
from cogs.questions.render import what
from cogs.toolkit import NO_MENTIONS, actor, plc_bot, reply, t, user_language

REF = r"(?P<ref>[0-9a-f]{16})"
Params = dict[str, str]


async def _show(interaction: discord.Interaction, card: Card) -> None:
    """Answer the click by showing the message clicked on as the service now describes it."""
    rendered = plc_bot(interaction).chat.render(card)
    await interaction.response.edit_message(
        embeds=rendered.embeds, view=rendered.view, allowed_mentions=NO_MENTIONS
    )


def _what(interaction: discord.Interaction, item: QuestionItem) -> str:
    """How the member's own language names the item: "anonymous question #3"."""
    return what(plc_bot(interaction).catalog, user_language(interaction), item)


async def on_upvote(interaction: discord.Interaction, params: Params) -> None:
    outcome = await service(interaction).toggle_upvote(actor(interaction), params["ref"])
    await _show(interaction, outcome.shown)


async def on_done(interaction: discord.Interaction, params: Params) -> None:
    """A post from before moderation moved to the *Moderate* panel (the service updates it)."""
    outcome = await service(interaction).mark_answered(actor(interaction), params["ref"])
    key = "questions.mod.answered" if outcome.item.kind == "question" else "questions.mod.discussed"
    await reply(interaction, t(interaction, key))


async def on_report(interaction: discord.Interaction, params: Params) -> None:
    await service(interaction).get(actor(interaction).guild_id, params["ref"])
    await report_form(interaction, params["ref"]).open(interaction)


async def on_remove(interaction: discord.Interaction, params: Params) -> None:
    """A post from before moderation moved to the *Moderate* panel (the service updates it)."""
    outcome = await service(interaction).remove(actor(interaction), params["ref"])
    removed = t(interaction, "questions.mod.removed", what=_what(interaction, outcome.item))
    await reply(interaction, removed)


async def on_block(interaction: discord.Interaction, params: Params) -> None:
    outcome = await service(interaction).block_author(actor(interaction), params["ref"])
    key = "questions.mod.blocked" if outcome.newly_blocked else "questions.mod.already_blocked"
    await reply(interaction, t(interaction, key, what=_what(interaction, outcome.item)))


async def on_approve(interaction: discord.Interaction, params: Params) -> None:
    questions = service(interaction)
    outcome = await questions.approve(actor(interaction), params["ref"])
    await _show(interaction, outcome.shown)
    # The click is answered; now the post, rather than at the scheduler's next wake-up.
    await questions.post_approved(params["ref"])


async def on_reject(interaction: discord.Interaction, params: Params) -> None:
    outcome = await service(interaction).reject(actor(interaction), params["ref"])
    await _show(interaction, outcome.shown)


async def on_reject_and_block(interaction: discord.Interaction, params: Params) -> None:
    outcome = await service(interaction).reject(
        actor(interaction), params["ref"], block_author=True
    )
    await _show(interaction, outcome.shown)


async def on_unknown(interaction: discord.Interaction, params: Params) -> None:
    raise Refused("errors.expired")


ROUTES = (
    *moderation.ROUTES,
    (rf"plcq:up:{REF}", on_upvote),
    (rf"plcq:done:{REF}", on_done),
    (rf"plcq:report:{REF}", on_report),
    (rf"plcq:remove:{REF}", on_remove),
    (rf"plcq:block:{REF}", on_block),
    (rf"plcq:approve:{REF}", on_approve),
    (rf"plcq:reject:{REF}", on_reject),
    (rf"plcq:rejectblock:{REF}", on_reject_and_block),
    (rf"plcq:[a-z]+:{REF}", on_unknown),  # an action of an older version: say it expired
)
