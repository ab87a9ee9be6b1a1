"""``/actions``: one page of the list, a Done button for each action on it the member may
close, and Previous / Next when there is more than one page."""

from __future__ import annotations

from bot.chat import Join, MemberRef, Message, Panel, Text
from bot.chat.layout import Row
from bot.chat.text import Param
from bot.db.facilitation.actions import ActionItem
from bot.paging import page_row
from bot.services.facilitation.actions.cards import ACTIONS_PAGE, action_line, done_button
from bot.services.facilitation.actions.service import ActionList


def action_list(listing: ActionList) -> Message:
    title = Text(key=f"facilitation.actions.title_{listing.scope}")
    if not listing.items:
        empty = Text(key="facilitation.actions.empty")
        return Message(panels=(Panel(title=title, description=empty, tone="info"),))
    shown = Join(
        parts=tuple(
            action_line(
                "facilitation.actions.line",
                action.id,
                action,
                status=Text(key=f"facilitation.actions.status_{action.status}"),
            )
            for action in listing.items
        )
    )
    footer = Text(
        key="facilitation.actions.footer",
        params={"page": listing.page, "pages": listing.pages, "total": listing.total},
    )
    rows: list[Row] = []
    on_page = (listing.scope, listing.include_done, listing.page)
    done = tuple(
        done_button(action.guild_id, action.id, listed=on_page)
        for action in listing.items
        if action.pending and action.id in listing.markable
    )
    if done:
        rows.append(done)
    if listing.pages > 1:
        include_done = int(listing.include_done)
        rows.append(
            page_row(
                listing,
                lambda page: ACTIONS_PAGE.build(scope=listing.scope, done=include_done, page=page),
                previous=Text(key="facilitation.actions.previous"),
                following=Text(key="facilitation.actions.next"),
            )
        )
    panel = Panel(title=title, description=shown, footer=footer, tone="info")
    return Message(panels=(panel,), rows=tuple(rows))


def action_done(item: ActionItem, actor_id: int) -> Text:
    """The answer to a Done: the owner is congratulated; anyone else closing it (a
    facilitator) is told whose action it was."""
    if item.owner_id == actor_id:
        return Text(key="facilitation.replies.action_done", params={"number": item.id})
    owner = MemberRef(user_id=item.owner_id)
    params: dict[str, Param] = {"number": item.id, "user": owner}
    return Text(key="facilitation.replies.action_done_for", params=params)
