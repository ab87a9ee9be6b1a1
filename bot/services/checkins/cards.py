"""The messages check-ins post, and how they look on any platform.

``language`` is the community's for public posts (the prompt, the answers, the digest,
the reminder in the thread) and for the DM nudge. Members' words (custom questions,
answers, goal titles, names) are plain ``str``: every platform shows them inert. Only
the reminder in the thread pings anyone: the members it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.chat import (
    Button,
    Card,
    ChannelRef,
    Join,
    MemberRef,
    Message,
    MessageLink,
    Moment,
    Panel,
    PanelAuthor,
    PanelField,
    Text,
    Trusted,
)
from bot.chat.layout import Tone
from bot.chat.text import Content, Param
from bot.db.checkins import Answer, Checkin
from bot.i18n import language_for_locale
from bot.interactions.routes import CustomId
from bot.services.checkins.base import DEFAULT_QUESTION_KEYS
from bot.services.checkins.digest_layout import digest_panel, pulse_text
from bot.services.checkins.models import (
    PULSE_MIN_ANSWERS,
    AnswerAuthor,
    Digest,
    PulseSummary,
    ReportedNumber,
)
from bot.services.checkins.schedule import week_shown

ANSWER = CustomId("plc:checkin:answer:{checkin_id}")
EDIT = CustomId("plc:checkin:edit:{answer_id}")
PULSE = CustomId("plc:checkin:pulse:{checkin_id}:{score}", score="[0-9]")
PULSE_SCORES = range(1, 6)


def _text(key: str, /, **params: Param) -> Text:
    return Text(key=f"checkins.{key}", params=params)


def answer_button(language: str) -> Text:
    """The prompt's *Answer* button as the prompt shows it (in the community's
    ``language``), for a reply to a member who reads another language."""
    return Text(key="checkins.buttons.answer", language=language_for_locale(language))


def question_labels(custom: Sequence[str] | None) -> list[Content]:
    """The text questions of a check-in: the facilitator's own words, or the built-in
    questions in the reader's language."""
    if custom is not None:
        return list(custom)
    return [Text(key=key) for key in DEFAULT_QUESTION_KEYS]


class CheckinPrompt(Card):
    """The week's prompt in the check-in channel: questions, close time, Answer and pulse."""

    checkin: Checkin
    late: bool = False

    def layout(self) -> Message:
        checkin = self.checkin
        buttons = (
            Button(
                action=ANSWER.build(checkin_id=checkin.id),
                label=_text("buttons.answer"),
                style="primary",
                emoji="📝",
            ),
        )
        # The 1–5 pulse scale on its own row, when the schedule asks for it.
        scale = tuple(
            Button(
                action=PULSE.build(checkin_id=checkin.id, score=score),
                label=Trusted(text=str(score)),
            )
            for score in PULSE_SCORES
        )
        closes = PanelField(
            name=_text("prompt.closes"),
            value=_text(
                "prompt.closes_value",
                when=Moment(at=checkin.closes_at),
                relative=Moment(at=checkin.closes_at, style="relative"),
            ),
        )
        return Message(
            content=Text(key="delivery.late") if self.late else None,
            panels=(_prompt_panel(checkin, "accent", _text("prompt.intro"), closes),),
            rows=(buttons, scale) if checkin.pulse else (buttons,),
        )


class ClosedCheckinPrompt(Card):
    """The prompt once closed: no buttons, the count, the pulse average if allowed."""

    checkin: Checkin
    answer_count: int
    pulse: PulseSummary | None

    def layout(self) -> Message:
        checkin = self.checkin
        closed = _text(
            "prompt.closed",
            closed=Moment(at=checkin.closed_at or checkin.closes_at),
            count=self.answer_count,
        )
        panel = _prompt_panel(checkin, "muted", closed, None)
        if self.pulse is not None:
            panel = panel.model_copy(update={"footer": pulse_text(self.pulse)})
        return Message(panels=(panel,))


def _prompt_panel(
    checkin: Checkin, tone: Tone, description: Content, closes: PanelField | None
) -> Panel:
    asked = [Text(key="checkins.questions.progress"), *question_labels(checkin.questions)]
    numbered = Join(
        parts=tuple(
            Join(parts=(Trusted(text=f"{number}. "), question), sep="")
            for number, question in enumerate(asked, start=1)
        )
    )
    fields = [PanelField(name=_text("prompt.questions"), value=numbered)]
    if closes is not None:
        fields.append(closes)
    if checkin.pulse:
        # Closed, the scale's buttons are gone: the question alone, its outcome below.
        question = Text(key="checkins.questions.pulse")
        how = (
            question
            if closes is None
            else _text("prompt.pulse_text", question=question, minimum=PULSE_MIN_ANSWERS)
        )
        fields.append(PanelField(name=_text("prompt.pulse"), value=how))
    return Panel(
        title=_text("prompt.title", monday=week_shown(checkin.week)),
        description=description,
        fields=tuple(fields),
        tone=tone,
    )


class AnswerPost(Card):
    """A member's answer in the week's thread, under their name: each number under the
    goal it counts toward (a community goal's named as such), then the texts."""

    answer: Answer
    questions: tuple[str, ...] | None
    """The check-in's custom questions; None: the built-in ones."""
    numbers: list[ReportedNumber]
    author: AnswerAuthor | None

    def layout(self) -> Message:
        answer = self.answer
        fields: list[PanelField] = []
        # A number that counts toward no goal (``answer.progress``) is not posted: the
        # member's reply says so, and the thread shows only numbers given for a goal.
        for number in self.numbers:
            goal = number.goal
            shared = goal.scope == "community"
            fields.append(
                PanelField(
                    name=_text(
                        "answer.progress_community" if shared else "answer.progress_on",
                        goal=goal.title,
                        number=goal.id,
                    ),
                    value=_text(
                        "answer.progress_goal",
                        value=number.value,
                        target=goal.target,
                        measure=goal.measure,
                    ),
                )
            )
        for question, text in zip(question_labels(self.questions), answer.texts, strict=False):
            if text:
                fields.append(PanelField(name=question, value=text))
        author = self.author
        return Message(
            panels=(
                Panel(
                    author=PanelAuthor(name=author.name, icon_url=author.icon_url)
                    if author
                    else None,
                    description=None if author else MemberRef(user_id=answer.user_id),
                    fields=tuple(fields),
                    tone="accent",
                    footer=_text("answer.edited")
                    if answer.updated_at != answer.created_at
                    else None,
                ),
            )
        )


class CheckinNudge(Card):
    """The one DM reminder to a member who has not answered yet; it names the community
    as the platform calls it (the DM says where it comes from)."""

    checkin: Checkin
    community: str | None

    def layout(self) -> Message:
        checkin = self.checkin
        link: Content = (
            MessageLink(
                guild_id=checkin.guild_id,
                channel_id=checkin.channel_id,
                message_id=checkin.message_id,
            )
            if checkin.message_id is not None
            else ChannelRef(channel_id=checkin.channel_id)
        )
        return Message(
            content=_text(
                "nudge.dm",
                community=self.community or "",
                closes=Moment(at=checkin.closes_at, style="relative"),
                link=link,
            )
        )


class NudgeFallback(Card):
    """The reminder in the thread for members whose DMs are closed (mentioned)."""

    closes_at: datetime
    user_ids: list[int]

    def layout(self) -> Message:
        return Message(
            content=_text(
                "nudge.fallback",
                closes=Moment(at=self.closes_at, style="relative"),
                mentions=Join(parts=tuple(MemberRef(user_id=u) for u in self.user_ids), sep=" "),
            )
        )


class CheckinDigest(Card):
    """The facilitators' digest at close."""

    digest: Digest
    late: bool = False

    def layout(self) -> Message:
        return Message(panels=(digest_panel(self.digest, late=self.late),))
