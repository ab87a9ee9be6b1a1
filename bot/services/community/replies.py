"""What ``/plc setup`` and ``/plc status`` answer: the settings panel, the status panel."""

from __future__ import annotations

from functools import lru_cache

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
from bot.services.base import StatusLine
from bot.services.community.service import SetupResult
from bot.services.community.status import CommunityStatus

SIZE_UNITS = ("bytes", "kilobytes", "megabytes", "gigabytes")


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=f"admin.{key}", params=params)


def _channel(channel_id: int | None) -> Content:
    return ChannelRef(channel_id=channel_id) if channel_id else _text("not_set")


def _duration(minutes: int) -> Text:
    if minutes % 1440 == 0:
        return _text("units.days", count=minutes // 1440)
    if minutes % 60 == 0:
        return _text("units.hours", count=minutes // 60)
    return _text("units.minutes", count=minutes)


def _size(size: int) -> Text:
    """``382.2 KB`` in English, ``382,2 Ko`` in French (the catalog writes the number)."""
    scaled, index = float(size), 0
    while scaled >= 1024 and index < len(SIZE_UNITS) - 1:
        scaled, index = scaled / 1024, index + 1
    return _text(f"units.{SIZE_UNITS[index]}", size=round(scaled, 1))


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
        ("reminders", Join(parts=tuple(map(_duration, community.reminder_offsets)), sep=", ")),
    )
    return tuple(
        PanelField(name=_text(f"fields.{name}"), value=value, inline=True) for name, value in rows
    )


def setup_reply(result: SetupResult) -> Message:
    """The settings as saved; a warning first when the facilitators cannot see the
    command that moderates questions."""
    community = result.community
    warning = (
        _text("setup.moderate_hidden", role=RoleRef(role_id=community.facilitator_role_id))
        if result.moderation_hidden and community.facilitator_role_id
        else None
    )
    title = _text("setup.created" if result.created else "setup.updated")
    panel = Panel(title=title, fields=settings_fields(community), tone="accent")
    return Message(content=warning, panels=(panel,))


@lru_cache(maxsize=32)
def _constant(key: str) -> Text:
    """A text without values, the same in every status: built once."""
    return _text(key)


@lru_cache(maxsize=1)
def _privacy() -> PanelField:
    return PanelField(name=_constant("status.privacy_title"), value=_constant("status.privacy"))


def _lines(lines: list[StatusLine]) -> Join:
    return Join(parts=tuple(Text(key=line.key, params=line.params) for line in lines))


def _health(status: CommunityStatus) -> Join:
    """The database and what is scheduled, paused targets, the last unexpected error."""
    health: list[Content] = [
        _text("status.health", size=_size(status.database_bytes), scheduled=status.scheduled)
    ]
    role_id = status.community.facilitator_role_id
    for paused in status.paused:
        target = (
            RoleRef(role_id=paused.target_id)
            if paused.target_id == role_id
            else ChannelRef(channel_id=paused.target_id)
        )
        since = Moment(at=paused.since, style="short_date_time")
        health.append(
            _text("status.paused", target=target, reason=Trusted(text=paused.reason), since=since)
        )
    error = status.last_error
    if error is not None:
        when = Moment(at=error.at, style="relative")
        health.append(_text("status.last_error", ref=Code(text=error.ref), when=when))
    else:
        health.append(_constant("status.no_error"))
    return Join(parts=tuple(health))


def status_reply(status: CommunityStatus) -> Message:
    """The settings, what the features say is coming, what was missed, the health, the
    version and where the privacy notice is."""
    fields = list(settings_fields(status.community))
    for title, lines in (("status.coming", status.lines), ("status.missed_title", status.missed)):
        if lines:
            fields.append(PanelField(name=_constant(title), value=_lines(lines)))
    fields.append(PanelField(name=_constant("status.health_title"), value=_health(status)))
    fields.append(_privacy())
    version = Trusted(text=status.version)
    footer = (
        _text("status.footer", version=version, latency=round(status.latency * 1000))
        if status.latency is not None
        else _text("status.footer_version", version=version)
    )
    heading = _constant("status.title")
    panel = Panel(title=heading, fields=tuple(fields), footer=footer, tone="accent")
    return Message(panels=(panel,))
