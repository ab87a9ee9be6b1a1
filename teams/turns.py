"""One inbound activity, read: who acted, where, in which team, in which language.

Reading a turn gives its ids their numbers and keeps what later sends need: the team's
service URL, tenant and name, and the member's locale, 1:1 chat and last team (written
only when something changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from microsoft_agents.activity import Activity

from bot.i18n import Language, language_for_locale
from teams import store
from teams.ids import is_channel
from teams.runtime import Team, TeamsRuntime


def channel_data(activity: Activity) -> dict[str, Any]:
    """The activity's ``channelData`` as a plain dict (the SDK may give a model)."""
    data = activity.channel_data
    if data is None:
        return {}
    if isinstance(data, dict):
        return data
    dump = getattr(data, "model_dump", None)
    return dict(dump(by_alias=True, exclude_none=True)) if dump else {}


@dataclass(frozen=True)
class Turn:
    activity: Activity
    service_url: str
    tenant_id: str
    user_teams_id: str
    user: int
    user_name: str
    language: Language
    conversation_id: str
    """Where it happened (a channel's reply chain ``…;messageid=…``, or a chat)."""
    conversation: int
    team: Team | None
    """The team of a channel turn; None in a chat."""

    @property
    def zone(self) -> ZoneInfo | None:
        """The member's time zone as their Teams said it (None when it did not)."""
        try:
            return ZoneInfo(str(self.activity.local_timezone or ""))
        except (ValueError, ZoneInfoNotFoundError):
            return None

    @property
    def personal(self) -> bool:
        return self.activity.conversation.conversation_type == "personal"

    @property
    def in_channel(self) -> bool:
        return self.team is not None and is_channel(self.conversation_id)

    def mentions(self) -> dict[str, tuple[str, str]]:
        """``<at>Name</at>`` as written in the text → (Teams id, name) of who it names."""
        found: dict[str, tuple[str, str]] = {}
        for entity in self.activity.entities or []:
            data = entity.model_dump(by_alias=True, exclude_none=True)
            mentioned = data.get("mentioned") or {}
            if data.get("type") == "mention" and mentioned.get("id") and data.get("text"):
                found[str(data["text"])] = (str(mentioned["id"]), str(mentioned.get("name", "")))
        return found


class TurnReader:
    """Reads turns; remembers what it last wrote so an unchanged turn writes nothing."""

    def __init__(self, runtime: TeamsRuntime) -> None:
        self._rt = runtime
        self._written: dict[int, tuple[Any, ...]] = {}

    async def read(self, activity: Activity) -> Turn:
        rt = self._rt
        data = channel_data(activity)
        user = activity.from_property
        tenant = str((data.get("tenant") or {}).get("id") or activity.conversation.tenant_id or "")
        service_url = str(activity.service_url or "")
        conversation_id = str(activity.conversation.id)
        team = await self._team(data.get("team") or {}, service_url, tenant)
        number = await rt.ids.number("user", str(user.id))
        locale = activity.locale or None
        if activity.conversation.conversation_type == "personal":
            rt.chats[number] = conversation_id
        await self._keep_user(
            store.UserRecord(
                user_id=number,
                service_url=service_url,
                tenant_id=tenant,
                locale=locale,
                last_team_id=team.number if team is not None else None,
            )
        )
        return Turn(
            activity=activity,
            service_url=service_url,
            tenant_id=tenant,
            user_teams_id=str(user.id),
            user=number,
            user_name=str(user.name or ""),
            language=language_for_locale(locale),
            conversation_id=conversation_id,
            conversation=await rt.ids.number("conversation", conversation_id),
            team=team,
        )

    async def _team(self, data: dict[str, Any], service_url: str, tenant: str) -> Team | None:
        team_id = data.get("id")
        if not team_id:
            return None
        number = await self._rt.ids.number("team", str(team_id))
        record = store.TeamRecord(
            team_id=number, service_url=service_url, tenant_id=tenant, name=data.get("name")
        )
        key = (record.service_url, record.tenant_id, record.name)
        if self._written.get(number) != key:
            async with self._rt.db.transaction() as conn:
                await store.save_team(conn, record, self._rt.clock.now())
                record = await store.team(conn, number) or record
            self._written[number] = key
        else:
            async with self._rt.db.read() as conn:
                record = await store.team(conn, number) or record
        return Team(number, str(team_id), record)

    async def _keep_user(self, record: store.UserRecord) -> None:
        """The member's locale and last team, under their number; dated by the day only, so
        the row does not tell when they last wrote (an anonymous question's moment)."""
        key = tuple(record.model_dump().values())
        if self._written.get(record.user_id) == key:
            return
        day = self._rt.clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        async with self._rt.db.transaction() as conn:
            await store.save_user(conn, record, day)
        self._written[record.user_id] = key
