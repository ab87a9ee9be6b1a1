"""How a session's summary, action reminders and ``/actions`` look."""

from __future__ import annotations

import discord

from bot.db.actions import ActionItem
from bot.i18n import Catalog, Language
from bot.services.actions import ActionList
from bot.services.facilitation_cards import ActionReminder, SessionEnded
from bot.services.session_summary import SummaryEntry
from cogs.sessions import routes
from cogs.sessions.render_open import COLOUR, action_line, due_note
from cogs.toolkit import Rendered, button, buttons_view, clip, escape, page_buttons

FIELD_MAX = 1024


def _entries(entries: tuple[SummaryEntry, ...], catalog: Catalog, language: str) -> str:
    lines = []
    for entry in entries:
        who = (
            f"<@{entry.author_id}>"
            if entry.author_id
            else catalog.t(language, "facilitation.log.former_member")
        )
        lines.append(f"• {escape(entry.text)} — {who}")
    return "\n".join(lines)


def summary(card: SessionEnded, catalog: Catalog) -> Rendered:
    lang, s = card.language, card.summary

    def say(key: str, /, **params: object) -> str:
        return catalog.t(lang, f"facilitation.summary.{key}", **params)

    embed = discord.Embed(
        title=say("title", protocol=s.protocol_name),
        description=say(
            "window",
            start=int(s.started_at.timestamp()),
            end=int(s.ended_at.timestamp()),
            count=len(s.participants),
        ),
        colour=COLOUR,
    )
    covered = "\n".join(f"✅ {step.number}. {escape(step.title)}" for step in s.covered)
    embed.add_field(
        name=say("covered"), value=clip(covered or say("none"), FIELD_MAX), inline=False
    )
    if s.not_reached:
        missed = "\n".join(f"⏭️ {step.number}. {escape(step.title)}" for step in s.not_reached)
        embed.add_field(name=say("not_reached"), value=clip(missed, FIELD_MAX), inline=False)
    if s.decisions:
        embed.add_field(
            name=say("decisions"),
            value=clip(_entries(s.decisions, catalog, lang), FIELD_MAX),
            inline=False,
        )
    if s.actions:
        lines = []
        for action in s.actions:
            due = due_note(catalog, lang, action.due_on)
            owner = f"<@{action.owner_id}>" if action.owner_id else "—"
            lines.append(f"📌 #{action.action_id} {escape(action.text)} — {owner}{due}")
        embed.add_field(name=say("actions"), value=clip("\n".join(lines), FIELD_MAX), inline=False)
    if s.notes:
        embed.add_field(
            name=say("notes"), value=clip(_entries(s.notes, catalog, lang), FIELD_MAX), inline=False
        )
    if s.turns:
        turns = "\n".join(
            say("turn_line", user=f"<@{turn.user_id}>", spoke=turn.spoke, passed=turn.passed)
            for turn in s.turns
        )
        embed.add_field(name=say("turns"), value=clip(turns, FIELD_MAX), inline=False)
    embed.set_footer(text=say("footer"))
    content = say("ended_early") if s.ended_early else say("ended")
    return Rendered(content=content, embeds=[embed])


def reminder(card: ActionReminder, catalog: Catalog) -> Rendered:
    lang = card.language
    text = catalog.t(
        lang,
        "facilitation.reminder.due",
        number=card.action_id,
        text=escape(card.text),
        date=card.due_on.isoformat(),
    )
    if card.in_channel:
        text = catalog.t(lang, "facilitation.reminder.in_channel", user=f"<@{card.owner_id}>") + (
            "\n" + text
        )
    view = buttons_view(
        button(
            routes.ACTION_DONE.build(guild=card.guild_id, action=card.action_id),
            label=catalog.t(lang, "facilitation.buttons.action_done", number=card.action_id),
            style=discord.ButtonStyle.success,
            emoji="✅",
        )
    )
    return Rendered(content=text, view=view)


def _line(action: ActionItem, catalog: Catalog, language: Language) -> str:
    return action_line(
        catalog,
        language,
        "facilitation.actions.line",
        number=action.id,
        text=clip(action.text, 200),
        owner_id=action.owner_id,
        due_on=action.due_on,
        status=catalog.t(language, f"facilitation.actions.status_{action.status}"),
    )


def action_list(
    listing: ActionList, catalog: Catalog, language: Language
) -> tuple[discord.Embed, discord.ui.View | None]:
    """``/actions``: one page of the list, a Done button for each action on it the member
    may close, and Previous / Next when there is more than one page."""
    embed = discord.Embed(
        title=catalog.t(language, f"facilitation.actions.title_{listing.scope}"), colour=COLOUR
    )
    if not listing.items:
        embed.description = catalog.t(language, "facilitation.actions.empty")
        return embed, None
    lines = [_line(action, catalog, language) for action in listing.items]
    embed.description = clip("\n".join(lines), 4000)
    embed.set_footer(
        text=catalog.t(
            language,
            "facilitation.actions.footer",
            page=listing.page,
            pages=listing.pages,
            total=listing.total,
        )
    )
    buttons = [
        button(
            routes.ACTION_DONE.build(guild=action.guild_id, action=action.id),
            label=catalog.t(language, "facilitation.buttons.action_done", number=action.id),
            style=discord.ButtonStyle.success,
        )
        for action in listing.items
        if action.pending and action.id in listing.markable
    ]
    if listing.pages > 1:
        done = int(listing.include_done)
        buttons += page_buttons(
            listing,
            lambda page: routes.ACTIONS_PAGE.build(scope=listing.scope, done=done, page=page),
            previous=catalog.t(language, "facilitation.actions.previous"),
            following=catalog.t(language, "facilitation.actions.next"),
        )
    return embed, buttons_view(*buttons) if buttons else None
