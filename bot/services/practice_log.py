"""``/practices export``: the community's session summaries as one Markdown document, newest
first — the *référentiel de pratiques* the seeds ask a community of practice to build."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.i18n import Catalog, Language
from bot.services.session_summary import SessionSummary, SummaryEntry

_SPECIALS = re.compile(r"([\\\[\]()<>*_`~|])")


def inert_markdown(text: str) -> str:
    """User text shown as typed inside a line of the file: no links, emphasis or HTML.

    Lighter than the chat's escaping: every line here starts with the document's own
    ``-`` or ``#``, so hyphens and hashes inside the text stay as they are.
    """
    return _SPECIALS.sub(r"\\\1", text)


NameOf = Callable[[int], str]


def mention_name(user_id: int) -> str:
    return f"<@{user_id}>"


def practice_markdown(
    summaries: Iterable[SessionSummary],
    *,
    catalog: Catalog,
    language: Language,
    timezone: str,
    now: datetime,
    name_of: NameOf = mention_name,
) -> str:
    """One document: a heading per session (date, protocol, meeting), then its decisions,
    actions with owners and due dates, notes, steps covered and not reached, turns."""
    zone = ZoneInfo(timezone)

    def say(key: str, /, **params: object) -> str:
        return catalog.t(language, f"facilitation.log.{key}", **params)

    def who(user_id: int | None) -> str:
        return name_of(user_id) if user_id is not None else say("former_member")

    lines = [
        f"# {say('title')}",
        "",
        say("generated", date=now.astimezone(zone).strftime("%Y-%m-%d %H:%M"), zone=timezone),
        "",
    ]
    ordered = sorted(summaries, key=lambda s: s.started_at, reverse=True)
    if not ordered:
        lines += [say("empty"), ""]
    for summary in ordered:
        day = summary.started_at.astimezone(zone).strftime("%Y-%m-%d")
        heading = f"## {day} — {inert_markdown(summary.protocol_name)}"
        if summary.meeting_title:
            heading += f" — {inert_markdown(summary.meeting_title)}"
        lines += [heading, ""]
        if summary.facilitator_id is not None:
            lines.append(f"- {say('facilitator', name=who(summary.facilitator_id))}")
        if summary.client_id is not None:
            lines.append(f"- {say('client', name=who(summary.client_id))}")
        if summary.participants:
            names = ", ".join(who(p) for p in summary.participants)
            lines.append(f"- {say('participants', names=names)}")
        lines.append("")
        lines += _section(say("decisions"), summary.decisions, who)
        if summary.actions:
            lines += [f"### {say('actions')}", ""]
            for action in summary.actions:
                due = say("due", date=action.due_on.isoformat()) if action.due_on else ""
                lines.append(f"- {inert_markdown(action.text)} — {who(action.owner_id)}{due}")
            lines.append("")
        lines += _section(say("notes"), summary.notes, who)
        lines += [f"### {say('steps')}", ""]
        lines += [f"- ✅ {step.number}. {inert_markdown(step.title)}" for step in summary.covered]
        lines += [
            f"- ⏭️ {step.number}. {inert_markdown(step.title)} ({say('not_reached')})"
            for step in summary.not_reached
        ]
        lines.append("")
        if summary.turns:
            lines += [f"### {say('turns')}", ""]
            for turn in summary.turns:
                line = say(
                    "turn_line", name=who(turn.user_id), spoke=turn.spoke, passed=turn.passed
                )
                lines.append(f"- {line}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _section(
    title: str, entries: tuple[SummaryEntry, ...], who: Callable[[int | None], str]
) -> list[str]:
    if not entries:
        return []
    lines = [f"### {title}", ""]
    for entry in entries:
        text = inert_markdown(entry.text).replace("\n", " ")
        lines.append(f"- {text} — {who(entry.author_id)}")
    return [*lines, ""]
