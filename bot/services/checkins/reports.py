"""Reading check-ins back: a member's streak and history, and the CSV export (pure)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.db.checkins import Answer, Checkin, GoalNumber
from bot.db.checkins.streaks import RecentWeek, Standing
from bot.db.goals import Goal
from bot.services.checkins.goal_models import format_number
from bot.services.checkins.models import CheckinHistory, CsvExport, WeekEntry, WeekStatus
from bot.services.checkins.schedule import MAX_TEXT_QUESTIONS

HISTORY_WEEKS = 12

CSV_HEADER = (
    "week",
    "opened_at",
    "user_id",
    "member",
    "answered_at",
    "updated_at",
    "time_zone",
    "goal_number",
    "goal",
    "progress",
    "target",
    "question_1",
    "answer_1",
    "question_2",
    "answer_2",
    "question_3",
    "answer_3",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# -- streaks ---------------------------------------------------------------------------


def history_of(
    checkins: list[Checkin],
    answers: Mapping[int, Answer],
    away: set[int],
    *,
    joined: datetime,
    now: datetime,
    numbers: Mapping[int, list[GoalNumber]] | None = None,
) -> CheckinHistory:
    """A member's weeks, newest first (``checkins`` newest first; ``answers`` and ``away``
    by check-in id; the goals' ``numbers`` by answer id). Away weeks neither count nor
    break a streak; weeks closed before the member took part in anything are not misses."""
    entries: list[WeekEntry] = []
    for checkin in checkins:
        status: WeekStatus
        if checkin.id in answers:
            status = "answered"
        elif checkin.id in away:
            status = "away"
        elif checkin.status == "open" and now < checkin.closes_at:
            status = "open"
        elif checkin.closes_at <= joined:
            continue
        else:
            status = "missed"
        answer = answers.get(checkin.id)
        reported: list[float] = []
        if answer is not None:
            reported = [] if answer.progress is None else [answer.progress]
            reported += [n.value for n in (numbers or {}).get(answer.id, [])]
        entries.append(
            WeekEntry(
                checkin_id=checkin.id,
                week=checkin.week,
                opened_at=checkin.opened_at,
                status=status,
                numbers=tuple(reported),
            )
        )
    return CheckinHistory(
        streak=current_streak(entries),
        best_streak=best_streak(entries),
        answered=sum(1 for e in entries if e.status == "answered"),
        weeks=entries[:HISTORY_WEEKS],
    )


def history_from_counters(recent: list[RecentWeek], *, now: datetime) -> CheckinHistory | None:
    """A member's history from their counters over the closed weeks and their recent weeks
    (newest first, with the counters): the same as :func:`history_of` over everything,
    or None when the open weeks are not all newer than the closed ones (a close that ran
    late), which only the whole history can tell."""
    live = [week for week in recent if week.status == "open"]
    if recent and (
        len(live) != recent[0].open_weeks or any(w.status == "open" for w in recent[len(live) :])
    ):
        return None
    counted = recent[0].standing if recent else Standing()
    entries = [_entry(week, now) for week in recent]
    live_entries = entries[: len(live)]
    streak = 0
    for entry in live_entries:  # newest first
        if entry.status == "missed":
            break
        streak += entry.status == "answered"
    else:
        streak += counted.streak
    best, run = counted.best_streak, counted.streak
    for entry in reversed(live_entries):  # oldest first, after the closed weeks
        if entry.status == "answered":
            run += 1
            best = max(best, run)
        elif entry.status == "missed":
            run = 0
    answered = counted.answered + sum(e.status == "answered" for e in live_entries)
    return CheckinHistory(
        streak=streak, best_streak=best, answered=answered, weeks=entries[:HISTORY_WEEKS]
    )


def _entry(week: RecentWeek, now: datetime) -> WeekEntry:
    status: WeekStatus = "missed"
    if week.answer_id is not None:
        status = "answered"
    elif week.away:
        status = "away"
    elif week.status == "open" and now < week.closes_at:
        status = "open"
    reported: list[float] = []
    if week.answer_id is not None:
        reported = [] if week.progress is None else [week.progress]
        # The goals' numbers came with the week's row, as plain values: no model each.
        reported += [value for _, value in sorted(week.goal_numbers)]
    return WeekEntry(
        checkin_id=week.id,
        week=week.week,
        opened_at=week.opened_at,
        status=status,
        numbers=tuple(reported),
    )


def current_streak(entries: list[WeekEntry]) -> int:
    """Consecutive answered weeks from the newest; away and still-open weeks are skipped."""
    streak = 0
    for entry in entries:  # newest first
        if entry.status == "answered":
            streak += 1
        elif entry.status == "missed":
            break
    return streak


def best_streak(entries: list[WeekEntry]) -> int:
    best = run = 0
    for entry in reversed(entries):  # oldest first
        if entry.status == "answered":
            run += 1
            best = max(best, run)
        elif entry.status == "missed":
            run = 0
    return best


# -- the CSV export --------------------------------------------------------------------


def csv_text(value: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection): a leading ``'``."""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def csv_time(at: datetime, zone: ZoneInfo) -> str:
    """An instant as a spreadsheet reads a date and time (``2026-12-07 14:16:18``), on the
    clock of the community's ``zone`` (named in the row's ``time_zone``)."""
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def answers_csv(
    checkins: Mapping[int, Checkin],
    answers: list[Answer],
    numbers: Mapping[int, list[tuple[Goal, float]]],
    names: Mapping[int, str],
    questions_for: Callable[[Checkin], list[str]],
    zone: str,
) -> CsvExport:
    """One row per answer, in week order, and one per goal when an answer reports numbers
    for several (``numbers`` by answer id); the pulse is anonymous: never included. Times
    are the community's (``zone``), to the second."""
    local = ZoneInfo(zone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    ordered = sorted(answers, key=lambda a: (checkins[a.checkin_id].opened_at, a.created_at, a.id))
    rows = 0
    for answer in ordered:
        checkin = checkins[answer.checkin_id]
        questions = questions_for(checkin)
        texts: list[str] = []
        for index in range(MAX_TEXT_QUESTIONS):
            texts.append(csv_text(questions[index]) if index < len(questions) else "")
            texts.append(csv_text(answer.texts[index]) if index < len(answer.texts) else "")
        free = format_number(answer.progress) if answer.progress is not None else ""
        reported = [
            (str(goal.id), csv_text(goal.title), format_number(value), format_number(goal.target))
            for goal, value in numbers.get(answer.id, [])
        ] or [("", "", free, "")]
        for goal_number, goal_title, value, target in reported:
            writer.writerow(
                [
                    checkin.week,
                    csv_time(checkin.opened_at, local),
                    str(answer.user_id),
                    csv_text(names.get(answer.user_id, "")),
                    csv_time(answer.created_at, local),
                    csv_time(answer.updated_at, local),
                    zone,
                    goal_number,
                    goal_title,
                    value,
                    target,
                    *texts,
                ]
            )
            rows += 1
    return CsvExport(text=out.getvalue(), rows=rows)
