"""How a session's opening looks: the opening post, the overview, the review of actions,
the top questions and the facilitator's panel."""

from __future__ import annotations

from datetime import date

import discord

from bot.i18n import Catalog
from bot.services.facilitation_cards import (
    ActionReview,
    OpeningControl,
    QuestionsAgenda,
    SessionOpened,
    SessionOverview,
)
from cogs.buttons import RoutedButton
from cogs.sessions import routes
from cogs.toolkit import Rendered, button, buttons_view, clip, escape

COLOUR = discord.Colour.teal()
FIELD_MAX = 1024


def due_note(catalog: Catalog, language: str, due_on: date | None) -> str:
    """What follows an action with a due date ("due on …"); nothing without one."""
    if due_on is None:
        return ""
    return catalog.t(language, "facilitation.review.due", date=due_on.isoformat())


def action_line(
    catalog: Catalog,
    language: str,
    key: str,
    *,
    number: int,
    text: str,
    owner_id: int,
    due_on: date | None,
    **more: object,
) -> str:
    """An action as the catalog line ``key`` shows it: number, text, owner, due date."""
    return catalog.t(
        language,
        key,
        number=number,
        text=escape(text),
        user=f"<@{owner_id}>",
        due=due_note(catalog, language, due_on),
        **more,
    )


def panel(
    catalog: Catalog, language: str, session_id: int, step: int, *, last: bool
) -> discord.ui.View:
    """Join, Next (or nothing on the last step), +2 min, Add action, End."""

    def label(key: str) -> str:
        return catalog.t(language, f"facilitation.buttons.{key}")

    items = [button(routes.JOIN.build(session=session_id), label=label("join"), emoji="🙋")]
    if not last:
        items.append(
            button(
                routes.NEXT.build(session=session_id, step=step),
                label=label("next"),
                style=discord.ButtonStyle.primary,
                emoji="⏭️",
            )
        )
    if step >= 0:
        items.append(
            button(routes.MORE.build(session=session_id, step=step), label=label("more"), emoji="⏱️")
        )
    items.append(
        button(routes.ADD_ACTION.build(session=session_id), label=label("add_action"), emoji="📌")
    )
    items.append(
        button(
            routes.END.build(session=session_id),
            label=label("end"),
            style=discord.ButtonStyle.danger if last else discord.ButtonStyle.secondary,
            emoji="🏁",
        )
    )
    return buttons_view(*items)


def opened(card: SessionOpened, catalog: Catalog) -> Rendered:
    lang = card.language
    key = "facilitation.open.started_for" if card.meeting_title else "facilitation.open.started"
    text = catalog.t(
        lang,
        key,
        protocol=escape(card.protocol_name),
        meeting=escape(card.meeting_title or ""),
        user=f"<@{card.facilitator_id}>" if card.facilitator_id else "—",
    )
    view = buttons_view(
        button(
            routes.JOIN.build(session=card.session_id),
            label=catalog.t(lang, "facilitation.buttons.join"),
            emoji="🙋",
        )
    )
    return Rendered(content=text, view=view)


def overview(card: SessionOverview, catalog: Catalog) -> Rendered:
    lang = card.language
    embed = discord.Embed(
        title=f"🧭 {clip(card.protocol_name, 240)}",
        description=clip(card.overview, 4000),
        colour=COLOUR,
    )
    steps = [
        catalog.t(
            lang,
            "facilitation.open.step_line",
            number=step.number,
            title=escape(step.title),
            minutes=step.minutes,
            mode=catalog.t(lang, f"facilitation.modes.{step.mode}"),
        )
        for step in card.steps
    ]
    embed.add_field(
        name=catalog.t(lang, "facilitation.open.steps", minutes=card.total_minutes),
        value=clip("\n".join(steps), FIELD_MAX),
        inline=False,
    )
    if card.client_id is not None:
        embed.add_field(
            name=catalog.t(lang, "facilitation.open.client"),
            value=f"<@{card.client_id}>",
            inline=False,
        )
    embed.set_footer(text=catalog.t(lang, "facilitation.open.footer"))
    return Rendered(embeds=[embed])


def review(card: ActionReview, catalog: Catalog) -> Rendered:
    lang = card.language
    title = catalog.t(lang, "facilitation.review.title")
    if card.parts > 1:
        title += f" ({card.part}/{card.parts})"
    lines = []
    pairs: list[tuple[RoutedButton, RoutedButton]] = []
    for item in card.items:
        carried = (
            catalog.t(lang, "facilitation.review.carried", count=item.carried_count)
            if item.carried_count
            else ""
        )
        lines.append(
            action_line(
                catalog,
                lang,
                "facilitation.review.line",
                number=item.action_id,
                text=item.text,
                owner_id=item.owner_id,
                due_on=item.due_on,
                carried=carried,
            )
        )
        done = button(
            routes.REVIEW.build(session=card.session_id, action=item.action_id, outcome="done"),
            label=catalog.t(lang, "facilitation.buttons.review_done", number=item.action_id),
            style=discord.ButtonStyle.success,
        )
        later = button(
            routes.REVIEW.build(session=card.session_id, action=item.action_id, outcome="carried"),
            label=catalog.t(lang, "facilitation.buttons.review_carried", number=item.action_id),
        )
        pairs.append((done, later))
    embed = discord.Embed(title=title, description=clip("\n".join(lines), 4000), colour=COLOUR)
    embed.set_footer(text=catalog.t(lang, "facilitation.review.footer"))
    view = discord.ui.View(timeout=None)
    for row, pair in enumerate(pairs):  # one action per row: Done | Carried over
        for routed in pair:
            routed.row = row
            view.add_item(routed)
    return Rendered(embeds=[embed], view=view)


def agenda(card: QuestionsAgenda, catalog: Catalog) -> Rendered:
    lang = card.language
    lines = [
        catalog.t(
            lang,
            "facilitation.agenda.line",
            number=item.number if item.number is not None else "?",
            kind=catalog.t(lang, f"facilitation.agenda.{item.kind}"),
            text=escape(clip(item.text, 300)),
            upvotes=item.upvotes,
        )
        for item in card.items
    ]
    embed = discord.Embed(
        title=catalog.t(lang, "facilitation.agenda.title"),
        description=clip("\n".join(lines), 4000),
        colour=COLOUR,
    )
    view = buttons_view(
        *(
            button(
                routes.DISCUSSED.build(session=card.session_id, item=item.item_id),
                label=catalog.t(
                    lang,
                    "facilitation.buttons.discussed",
                    number=item.number if item.number is not None else "?",
                ),
                emoji="💬",
            )
            for item in card.items[:5]
        )
    )
    return Rendered(embeds=[embed], view=view)


def opening_control(card: OpeningControl, catalog: Catalog) -> Rendered:
    lang = card.language
    lines = [catalog.t(lang, "facilitation.open.control", title=escape(card.first_step_title))]
    if card.reviewed_actions == 0:
        lines.append(catalog.t(lang, "facilitation.open.no_review"))
    return Rendered(
        content="\n".join(lines),
        view=panel(catalog, lang, card.session_id, -1, last=False),
    )
