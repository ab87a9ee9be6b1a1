"""Weekly check-ins: schedules, the week's check-in, answers, away weeks, the pulse.

One module per table group (``weeks``, ``answers``, ``away``, ``pulse``); every name is
re-exported here, so callers write ``from bot.db import checkins as checkins_db``.
"""

from bot.db.checkins.answers import (
    answer_of,
    answers_of_guild,
    answers_of_member,
    answers_to,
    delete_answers_of_member,
    get_answer,
    goal_numbers_of,
    insert_answer,
    set_answer_post,
    set_goal_numbers,
    update_answer,
)
from bot.db.checkins.away import (
    away_during,
    away_weeks_of_member,
    community_members,
    delete_away_of_member,
    forget_away,
    record_away,
)
from bot.db.checkins.models import (
    Answer,
    Checkin,
    CheckinSchedule,
    CheckinStatus,
    GoalNumber,
    PulseTally,
)
from bot.db.checkins.pulse import pulse_tally, vote_pulse
from bot.db.checkins.weeks import (
    active_schedule,
    checkin_of_week,
    checkins_of,
    close_checkin,
    create_checkin,
    delete_checkin,
    get_checkin,
    get_schedule,
    open_checkin,
    outlook,
    purge_closed_before,
    replace_schedule,
    set_prompt,
    set_thread,
)

__all__ = [
    "Answer",
    "Checkin",
    "CheckinSchedule",
    "CheckinStatus",
    "GoalNumber",
    "PulseTally",
    "active_schedule",
    "answer_of",
    "answers_of_guild",
    "answers_of_member",
    "answers_to",
    "away_during",
    "away_weeks_of_member",
    "checkin_of_week",
    "checkins_of",
    "close_checkin",
    "community_members",
    "create_checkin",
    "delete_answers_of_member",
    "delete_away_of_member",
    "delete_checkin",
    "forget_away",
    "get_answer",
    "get_checkin",
    "get_schedule",
    "goal_numbers_of",
    "insert_answer",
    "open_checkin",
    "outlook",
    "pulse_tally",
    "purge_closed_before",
    "record_away",
    "replace_schedule",
    "set_answer_post",
    "set_goal_numbers",
    "set_prompt",
    "set_thread",
    "update_answer",
    "vote_pulse",
]
