"""What a move leaves in a session's thread: *Next* or End by command, or *Next* in the
middle of a round, edit the controls they moved past and the prompt of the turn they cut
short into what happened, without buttons, through the session's durable posts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.chat import Card, Posted, SendOptions, Target
from bot.scheduler import RetryLater
from bot.services.facilitation.sessions.cards import (
    ActionReview,
    OpeningBegun,
    OpeningControl,
    SessionOpened,
    StepStarted,
    TurnPrompt,
)
from bot.services.facilitation.sessions.state import POST_KIND, post_key
from tests.services.facilitation_world import World, facilitator, member
from tests.services.sample import ALICE, BOB, ROOM


def posted_as(world: World, card: Card) -> Posted:
    """Where ``card`` was posted."""
    [sent] = [s for s in world.chat.sent if s.card == card]
    return sent.posted


def live_prompts(world: World) -> list[TurnPrompt]:
    return [c for c in world.chat.cards(TurnPrompt) if c.over is None]


async def test_next_by_command_retires_the_opening_then_a_step_and_its_cut_turn(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent_before_edit: list[int] = []
    real_edit = world.chat.edit

    async def edit(posted: Posted, card: Card) -> bool:
        sent_before_edit.append(len(world.chat.sent))
        return await real_edit(posted, card)

    monkeypatch.setattr(world.chat, "edit", edit)
    started = await world.start_session("exchange")
    await world.sessions.join(member(BOB), started.session.id)
    [panel] = world.chat.cards(OpeningControl)

    await world.sessions.next_step(facilitator(ALICE))
    [(where, begun)] = world.chat.edits
    assert where == posted_as(world, panel)
    assert isinstance(begun, OpeningBegun) and not begun.ended
    [step] = world.chat.cards(StepStarted)
    [prompt] = live_prompts(world)

    await world.sessions.next_step(facilitator(ALICE))  # while the first speaker talks
    assert world.chat.edits[1:] == [
        (posted_as(world, prompt), prompt.model_copy(update={"over": "moved_on"})),
        # Moved on before its time was over: it says it ended early.
        (posted_as(world, step), step.model_copy(update={"retired": True, "early": True})),
    ]
    # The edits follow the new step's post: the group sees where it is first.
    [step_two] = [
        i
        for i, s in enumerate(world.chat.sent)
        if s.card != step and isinstance(s.card, StepStarted)
    ]
    assert sent_before_edit[1:] == [step_two + 1, step_two + 1]


async def test_a_click_on_next_leaves_its_own_message_to_the_click(world: World) -> None:
    """The click replaces the controls it was on itself: the service edits only the cut
    turn's prompt."""
    started = await world.start_session("exchange")
    await world.sessions.join(member(BOB), started.session.id)
    await world.sessions.next_step(facilitator(ALICE), expected_step=-1)
    assert world.chat.edits == []
    [prompt] = live_prompts(world)
    moved = await world.sessions.next_step(facilitator(ALICE), expected_step=0)
    assert isinstance(moved.left, StepStarted) and moved.left.retired
    assert world.chat.edits == [
        (posted_as(world, prompt), prompt.model_copy(update={"over": "moved_on"}))
    ]


async def test_end_by_command_at_the_opening_says_the_session_ended_before_it_began(
    world: World,
) -> None:
    await world.start_session("checkin-round")
    [panel] = world.chat.cards(OpeningControl)
    ended = await world.sessions.end(facilitator(ALICE))
    assert ended.left is None
    [(where, card)] = [edit for edit in world.chat.edits if isinstance(edit[1], OpeningBegun)]
    assert where == posted_as(world, panel)
    assert isinstance(card, OpeningBegun) and card.ended
    assert card.layout().content is not None


async def test_a_retirement_waits_for_the_post_it_retires(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The prompt's post failed and waits for its retry: the edit of it waits too, then
    lands on the message the retry posted."""
    started = await world.start_session("exchange")
    await world.sessions.join(member(BOB), started.session.id)
    real_post = world.chat.post

    async def prompts_down(target: Target, card: Any, options: SendOptions) -> Posted:
        if isinstance(card, TurnPrompt):
            raise RetryLater("Discord 503")
        return await real_post(target, card, options)

    monkeypatch.setattr(world.chat, "post", prompts_down)
    await world.sessions.next_step(facilitator(ALICE))
    await world.sessions.next_step(facilitator(ALICE))  # cuts the turn nobody saw yet
    assert [card for _, card in world.chat.edits if isinstance(card, TurnPrompt)] == []

    monkeypatch.setattr(world.chat, "post", real_post)
    await world.advance(timedelta(seconds=30))
    [prompt] = world.chat.cards(TurnPrompt)
    [(where, card)] = [(p, c) for p, c in world.chat.edits if isinstance(c, TurnPrompt)]
    assert where == posted_as(world, prompt) and card == prompt.model_copy(
        update={"over": "moved_on"}
    )


async def test_a_post_made_without_a_name_is_left_as_it_is(world: World) -> None:
    """A session under way across the upgrade: its posts were made under random keys, so
    what they hold is not found and stays as it was; the move itself goes on."""
    started = await world.start_session("exchange")
    async with world.core.db.transaction() as conn:
        await conn.execute(
            "UPDATE timers SET key = ? WHERE kind = ? AND key = ?",
            (
                post_key(started.session.id, "0123456789ab"),
                POST_KIND,
                post_key(started.session.id, "open"),
            ),
        )
    await world.sessions.next_step(facilitator(ALICE))
    assert world.chat.edits == []
    assert len(world.chat.cards(StepStarted)) == 1
    async with world.core.db.read() as conn:
        rows = await (
            await conn.execute(
                "SELECT count(*) FROM timers WHERE kind = ? AND status = 'pending'", (POST_KIND,)
            )
        ).fetchall()
    assert [tuple(row) for row in rows] == [(0,)]  # nothing to do, nothing retried


async def test_the_end_retires_join_and_the_review_of_actions(world: World) -> None:
    """The session over, its opening keeps no live button: the post where it started
    says it ended (no Join), the review of earlier actions keeps its list without Done
    and Carried over, and says what was not answered stays open."""
    first = await world.start_session("checkin-round")
    await world.sessions.join(member(BOB), first.session.id)
    await world.records.add_action(member(BOB), "Observer une classe")
    await world.sessions.end(facilitator(ALICE), first.session.id)
    world.chat.edits.clear()

    await world.start_session("plc")
    [opened] = world.chat.cards(SessionOpened)[-1:]
    [review] = world.chat.cards(ActionReview)
    [panel] = world.chat.cards(OpeningControl)[-1:]
    await world.sessions.end(facilitator(ALICE))
    assert world.chat.edits == [
        (posted_as(world, panel), OpeningBegun(**panel_fields(panel), ended=True)),
        (posted_as(world, opened), opened.model_copy(update={"ended": True})),
        (posted_as(world, review), review.model_copy(update={"retired": True})),
    ]
    shown = [card.layout() for _, card in world.chat.edits]
    assert all(message.rows == () for message in shown)
    assert posted_as(world, opened).channel_id == ROOM  # where it was started, not the thread


def panel_fields(panel: OpeningControl) -> dict[str, Any]:
    return {
        "language": panel.language,
        "session_id": panel.session_id,
        "first_step_title": panel.first_step_title,
    }
