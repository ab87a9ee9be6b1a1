"""``/practices export``: the community's session summaries as one Markdown document, newest
first — the *référentiel de pratiques* the seeds ask a community of practice to build.

The document is a file, not a chat message: members are named by their display names (as
the chat platform knows them), never by a mention only the platform could show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.actor import Actor
from bot.db.facilitation import sessions as sessions_db
from bot.i18n import Catalog, Language, format_calendar_day, format_time_of_day
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.facilitation.sessions.summary import SessionSummary, SummaryEntry

# Parentheses stay as typed ("(question 1)" reads as written in a text editor): with
# the brackets escaped, none can start a link.
_SPECIALS = re.compile(r"([\\\[\]<>*_`~|])")

Say = Callable[..., str]
Who = Callable[[int | None], str]


def inert_markdown(text: str) -> str:
    """User text shown as typed inside a line of the file: no links, emphasis or HTML.

    Lighter than the chat's escaping: every line here starts with the document's own
    ``-`` or ``#``, so hyphens and hashes inside the text stay as they are.
    """
    return _SPECIALS.sub(r"\\\1", text)


class PracticeLog:
    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community

    async def summaries(self, actor: Actor) -> list[SessionSummary]:
        """The community's ended sessions, newest first."""
        community = await self._community.require(actor.guild_id)
        async with self._core.db.read() as conn:
            ended = await sessions_db.ended(conn, community.guild_id)
        return [SessionSummary.model_validate(s.summary) for s in ended if s.summary]

    async def export(self, actor: Actor) -> str | None:
        """Every summary as one Markdown document, in the requester's language (as the
        reply that carries it; what each session recorded stays as it was written); None
        while no session has ended (a file would hold nothing)."""
        community = await self._community.require(actor.guild_id)
        summaries = await self.summaries(actor)
        if not summaries:
            return None
        names = await self._core.chat.member_names(community.guild_id, _members(summaries))
        return practice_markdown(
            summaries,
            catalog=self._core.catalog,
            language=actor.language,
            timezone=community.timezone,
            now=self._core.clock.now(),
            names=names,
        )


def _members(summaries: Iterable[SessionSummary]) -> set[int]:
    """Everyone a summary names."""
    found: set[int] = set()
    for s in summaries:
        found.update(p for p in (s.facilitator_id, s.client_id) if p is not None)
        found.update(s.participants)
        found.update(e.author_id for e in (*s.notes, *s.decisions) if e.author_id is not None)
        found.update(a.owner_id for a in s.actions if a.owner_id is not None)
        found.update(t.user_id for t in s.turns)
    return found


def practice_markdown(
    summaries: Iterable[SessionSummary],
    *,
    catalog: Catalog,
    language: Language,
    timezone: str,
    now: datetime,
    names: Mapping[int, str],
) -> str:
    """One document: a heading per session (date, protocol, meeting), then its decisions,
    actions with owners and due dates, notes, steps covered and not reached, turns."""
    zone = ZoneInfo(timezone)

    def say(key: str, /, **params: object) -> str:
        return catalog.t(language, f"facilitation.log.{key}", **params)

    def who(user_id: int | None) -> str:
        if user_id is None:
            return say("former_member")
        return names.get(user_id) or say("unknown_member", user_id=user_id)

    local = now.astimezone(zone)
    generated = say(
        "generated",
        date=format_calendar_day(local.date(), language),
        time=format_time_of_day(local.time(), language),
        zone=timezone,
    )
    lines = [f"# {say('title')}", "", generated, ""]
    ordered = sorted(summaries, key=lambda s: s.started_at, reverse=True)
    if not ordered:
        lines += [say("empty"), ""]
    for summary in ordered:
        lines += _session(summary, zone, language, say, who)
    return "\n".join(lines).rstrip() + "\n"


def _session(
    summary: SessionSummary, zone: ZoneInfo, language: Language, say: Say, who: Who
) -> list[str]:
    """A session's section; its dates in words, as the summary in the chat says them."""
    day = format_calendar_day(summary.started_at.astimezone(zone).date(), language)
    heading = f"## {day} — {inert_markdown(summary.protocol_name)}"
    if summary.meeting_title:
        heading += f" — {inert_markdown(summary.meeting_title)}"
    lines = [heading, ""]
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
            due_on = action.due_on
            due = say("due", date=format_calendar_day(due_on, language)) if due_on else ""
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
            line = say("turn_line", name=who(turn.user_id), spoke=turn.spoke, passed=turn.passed)
            lines.append(f"- {line}")
        lines.append("")
    return lines


def _section(title: str, entries: tuple[SummaryEntry, ...], who: Who) -> list[str]:
    if not entries:
        return []
    lines = [f"### {title}", ""]
    for entry in entries:
        text = inert_markdown(entry.text).replace("\n", " ")
        lines.append(f"- {text} — {who(entry.author_id)}")
    return [*lines, ""]
