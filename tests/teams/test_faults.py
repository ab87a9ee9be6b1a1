"""What Teams refuses, as the bot meets it: throttling, a member who removed the app,
forged card actions."""

from __future__ import annotations

from datetime import timedelta

from bot.db import members as members_db
from bot.emulator.teams.activities import base_activity, invoke
from tests.teams.harness import TeamsHarness, card_text

ACTIVITIES = "/activities"


async def _offered_to_bob(teams: TeamsHarness, **fault: object) -> int:
    """Bob in the rotation, a date announced: the offer goes to him (through ``fault``)."""
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    if fault:
        teams.emu.faults.add(method="POST", path=ACTIVITIES, **fault)  # type: ignore[arg-type]
    return await teams.announce_date("PLC meeting", teams.clock.now() + timedelta(days=10))


def _offers(teams: TeamsHarness) -> list[object]:
    return [m for m in teams.private("bob") if "Will you facilitate" in card_text(m)]


async def test_a_429_is_waited_out_as_teams_asks_and_the_message_sent_once(
    teams: TeamsHarness,
) -> None:
    await _offered_to_bob(teams, status=429, retry_after=3, times=2)
    assert len(_offers(teams)) == 1  # nothing lost, nothing doubled
    posts = teams.emu.requests(method="POST", path_contains=ACTIVITIES)
    assert [r.status for r in posts][-3:] == [429, 429, 201]
    assert teams.pace.slept.count(3.0) >= 2  # Retry-After honoured, each time


async def test_throttling_past_the_bound_leaves_the_offer_to_its_timer(
    teams: TeamsHarness,
) -> None:
    await _offered_to_bob(teams, status=429, retry_after=20, times=3)
    assert _offers(teams) == []
    await teams.advance(timedelta(minutes=10))  # the timer's next attempt
    assert len(_offers(teams)) == 1


async def test_requests_are_paced_under_teams_limits_before_any_429(teams: TeamsHarness) -> None:
    await teams.setup_community()
    for _ in range(9):
        await teams.command("bob", "rotation show")
    assert teams.pace.slept, "the eighth post in two seconds waited for its slot"
    assert not teams.emu.requests(status=429)


async def test_a_member_who_removed_the_app_is_recorded_as_closed_dms(
    teams: TeamsHarness,
) -> None:
    await teams.setup_community()
    await teams.command("bob", "rotation join", channel="Check-ins")
    await teams.emu.uninstall_personal(teams.world.bob)
    await teams.announce_date("PLC meeting", teams.clock.now() + timedelta(days=10))
    async with teams.app.core.db.read() as conn:
        bob = await members_db.get(conn, await teams.team_number(), await teams.user_number("bob"))
    assert bob is not None and bob.dm_closed_at is not None
    [asked] = [m for m in teams.posts_in("Announcements") if "Will you facilitate" in card_text(m)]
    text = card_text(asked)
    # asked in the channel instead, in Teams words
    assert "<at>Bob Martin</at> — I cannot write to you in our 1:1 chat" in text
    assert asked.card is not None
    [entity] = asked.card["msteams"]["entities"]
    assert entity["mentioned"]["id"] == teams.world.bob.id


async def test_a_forged_or_stale_card_action_is_refused_and_changes_nothing(
    teams: TeamsHarness,
) -> None:
    occurrence = await _offered_to_bob(teams)
    offer = teams.last_private("bob")
    guild = await teams.team_number()
    chat = offer.thread_conversation_id

    async def act(user: str, data: dict[str, object]) -> str:
        sent = base_activity(
            teams.emu.state, teams.emu.service_url, "invoke", teams.world.user(user), chat
        )
        value = {"action": {"type": "Action.Execute", "verb": "plc.click", "data": data}}
        result = await teams.emu.post_activity(
            invoke(sent, "adaptiveCard/action", {**value, "trigger": "manual"}, reply_to=offer.id)
        )
        assert result.status == 200
        assert result.body["type"] == "application/vnd.microsoft.activity.message"
        return str(result.body["value"])

    before = len(teams.emu.state.bot_messages())
    assert "no longer valid" in await act("bob", {"plc.action": "plc:rot:accept:x"})
    assert "no longer valid" in await act("bob", {"plc.action": "plc:nothing:1"})
    refused = await act("david", {"plc.action": f"plc:rot:accept:{guild}:{occurrence}"})
    assert refused.startswith("This offer is not (or no longer) yours")
    stale = await act("bob", {"plc.action": f"plc:rot:accept:{guild}:{occurrence + 7}"})
    assert stale == "This meeting date no longer exists."
    assert len(teams.emu.state.bot_messages()) == before  # nothing was posted
    assert offer.user_views == {} and not offer.history  # the card is as it was
    rotation_status = await _status(teams, occurrence)
    assert rotation_status == "offered"


async def _status(teams: TeamsHarness, occurrence: int) -> str | None:
    from bot.services.facilitation.rotation.service import RotationService

    assignment = await teams.app.services.get(RotationService).assignment(occurrence)
    return assignment.status if assignment else None


async def test_a_channel_teams_no_longer_has_is_paused_and_the_facilitators_told(
    teams: TeamsHarness,
) -> None:
    from bot.chat import Channel, Notice

    await teams.setup_community()
    guild = await teams.team_number()
    gone = await teams.number("conversation", "19:deleted@thread.tacv2")
    chat = teams.app.core.chat
    card = Notice(language="en", key="facilitation.rotation.left")
    assert await chat.send(Channel(guild, gone), card) is None
    assert await chat.is_paused(guild, gone)
    [told] = teams.posts_in("Moderation")
    assert "a channel" in card_text(told)  # Teams no longer knows its name
    assert await chat.send(Channel(guild, gone), card) is None  # not hammered again
    assert len(teams.emu.requests(route="/v3/conversations", status=404)) == 1


async def test_a_teams_outage_is_left_to_the_timer(teams: TeamsHarness) -> None:
    import pytest

    from bot.chat import Channel, Notice
    from bot.scheduler import RetryLater

    await teams.setup_community()
    guild, channel = await teams.team_number(), await teams.channel_number("Announcements")
    teams.emu.faults.add(method="POST", path="/v3/conversations", status=503)
    card = Notice(language="en", key="facilitation.rotation.left")
    with pytest.raises(RetryLater):
        await teams.app.core.chat.send(Channel(guild, channel), card)
    assert not await teams.app.core.chat.is_paused(guild, channel)
    assert teams.posts_in("Announcements") == []
