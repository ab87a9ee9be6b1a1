"""Buttons of meetings. Their ``custom_id`` holds only ids, so they survive restarts.

- :class:`RsvpButton`: Going / Maybe / Can't on an announcement (occurrence id + answer).
- :class:`ScheduleDecision`: Confirm / Cancel under a ``/meeting schedule`` preview. The
  draft itself waits in memory (:class:`PendingDrafts`) for 10 minutes; a click after
  that, or after a restart, is told the confirmation expired.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.services.meetings import MeetingDraft
from cogs.toolkit import reports_errors

if TYPE_CHECKING:
    from cogs.meetings.commands import Meetings

CONFIRM_FOR = timedelta(minutes=10)
COG_NAME = "Meetings"


def meetings_cog(interaction: discord.Interaction) -> Meetings:
    cog = interaction.client.get_cog(COG_NAME)  # type: ignore[attr-defined]
    return cast("Meetings", cog)


class RsvpButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"plc:mtg:rsvp:(?P<occurrence>\d+):(?P<answer>going|maybe|cant)",
):
    def __init__(
        self,
        occurrence_id: int,
        answer: str,
        *,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"plc:mtg:rsvp:{occurrence_id}:{answer}"
            )
        )
        self.occurrence_id = occurrence_id
        self.answer = answer

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RsvpButton:
        button = cast("discord.ui.Button[discord.ui.View]", item)
        return cls(
            int(match["occurrence"]), match["answer"], label=button.label, style=button.style
        )

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await meetings_cog(interaction).answer_rsvp(interaction, self.occurrence_id, self.answer)


class ScheduleDecision(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"plc:mtg:(?P<decision>confirm|discard):(?P<token>[0-9a-f]{16})",
):
    def __init__(
        self,
        decision: str,
        token: str,
        *,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"plc:mtg:{decision}:{token}")
        )
        self.decision = decision
        self.token = token

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ScheduleDecision:
        button = cast("discord.ui.Button[discord.ui.View]", item)
        return cls(match["decision"], match["token"], label=button.label, style=button.style)

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await meetings_cog(interaction).decide_schedule(
            interaction, self.token, confirmed=self.decision == "confirm"
        )


def decision_view(token: str, confirm_label: str, cancel_label: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(
        ScheduleDecision("confirm", token, label=confirm_label, style=discord.ButtonStyle.success)
    )
    view.add_item(ScheduleDecision("discard", token, label=cancel_label))
    return view


@dataclass(frozen=True)
class PendingDraft:
    draft: MeetingDraft
    user_id: int
    expires_at: datetime


class PendingDrafts:
    """Drafts waiting for Confirm, by token; expiry follows the injected clock."""

    def __init__(self) -> None:
        self._drafts: dict[str, PendingDraft] = {}

    def add(self, draft: MeetingDraft, user_id: int, now: datetime) -> str:
        self._forget_expired(now)
        token = secrets.token_hex(8)
        self._drafts[token] = PendingDraft(draft, user_id, now + CONFIRM_FOR)
        return token

    def take(self, token: str, user_id: int, now: datetime) -> MeetingDraft | None:
        """The draft, once; None if expired, already used, or someone else's."""
        self._forget_expired(now)
        pending = self._drafts.get(token)
        if pending is None or pending.user_id != user_id:
            return None
        del self._drafts[token]
        return pending.draft

    def _forget_expired(self, now: datetime) -> None:
        for token in [t for t, p in self._drafts.items() if p.expires_at <= now]:
            del self._drafts[token]
