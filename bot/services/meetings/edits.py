"""What ``/meeting edit`` was given, checked: the new values and the new time, if any."""

from __future__ import annotations

import zlib
from datetime import datetime
from typing import Any

from bot.actor import Actor
from bot.dates import LocalInstant
from bot.db.communities import Community
from bot.errors import UserError
from bot.frozen import Frozen
from bot.services.community import CommunityService
from bot.services.meetings.checks import (
    Room,
    check_agenda,
    check_duration,
    check_link,
    check_room,
    check_title,
    read_when,
)


class MeetingEdit(Frozen):
    """The options of ``/meeting edit``; None leaves a value as it is."""

    title: str | None = None
    when: str | None = None
    duration: int | None = None
    room: Room | None = None
    link: str | None = None
    agenda: str | None = None

    async def checked(
        self, actor: Actor, community: Community, communities: CommunityService, now: datetime
    ) -> tuple[dict[str, Any], LocalInstant | None, LocalInstant | None]:
        """(the meeting's new columns, the new time in the community's zone, the new time
        as the member typed it when their zone is another); nothing given is refused."""
        changes: dict[str, Any] = {}
        if self.title is not None:
            changes["title"] = check_title(self.title)
        if self.agenda is not None:
            changes["agenda"] = check_agenda(self.agenda)
        if self.duration is not None:
            changes["duration_minutes"] = check_duration(self.duration)
        if self.link is not None:
            changes["link"] = check_link(self.link)
        if self.room is not None:
            changes["channel_id"] = check_room(self.room)
        instant = typed = None
        if self.when is not None:
            instant, typed = await read_when(self.when, actor, community, communities, now)
            changes.update(
                first_date=instant.local_date,
                local_time=instant.local_time,
                timezone=instant.timezone,
            )
        if not changes:
            raise UserError("meetings.errors.nothing_to_edit")
        return changes, instant, typed


def notice_key(updated_at: datetime, changes: dict[str, Any]) -> str:
    """What makes an edit's notice one message (sent again after a retry, never twice):
    the edit's time and what it changed, so two edits within one second are two
    notices."""
    changed = zlib.crc32(repr(sorted(changes.items())).encode())
    return f"edit-{updated_at.timestamp():.0f}-{changed:08x}"
