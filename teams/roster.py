"""Who is in a team, who owns it, and its channels, as Teams' roster says (kept a while).

The roster is asked with the paged members call of the team's conversation (Microsoft
says the unpaged one is unreliable in large teams) and kept for :data:`KEEP` or until a
member joins or leaves; channels the same way. Nothing of it is stored in the database.
A team owner's ``userRole`` is ``owner`` (microsoft/botbuilder-dotnet issue #3405:
"the data returned from all get members APIs ... include the user role (guest, owner,
user)").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.text import folded
from teams.transport import Connector

KEEP = timedelta(minutes=10)
GENERAL = "General"
"""Teams gives the General channel no name in its channel list (its id is the team's)."""


@dataclass(frozen=True)
class RosterMember:
    teams_id: str
    aad_object_id: str | None
    name: str
    owner: bool


class Roster:
    def __init__(self, connector: Connector, clock: Clock) -> None:
        self._connector = connector
        self._clock = clock
        self._members: dict[str, tuple[tuple[RosterMember, ...], datetime]] = {}
        self._channels: dict[str, tuple[tuple[tuple[str, str], ...], datetime]] = {}

    def forget(self, team_id: str) -> None:
        """Someone joined or left, or a channel changed: ask Teams next time."""
        self._members.pop(team_id, None)
        self._channels.pop(team_id, None)

    def _fresh(self, at: datetime) -> bool:
        return self._clock.now() - at < KEEP

    async def members(self, service_url: str, team_id: str) -> tuple[RosterMember, ...]:
        kept = self._members.get(team_id)
        if kept is not None and self._fresh(kept[1]):
            return kept[0]
        found = tuple(
            RosterMember(
                teams_id=str(member["id"]),
                aad_object_id=member.get("aadObjectId") or member.get("objectId"),
                name=str(member.get("name") or ""),
                owner=str(member.get("userRole") or "").lower() == "owner",
            )
            for member in await self._connector.members(service_url, team_id)
        )
        self._members[team_id] = (found, self._clock.now())
        return found

    async def member(self, service_url: str, team_id: str, user_id: str) -> RosterMember | None:
        for member in await self.members(service_url, team_id):
            if user_id in (member.teams_id, member.aad_object_id):
                return member
        return None

    async def channels(self, service_url: str, team_id: str) -> tuple[tuple[str, str], ...]:
        """(channel id, name) of the team's channels, the General channel named."""
        kept = self._channels.get(team_id)
        if kept is not None and self._fresh(kept[1]):
            return kept[0]
        found = tuple(
            (channel_id, name or GENERAL)
            for channel_id, name in await self._connector.channels(service_url, team_id)
        )
        self._channels[team_id] = (found, self._clock.now())
        return found

    async def find_members(self, service_url: str, team_id: str, typed: str) -> list[RosterMember]:
        """Members whose name is what was typed (``@`` aside), accents and case aside."""
        wanted = folded(typed.removeprefix("@"))
        return [m for m in await self.members(service_url, team_id) if folded(m.name) == wanted]

    async def find_channel(self, service_url: str, team_id: str, typed: str) -> str | None:
        wanted = folded(typed.removeprefix("#"))
        general = {folded(GENERAL), folded("Général")}
        for channel_id, name in await self.channels(service_url, team_id):
            if folded(name) == wanted or (channel_id == team_id and wanted in general):
                return channel_id
        return None
