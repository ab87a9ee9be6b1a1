"""What ``/plc setup`` and ``/plc status`` answer: the settings panel, the status panel."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from bot.chat import (
    ChannelRef,
    Code,
    Join,
    Message,
    Moment,
    Panel,
    PanelField,
    RoleRef,
    Text,
    Trusted,
)
from bot.chat.text import Content, Param
from bot.db.communities import Community
from bot.db.targets import PausedTarget
from bot.services.base import StatusLine
from bot.services.community.service import SetupResult
from bot.services.community.status import CommunityStatus, ErrorRecord

SIZE_UNITS = ("bytes", "kilobytes", "megabytes", "gigabytes")


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=f"admin.{key}", params=params)


def _channel(channel_id: int | None) -> Content:
    return ChannelRef(channel_id=channel_id) if channel_id else _text("not_set")


def lead_times(offsets: tuple[int, ...]) -> Join:
    """Reminder times before a start, as ``/plc status`` and a meeting's preview show
    them: whole days as days ("1 d, 1 h", « 2 j, 30 min »)."""
    return Join(parts=tuple(map(_duration, offsets)), sep=", ")


def _duration(minutes: int) -> Text:
    if minutes % 1440 == 0:
        return _text("units.days", count=minutes // 1440)
    if minutes % 60 == 0:
        return _text("units.hours", count=minutes // 60)
    return _text("units.minutes", count=minutes)


@lru_cache(maxsize=1024)
def settings_fields(community: Community) -> tuple[PanelField, ...]:
    """The community's settings, side by side. Built once per value of the settings
    (``/plc status`` shows them on every call, and they seldom change): a changed
    community is another key, so nothing needs clearing."""
    role = community.facilitator_role_id
    rows: tuple[tuple[str, Content], ...] = (
        ("timezone", Code(text=community.timezone)),
        ("language", _text(f"language_names.{community.language}")),
        ("checkin_channel", _channel(community.checkin_channel_id)),
        ("questions_channel", _channel(community.questions_channel_id)),
        ("announcements_channel", _channel(community.announcements_channel_id)),
        ("facilitator_role", RoleRef(role_id=role) if role else _text("not_set")),
        ("moderation_channel", _channel(community.moderation_channel_id)),
        ("reminders", lead_times(community.reminder_offsets)),
    )
    return tuple(
        PanelField(name=_text(f"fields.{name}"), value=value, inline=True) for name, value in rows
    )


def setup_reply(result: SetupResult) -> Message:
    """The settings as saved; warnings first when the facilitators cannot see the command
    that moderates questions, or when every member can read the moderation channel."""
    community = result.community
    warnings: list[Content] = []
    if result.moderation_public and community.moderation_channel_id:
        channel = ChannelRef(channel_id=community.moderation_channel_id)
        warnings.append(_text("setup.moderation_public", channel=channel))
    if result.moderation_hidden and community.facilitator_role_id:
        role = RoleRef(role_id=community.facilitator_role_id)
        warnings.append(_text("setup.moderate_hidden", role=role))
    title = _text("setup.created" if result.created else "setup.updated")
    panel = Panel(title=title, fields=settings_fields(community), tone="accent")
    content = Join(parts=tuple(warnings)) if warnings else None
    return Message(content=content, panels=(panel,))


@lru_cache(maxsize=32)
def _constant(key: str) -> Text:
    """A text without values, the same in every status: built once."""
    return _text(key)


@lru_cache(maxsize=1)
def _privacy() -> PanelField:
    return PanelField(name=_constant("status.privacy_title"), value=_constant("status.privacy"))


Shown = tuple[tuple[str, tuple[tuple[str, Param], ...]], ...]
"""Status lines as a key: each line's catalog key and its values in order."""


class _StatusShown(NamedTuple):
    """All that the status panel shows but its footer: the key its panel is kept by."""

    community: Community
    lines: Shown
    missed: Shown
    paused: tuple[PausedTarget, ...]
    size: tuple[int, float]
    """The database's size as written: the unit's index and the number, rounded."""
    scheduled: int
    last_error: ErrorRecord | None


def _shown_lines(lines: list[StatusLine]) -> Shown:
    return tuple((line.key, tuple(line.params.items())) for line in lines)


def _lines(lines: Shown) -> Join:
    return Join(parts=tuple(Text(key=key, params=dict(params)) for key, params in lines))


def _size_shown(size: int) -> tuple[int, float]:
    """``382.2 KB`` in English, ``382,2 Ko`` in French (the catalog writes the number)."""
    scaled, index = float(size), 0
    while scaled >= 1024 and index < len(SIZE_UNITS) - 1:
        scaled, index = scaled / 1024, index + 1
    return index, round(scaled, 1)


def _lines_field(title: str, lines: Shown) -> PanelField:
    """A field of lines, kept while its lines say the same."""
    try:
        return _kept_lines_field(title, lines)
    except TypeError:  # a line's value that cannot be a key: built for this reply alone
        return _kept_lines_field.__wrapped__(title, lines)


@lru_cache(maxsize=256)
def _kept_lines_field(title: str, lines: Shown) -> PanelField:
    return PanelField(name=_constant(title), value=_lines(lines))


# The health shows the database's size, which grows with every write: kept apart from the
# other fields, so a new size builds (and the renderer writes) this field alone.
@lru_cache(maxsize=256)
def _health_field(
    role_id: int | None,
    paused: tuple[PausedTarget, ...],
    size: tuple[int, float],
    scheduled: int,
    error: ErrorRecord | None,
) -> PanelField:
    """The database and what is scheduled, paused targets, the last unexpected error."""
    index, number = size
    health: list[Content] = [
        _text(
            "status.health",
            size=_text(f"units.{SIZE_UNITS[index]}", size=number),
            scheduled=scheduled,
        )
    ]
    for target in paused:
        shown_target = (
            RoleRef(role_id=target.target_id)
            if target.target_id == role_id
            else ChannelRef(channel_id=target.target_id)
        )
        since = Moment(at=target.since, style="short_date_time")
        reason = Trusted(text=target.reason)
        health.append(_text("status.paused", target=shown_target, reason=reason, since=since))
    if error is not None:
        when = Moment(at=error.at, style="relative")
        health.append(_text("status.last_error", ref=Code(text=error.ref), when=when))
    else:
        health.append(_constant("status.no_error"))
    return PanelField(name=_constant("status.health_title"), value=Join(parts=tuple(health)))


def status_reply(status: CommunityStatus) -> Message:
    """The settings, what the features say is coming, what was missed, the health, the
    version and the chat's latency, and where the privacy notice is."""
    latency = status.latency
    shown = _StatusShown(
        community=status.community,
        lines=_shown_lines(status.lines),
        missed=_shown_lines(status.missed),
        paused=tuple(status.paused),
        size=_size_shown(status.database_bytes),
        scheduled=status.scheduled,
        last_error=status.last_error,
    )
    latency_ms = round(latency * 1000) if latency is not None else None
    try:
        return _status_message(shown, status.version, latency_ms)
    except TypeError:  # a line's value that cannot be a key: built for this reply alone
        return _with_footer(_status_panel.__wrapped__(shown), status.version, latency_ms)


# A community asks again and sees the same status most of the time: a layout is an
# immutable value, so it is kept for what it shows (the key is all it shows) instead of
# validating ~20 text models per reply.
@lru_cache(maxsize=256)
def _status_message(shown: _StatusShown, version: str, latency_ms: int | None) -> Message:
    return _with_footer(_status_panel(shown), version, latency_ms)


# The footer shows the chat's latency in ms, rarely the same twice: the rest of the panel
# is kept apart, so a new latency builds the footer alone; each field is kept for what it
# shows, so the renderer, handed the same fields, writes them once.
@lru_cache(maxsize=256)
def _status_panel(shown: _StatusShown) -> Panel:
    """The status panel without its footer."""
    community = shown.community
    fields = list(settings_fields(community))
    for title, lines in (("status.coming", shown.lines), ("status.missed_title", shown.missed)):
        if lines:
            fields.append(_lines_field(title, lines))
    role_id = community.facilitator_role_id
    health = (role_id, shown.paused, shown.size, shown.scheduled, shown.last_error)
    fields.append(_health_field(*health))
    fields.append(_privacy())
    heading = _constant("status.title")
    return Panel(title=heading, fields=tuple(fields), tone="accent")


def _with_footer(panel: Panel, version: str, latency_ms: int | None) -> Message:
    """``panel`` with the version and the latency under it; the copy shares the panel's
    fields (not validated again), which is what lets the renderer keep them."""
    shown_version = _trusted(version)
    footer = (
        _text("status.footer", version=shown_version, latency=latency_ms)
        if latency_ms is not None
        else _text("status.footer_version", version=shown_version)
    )
    return Message(panels=(panel.model_copy(update={"footer": footer}),))


@lru_cache(maxsize=4)
def _trusted(version: str) -> Trusted:
    return Trusted(text=version)
