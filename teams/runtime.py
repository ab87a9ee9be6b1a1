"""What the Teams adapter's parts share: ids, the connector, the roster, files, rendering.

Built once per process by :mod:`teams.hosting` around the core's database and clock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bot.chat.layout import Message
from bot.chat.refs import ChannelRef, MemberRef, MessageLink, Ref
from bot.clock import Clock
from bot.db.engine import Engine
from bot.i18n import Catalog, Language
from teams import store
from teams.files import FileShelf
from teams.ids import TeamsIds, thread_of
from teams.markup import Lookup
from teams.render import CARD_TYPE, JSON, CardRenderer
from teams.roster import Roster
from teams.store import TeamRecord
from teams.transport import Connector, TeamsRefusal

CARDS_KEPT = 500
DEEP_LINK = "https://teams.microsoft.com/l/message/{conversation}/{message}"


def card_activity(card: JSON) -> dict[str, Any]:
    return {"type": "message", "attachments": [{"contentType": CARD_TYPE, "content": card}]}


class KeptCards:
    """The last cards the bot sent or updated, by activity id: a card a form was shown
    in place of is put back after the form (Teams does not send the clicked card)."""

    def __init__(self) -> None:
        self._cards: OrderedDict[str, JSON] = OrderedDict()

    def remember(self, activity_id: str, card: JSON) -> None:
        self._cards[activity_id] = card
        self._cards.move_to_end(activity_id)
        while len(self._cards) > CARDS_KEPT:
            self._cards.popitem(last=False)

    def get(self, activity_id: str) -> JSON | None:
        return self._cards.get(activity_id)


@dataclass(frozen=True)
class Team:
    """A team the bot is in: its number, Teams id, and where to reach it."""

    number: int
    teams_id: str
    record: TeamRecord


@dataclass
class TeamsRuntime:
    catalog: Catalog
    db: Engine
    clock: Clock
    ids: TeamsIds
    connector: Connector
    roster: Roster
    files: FileShelf
    cards: KeptCards = field(default_factory=KeptCards)
    chats: dict[int, str] = field(default_factory=dict)
    """Each member's 1:1 chat met in this process, kept in memory only: a member who only
    talks to the bot (an anonymous asker) leaves no chat id in the database."""

    async def team(self, number: int) -> Team | None:
        teams_id = await self.ids.maybe_string(number, "team")
        if teams_id is None:
            return None
        async with self.db.read() as conn:
            record = await store.team(conn, number)
        return None if record is None else Team(number, teams_id, record)

    async def lookup(self, team: Team | None, refs: Iterable[Ref]) -> Lookup:
        """Teams ids and names of what a message refers to (each asked once)."""
        lookup = Lookup()
        wanted = list(refs)
        users = {ref.user_id for ref in wanted if isinstance(ref, MemberRef)}
        channels = {ref.channel_id for ref in wanted if isinstance(ref, ChannelRef)}
        links = {(r.channel_id, r.message_id) for r in wanted if isinstance(r, MessageLink)}
        if users and team is not None:
            lookup.members = await self.member_names(team, users)
        if channels and team is not None:
            lookup.channels = await self._channel_names(team, channels)
        for conversation, message in links:
            url = await self._deep_link(conversation, message)
            if url is not None:
                lookup.links[(conversation, message)] = url
        return lookup

    async def member_names(
        self, team: Team, numbers: Collection[int]
    ) -> dict[int, tuple[str, str]]:
        """Member number → (Teams id, display name), for those still in the team."""
        try:
            roster = await self.roster.members(team.record.service_url, team.teams_id)
        except TeamsRefusal:
            return {}
        by_id = {member.teams_id: member.name for member in roster}
        found: dict[int, tuple[str, str]] = {}
        for number in numbers:
            teams_id = await self.ids.find(number, "user", by_id)
            if teams_id is not None and teams_id in by_id:
                found[number] = (teams_id, by_id[teams_id])
        return found

    async def user_teams_id(self, team: Team | None, number: int) -> str | None:
        """The Teams id of the member ``number``: known, or found in the team's roster."""
        found = await self.ids.maybe_string(number, "user")
        if found is not None or team is None:
            return found
        try:
            roster = await self.roster.members(team.record.service_url, team.teams_id)
        except TeamsRefusal:
            return None
        return await self.ids.find(number, "user", (member.teams_id for member in roster))

    async def personal_chat(self, user: int) -> str | None:
        """The member's 1:1 chat with the bot, if known (this process met it, or the bot
        opened it to write to them)."""
        if user in self.chats:
            return self.chats[user]
        async with self.db.read() as conn:
            record = await store.user(conn, user)
        return record.personal_chat if record is not None else None

    async def _channel_names(self, team: Team, numbers: set[int]) -> dict[int, str]:
        try:
            channels = dict(await self.roster.channels(team.record.service_url, team.teams_id))
        except TeamsRefusal:
            return {}
        found: dict[int, str] = {}
        for number in numbers:
            teams_id = await self.ids.maybe_string(number, "conversation")
            name = channels.get(thread_of(teams_id)[0]) if teams_id else None
            if name is not None:
                found[number] = name
        return found

    async def _deep_link(self, conversation: int, message: int) -> str | None:
        conversation_id = await self.ids.maybe_string(conversation, "conversation")
        message_id = await self.ids.maybe_string(message, "message")
        if conversation_id is None or message_id is None:
            return None
        return DEEP_LINK.format(
            conversation=quote(thread_of(conversation_id)[0], safe=""),
            message=quote(message_id, safe=""),
        )

    async def renderer(
        self,
        team: Team | None,
        language: Language,
        message: Message,
        *,
        pinged: Collection[int] = (),
    ) -> CardRenderer:
        lookup = await self.lookup(team, message.references())
        return CardRenderer(
            self.catalog,
            language,
            lookup,
            pinged=pinged,
            share=self.files.share,
            team=team.number if team is not None else None,
        )

    async def card(
        self,
        team: Team | None,
        language: Language,
        message: Message,
        *,
        pinged: Collection[int] = (),
    ) -> JSON:
        renderer = await self.renderer(team, language, message, pinged=pinged)
        return renderer.card(message)
