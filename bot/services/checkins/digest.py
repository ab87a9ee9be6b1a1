"""The facilitators' digest at close: response rate, help asked, goals, unreachable, pulse."""

from __future__ import annotations

from bot.chat import DirectMessage, target_key
from bot.db import checkins as checkins_db
from bot.db import goals as goals_db
from bot.db import timers as timers_db
from bot.db.checkins import Checkin
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.services.checkins.goal_models import GoalProgress
from bot.services.checkins.models import PULSE_MIN_ANSWERS, Digest, HelpRequest, PulseSummary
from bot.services.checkins.schedule import NUDGE_KIND, checkin_key

FALLBACK = "fallback"
"""The outcome recorded for a nudge that could not be sent by DM."""
HELP_EXCERPT = 200
"""How much of each help request the digest quotes, on one line (the whole answer is in
the week's thread): one long request must not push the others out."""


async def build_digest(conn: Connection, checkin_id: int, community: Community) -> Digest:
    checkin = await checkins_db.get_checkin(conn, checkin_id)
    assert checkin is not None
    answers = await checkins_db.answers_to(conn, checkin_id)
    answered = [a.user_id for a in answers]
    # A member who answered was not away that week (earlier versions recorded both).
    away = await checkins_db.away_during(conn, checkin_id) - set(answered)
    members = await checkins_db.community_members(conn, checkin.guild_id)
    expected = sorted({*answered, *(m for m in members if m not in away)})
    goals = [
        g
        for g in await goals_db.open_member_goals(conn, checkin.guild_id)
        if g.owner_id in expected
    ] + await goals_db.of_community(conn, checkin.guild_id, open_only=True)
    latest = await goals_db.latest_values(conn, [g.id for g in goals])
    return Digest(
        checkin=checkin,
        language=community.language,
        answered=answered,
        expected=expected,
        away=sorted(away),
        help_requests=[
            HelpRequest(user_id=a.user_id, text=_excerpt(a.help_text))
            for a in answers
            if a.help_text and checkin.questions is None
        ],
        goals=[GoalProgress(goal=g, latest=latest.get(g.id)) for g in goals],
        unreachable=await _unreachable(conn, checkin, members),
        pulse=await pulse_summary(conn, checkin) if checkin.pulse else None,
    )


def _excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= HELP_EXCERPT else f"{line[: HELP_EXCERPT - 1]}…"


async def _unreachable(conn: Connection, checkin: Checkin, members: list[int]) -> list[int]:
    """Known members the nudge could not reach by DM (its delivery records)."""
    nudge = await timers_db.find(conn, NUDGE_KIND, checkin_key(checkin.id))
    if nudge is None:
        return []
    delivered = await timers_db.delivered_targets(conn, nudge.id)
    return [m for m in members if delivered.get(dm_key(checkin.guild_id, m)) == FALLBACK]


async def pulse_summary(conn: Connection, checkin: Checkin) -> PulseSummary:
    tally = await checkins_db.pulse_tally(conn, checkin.id)
    average = tally.total / tally.count if tally.count >= PULSE_MIN_ANSWERS else None
    return PulseSummary(count=tally.count, average=average)


def dm_key(guild_id: int, user_id: int) -> str:
    """How a member's DM is recorded in ``timer_deliveries`` (``dm:<user id>``)."""
    return target_key(DirectMessage(guild_id, user_id))
