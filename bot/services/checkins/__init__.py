"""Goals and weekly check-ins: schedule, open, answer, nudge, close and digest.

The week's check-in is opened by a durable timer ``checkin_open`` (key
``checkin:{schedule_id}:{week}``); opening plans its ``checkin_nudge`` and
``checkin_close`` timers (key ``checkin:{checkin_id}``) and the next week's opening in
the same transaction, so a restart at any point neither loses nor repeats a week.
Weekly instants are computed in the community's zone with zoneinfo (DST-correct).
See :mod:`.service` for how the parts fit together, :mod:`.goals` for goals,
:mod:`.interface` for the commands and :mod:`.feature` for how the application installs
them.
"""

from bot.services.checkins.answers import ANSWER_MAX
from bot.services.checkins.cards import (
    AnswerPost,
    CheckinDigest,
    CheckinNudge,
    CheckinPrompt,
    ClosedCheckinPrompt,
    NudgeFallback,
)
from bot.services.checkins.closing import MAX_FALLBACK_MENTIONS
from bot.services.checkins.goal_models import (
    GoalOverview,
    GoalProgress,
    GoalReport,
    ProgressPoint,
    ProgressSeries,
    format_number,
    parse_number,
)
from bot.services.checkins.goals import GoalService
from bot.services.checkins.models import (
    PULSE_MIN_ANSWERS,
    AnswerAuthor,
    AnswerForm,
    CheckinHistory,
    ClosedCheckin,
    CsvExport,
    Digest,
    NudgePlan,
    OpenedNow,
    PulseSummary,
    ReportedNumber,
    SavedAnswer,
    ScheduleResult,
    WeekEntry,
)
from bot.services.checkins.records import RETENTION, NameLookup
from bot.services.checkins.reports import CSV_HEADER, HISTORY_WEEKS, csv_text
from bot.services.checkins.schedule import (
    CLOSE_KIND,
    MAX_TEXT_QUESTIONS,
    NUDGE_KIND,
    OPEN_KIND,
    gap_days,
    next_open_after,
    nudge_time,
    parse_questions,
    parse_time_of_day,
    week_of,
)
from bot.services.checkins.service import CheckinService

__all__ = [
    "ANSWER_MAX",
    "CLOSE_KIND",
    "CSV_HEADER",
    "HISTORY_WEEKS",
    "MAX_FALLBACK_MENTIONS",
    "MAX_TEXT_QUESTIONS",
    "NUDGE_KIND",
    "OPEN_KIND",
    "PULSE_MIN_ANSWERS",
    "RETENTION",
    "AnswerAuthor",
    "AnswerForm",
    "AnswerPost",
    "CheckinDigest",
    "CheckinHistory",
    "CheckinNudge",
    "CheckinPrompt",
    "CheckinService",
    "ClosedCheckin",
    "ClosedCheckinPrompt",
    "CsvExport",
    "Digest",
    "GoalOverview",
    "GoalProgress",
    "GoalReport",
    "GoalService",
    "NameLookup",
    "NudgeFallback",
    "NudgePlan",
    "OpenedNow",
    "ProgressPoint",
    "ProgressSeries",
    "PulseSummary",
    "ReportedNumber",
    "SavedAnswer",
    "ScheduleResult",
    "WeekEntry",
    "csv_text",
    "format_number",
    "gap_days",
    "next_open_after",
    "nudge_time",
    "parse_number",
    "parse_questions",
    "parse_time_of_day",
    "week_of",
]
