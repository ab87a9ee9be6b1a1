"""Every message the meetings feature shows, in each of its variants, rendered in French
and in English with a markup that exposes where a platform's syntax would go: every key
exists in both catalogs, and no Discord markup is written by the feature itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import product

import pytest

from bot.chat import Card, Message, Posted, render
from bot.dates import LocalInstant
from bot.db.meeting_rsvps import RsvpCounts
from bot.db.meetings import REPEATS, ListedDate, Meeting, Occurrence
from bot.i18n import LANGUAGES, Language, load_catalog
from bot.services.meetings import models, replies
from bot.services.meetings.cards import (
    MeetingAnnouncement,
    MeetingNotice,
    MeetingReminder,
    MissedReminder,
)
from tests.markup import PlainMarkup, assert_no_platform_syntax

WHEN = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)


class ExposingMarkup(PlainMarkup):
    """A member's words tagged too, to see where they are shown."""

    def user_text(self, text: str) -> str:
        return f"[typed {text}]"


def shown(message: Message, language: str) -> list[str]:
    catalog = load_catalog()
    lang: Language = "fr" if language == "fr" else "en"
    return [render(c, lang, catalog, ExposingMarkup()) for c in message.contents()]


def _meeting(repeat: str = "weekly", **changes: object) -> Meeting:
    values: dict[str, object] = {
        "id": 1,
        "guild_id": 1,
        "title": "CAP *bold*",
        "duration_minutes": 90,
        "repeat": repeat,
        "first_date": date(2026, 12, 3),
        "local_time": time(15, 30),
        "timezone": "America/Toronto",
        "channel_id": 5,
        "link": "https://meet.example.org/cap",
        "agenda": "1. Bilan",
        "reminder_offsets": None,
        "protocol_id": None,
        "created_by": 2,
        "created_at": WHEN,
        "updated_at": WHEN,
        "cancelled_at": None,
        "event_id": None,
        "event_occurrence_id": None,
    }
    values.update(changes)
    return Meeting.model_validate(values)


def _upcoming(facilitator_id: int | None = 3, **meeting: object) -> models.UpcomingMeeting:
    occurrence = Occurrence.model_validate(
        {
            "id": 7,
            "guild_id": 1,
            "meeting_id": 1,
            "local_date": date(2026, 12, 3),
            "starts_at": WHEN,
            "status": "scheduled",
            "announcement_channel_id": 8,
            "announcement_message_id": 9,
            "created_at": WHEN,
        }
    )
    return models.UpcomingMeeting(
        meeting=_meeting(**meeting),
        occurrence=occurrence,
        counts=RsvpCounts(going=1),
        facilitator_id=facilitator_id,
    )


def _listed(upcoming: models.UpcomingMeeting) -> models.ListedMeeting:
    """The line ``/meeting list`` reads for the same date."""
    meeting, counts = upcoming.meeting, upcoming.counts
    listed = ListedDate(
        upcoming.occurrence.id,
        meeting.title,
        meeting.repeat,
        meeting.first_date,
        meeting.channel_id,
        meeting.link,
        upcoming.occurrence.starts_at,
        counts.going,
        counts.maybe,
        counts.cant,
    )
    return models.ListedMeeting(listed, upcoming.facilitator_id)


def _cards(language: Language) -> list[Card]:
    found: list[Card] = []
    places = ((5, "https://meet.example.org/cap"), (5, None), (None, "https://x.org"), (None, None))
    for repeat, cancelled, (channel_id, link) in product(REPEATS, (False, True), places):
        found.append(
            MeetingAnnouncement(
                language=language,
                occurrence_id=7,
                title="CAP *bold*",
                agenda="",
                starts_at=WHEN,
                duration_minutes=65,
                repeat=repeat,
                first_date=date(2026, 12, 31),  # a fifth Thursday: "the last"
                timezone="America/Toronto",
                channel_id=channel_id,
                link=link,
                counts=RsvpCounts(going=1, maybe=2),
                cancelled=cancelled,
                facilitator_id=3 if cancelled else None,
            )
        )
    changes = ("edited", "cancelled_occurrence", "cancelled_series", None)
    for change, following in product(changes, (None, WHEN)):
        found.append(
            MeetingNotice(
                language=language,
                change=change,
                title="CAP",
                starts_at=WHEN,
                channel_id=5,
                link=None,
                next_starts_at=following,
                mentions=(3, 4),
            )
        )
    for direct, late, fallback, lead in product(
        (True, False), (True, False), ((), (3,)), (1440, 90, None)
    ):
        found.append(
            MeetingReminder(
                language=language,
                direct=direct,
                title="CAP",
                starts_at=WHEN,
                channel_id=None,
                link="https://x.org",
                announcements_channel_id=8,
                lead_minutes=lead,
                late=late,
                fallback=fallback,
            )
        )
    for minutes in (45, 60, 1440, 1530):
        found.append(
            MissedReminder(language=language, offset_minutes=minutes, title="CAP", starts_at=WHEN)
        )
    return found


def _instant(**changes: object) -> LocalInstant:
    values: dict[str, object] = {
        "local_date": date(2026, 3, 8),
        "local_time": time(2, 30),
        "timezone": "America/Toronto",
        "starts_at": WHEN,
    }
    values.update(changes)
    return LocalInstant.model_validate(values)


def _replies() -> list[Message]:
    gap = _instant(shifted_to=time(3, 30))
    twice = _instant(repeated=True)
    found = []
    for typed, offsets, protocol, ahead in product(
        (None, twice), (None, (1440, 90)), (None, "codev"), (3000, 120, 30)
    ):
        draft = models.MeetingDraft(
            guild_id=1,
            created_by=2,
            title="CAP",
            duration_minutes=90,
            repeat="monthly",
            when=gap,
            typed=typed,
            channel_id=None,
            link=None,
            agenda="",
            announcements_channel_id=8,
            reminder_offsets=offsets,
            community_reminders=(1440, 60),
            drafted_at=WHEN - timedelta(minutes=ahead),
            protocol_id=protocol,
        )
        found.append(replies.preview(draft))
    upcoming = _upcoming()
    for posted, problem in product((Posted(1, 8, 9), None), (None, "meetings.event.forbidden")):
        result = models.ScheduleResult(
            upcoming=upcoming,
            announcement=posted,
            announcements_channel_id=8,
            event_problem=problem,
        )
        found.append(replies.scheduled(result))
    for answer in ("going", "maybe", "cant", None):
        rsvp = models.RsvpResult(
            answer=answer, previous=None, upcoming=upcoming, announcement=_cards("en")[0]
        )
        found.append(Message(content=replies.answered(rsvp)))
    many = [_upcoming(None, repeat=r) for r in REPEATS] * 5
    listed = [_listed(u) for u in many]
    found += [replies.listing([]), replies.listing([_listed(upcoming)]), replies.listing(listed)]
    found += [replies.calendar(None), replies.calendar(b"BEGIN:VCALENDAR")]
    for when, typed, told in product((None, gap), (None, twice), (0, 3)):
        edit = models.EditResult(
            before=upcoming,
            after=upcoming,
            when=when,
            typed=typed,
            notify=[3],
            told=told,
            announcements_channel_id=8,
            event_problem="meetings.event.refused",
        )
        found.append(replies.edited(edit))
    for ended, following in product((True, False), (None, upcoming)):
        cancel = models.CancelResult(
            cancelled=upcoming, series_ended=ended, next=following, notify=[]
        )
        found.append(replies.cancelled(cancel))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_card_renders_in_both_languages_without_platform_markup(language: str) -> None:
    lang: Language = "fr" if language == "fr" else "en"
    kinds = set()
    for card in _cards(lang):
        texts = shown(card.layout(), language)
        assert texts and all(texts), card
        assert_no_platform_syntax(*texts)
        assert not any("[typed" in t for t in texts if "Toronto" in t), "a zone is the bot's"
        kinds.add(type(card))
    assert kinds == {MeetingAnnouncement, MeetingNotice, MeetingReminder, MissedReminder}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_renders_in_both_languages_without_platform_markup(language: str) -> None:
    for message in _replies():
        texts = shown(message, language)
        assert texts and all(texts), message
        assert_no_platform_syntax(*texts)


def test_members_words_are_shown_as_typed_and_references_as_references() -> None:
    card = _cards("en")[0]
    texts = shown(card.layout(), "en")
    assert texts[0] == "📅 [typed CAP *bold*]"
    at = WHEN.isoformat()
    assert f"[date_time {at}]\n[relative {at}]" in texts
    assert any("[channel 5] · https://meet.example.org/cap" in t for t in texts)
    [listed] = shown(replies.listing([_listed(_upcoming())]), "en")[1:]
    assert "[member 3]" in listed and "[typed CAP *bold*]" in listed
