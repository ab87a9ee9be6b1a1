"""What ``/meeting`` answers the member who asked, in their language: the preview to
confirm, the list, the calendar file, and what a schedule, an edit, a cancel or an
answer did."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from bot.chat import (
    Attachment,
    ChannelRef,
    Code,
    Content,
    Join,
    MemberRef,
    Message,
    MessageLink,
    Moment,
    Panel,
    Text,
)
from bot.db.meeting_rsvps import Answer
from bot.services.community import lead_times
from bot.services.meetings import models
from bot.services.meetings.texts import (
    changes,
    clock_change_notes,
    duration,
    local,
    place,
    repeat,
    text,
    typed_notes,
    when,
    zone,
)
from bot.services.meetings.times import rounded_lead

LIST_LIMIT = 15
CALENDAR_FILE = "plc-meetings.ics"
_RSVP_REPLIES: dict[Answer | None, str] = {
    "going": "rsvp.going",
    "maybe": "rsvp.maybe",
    "cant": "rsvp.cant",
    None: "rsvp.removed",
}


def _lines(parts: list[Content], sep: str = "\n") -> Message:
    return Message(content=Join(parts=tuple(parts), sep=sep))


def _event_problem(problem: str | None) -> list[Content]:
    """The note that the platform's event could not follow (the meeting works without)."""
    return [] if problem is None else [text("event.failed", reason=Text(key=problem))]


def preview(draft: models.MeetingDraft) -> Message:
    """What ``/meeting schedule`` understood, to confirm before anything is saved."""
    at = draft.when
    lines: list[Content] = [
        text("schedule.check"),
        text(
            "schedule.preview",
            title=draft.title,
            local=local(at),
            zone=zone(at.timezone),
            duration=duration(draft.duration_minutes),
            repeat=repeat(draft.repeat, at.local_date),
            place=place(draft.channel_id, draft.link),
            **when(at.starts_at),
        ),
        *typed_notes(at, draft.typed),
        *clock_change_notes(at),
    ]
    lines += _reminders(draft)
    if draft.protocol_id is not None:
        lines.append(text("schedule.protocol", protocol=Code(text=draft.protocol_id)))
    lines.append(
        text("schedule.ask", channel=ChannelRef(channel_id=draft.announcements_channel_id))
    )
    return _lines(lines, sep="\n\n")


def _reminders(draft: models.MeetingDraft) -> list[Content]:
    """The reminders the first date will get (the meeting's own, or the community's, said
    so), and those already too late for it; a repeating meeting's later dates get all."""
    if not draft.reminders:
        return []
    ahead = draft.first_reminders
    later = [text("schedule.reminders_later")] if draft.repeat != "none" else []
    if not ahead:
        left = lead_times((rounded_lead(draft.minutes_left),))
        said = text("schedule.reminders_none", left=left, offsets=lead_times(draft.reminders))
        return [Join(parts=(said, *later), sep=" ")]
    key = "schedule.reminders" if draft.reminder_offsets else "schedule.reminders_default"
    line = text(key, offsets=lead_times(ahead))
    past = tuple(offset for offset in draft.reminders if offset not in ahead)
    if not past:
        return [line]
    note = text("schedule.reminders_past", past=lead_times(past))
    return [Join(parts=(line, Join(parts=(note, *later), sep=" ")), sep="\n")]


def scheduled(result: models.ScheduleResult) -> Message:
    """After Confirm: where it was announced, or that it will be once the platform answers."""
    posted = result.announcement
    if posted is None:
        channel = ChannelRef(channel_id=result.announcements_channel_id)
        said = text("schedule.pending", channel=channel)
    else:
        link = MessageLink(
            guild_id=posted.guild_id, channel_id=posted.channel_id, message_id=posted.message_id
        )
        said = text("schedule.done", url=link)
    return _lines([said, *_event_problem(result.event_problem)])


def answered(result: models.RsvpResult) -> Text:
    """What a member's RSVP click did, told to them alone."""
    upcoming = result.upcoming
    return text(
        _RSVP_REPLIES[result.answer],
        title=upcoming.meeting.title,
        when=Moment(at=upcoming.occurrence.starts_at),
    )


def listing(listed: Sequence[models.ListedMeeting]) -> Message:
    """``/meeting list``: the next dates with their answers (the first fifteen)."""
    return _listing(tuple(listed[:LIST_LIMIT]), max(len(listed) - LIST_LIMIT, 0))


# Built once for what it shows (layouts are immutable): a member asking again, or another
# member of the community, gets the same message while nothing on it changed.
@lru_cache(maxsize=1024)
def _listing(shown: tuple[models.ListedMeeting, ...], more: int) -> Message:
    if not shown:
        return Message(content=text("list.empty"))
    lines: list[Content] = [_list_line(item) for item in shown]
    if more:
        lines.append(text("list.more", count=more))
    panel = Panel(
        title=text("list.title"), description=Join(parts=tuple(lines), sep="\n\n"), tone="accent"
    )
    return Message(panels=(panel,))


@lru_cache(maxsize=4096)
def _list_line(item: models.ListedMeeting) -> Content:
    listed = item.date
    line = text(
        "list.line",
        title=listed.title,
        repeat=repeat(listed.repeat, listed.first_date),
        place=place(listed.channel_id, listed.link),
        going=listed.going,
        maybe=listed.maybe,
        cant=listed.cant,
        **when(listed.starts_at),
    )
    facilitator_id = item.facilitator_id
    if facilitator_id is None:
        return line
    return Join(
        parts=(line, text("list.facilitator", user=MemberRef(user_id=facilitator_id))), sep=""
    )


def calendar(ics: bytes | None) -> Message:
    """``/meeting calendar``: the file, or why there is none."""
    if ics is None:
        return Message(content=text("calendar.empty"))
    return Message(
        content=text("calendar.done"), files=(Attachment(filename=CALENDAR_FILE, data=ics),)
    )


def edited(result: models.EditResult) -> Message:
    """What ``/meeting edit`` changed; a new ``when`` is said back in the zone it was read in."""
    after = result.after
    lines: list[Content] = [
        text("edit.done", title=after.meeting.title, **when(after.occurrence.starts_at)),
        *changes(result.before, after),
    ]
    if result.when is not None:
        read = result.typed or result.when
        lines.append(text("edit.when", local=local(read), zone=zone(read.timezone)))
        lines += typed_notes(result.when, result.typed)
        lines += clock_change_notes(result.when)
    if result.told:
        channel = ChannelRef(channel_id=result.announcements_channel_id or 0)
        lines.append(text("edit.told", count=result.told, channel=channel))
    return _lines([*lines, *_event_problem(result.event_problem)])


def cancelled(result: models.CancelResult) -> Message:
    """A series says it is over as a whole; a one-off names its date, as the card does."""
    shown = result.cancelled
    series = result.series_ended and shown.meeting.repeat != "none"
    lines: list[Content] = [
        text(
            "cancel.series" if series else "cancel.occurrence",
            title=shown.meeting.title,
            when=Moment(at=shown.occurrence.starts_at),
        )
    ]
    if result.next is not None:
        lines.append(text("cancel.next", when=Moment(at=result.next.occurrence.starts_at)))
    if result.told:
        lines.append(text("cancel.told", count=result.told))
    return _lines(lines)
