"""What the bot posts about questions and topics: the public post, the review, a report.

A post never names an anonymous author and pings nobody; a member's words are plain
``str`` values, which every platform shows inert. Buttons carry only the item's ref.
"""

from __future__ import annotations

from typing import Literal

from bot.chat import (
    Button,
    Card,
    ChannelRef,
    Join,
    MemberRef,
    Message,
    MessageLink,
    Panel,
    PanelField,
    RoleRef,
    Text,
    Trusted,
    text,
)
from bot.chat.layout import Row
from bot.chat.text import Content, Param
from bot.db.questions import QuestionItem
from bot.services.questions import ids

Decision = Literal["approved", "rejected", "rejected_blocked", "removed", "blocked", "unblocked"]
"""What the moderators decided last about an item that went through review (``blocked``:
its author, after it was approved; ``unblocked``: a block taken from it, lifted)."""

Titled = Literal["approved", "rejected", "rejected_blocked", "removed", "blocked"]
"""What a review message's title says once decided (``questions.review.<kind>_<it>_title``)."""

_TOPIC_FORMS = {
    "questions.review.hint": "questions.review.hint_topic",
    "questions.review.approved": "questions.review.approved_topic",
    "questions.review.rejected": "questions.review.rejected_topic",
    "questions.review.rejected_blocked": "questions.review.rejected_blocked_topic",
}
"""Review lines whose French agrees with the item: a topic's (un thème) are masculine."""


def number(item: QuestionItem) -> Param:
    """Its "#N", or "?" while it has none (numbers are given when posting)."""
    return item.number if item.number is not None else Trusted(text="?")


def what(item: QuestionItem) -> Text:
    """The item as moderators and reports name it: anonymous question #3, topic #2."""
    return text(f"questions.what.{item.kind}", number=number(item))


def link(item: QuestionItem) -> Content:
    """A link to the public post."""
    if item.channel_id is None or item.message_id is None:
        return Trusted(text="—")
    return MessageLink(
        guild_id=item.guild_id, channel_id=item.channel_id, message_id=item.message_id
    )


def body(item: QuestionItem) -> tuple[Content, tuple[PanelField, ...]]:
    """The item's own words: a question (and its topic), or a topic's title, details and
    who proposed it."""
    if item.kind == "question":
        fields = (PanelField(name=text("questions.post.topic_field"), value=item.details),)
        return item.text, fields if item.details else ()
    signed = (
        text("questions.post.proposed_by", member=MemberRef(user_id=item.proposer_id))
        if item.proposer_id is not None
        else text("questions.post.proposed_anonymously")
    )
    return Join(
        parts=(text("questions.post.topic_heading", title=item.text), item.details, signed),
        sep="\n\n",
    ), ()


class QuestionPost(Card):
    """The public post of a question or topic, with Upvote and Report."""

    item: QuestionItem

    def layout(self) -> Message:
        item = self.item
        if item.status == "removed":
            removed = text(f"questions.post.removed_{item.kind}", number=number(item))
            return Message(panels=(Panel(description=removed, tone="muted"),))
        description, fields = body(item)
        panel = Panel(
            title=text(f"questions.post.{item.kind}_title", number=number(item)),
            description=description,
            fields=fields,
            tone="info" if item.kind == "question" else "warning",
            footer=self._closed(),
        )
        return Message(panels=(panel,), rows=self._buttons())

    def _closed(self) -> Text | None:
        if self.item.answered_at is not None:
            return text("questions.post.answered")
        if self.item.discussed_at is not None:
            return text("questions.post.discussed")
        return None

    def _buttons(self) -> tuple[Row, ...]:
        """Only what every member may use; moderation is in a private panel."""
        item = self.item
        if item.status != "posted":
            return ()
        return (
            (
                Button(
                    action=ids.UPVOTE.build(ref=item.ref),
                    label=text("questions.post.upvote", count=item.upvotes),
                    style="primary",
                ),
                Button(action=ids.REPORT.build(ref=item.ref), label=text("questions.post.report")),
            ),
        )


class ReviewPost(Card):
    """An item in the moderation channel: awaiting review (Approve / Reject), then the
    decision; once approved, Remove and Block author stay, so whoever facilitates can act
    from here without the *Moderate* command. While its author is blocked through it
    (rejected and blocked too), Unblock author undoes the block where it was made."""

    item: QuestionItem
    questions_channel_id: int | None
    decision: Decision | None = None
    moderator_id: int | None = None
    """Who made the decision shown."""
    author_blocked: bool = False
    decided_by: int | None = None
    """Who made the decision the item stands on (approved, rejected, removed), shown above
    a block or an unblock; None when the moderation log no longer says."""

    def layout(self) -> Message:
        item = self.item
        erased = item.status in ("rejected", "removed")
        if self.decision is None:
            title = text(f"questions.review.{item.kind}_title")
        else:
            title = text(f"questions.review.{item.kind}_{self._titled()}_title")
        words, fields = ("", ()) if erased else body(item)
        panel = Panel(
            title=title,
            description=Join(parts=(words, self._note(), self._hint()), sep="\n\n"),
            fields=fields,
            tone="muted" if erased else "alert",
        )
        return Message(panels=(panel,), rows=self._buttons())

    def _titled(self) -> Titled:
        """What the title says of an item decided on: a block lifted goes back to where
        the item stands; a block after the item was taken down says it was removed."""
        decision, item = self.decision, self.item
        if decision is None or decision == "unblocked":
            return _state(item)
        if decision == "blocked" and item.status in ("rejected", "removed"):
            return "removed"
        return decision

    def _note(self) -> Content:
        """What the moderators decided, and what it means for the author; a block or an
        unblock comes under the decision the item stands on, when who made it is known."""
        if self.decision is None:
            return ""
        if self.decision in ("blocked", "unblocked"):
            standing = self._decided(_state(self.item), self.decided_by) if self.decided_by else ""
            if self.decision == "blocked" and not self.moderator_id:
                # blocked before, by someone
                return Join(parts=(standing, text("questions.review.author_blocked")))
            return Join(parts=(standing, self._decided(self.decision, self.moderator_id)))
        blocked_since = self.author_blocked and self.decision in ("approved", "removed")
        return Join(
            parts=(
                self._decided(self.decision, self.moderator_id),
                text("questions.review.author_blocked") if blocked_since else "",
            )
        )

    def _decided(self, decision: Decision, moderator_id: int | None) -> Text:
        """The line of ``decision``, naming who made it."""
        moderator = MemberRef(user_id=moderator_id) if moderator_id else Trusted(text="—")
        if decision != "approved":
            return text(self._agreed(f"questions.review.{decision}"), moderator=moderator)
        channel: Content = (
            ChannelRef(channel_id=self.questions_channel_id)
            if self.questions_channel_id
            else Trusted(text="—")
        )
        return text(self._agreed("questions.review.approved"), moderator=moderator, channel=channel)

    def _agreed(self, key: str) -> str:
        """``key`` agreeing with the item: French says « approuvé » of a topic (un thème),
        « approuvée » of a question."""
        return _TOPIC_FORMS.get(key, key) if self.item.kind == "topic" else key

    def _hint(self) -> Content:
        if self.decision is not None or self.questions_channel_id is None:
            return ""
        # A signed topic shows its author's name: only an anonymous item's author is unknown.
        key = (
            self._agreed("questions.review.hint")
            if self.item.anonymous
            else "questions.review.hint_signed"
        )
        return text(key, channel=ChannelRef(channel_id=self.questions_channel_id))

    def _buttons(self) -> tuple[Row, ...]:
        item, ref = self.item, self.item.ref
        if self.decision is None:
            buttons = [
                Button(
                    action=ids.APPROVE.build(ref=ref),
                    label=text("questions.review.approve"),
                    style="success",
                ),
                Button(action=ids.REJECT.build(ref=ref), label=text("questions.review.reject")),
            ]
            if item.anonymous:
                buttons.append(
                    Button(
                        action=ids.REJECT_AND_BLOCK.build(ref=ref),
                        label=text("questions.review.reject_block"),
                        style="danger",
                    )
                )
            return (tuple(buttons),)
        buttons = []
        if item.status in ("approved", "posted"):
            buttons.append(remove_button(ids.REVIEW_REMOVE.build(ref=ref)))
        if self.author_blocked:  # a misclick is undone where it was made
            buttons.append(unblock_button(ids.REVIEW_UNBLOCK.build(ref=ref)))
        elif item.status != "rejected" and blockable(item, already_blocked=False):
            buttons.append(block_button(ids.REVIEW_BLOCK.build(ref=ref)))
        return (tuple(buttons),) if buttons else ()


def _state(item: QuestionItem) -> Literal["approved", "rejected", "removed"]:
    """Where an item that went through review stands, for its title."""
    if item.status in ("rejected", "removed"):
        return item.status
    return "approved"


def blockable(item: QuestionItem, already_blocked: bool) -> bool:
    """Its author can still be blocked: anonymous, the link to them not yet erased."""
    return item.anonymous and item.blockable and not already_blocked


def remove_button(action: str) -> Button:
    return Button(action=action, label=text("questions.post.remove"), style="danger")


def block_button(action: str) -> Button:
    return Button(action=action, label=text("questions.post.block"), style="danger")


def unblock_button(action: str) -> Button:
    return Button(action=action, label=text("questions.post.unblock"))


class ReportPost(Card):
    """A member's report to the moderators; the reporter is not in it."""

    item: QuestionItem
    reason: str
    facilitator_role_id: int | None
    """Set when the report goes to the announcements channel: the facilitators are pinged."""

    def layout(self) -> Message:
        item = self.item
        if self.facilitator_role_id is not None:
            header = text(
                "questions.report.post_for_facilitators",
                role=RoleRef(role_id=self.facilitator_role_id),
                what=what(item),
                link=link(item),
            )
        else:
            header = text("questions.report.post", what=what(item), link=link(item))
        # Facilitators act from here: the panel opens for them alone (refused to others).
        moderate = Button(
            action=ids.REPORTED.build(ref=item.ref), label=text("questions.report.moderate")
        )
        return Message(
            content=Join(parts=(header, text("questions.report.reason", reason=self.reason))),
            rows=((moderate,),),
        )
