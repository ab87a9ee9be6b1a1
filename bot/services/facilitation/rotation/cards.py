"""The rotation's messages: the offer to facilitate, the notices to facilitators, the line."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from bot.chat import (
    Button,
    CalendarDay,
    Card,
    Join,
    MemberRef,
    Message,
    Moment,
    Panel,
    PanelField,
    Text,
)
from bot.chat.text import Param, Rows, Trusted
from bot.interactions.routes import CustomId
from bot.services.facilitation.rotation.models import (
    TAKEABLE,
    NoticeReason,
    RotationView,
    ToldReason,
)

# The guild id lets a click in a DM (where the platform sends no community) reach it.
ACCEPT = CustomId("plc:rot:accept:{guild}:{occurrence}")
DECLINE = CustomId("plc:rot:decline:{guild}:{occurrence}")
# The notice of a date nobody holds is posted in a community's channel: no guild needed.
TAKE = CustomId("plc:rot:take:{occurrence}")
UPCOMING_SHOWN = 10


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=f"facilitation.{key}", params=params)


class FacilitatorOffer(Card):
    """ "Will you facilitate?" with Accept / Can't this time (by DM, or in the channel
    mentioning the member when their DMs are closed or turned off)."""

    guild_id: int
    occurrence_id: int
    user_id: int
    meeting_title: str
    starts_at: datetime
    answer_by: datetime | None
    in_channel: bool = False
    taken_by: int | None = None
    """Withdrawn (someone else facilitates the date): said so, without the buttons."""

    def layout(self) -> Message:
        if self.taken_by is not None:
            asked = self._asked(None)
            closed = _text("offer.withdrawn", user=MemberRef(user_id=self.taken_by))
            return Message(content=Join(parts=(asked, closed)))
        ids = {"guild": self.guild_id, "occurrence": self.occurrence_id}
        buttons = (
            Button(action=ACCEPT.build(**ids), label=_text("offer.accept"), style="success"),
            Button(action=DECLINE.build(**ids), label=_text("offer.decline")),
        )
        return Message(content=self._asked(self.answer_by), rows=(buttons,))

    def _asked(self, answer_by: datetime | None) -> Join:
        return Join(
            parts=(
                _text("offer.in_channel", user=MemberRef(user_id=self.user_id))
                if self.in_channel
                else "",
                _text(
                    "offer.ask",
                    title=self.meeting_title,
                    when=Moment(at=self.starts_at),
                    relative=Moment(at=self.starts_at, style="relative"),
                ),
                _text("offer.answer_by", when=Moment(at=answer_by))
                if answer_by is not None
                else "",
            )
        )


class AnsweredOffer(Card):
    """The offer as it reads once the member answered it, edited in place of the one
    they clicked: what they answered, without buttons (so it cannot be answered twice)."""

    user_id: int
    meeting_title: str
    starts_at: datetime
    accepted: bool
    passed_on: bool = False
    """Declined: whether another volunteer was offered the date (else nobody could)."""
    in_channel: bool = False

    def layout(self) -> Message:
        if self.accepted:
            key = "offer.accepted"
        else:
            key = "offer.declined_passed" if self.passed_on else "offer.declined_nobody"
        said = _text(key, title=self.meeting_title, when=Moment(at=self.starts_at))
        if not self.in_channel:
            return Message(content=said)
        return Message(content=Join(parts=(MemberRef(user_id=self.user_id), said), sep=" — "))


class RotationNotice(Card):
    """Tells the facilitators what the rotation could not settle on its own; a date
    nobody holds (or nobody answered for) with the button "I'll facilitate it"."""

    reason: NoticeReason
    meeting_title: str
    starts_at: datetime
    user_id: int | None = None
    next_user_id: int | None = None
    occurrence_id: int | None = None
    """The date told of: its notice can be taken with one click (earlier notices: None)."""

    def layout(self) -> Message:
        said = _text(
            f"notice.{self.reason}",
            title=self.meeting_title,
            when=Moment(at=self.starts_at),
            user=MemberRef(user_id=self.user_id) if self.user_id else Trusted(text="—"),
        )
        if self.occurrence_id is None or self.reason not in TAKEABLE:
            return Message(content=said)
        take = Button(
            action=TAKE.build(occurrence=self.occurrence_id),
            label=_text("notice.take"),
            style="success",
        )
        return Message(content=said, rows=((take,),))


class TakenNotice(Card):
    """The notice of a date nobody held, once someone took it from its button: who
    facilitates the date, without the button (shown to everyone who reads it)."""

    user_id: int
    meeting_title: str
    starts_at: datetime

    def layout(self) -> Message:
        return Message(
            content=_text(
                "notice.taken",
                user=MemberRef(user_id=self.user_id),
                title=self.meeting_title,
                when=Moment(at=self.starts_at),
            )
        )


class RotationTold(Card):
    """What a member is told when a date is taken: a facilitator named them for it
    (``/rotation assign``), or the offer they had is withdrawn (someone took the date).
    By DM, or in the channel mentioning them when their DMs are closed or turned off."""

    reason: ToldReason
    user_id: int
    by_user_id: int
    """Named: the facilitator who named them; withdrawn: who facilitates the date now."""
    meeting_title: str
    starts_at: datetime
    in_channel: bool = False

    def layout(self) -> Message:
        told = _text(
            f"told.{self.reason}",
            by=MemberRef(user_id=self.by_user_id),
            title=self.meeting_title,
            when=Moment(at=self.starts_at),
            relative=Moment(at=self.starts_at, style="relative"),
        )
        if not self.in_channel:
            return Message(content=told)
        mention = _text("told.in_channel", user=MemberRef(user_id=self.user_id))
        return Message(content=Join(parts=(mention, told)))


@lru_cache(maxsize=32)
def _constant(key: str) -> Text:
    """A text without values, the same in every panel: built once."""
    return _text(key)


# The same for every member of the community until the line or the dates change, as
# the status and the lists are: built once for what it shows (the view is its key).
@lru_cache(maxsize=256)
def rotation_panel(view: RotationView) -> Panel:
    """``/rotation show``: the next date to assign, the line in the order the dates go
    (who gets that date first), counts, who is away, the dates assigned."""
    fields = []
    if view.line:
        fields.append(PanelField(name=_constant("show.order"), value=_line(view)))
    upcoming = view.upcoming[:UPCOMING_SHOWN]
    if upcoming:
        dates = Rows(
            key="facilitation.show.date",
            names=("title", "when", "user", "status"),
            rows=tuple(
                (
                    item.meeting_title,
                    Moment(at=item.starts_at),
                    MemberRef(user_id=item.user_id) if item.user_id else _constant("show.nobody"),
                    _constant(f"show.status_{item.status or 'unassigned'}"),
                )
                for item in upcoming
            ),
        )
        fields.append(PanelField(name=_constant("show.upcoming"), value=dates))
    return Panel(
        title=_constant("show.title"),
        description=_heading(view),
        fields=tuple(fields),
        tone="accent",
    )


def _heading(view: RotationView) -> Text | None:
    """Above the line: the date who is next was judged on, or that nobody is in it."""
    if not view.line:
        return _constant("show.empty")
    if view.next_date is None:
        return None
    return _text(
        "show.next_date", title=view.next_date.title, when=Moment(at=view.next_date.starts_at)
    )


@lru_cache(maxsize=64)
def _marks(
    next_up: bool, away: bool, away_until: date | None, set_next: bool, declined_last: bool
) -> Join:
    """The marks after a name in the line (away with the last day of the away period
    when they are away, not gone): built once each."""
    marks = [
        _away(away_until) if key == "show.away" else _text(key)
        for key, shown in (
            ("show.next", next_up),
            ("show.away", away),
            ("show.set_next", set_next),
            ("show.declined_last", declined_last),
        )
        if shown
    ]
    return Join(parts=tuple(marks), sep=", ", prefix=" — ")


def _away(until: date | None) -> Text:
    """Away: until which day, unless they are gone from the server."""
    if until is None:
        return _text("show.away")
    return _text("show.away_until", day=CalendarDay(day=until, year=False))


def _line(view: RotationView) -> Rows:
    return Rows(
        key="facilitation.show.line",
        names=("number", "user", "count", "marks"),
        rows=tuple(
            (
                number,
                MemberRef(user_id=entry.user_id),
                entry.times_facilitated,
                _marks(
                    entry.user_id == view.next_user_id,
                    entry.away,
                    entry.away_until,
                    entry.next_up,
                    entry.first_in_line,
                ),
            )
            for number, entry in enumerate(view.line, start=1)
        ),
    )
