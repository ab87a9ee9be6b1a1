"""How the facilitators' digest looks: response rate, help asked, goals, unreachable, pulse.

Long lists show their first lines and count the rest ("…and 4 more"), so nothing is
dropped silently when a platform shortens a long field.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.chat import Join, MemberRef, Panel, PanelField, Text
from bot.chat.text import Content, Param
from bot.services.checkins.goal_models import GoalProgress
from bot.services.checkins.models import PULSE_MIN_ANSWERS, Digest, PulseSummary
from bot.services.checkins.schedule import week_shown

DIGEST_LINES = 15
UNREACHABLE_SHOWN = 40


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=f"checkins.{key}", params=params)


def pulse_text(pulse: PulseSummary, *, section: str = "prompt") -> Text:
    """The pulse's average, or why it is not shown (too few votes). The prompt's footer
    (``section="prompt"``) names the pulse; the digest's (``"digest"``) does not: its field
    is already titled *Pulse*."""
    if pulse.average is None:
        return _text(f"{section}.pulse_hidden", minimum=PULSE_MIN_ANSWERS)
    # A float: the catalog writes it the reader's way (3,5 in French).
    return _text(f"{section}.pulse_average", average=round(pulse.average, 1), count=pulse.count)


def digest_panel(digest: Digest, *, late: bool) -> Panel:
    summary = [_rate(digest)]
    if digest.away:
        summary.append(_text("digest.away", count=len(digest.away)))
    if late:
        summary.append(Text(key="delivery.late"))
    fields = [
        *_help_fields(digest),
        PanelField(
            name=_text("digest.goals"),
            value=_listed([_goal_line(g) for g in digest.goals], DIGEST_LINES)
            or _text("digest.goals_none"),
        ),
    ]
    if digest.unreachable:
        mentions = [MemberRef(user_id=user_id) for user_id in digest.unreachable]
        fields.append(
            PanelField(
                name=_text("digest.unreachable"),
                value=_listed(mentions, UNREACHABLE_SHOWN, sep=" ") or "",
            )
        )
    if digest.pulse is not None:
        fields.append(
            PanelField(name=_text("digest.pulse"), value=pulse_text(digest.pulse, section="digest"))
        )
    return Panel(
        title=_text("digest.title", monday=week_shown(digest.checkin.week)),
        description=Join(parts=tuple(summary)),
        fields=tuple(fields),
        tone="warning",
    )


def _rate(digest: Digest) -> Text:
    """How many of the members expected answered, in percent; a week nobody was expected
    to answer says so, without a percentage of nobody."""
    if not digest.expected:
        return _text("digest.rate_none")
    return _text(
        "digest.rate",
        answered=len(digest.answered),
        expected=len(digest.expected),
        percent=round(digest.response_rate * 100),
    )


def _help_fields(digest: Digest) -> list[PanelField]:
    """Who asked for help, in their answer to the built-in obstacles question. A check-in
    with custom questions asked nobody for help: it has no such field."""
    if digest.checkin.questions is not None:
        return []
    lines = [
        _text("digest.help_line", member=MemberRef(user_id=request.user_id), text=request.text)
        for request in digest.help_requests
    ]
    value = _listed(lines, DIGEST_LINES) or _text("digest.help_none")
    return [PanelField(name=_text("digest.help"), value=value)]


def _goal_line(progress: GoalProgress) -> Text:
    goal = progress.goal
    owner: Content = (
        MemberRef(user_id=goal.owner_id)
        if goal.owner_id is not None
        else _text("digest.community_owner")
    )
    shown: dict[str, Param] = {
        "owner": owner,
        "number": goal.id,
        "title": goal.title,
        "target": goal.target,
        "measure": goal.measure,
    }
    if progress.latest is None or progress.fraction is None:
        return _text("digest.goal_no_value", **shown, baseline=goal.baseline)
    percent = round(progress.fraction * 100)
    return _text("digest.goal_line", **shown, latest=progress.latest, percent=percent)


def _listed(lines: Sequence[Content], shown: int, *, sep: str = "\n") -> Join | None:
    """The first ``shown`` lines, and how many more there are; None when there are none."""
    if not lines:
        return None
    rest = len(lines) - shown
    more = (_text("digest.more", count=rest),) if rest > 0 else ()
    return Join(parts=(*lines[:shown], *more), sep=sep)
