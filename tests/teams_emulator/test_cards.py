"""Adaptive Card actions as the Teams client performs them: Action.Execute, refresh for the
users a card names, dialogs (task/fetch, task/submit)."""

from __future__ import annotations

import pytest

from bot.emulator.teams import CARD_CONTENT_TYPE, CardError, TeamsEmulator, TeamsMessage

from .conftest import Tenant
from .minibot import MiniTeamsBot


async def _bot_card(emu: TeamsEmulator, tenant: Tenant, command: str) -> TeamsMessage:
    result = await emu.mention(tenant.alice, tenant.checkins, command)
    [posted] = emu.state.replies_to(result.message)
    assert posted.card is not None
    return posted


def _texts(card: dict[str, object] | None) -> list[object]:
    assert card is not None
    body = card.get("body")
    assert isinstance(body, list)
    return [element.get("text") for element in body]


async def test_action_execute_replaces_the_card_for_the_user_who_clicked(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    posted = await _bot_card(emu, tenant, "vote")
    result = await emu.execute(tenant.bob, posted, "Yes")
    assert result.status == 200
    assert result.body["statusCode"] == 200 and result.body["type"] == CARD_CONTENT_TYPE
    sent = result.activity
    assert (sent["type"], sent["name"], sent["replyToId"]) == (
        "invoke",
        "adaptiveCard/action",
        posted.id,
    )
    assert sent["value"]["action"] == {
        "type": "Action.Execute",
        "title": "Yes",
        "verb": "vote",
        "data": {"choice": "yes"},
    }
    assert bot.calls["vote"] == (tenant.bob.id, {"choice": "yes"})
    assert _texts(posted.card_for(tenant.bob.id)) == ["Votes: 1"]
    # Everyone else still sees the card as the bot posted it.
    assert _texts(posted.card_for(tenant.alice.id)) == ["Votes: 0"]
    assert emu.card_problems == []


async def test_an_unknown_action_is_refused_like_the_client_would(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    posted = await _bot_card(emu, tenant, "vote")
    with pytest.raises(CardError, match="No"):
        await emu.execute(tenant.bob, posted, "No")
    assert not [r for r in emu.inbound if r.activity["type"] == "invoke"]


async def test_refresh_is_sent_for_the_users_the_card_names_only(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    posted = await _bot_card(emu, tenant, "status")  # refresh.userIds: [alice]
    assert await emu.view(tenant.bob, posted) is None
    result = await emu.view(tenant.alice, posted)
    assert result is not None and result.status == 200
    assert result.activity["value"]["trigger"] == "automatic"
    assert bot.calls["refresh"] == (tenant.alice.id, "automatic")
    assert _texts(posted.card_for(tenant.alice.id)) == ["Status for Alice Tremblay"]
    assert _texts(posted.card_for(tenant.bob.id)) == ["Status for everyone"]


async def test_a_dialog_is_fetched_filled_and_submitted(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    posted = await _bot_card(emu, tenant, "form")
    opened = await emu.open_dialog(tenant.bob, posted, "Give feedback")
    assert opened.status == 200 and opened.activity["name"] == "task/fetch"
    dialog = opened.dialog
    assert dialog is not None and dialog.title == "Feedback"
    with pytest.raises(CardError, match="required"):
        await emu.submit_dialog(dialog)
    with pytest.raises(CardError, match="no input"):
        dialog.fill(rating=5)
    submitted = await emu.submit_dialog(dialog.fill(comment="Très utile"))
    assert submitted.activity["name"] == "task/submit"
    assert submitted.body == {"task": {"type": "message", "value": "Thanks!"}}
    assert submitted.dialog is None  # a message answer closes the dialog
    assert bot.calls["feedback"] == {"verb": "feedback", "comment": "Très utile"}


async def test_updating_the_message_replaces_every_users_view(
    emu: TeamsEmulator, tenant: Tenant, bot: MiniTeamsBot
) -> None:
    """The shared card changes only through the Bot Connector's update (PUT)."""
    from microsoft_agents.activity import Activity, Attachment
    from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

    from .minibot import vote_card

    posted = await _bot_card(emu, tenant, "vote")
    await emu.execute(tenant.bob, posted, "Yes")
    client = TeamsConnectorClient(endpoint=emu.service_url, token="")
    attachment = Attachment(content_type=CARD_CONTENT_TYPE, content=vote_card(7))
    try:
        await client.conversations.update_activity(
            posted.thread_conversation_id,
            posted.id,
            Activity(type="message", attachments=[attachment]),
        )
    finally:
        await client.close()
    assert _texts(posted.card_for(tenant.bob.id)) == ["Votes: 7"]
    assert len(posted.history) == 1
