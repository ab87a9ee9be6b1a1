"""What the Teams emulator knows: tenant, users, teams and channels, chats, messages.

Identifiers have Teams' shapes: a user is ``29:…`` with an AAD object id, the bot
``28:<app id>``, a team and its General channel share ``19:…@thread.tacv2``, a 1:1
chat is ``a:…``, a group chat ``19:…@thread.v2``, and a message id is a
millisecond timestamp.  A reply chain in a channel is the conversation
``<channel id>;messageid=<root id>``.  Every message keeps its current card (after
updates), each user's own view of it (the card an ``Action.Execute`` or a refresh
returned to that user), and its history of versions.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.state.common import WALL_CLOCK

JSON = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


class ConnectorError(Exception):
    """An error the Bot Connector answers: ``{"error": {"code", "message"}}``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> JSON:
        return {"error": {"code": self.code, "message": self.message}}


def _token(n: int = 16) -> str:
    return secrets.token_urlsafe(n).replace("-", "").replace("_", "")


@dataclass
class TeamsUser:
    """A member of the tenant. ``installed`` is the personal app; ``blocked`` the 1:1 chat."""

    name: str
    id: str
    aad_object_id: str
    tenant_id: str
    email: str
    given_name: str = ""
    surname: str = ""
    locale: str = "en-US"
    timezone: str = "America/Toronto"
    installed: bool = True
    blocked: bool = False

    def account(self) -> JSON:
        """The ``from`` of what this user sends."""
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}

    def member(self, role: str = "user") -> JSON:
        """A ``TeamsChannelAccount`` as the roster routes return it (``userRole``: ``owner``
        for a team's owners, else ``user``)."""
        return {
            "id": self.id,
            "name": self.name,
            "aadObjectId": self.aad_object_id,
            "givenName": self.given_name,
            "surname": self.surname,
            "email": self.email,
            "userPrincipalName": self.email,
            "tenantId": self.tenant_id,
            "userRole": role,
        }


@dataclass
class TeamsChannel:
    id: str
    name: str
    team_id: str


@dataclass
class Team:
    id: str
    name: str
    aad_group_id: str
    tenant_id: str
    channels: dict[str, TeamsChannel] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    bot_installed: bool = True

    @property
    def general(self) -> TeamsChannel:
        return self.channels[self.id]

    def channel_named(self, name: str) -> TeamsChannel:
        for channel in self.channels.values():
            if channel.name == name:
                return channel
        raise LookupError(f"no channel {name!r} in team {self.name!r}")

    def channel_data(self, channel: TeamsChannel | None = None) -> JSON:
        data: JSON = {
            "team": {"id": self.id, "name": self.name, "aadGroupId": self.aad_group_id},
            "tenant": {"id": self.tenant_id},
        }
        if channel is not None:
            data["channel"] = {"id": channel.id, "name": channel.name}
            data["teamsChannelId"] = channel.id
            data["teamsTeamId"] = self.id
        return data


@dataclass
class Chat:
    """A 1:1 (``personal``) or group chat (``groupChat``) with the bot."""

    id: str
    type: str
    tenant_id: str
    members: list[str]


@dataclass
class TeamsMessage:
    """A message in a channel thread or a chat, as Teams keeps it."""

    id: str
    conversation_id: str
    root_id: str | None
    sender: JSON
    text: str | None
    attachments: list[JSON]
    entities: list[JSON]
    timestamp: float
    by_bot: bool
    in_channel: bool = False
    deleted: bool = False
    #: The card each user sees instead of the shared one (Action.Execute, refresh).
    user_views: dict[str, JSON] = field(default_factory=dict)
    history: list[JSON] = field(default_factory=list)

    @property
    def card(self) -> JSON | None:
        """The first Adaptive Card attachment's content, as everyone sees it."""
        for attachment in self.attachments:
            if attachment.get("contentType") == CARD_CONTENT_TYPE:
                content = attachment.get("content")
                return content if isinstance(content, dict) else None
        return None

    def card_for(self, user_id: str) -> JSON | None:
        """The card ``user_id`` sees: their own view if they have one, else the shared card."""
        return self.user_views.get(user_id, self.card)

    @property
    def thread_conversation_id(self) -> str:
        """The conversation id an activity about this message carries (a channel message's
        is its reply chain's, ``…;messageid=<root>``)."""
        if not self.in_channel:
            return self.conversation_id
        return f"{self.conversation_id};messageid={self.root_id or self.id}"

    def to_activity(self) -> JSON:
        activity: JSON = {
            "type": "message",
            "id": self.id,
            "from": self.sender,
            "conversation": {"id": self.thread_conversation_id},
            "attachments": copy.deepcopy(self.attachments),
            "entities": copy.deepcopy(self.entities),
        }
        if self.text is not None:
            activity["text"] = self.text
        if self.root_id is not None:
            activity["replyToId"] = self.root_id
        return activity


def split_conversation_id(conversation_id: str) -> tuple[str, str | None]:
    """``19:x@thread.tacv2;messageid=17`` -> (``19:x@thread.tacv2``, ``17``)."""
    base, sep, rest = conversation_id.partition(";messageid=")
    return base, (rest if sep else None)


class TeamsState:
    """The tenant the emulator plays: who exists, where the bot is, what was said."""

    def __init__(self, *, app_id: str | None = None, bot_name: str = "PLC Bot") -> None:
        self.tenant_id = str(uuid.uuid4())
        self.app_id = app_id or str(uuid.uuid4())
        self.bot_name = bot_name
        self.users: dict[str, TeamsUser] = {}
        self.teams: dict[str, Team] = {}
        self.chats: dict[str, Chat] = {}
        self.messages: dict[str, TeamsMessage] = {}
        self._last_ms = 0
        self._ids = itertools.count(1)

    # ----- identities ------------------------------------------------------------------
    @property
    def bot_id(self) -> str:
        return f"28:{self.app_id}"

    def bot_account(self) -> JSON:
        return {"id": self.bot_id, "name": self.bot_name}

    def next_message_id(self) -> str:
        """Teams' message ids are epoch milliseconds; kept strictly increasing."""
        self._last_ms = max(self._last_ms + 1, int(WALL_CLOCK.now().timestamp() * 1000))
        return str(self._last_ms)

    # ----- building the world ----------------------------------------------------------
    def add_user(self, name: str, *, locale: str = "en-US", installed: bool = True) -> TeamsUser:
        given, _, surname = name.partition(" ")
        login = name.lower().replace(" ", ".")
        user = TeamsUser(
            name=name,
            id=f"29:1{_token(24)}",
            aad_object_id=str(uuid.uuid4()),
            tenant_id=self.tenant_id,
            email=f"{login}@contoso.example",
            given_name=given,
            surname=surname,
            locale=locale,
            installed=installed,
        )
        self.users[user.id] = user
        return user

    def add_team(
        self,
        name: str,
        members: list[TeamsUser],
        *,
        channels: tuple[str, ...] = (),
        owners: tuple[TeamsUser, ...] = (),
    ) -> Team:
        team_id = f"19:{_token(16)}@thread.tacv2"
        team = Team(
            id=team_id,
            name=name,
            aad_group_id=str(uuid.uuid4()),
            tenant_id=self.tenant_id,
            members=[m.id for m in members],
            owners=[o.id for o in owners],
        )
        team.channels[team_id] = TeamsChannel(id=team_id, name="General", team_id=team_id)
        self.teams[team_id] = team
        for channel_name in channels:
            self.add_channel(team, channel_name)
        return team

    def add_channel(self, team: Team, name: str) -> TeamsChannel:
        channel = TeamsChannel(id=f"19:{_token(16)}@thread.tacv2", name=name, team_id=team.id)
        team.channels[channel.id] = channel
        return channel

    def personal_chat(self, user: TeamsUser) -> Chat:
        """The user's 1:1 chat with the bot (one per user, created on first use)."""
        for chat in self.chats.values():
            if chat.type == "personal" and chat.members == [user.id]:
                return chat
        chat = Chat(
            id=f"a:1{_token(40)}", type="personal", tenant_id=self.tenant_id, members=[user.id]
        )
        self.chats[chat.id] = chat
        return chat

    def add_group_chat(self, members: list[TeamsUser]) -> Chat:
        chat = Chat(
            id=f"19:{_token(16)}@thread.v2",
            type="groupChat",
            tenant_id=self.tenant_id,
            members=[m.id for m in members],
        )
        self.chats[chat.id] = chat
        return chat

    # ----- lookups ---------------------------------------------------------------------
    def user(self, user_or_id: TeamsUser | str) -> TeamsUser:
        user_id = user_or_id.id if isinstance(user_or_id, TeamsUser) else user_or_id
        for user in self.users.values():
            if user_id in (user.id, user.aad_object_id):
                return user
        raise ConnectorError(404, "MemberNotFoundInConversation", "The member was not found.")

    def find_channel(self, channel_id: str) -> tuple[Team, TeamsChannel] | None:
        for team in self.teams.values():
            if channel_id in team.channels:
                return team, team.channels[channel_id]
        return None

    def conversation_members(self, conversation_id: str) -> list[TeamsUser]:
        base, _ = split_conversation_id(conversation_id)
        found = self.find_channel(base)
        if found is not None:
            return [self.users[m] for m in found[0].members]
        chat = self.chats.get(base)
        if chat is not None:
            return [self.users[m] for m in chat.members]
        raise ConnectorError(404, "ConversationNotFound", "Conversation not found.")

    def role_in(self, conversation_id: str, user: TeamsUser) -> str:
        """``owner`` for an owner of the team the conversation belongs to, else ``user``."""
        found = self.find_channel(split_conversation_id(conversation_id)[0])
        return "owner" if found is not None and user.id in found[0].owners else "user"

    def conversation_json(self, conversation_id: str) -> JSON:
        """The ``conversation`` of an activity in ``conversation_id``."""
        base, _ = split_conversation_id(conversation_id)
        if self.find_channel(base) is not None:
            return {
                "isGroup": True,
                "conversationType": "channel",
                "tenantId": self.tenant_id,
                "id": conversation_id,
            }
        chat = self.chats[base]
        conversation: JSON = {
            "conversationType": chat.type,
            "tenantId": self.tenant_id,
            "id": conversation_id,
        }
        if chat.type == "groupChat":
            conversation["isGroup"] = True
        return conversation

    def channel_data(self, conversation_id: str) -> JSON:
        base, _ = split_conversation_id(conversation_id)
        found = self.find_channel(base)
        if found is not None:
            return found[0].channel_data(found[1])
        return {"tenant": {"id": self.tenant_id}}

    def messages_in(
        self, conversation_id: str, *, include_deleted: bool = False
    ) -> list[TeamsMessage]:
        """Messages of a chat, or of a whole channel (every thread) when given a channel id;
        with a ``;messageid=`` id, the root and its replies only."""
        base, root = split_conversation_id(conversation_id)
        found = [
            m
            for m in self.messages.values()
            if split_conversation_id(m.conversation_id)[0] == base
            and (root is None or m.root_id == root or m.id == root)
            and (include_deleted or not m.deleted)
        ]
        return sorted(found, key=lambda m: int(m.id))

    def replies_to(self, root: TeamsMessage) -> list[TeamsMessage]:
        return [m for m in self.messages_in(root.conversation_id) if m.root_id == root.id]

    def bot_messages(self) -> list[TeamsMessage]:
        return [m for m in self.messages.values() if m.by_bot and not m.deleted]
