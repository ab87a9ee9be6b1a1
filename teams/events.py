"""Roster and installation changes Teams tells the bot about, told to the core.

As the Discord client does on its gateway events: the bot added to a team (or the app
installed there) is ``bot_joined``, removed is ``bot_left``; a member who leaves the
team is ``member_left`` (what they held is handed on, their data purged later). Any
change of members empties the kept roster, so owners and names are asked again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from microsoft_agents.activity import Activity

from bot.app import App
from bot.i18n import Language, language_for_locale
from bot.services.community import CommunityService, MemberService
from teams import store
from teams.runtime import TeamsRuntime
from teams.turns import TurnReader

log = logging.getLogger(__name__)


def said_language(activity: Activity) -> Language | None:
    """The language of the member whose action Teams tells, if the activity says."""
    return language_for_locale(activity.locale) if activity.locale else None


@dataclass(frozen=True)
class RosterEvents:
    app: App
    runtime: TeamsRuntime
    reader: TurnReader

    async def conversation_update(self, activity: Activity) -> None:
        turn = await self.reader.read(activity)
        team = turn.team
        if team is None:
            return
        self.runtime.roster.forget(team.teams_id)
        bot_id = str(activity.recipient.id) if activity.recipient else ""
        added = [str(m.id) for m in activity.members_added or []]
        removed = [str(m.id) for m in activity.members_removed or []]
        community = self.app.services.get(CommunityService)
        if bot_id in added:
            await community.bot_joined(team.number, by_language=said_language(activity))
        if bot_id in removed:
            await community.bot_left(team.number)
        members = self.app.services.get(MemberService)
        for teams_id in removed:
            number = await self.runtime.ids.known("user", teams_id)
            if teams_id != bot_id and number is not None:
                await members.member_left(team.number, number)

    async def installation_update(self, activity: Activity) -> None:
        turn = await self.reader.read(activity)
        action = str(activity.action or "")
        if turn.team is not None:
            community = self.app.services.get(CommunityService)
            if action.startswith("add"):
                await community.bot_joined(turn.team.number, by_language=said_language(activity))
            elif action.startswith("remove"):
                await community.bot_left(turn.team.number)
            return
        if turn.personal and action.startswith("remove"):
            # The 1:1 chat is gone with the app; a later message asks Teams again.
            self.runtime.chats.pop(turn.user, None)
            async with self.runtime.db.transaction() as conn:
                await store.forget_personal_chat(conn, turn.user)
            log.info("a member removed the app from their 1:1 chat")
