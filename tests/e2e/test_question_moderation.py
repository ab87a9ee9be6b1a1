"""Moderation for facilitators whose role lacks Manage Messages (so Discord hides *Apps ›
Moderate* from them): the approved review message keeps Remove and Block author, and
``/questions moderate number:`` gives the private panel. Members are refused, the author
is never revealed, and buttons and forms with the ids of earlier versions still work."""

from __future__ import annotations

import json
import struct

import pytest

from bot.emulator import CommandUnavailable, InteractionResult, Message, Permission, ResponseType
from bot.emulator.sample import FACILITATOR_PERMISSIONS
from tests.e2e.harness import Harness
from tests.e2e.privacy import database_rows
from tests.e2e.test_questions import (
    action_of,
    ask,
    bot_posts,
    click,
    custom_id,
    in_review,
    label,
    moderate,
    panel_click,
    propose,
    recorded,
    refreshed,
)

AUTHOR = "bob"


def without_manage_messages(h: Harness) -> None:
    """The facilitator role as many servers have it: no Manage Messages."""
    role = h.emu.state.role(h.guild.id, h.guild.roles["facilitator"])
    role.permissions = int(FACILITATOR_PERMISSIONS & ~Permission.MANAGE_MESSAGES)


async def press(h: Harness, user: str, message: Message, action: str) -> InteractionResult:
    """Click ``action`` on ``message`` as ``user``, reading the answer in English."""
    result = await h.emu.click(h.user(user), message, custom_id(message, action), locale="en-US")
    await result.final()
    return result


async def moderate_number(h: Harness, user: str, number: int, **kind: str) -> InteractionResult:
    result = await h.slash(user, "questions moderate", number=number, locale="en-US", **kind)
    return await result.final()


def title(message: Message) -> str:
    return str(message.embeds[0]["title"])


def actions(message: Message) -> list[str]:
    return [action_of(c) for c in message.custom_ids()]


async def test_a_facilitator_without_manage_messages_moderates_from_the_review_message(
    harness: Harness,
) -> None:
    h = harness
    await h.setup_community(moderation=True)
    without_manage_messages(h)
    await ask(h, AUTHOR, "Something rude")
    [review] = bot_posts(h, "moderation")
    seen_by_moderator = [await press(h, "alice", review, "approve")]
    [posted] = await h.emu.wait_for(lambda: bot_posts(h, "questions"))
    with pytest.raises(CommandUnavailable):  # Discord hides Moderate from her role
        await moderate(h, "alice", posted)
    review = refreshed(h, review)
    assert title(review) == "Anonymous question approved"
    assert actions(review) == ["rremove", "rblock"]

    # A member (who could be shown the channel) is refused, by the buttons and the command.
    for action in ("rremove", "rblock"):
        refused = await press(h, "david", review, action)
        assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    command = await moderate_number(h, "david", 1)
    assert command.ephemeral and "Only facilitators" in (command.content or "")
    assert command.message is not None and command.message.custom_ids() == []
    assert "Something rude" in refreshed(h, posted).all_text()

    blocked = await press(h, "alice", review, "rblock")
    assert blocked.response_type == ResponseType.UPDATE_MESSAGE
    review = refreshed(h, review)
    assert title(review) == "Anonymous question approved, author blocked"
    assert f"blocked by <@{h.user('alice')}>" in review.all_text()
    assert actions(review) == ["rremove", "runblock"]  # what is still possible
    refused_ask = await h.slash(AUTHOR, "ask")
    assert refused_ask.modal is None and "blocked" in (refused_ask.content or "")

    removed = await press(h, "alice", review, "rremove")
    assert removed.response_type == ResponseType.UPDATE_MESSAGE
    review = refreshed(h, review)
    assert title(review) == "Anonymous question removed"
    assert f"Removed by <@{h.user('alice')}>" in review.all_text()
    assert "Its author is blocked" in review.all_text()
    assert "Something rude" not in review.all_text() and actions(review) == ["runblock"]
    posted = refreshed(h, posted)
    assert "removed by the moderators" in posted.all_text() and posted.custom_ids() == []
    seen_by_moderator += [blocked, removed]

    await assert_author_never_shown(h, seen_by_moderator)


async def test_questions_moderate_gives_facilitators_the_panel_without_a_moderation_channel(
    harness: Harness,
) -> None:
    h = harness
    await h.setup_community()
    without_manage_messages(h)
    await ask(h, AUTHOR, "Answer me")
    await propose(h, AUTHOR, "A topic to take down", anonymous=True)
    question, topic = bot_posts(h, "questions")

    panel = await moderate_number(h, "alice", 1)
    assert panel.ephemeral and "Moderating anonymous question #1" in (panel.content or "")
    assert panel.message is not None and actions(panel.message) == ["mdone", "mremove", "mblock"]
    assert "Marked as answered." in await panel_click(h, "alice", panel, "mdone")
    assert refreshed(h, question).embeds[0]["footer"]["text"] == "Answered ✓"

    topic_panel = await moderate_number(h, "alice", 1, kind="topic")
    assert "Moderating topic #1" in (topic_panel.content or "")
    blocked = await panel_click(h, "alice", topic_panel, "mblock")
    assert "The author of topic #1 is now blocked" in blocked
    removed = await panel_click(h, "alice", topic_panel, "mremove")
    assert "Removed topic #1" in removed
    assert "removed by the moderators" in refreshed(h, topic).all_text()

    missing = await moderate_number(h, "alice", 7)
    assert "No anonymous question #7" in (missing.content or "")
    refused = await moderate_number(h, "david", 1, kind="topic")
    assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    await assert_author_never_shown(h, [panel, topic_panel, missing])


async def test_a_report_opens_the_moderation_panel_for_facilitators_only(harness: Harness) -> None:
    """The report in the moderation channel carries *Moderate*: the facilitator acts from
    it, on the item reported, without finding its number; members are refused."""
    h = harness
    await h.setup_community(moderation=True)
    without_manage_messages(h)
    await ask(h, AUTHOR, "Something rude")
    [review] = bot_posts(h, "moderation")
    await press(h, "alice", review, "approve")
    [posted] = await h.emu.wait_for(lambda: bot_posts(h, "questions"))
    await recorded(h, posted)
    opened = await click(h, "chloe", posted, "report")
    sent = await h.emu.submit_modal(h.user("chloe"), opened, {"reason": "Not kind"})
    await sent.final()
    report = bot_posts(h, "moderation")[-1]
    assert "**Report** on anonymous question #1" in report.content
    assert actions(report) == ["reported"] and label(report, "reported") == "Moderate"

    refused = await press(h, "david", report, "reported")
    assert refused.ephemeral and "Only facilitators" in (refused.content or "")
    assert refused.message is not None and refused.message.custom_ids() == []
    panel = await press(h, "alice", report, "reported")
    assert panel.ephemeral and "Moderating anonymous question #1" in (panel.content or "")
    assert "Removed anonymous question #1" in await panel_click(h, "alice", panel, "mremove")
    assert "removed by the moderators" in refreshed(h, posted).all_text()
    gone = await press(h, "alice", report, "reported")  # the panel still opens, to block
    assert gone.message is not None and actions(gone.message) == ["mblock"]
    await assert_author_never_shown(h, [panel, gone])


async def assert_author_never_shown(h: Harness, seen: list[InteractionResult]) -> None:
    """The author's id and names are nowhere in what the moderators saw (their private
    answers), in the channels' messages, or in any row of the database."""
    user = h.emu.state.users[h.user(AUTHOR)]
    traces = [str(user.id).encode(), user.username.encode()]
    if user.global_name:
        traces.append(user.global_name.encode())
    private = [r.message.to_json(h.emu.state) for r in seen if r.message is not None]
    shown = [
        message.to_json(h.emu.state)
        for channel in h.emu.state.guild_channels(h.guild.id)
        for message in h.emu.messages_in(channel.id)
    ]
    screens = json.dumps([private, shown], ensure_ascii=False).encode()
    rows = await database_rows(h)
    moderator = str(h.user("alice")).encode()  # the scan finds who moderated: it looks
    assert moderator in screens and any(moderator in value for value in rows)
    for trace in traces:
        assert trace not in screens
        assert all(trace not in value for value in rows)
    assert struct.pack(">q", user.id) not in b"".join(rows)


# -- ids of earlier versions ----------------------------------------------------------------


def as_earlier_versions_posted(message: Message) -> None:
    """The message's buttons with the ids earlier versions wrote: ``plcq:<action>:<ref>``."""
    for row in message.components:
        for component in row["components"]:
            component["custom_id"] = component["custom_id"].replace("plc:q:", "plcq:", 1)


async def test_buttons_and_forms_of_earlier_versions_work_after_a_restart(
    harness: Harness,
) -> None:
    h = harness
    review = await in_review(h, AUTHOR, "Asked before the upgrade")
    as_earlier_versions_posted(review)
    assert all(c.startswith("plcq:") for c in review.custom_ids())
    typing = await h.slash("david", "ask")
    assert typing.modal is not None
    typing.modal.custom_id = "plcq:ask"  # a form opened before the upgrade
    await h.restart()

    await press(h, "alice", review, "approve")
    [posted] = await h.emu.wait_for(lambda: bot_posts(h, "questions"))
    as_earlier_versions_posted(posted)
    await h.restart()
    await press(h, "chloe", posted, "up")
    assert label(refreshed(h, posted), "up") == "▲ 1"  # redrawn with today's ids
    assert all(c.startswith("plc:q:") for c in refreshed(h, posted).custom_ids())

    as_earlier_versions_posted(posted)
    reporting = await click(h, "david", posted, "report")
    assert reporting.modal is not None
    reporting.modal.custom_id = reporting.modal.custom_id.replace(
        "plc:q:report-form:", "plcq:report:"
    )
    panel = await moderate(h, "alice", posted)
    assert panel.message is not None
    as_earlier_versions_posted(panel.message)
    await h.restart()

    assert "Marked as answered." in await panel_click(h, "alice", panel, "mdone")
    reported = await h.emu.submit_modal(h.user("david"), reporting, {"reason": "Off topic"})
    assert "without your name" in ((await reported.final()).content or "")
    asked = await h.emu.submit_modal(h.user("david"), typing, {"question": "Typed before"})
    assert "sent anonymously to the moderators" in ((await asked.final()).content or "")
    assert actions(refreshed(h, review)) == ["rremove", "rblock"]
