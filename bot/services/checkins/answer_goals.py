"""Which goals a check-in answer gives numbers for, and where each typed number goes.

A member's answer takes a number for each of their open goals; a facilitator's also
for each of the community's open goals: that is how a community goal gets its weekly
value (stored like a member goal's, so the digest, ``/goal list``, ``/goal progress``
and ``/checkin me`` read it).
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.chat import Text
from bot.db import checkins as checkins_db
from bot.db import goals as goals_db
from bot.db.checkins import Answer
from bot.db.connection import Connection
from bot.db.goals import Goal
from bot.errors import FinalRefusal
from bot.services.checkins.cards import answer_button
from bot.services.checkins.goal_models import parse_number
from bot.services.checkins.models import ReportedNumber


async def answer_goals(
    conn: Connection, guild_id: int, user_id: int, *, facilitator: bool
) -> list[Goal]:
    """The open goals an answer gives numbers for: the member's own (newest first), then,
    for a facilitator, the community's (newest first)."""
    goals = await goals_db.of_member(conn, guild_id, user_id, open_only=True)
    if facilitator:
        goals += await goals_db.of_community(conn, guild_id, open_only=True)
    return goals


def typed_numbers(
    goals: list[Goal],
    progress: str | None,
    goal_id: int | None,
    goal_numbers: Mapping[int, str],
    language: str,
) -> tuple[float | None, dict[int, float | None]]:
    """(the number for no goal, the number for each goal named): only the open goals
    of :func:`answer_goals` take a number; a goal closed while the form was open is
    refused (naming the *Answer* button in the community's ``language``, as the prompt
    shows it). The one number of a form without goal inputs goes to the member's newest
    open goal (never to a community goal nobody chose), else to no goal."""
    open_goals = {goal.id: goal for goal in goals}

    def goal_of(wanted: int) -> Goal:
        if wanted not in open_goals:
            raise FinalRefusal("checkins.errors.goal_gone", button=answer_button(language))
        return open_goals[wanted]

    numbers: dict[int, float | None] = {}
    for wanted, text in goal_numbers.items():
        goal = goal_of(wanted)
        field = Text.of("checkins.fields.progress_on", goal=goal.title, number=goal.id)
        numbers[wanted] = parse_number(text, field=field)
    value = parse_number(progress, field="progress")
    own = [goal for goal in goals if goal.scope == "member"]
    if goal_id is not None:
        numbers[goal_of(goal_id).id] = value
    elif value is not None and own:
        numbers[own[0].id] = value  # the reply names the goal it went to
    else:
        return value, numbers
    return None, numbers


async def reported_numbers(
    conn: Connection,
    answer: Answer,
    created: bool,
    goals: list[Goal],
    numbers: Mapping[int, float | None],
) -> list[ReportedNumber]:
    """Every goal number the answer now gives, by goal. A first answer gives only what
    was typed, for goals just read; an edit keeps what it gave for goals not named."""
    if created:
        typed = {goal.id: goal for goal in goals if numbers.get(goal.id) is not None}
        return [
            ReportedNumber(goal=typed[goal_id], value=value)
            for goal_id, value in sorted(numbers.items())
            if value is not None and goal_id in typed
        ]
    stored = await checkins_db.goal_numbers_of(conn, [answer.id])
    found = {
        g.id: g for g in await goals_db.get_many(conn, answer.guild_id, [n.goal_id for n in stored])
    }
    return [
        ReportedNumber(goal=found[n.goal_id], value=n.value) for n in stored if n.goal_id in found
    ]
