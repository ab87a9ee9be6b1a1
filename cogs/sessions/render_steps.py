"""How a running session looks: each step, each turn (mentioning only the speaker), the
end of a round, the timer posts, notes, decisions, actions and review answers."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.i18n import Catalog
from bot.services.facilitation_cards import (
    ActionPosted,
    EntryPosted,
    QuestionDiscussed,
    ReviewAnswered,
    RoundComplete,
    StepExtended,
    StepStarted,
    TimeNotice,
    TurnPrompt,
)
from cogs.sessions import routes
from cogs.sessions.render_open import COLOUR, action_line, panel
from cogs.toolkit import Rendered, button, buttons_view, clip, escape


def _stamp(value: datetime) -> int:
    return int(value.timestamp())


def step(card: StepStarted, catalog: Catalog) -> Rendered:
    lang = card.language

    def say(key: str, /, **params: object) -> str:
        return catalog.t(lang, f"facilitation.step.{key}", **params)

    ends = _stamp(card.ends_at)
    embed = discord.Embed(
        title=say("title", number=card.step_index + 1, count=card.step_count, title=card.title),
        description=clip(card.prompt, 4000),
        colour=COLOUR,
    )
    mode = (
        say("round", count=card.round_size)
        if card.mode == "round"
        else catalog.t(lang, "facilitation.modes.discussion")
    )
    embed.add_field(name=say("mode"), value=mode, inline=True)
    embed.add_field(
        name=say("time"), value=say("time_value", minutes=card.minutes, timestamp=ends), inline=True
    )
    if card.question:
        embed.add_field(name=say("question"), value=clip(card.question, 1024), inline=False)
    lines = []
    if card.client_id is not None:
        lines.append(say("client_turn", user=f"<@{card.client_id}>"))
    if card.is_last:
        lines.append(say("last"))
    return Rendered(
        content="\n".join(lines) or None,
        embeds=[embed],
        view=panel(catalog, lang, card.session_id, card.step_index, last=card.is_last),
    )


def turn(card: TurnPrompt, catalog: Catalog) -> Rendered:
    lang = card.language
    lines = [
        catalog.t(
            lang,
            "facilitation.turn.prompt",
            user=f"<@{card.user_id}>",
            number=card.turn_index + 1,
            count=card.turn_count,
            step=escape(card.step_title),
        )
    ]
    if card.question:
        lines.append(catalog.t(lang, "facilitation.turn.question", question=card.question))
    view = buttons_view(
        button(
            routes.DONE.build(session=card.session_id, step=card.step_index, turn=card.turn_index),
            label=catalog.t(lang, "facilitation.buttons.done"),
            style=discord.ButtonStyle.success,
            emoji="✅",
        ),
        button(
            routes.SKIP_TURN.build(
                session=card.session_id, step=card.step_index, turn=card.turn_index
            ),
            label=catalog.t(lang, "facilitation.buttons.pass"),
            emoji="⏩",
        ),
    )
    return Rendered(content="\n".join(lines), view=view)


def round_complete(card: RoundComplete, catalog: Catalog) -> Rendered:
    if card.empty:
        key = "facilitation.round.empty"
    else:
        key = "facilitation.round.last" if card.is_last else "facilitation.round.complete"
    return Rendered(content=catalog.t(card.language, key, step=escape(card.step_title)))


def time_notice(card: TimeNotice, catalog: Catalog) -> Rendered:
    text = catalog.t(
        card.language,
        f"facilitation.time.{card.phase}",
        step=escape(card.step_title),
        timestamp=_stamp(card.ends_at),
    )
    if card.late:
        text += "\n" + catalog.t(card.language, "delivery.late")
    return Rendered(content=text)


def extended(card: StepExtended, catalog: Catalog) -> Rendered:
    return Rendered(
        content=catalog.t(
            card.language,
            "facilitation.time.extended",
            step=escape(card.step_title),
            extra=card.extra_minutes,
            timestamp=_stamp(card.ends_at),
        )
    )


def entry(card: EntryPosted, catalog: Catalog) -> Rendered:
    return Rendered(
        content=catalog.t(
            card.language,
            f"facilitation.entry.{card.kind}",
            text=escape(clip(card.text, 1800)),
            user=f"<@{card.author_id}>" if card.author_id else "—",
        )
    )


def action(card: ActionPosted, catalog: Catalog) -> Rendered:
    return Rendered(
        content=action_line(
            catalog,
            card.language,
            "facilitation.entry.action",
            number=card.action_id,
            text=card.text,
            owner_id=card.owner_id,
            due_on=card.due_on,
        )
    )


def review_answered(card: ReviewAnswered, catalog: Catalog) -> Rendered:
    return Rendered(
        content=catalog.t(
            card.language,
            f"facilitation.review.answered_{card.outcome}",
            number=card.action_id,
            text=escape(clip(card.text, 300)),
            user=f"<@{card.owner_id}>",
            by=f"<@{card.by_user_id}>",
        )
    )


def question_discussed(card: QuestionDiscussed, catalog: Catalog) -> Rendered:
    return Rendered(
        content=catalog.t(
            card.language,
            "facilitation.agenda.discussed",
            number=card.number if card.number is not None else "?",
            text=escape(clip(card.text, 300)),
        )
    )
