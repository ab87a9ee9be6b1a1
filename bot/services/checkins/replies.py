"""The private (and one public) replies of ``/goal`` and ``/checkin``, as layouts: the
platform writes them in the member's language."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from bot.chat import (
    Attachment,
    CalendarDay,
    ChannelRef,
    Join,
    MemberRef,
    Message,
    MessageLink,
    Moment,
    Panel,
    PanelField,
    Text,
    TimeOfDay,
    Trusted,
)
from bot.chat.text import Content, Param, Rows
from bot.dates import read_as
from bot.services.checkins.cards import answer_button
from bot.services.checkins.goal_models import (
    GoalChart,
    GoalOverview,
    ListedProgress,
    NewGoal,
    goal_numbers,
)
from bot.services.checkins.models import (
    PULSE_MIN_ANSWERS,
    CheckinHistory,
    CsvExport,
    OpenedNow,
    SavedAnswer,
    ScheduleResult,
)
from bot.services.checkins.records import CSV_FILENAME
from bot.services.checkins.schedule import week_monday, week_shows_year

GAP_DAYS_SHOWN = 3


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=key, params=params)


# -- goals ---------------------------------------------------------------------------------


def goal_saved(goal: NewGoal) -> Join:
    """What ``/goal set`` saved, and the due date as it was read (with its zone); a
    warning, with the goals' numbers, when an open goal of the same owner has its title."""
    community = goal.scope == "community"
    saved = _text(
        "goals.set.saved_community" if community else "goals.set.saved",
        title=goal.title,
        baseline=goal.baseline,
        target=goal.target,
        measure=goal.measure,
        due=_day(goal.due_on),
    )
    parts: list[Content] = [saved, read_as(goal.due_on, goal.due_zone)]
    if goal.same_title:
        parts.append(
            _text(
                "goals.set.same_title_community" if community else "goals.set.same_title",
                title=goal.title,
                numbers=goal_numbers(goal.same_title),
                number=goal.id,
            )
        )
    return Join(parts=tuple(parts))


def goals_panel(overview: GoalOverview) -> Panel:
    """``/goal list``: the member's goals, then the community's."""
    return _goals_panel(*_shown_lists(overview))


def goals_message(overview: GoalOverview) -> Message:
    """``/goal list``'s reply: :func:`goals_panel` alone."""
    return _goals_message(*_shown_lists(overview))


# What a goal's line shows: number, title, measure, baseline, target, due day, status, latest.
_ShownGoal = tuple[int, str, str, float, float, date, str, float | None]


def _shown_lists(overview: GoalOverview) -> tuple[tuple[_ShownGoal, ...], tuple[_ShownGoal, ...]]:
    return tuple(_shown(g) for g in overview.mine), tuple(_shown(g) for g in overview.community)


def _shown(progress: ListedProgress) -> _ShownGoal:
    goal = progress.goal
    return (
        goal.id,
        goal.title,
        goal.measure,
        goal.baseline,
        goal.target,
        goal.due_on,
        goal.status,
        progress.latest,
    )


# Built once for what it shows, as /checkin me's panel (the community's goals are on
# every member's list): the key is everything the panel shows.
@lru_cache(maxsize=1024)
def _goals_panel(mine: tuple[_ShownGoal, ...], community: tuple[_ShownGoal, ...]) -> Panel:
    fields = (
        PanelField(name=_text("goals.list.mine"), value=_goal_lines(mine, "goals.list.none")),
        PanelField(
            name=_text("goals.list.community"),
            value=_goal_lines(community, "goals.list.none_community"),
        ),
    )
    return Panel(title=_text("goals.list.title"), fields=fields, tone="success")


@lru_cache(maxsize=1024)
def _goals_message(mine: tuple[_ShownGoal, ...], community: tuple[_ShownGoal, ...]) -> Message:
    return Message(panels=(_goals_panel(mine, community),))


# Each row's values by these names, whichever of the four line messages writes it.
_LINE_NAMES = ("number", "title", "latest", "percent", "baseline", "target", "measure", "due")
# By (closed, a value reported).
_LINE_KEYS = {
    (False, True): "goals.list.line",
    (False, False): "goals.list.line_unreported",
    (True, True): "goals.list.closed_line",
    (True, False): "goals.list.closed_line_unreported",
}


@lru_cache(maxsize=1024)
def _goal_lines(goals: tuple[_ShownGoal, ...], none_key: str) -> Content:
    """One list of ``/goal list``: a line per goal, its progress written in the same
    message, so a goal is one catalog text; goals next to each other that take the same
    message are written as one :class:`Rows` (the list keeps its order)."""
    if not goals:
        return _text(none_key)
    runs: list[tuple[str, list[tuple[Param, ...]]]] = []
    for number, title, measure, baseline, target, due_on, status, latest in goals:
        key = _LINE_KEYS[status == "closed", latest is not None]
        percent = None
        if latest is not None:
            percent = round((latest - baseline) / (target - baseline) * 100)
        row = (number, title, latest, percent, baseline, target, measure, _day(due_on))
        if runs and runs[-1][0] == key:
            runs[-1][1].append(row)
        else:
            runs.append((key, [row]))
    return Join(
        parts=tuple(Rows(key=key, names=_LINE_NAMES, rows=tuple(rows)) for key, rows in runs)
    )


@lru_cache(maxsize=1024)
def _day(day: date) -> CalendarDay:
    """A goal's due day, written the reader's way with its year: "30 June 2027", « 30 juin
    2027 » (not ISO)."""
    return CalendarDay(day=day)


def chart_message(chart: GoalChart) -> Message:
    """``/goal progress``: whose goal and what it shows, the chart as a picture."""
    report = chart.report
    goal = report.series.goal
    described = _text(
        "goals.progress.alt",
        title=goal.title,
        measure=goal.measure,
        baseline=goal.baseline,
        target=goal.target,
        count=len(report.series.points),
    )
    shown: dict[str, Param] = {
        "number": goal.id,
        "title": goal.title,
        "measure": goal.measure,
        "count": len(report.series.points),
        "target": goal.target,
    }
    return Message(
        content=_text("goals.progress.posted_community", **shown)
        if goal.scope == "community"
        else _text("goals.progress.posted", member=MemberRef(user_id=report.member_id), **shown),
        panels=(Panel(image=chart.filename, tone="success"),),
        files=(Attachment(filename=chart.filename, data=chart.png, description=described),),
    )


# -- check-ins -----------------------------------------------------------------------------


def schedule_saved(result: ScheduleResult) -> Join:
    """What ``/checkin schedule`` saved, and when the next check-in opens."""
    schedule = result.schedule
    at = TimeOfDay(at=schedule.local_time)
    zone = Trusted(text=result.timezone)
    lines: list[Content] = [
        _text(
            "checkins.schedule.saved",
            day=_text(f"checkins.weekdays.{schedule.weekday}"),
            time=at,
            zone=zone,
            hours=schedule.close_after_hours,
            next=Moment(at=result.next_open_at),
            relative=Moment(at=result.next_open_at, style="relative"),
        ),
        _text(
            "checkins.schedule.questions_custom",
            questions=Join(parts=schedule.questions, sep=" | "),
        )
        if schedule.questions
        else _text("checkins.schedule.questions_default"),
    ]
    if schedule.pulse:
        lines.append(_text("checkins.schedule.pulse_on", minimum=PULSE_MIN_ANSWERS))
    if result.gap_days:
        days = Join(
            parts=tuple(CalendarDay(day=d) for d in result.gap_days[:GAP_DAYS_SHOWN]), sep=", "
        )
        lines.append(_text("checkins.schedule.gap", dates=days, time=at, zone=zone))
    return Join(parts=tuple(lines))


def opened_now(opened: OpenedNow) -> Join:
    """``/checkin now``: the link, the weekly schedule it started if there was none, and
    the scheduled opening of this week it replaced, if any, with the next one."""
    checkin = opened.checkin
    assert checkin.message_id is not None  # the service refuses before the prompt is up
    link = MessageLink(
        guild_id=checkin.guild_id, channel_id=checkin.channel_id, message_id=checkin.message_id
    )
    lines: list[Content] = [_text("checkins.now.opened", link=link)]
    if opened.schedule is not None:
        lines.append(
            _text(
                "checkins.now.default_schedule",
                day=_text(f"checkins.weekdays.{opened.schedule.weekday}"),
                time=TimeOfDay(at=opened.schedule.local_time),
                hours=opened.schedule.close_after_hours,
            )
        )
    if opened.replaced is not None and opened.next_open_at is not None:
        lines.append(
            _text(
                "checkins.now.replaced",
                replaced=Moment(at=opened.replaced),
                next=Moment(at=opened.next_open_at),
            )
        )
    return Join(parts=tuple(lines))


def answer_saved(saved: SavedAnswer) -> Join:
    """Where the answer is shown, and which goal each of its numbers went to (a number
    given with no open goal: that it counts toward none, and how to set one)."""
    lines: list[Content]
    if saved.posted_in is None:
        key = (
            "checkins.answer.post_pending" if saved.post_pending else "checkins.answer.post_failed"
        )
        lines = [_text(key)]
    elif saved.created:
        lines = [
            _text(
                "checkins.answer.saved",
                place=ChannelRef(channel_id=saved.posted_in),
                closes=Moment(at=saved.checkin.closes_at, style="short_date_time"),
                button=answer_button(saved.language),
            )
        ]
    else:
        lines = [_text("checkins.answer.updated", place=ChannelRef(channel_id=saved.posted_in))]
    if saved.answer.progress is not None:
        lines.append(_text("checkins.answer.no_goal", value=saved.answer.progress))
    for number in saved.numbers:
        goal = number.goal
        shared = goal.scope == "community"
        lines.append(
            _text(
                "checkins.answer.recorded_community" if shared else "checkins.answer.recorded",
                value=number.value,
                goal=goal.title,
                number=goal.id,
                target=goal.target,
                measure=goal.measure,
            )
        )
    return Join(parts=tuple(lines))


def history_panel(history: CheckinHistory) -> Panel:
    """``/checkin me``: the streak and the recent weeks."""
    weeks = tuple(
        (week.status, week.week, week_shows_year(week.week, history.this_year), week.numbers)
        for week in history.weeks
    )
    return _history_panel(history.streak, history.best_streak, history.answered, weeks)


# A member asks again and sees the same weeks: layouts are immutable values, so the panel
# is built once for what it shows (the key is all it shows) instead of validating ~50
# text models per reply.
@lru_cache(maxsize=1024)
def _history_panel(streak: int, best: int, answered: int, weeks: tuple[_ShownWeek, ...]) -> Panel:
    return Panel(
        title=_text("checkins.me.title"),
        description=_text("checkins.me.streak", streak=streak, best=best, answered=answered),
        fields=(
            PanelField(
                name=None,
                value=Join(parts=_week_lines(weeks)) if weeks else _text("checkins.me.none"),
            ),
        ),
        tone="accent",
    )


# What a week's line shows: its status, its ISO id, whether its year is named, its numbers.
_ShownWeek = tuple[str, str, bool, tuple[float, ...]]


def _week_lines(weeks: tuple[_ShownWeek, ...]) -> tuple[Rows, ...]:
    """The weeks in order, each run of lines of one message written as the rows of that
    message (found once for the run, not once per week): weeks that reported numbers are
    ``checkins.me.value`` rows after their status line, the others the status's rows."""
    runs: list[tuple[str, list[tuple[Param, ...]]]] = []
    for status, week, year, numbers in weeks:
        key, row = (
            ("checkins.me.value", (_status_line(status, week, year), _numbers(numbers)))
            if numbers
            else (f"checkins.me.{status}", (_week_day(week, year),))
        )
        if runs and runs[-1][0] == key:
            runs[-1][1].append(row)
        else:
            runs.append((key, [row]))
    return tuple(
        Rows(
            key=key,
            names=_VALUE_NAMES if key == "checkins.me.value" else ("monday",),
            rows=tuple(rows),
        )
        for key, rows in runs
    )


_VALUE_NAMES = ("line", "value")


@lru_cache(maxsize=4096)
def _status_line(status: str, week: str, year: bool) -> Text:
    return _text(f"checkins.me.{status}", monday=_week_day(week, year))


@lru_cache(maxsize=4096)
def _week_day(week: str, year: bool) -> CalendarDay:
    """The Monday that names the week ``week`` in its line (built once per week)."""
    return CalendarDay(day=week_monday(week), year=year)


def _numbers(numbers: tuple[float, ...]) -> Param:
    """One number as it is (the catalog writes a number alone as
    ``checkins.answer.value`` does), several joined. A whole number under a thousand is
    written with its digits alone in every language, so it is given as an int: the rows
    then take the plain path instead of the catalog's whole write of a decimal."""
    if len(numbers) == 1:
        [number] = numbers
        return int(number) if number.is_integer() and 0 <= number < 1000 else number
    return Join(parts=tuple(_text("checkins.answer.value", value=v) for v in numbers), sep=" · ")


def csv_export(export: CsvExport) -> Message:
    """``/checkin export``: the file (UTF-8 with its mark, so spreadsheets read accents)."""
    if export.rows == 0:
        return Message(content=_text("checkins.export.empty"))
    return Message(
        content=_text("checkins.export.done", count=export.rows),
        files=(Attachment(filename=CSV_FILENAME, data=export.text.encode("utf-8-sig")),),
    )
