"""The offline schema checks: Adaptive Card 1.5 (and the size budget), the Teams manifest 1.22."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from bot.emulator.teams import CARD_CONTENT_TYPE, TeamsEmulator
from bot.emulator.teams.validation import (
    CARD_SIZE_BUDGET,
    activity_card_errors,
    card_errors,
    manifest_errors,
)

from .conftest import Tenant
from .minibot import card, text, vote_card


def test_the_minibots_cards_are_valid() -> None:
    assert card_errors(vote_card(3)) == []
    refreshed = card([text("x")], refresh={"action": {"type": "Action.Execute"}, "userIds": []})
    assert card_errors(refreshed) == []


def test_an_invalid_card_is_reported_where_it_is_wrong() -> None:
    assert card_errors(card([{"type": "TextBlock"}])) == ["body/0: 'text' is a required property"]
    assert card_errors(card([{**text("x"), "size": "huge"}])) == [
        "body/0/size: 'huge' is not one of ['default', 'small', 'medium', 'large', 'extraLarge']"
    ]
    bad_verb = card([text("x")], [{"type": "Action.Execute", "title": "Go", "verb": 3}])
    assert card_errors(bad_verb) == ["actions/0/verb: 3 is not of type 'string'"]
    assert card_errors({**vote_card(1), "version": "1.2"}) == ["version: '1.2' is not '1.5'"]


def test_a_card_over_the_size_budget_is_reported() -> None:
    big = card([text("x" * CARD_SIZE_BUDGET)])
    [problem] = card_errors(big)
    assert problem.startswith("(size): ") and f"{CARD_SIZE_BUDGET}-byte budget" in problem


def test_every_card_attachment_of_an_activity_is_checked() -> None:
    activity = {
        "type": "message",
        "attachments": [
            {"contentType": CARD_CONTENT_TYPE, "content": vote_card(1)},
            {"contentType": "text/html", "content": "<p>not a card</p>"},
            {"contentType": CARD_CONTENT_TYPE, "content": card([{"type": "TextBlock"}])},
        ],
    }
    assert activity_card_errors(activity) == ["attachments/2/body/0: 'text' is a required property"]


async def test_the_emulator_records_each_broken_card_the_bot_sends(
    emu: TeamsEmulator, tenant: Tenant
) -> None:
    from microsoft_agents.activity import Activity, Attachment
    from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

    broken = Attachment(content_type=CARD_CONTENT_TYPE, content=card([{"type": "TextBlock"}]))
    client = TeamsConnectorClient(endpoint=emu.service_url, token="")
    try:
        sent = await client.conversations.send_to_conversation(
            tenant.checkins.id, Activity(type="message", attachments=[broken])
        )
    finally:
        await client.close()
    # Teams would show it broken, not refuse it: the message exists, the problem is on record.
    assert emu.state.messages[sent.id].card is not None
    assert emu.card_problems == [(sent.id, "attachments/0/body/0: 'text' is a required property")]


def manifest() -> dict[str, Any]:
    """A minimal app package manifest (v1.22) with a bot in team and personal scopes."""
    app_id = str(uuid.uuid4())
    return {
        "$schema": "https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json",
        "manifestVersion": "1.22",
        "version": "0.1.0",
        "id": app_id,
        "developer": {
            "name": "PLC Bot",
            "websiteUrl": "https://example.org",
            "privacyUrl": "https://example.org/privacy",
            "termsOfUseUrl": "https://example.org/terms",
        },
        "name": {"short": "PLC Bot", "full": "Professional learning community bot"},
        "description": {"short": "Runs a PLC", "full": "Meetings, facilitation, check-ins."},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#FFFFFF",
        "bots": [{"botId": app_id, "scopes": ["team", "personal"], "isNotificationOnly": False}],
        "validDomains": [],
    }


def test_a_valid_manifest_passes() -> None:
    assert manifest_errors(manifest()) == []


def test_an_invalid_manifest_is_reported() -> None:
    wrong = copy.deepcopy(manifest())
    del wrong["developer"]["privacyUrl"]
    wrong["manifestVersion"] = "1.21"
    wrong["bots"][0]["scopes"] = ["everywhere"]
    problems = manifest_errors(wrong)
    assert "developer: 'privacyUrl' is a required property" in problems
    assert "manifestVersion: '1.22' was expected" in problems
    assert any(p.startswith("bots/0/scopes/0: 'everywhere' is not one of") for p in problems)


def test_the_msteams_mentions_of_a_card_are_checked_as_teams_reads_them() -> None:
    bob = {"id": "29:1b", "name": "Bob"}
    mention = {"type": "mention", "text": "<at>Bob</at>", "mentioned": bob}
    shown = card([text("Over to <at>Bob</at>")], msteams={"width": "Full", "entities": [mention]})
    assert card_errors(shown) == []
    missing = card([text("Over to Bob")], msteams={"entities": [mention]})
    assert card_errors(missing) == ["msteams/entities/0: <at>Bob</at> is not in the card's text"]
    odd = card([text("x")], msteams={"entities": [{"type": "mention"}], "color": "red"})
    assert card_errors(odd) == [
        "msteams: unknown property 'color'",
        "msteams/entities/0: not a mention entity",
    ]
