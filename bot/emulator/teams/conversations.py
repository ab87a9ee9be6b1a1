"""The Bot Connector's conversation, member and team routes, answered from the state.

Where Teams refuses, the emulator refuses the same way: a 1:1 chat whose member
removed the app answers 403 ``BotNotInConversationRoster``, one who blocked the
bot 403 ``ConversationBlockedByUser`` (the body Teams sends is
``{"error":{"code":"ConversationBlockedByUser","message":"User blocked the
conversation with the bot."}}``, as quoted in MicrosoftDocs/msteams-docs issue
#8394; the codes are in the docs' status-code table), an unknown conversation 404
``ConversationNotFound``, a team the bot is not in 403 ``BotNotInConversationRoster``.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.emulator.state.common import WALL_CLOCK

from .state import Chat, ConnectorError, TeamsMessage, TeamsState, TeamsUser, split_conversation_id

Route = tuple[str, str, Callable[[web.Request, dict[str, str], Any], Awaitable[tuple[int, Any]]]]

NOT_IN_ROSTER = (
    403,
    "BotNotInConversationRoster",
    "The bot isn't part of the conversation roster.",
)
BLOCKED = (403, "ConversationBlockedByUser", "User blocked the conversation with the bot.")
ACTIVITIES = "/v3/conversations/{conversation_id}/activities"
ACTIVITY = ACTIVITIES + "/{activity_id}"


class ConversationRoutes:
    def __init__(self, state: TeamsState) -> None:
        self.state = state
        #: (message id, problem) for every Adaptive Card the bot sent that breaks the
        #: 1.5 schema or the size budget (Teams would show it broken, not refuse it).
        self.card_problems: list[tuple[str, str]] = []

    def _check_cards(self, message: TeamsMessage) -> None:
        from .validation import activity_card_errors

        activity = {"attachments": message.attachments}
        self.card_problems += [(message.id, p) for p in activity_card_errors(activity)]

    def routes(self) -> list[Route]:
        return [
            ("POST", "/v3/conversations", self.create_conversation),
            ("POST", ACTIVITIES, self.send_to_conversation),
            ("POST", ACTIVITY, self.reply_to_activity),
            ("PUT", ACTIVITY, self.update_activity),
            ("DELETE", ACTIVITY, self.delete_activity),
            ("GET", "/v3/conversations/{conversation_id}/members", self.members),
            ("GET", "/v3/conversations/{conversation_id}/members/{member_id}", self.member),
            ("GET", "/v3/conversations/{conversation_id}/pagedmembers", self.paged_members),
            ("GET", "/v3/teams/{team_id}", self.team_details),
            ("GET", "/v3/teams/{team_id}/conversations", self.team_channels),
        ]

    # ----- checks ----------------------------------------------------------------------
    def _check_can_post(self, conversation_id: str) -> None:
        base, _ = split_conversation_id(conversation_id)
        found = self.state.find_channel(base)
        if found is not None:
            if not found[0].bot_installed:
                raise ConnectorError(*NOT_IN_ROSTER)
            return
        chat = self.state.chats.get(base)
        if chat is None:
            raise ConnectorError(404, "ConversationNotFound", "Conversation not found.")
        if chat.type == "personal":
            self._check_personal(self.state.users[chat.members[0]])

    @staticmethod
    def _check_personal(user: TeamsUser) -> None:
        if user.blocked:
            raise ConnectorError(*BLOCKED)
        if not user.installed:
            raise ConnectorError(*NOT_IN_ROSTER)

    @staticmethod
    def _check_activity(body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or not body.get("type"):
            raise ConnectorError(400, "BadArgument", "Activity type is required.")
        if body["type"] == "message" and not (body.get("text") or body.get("attachments")):
            raise ConnectorError(400, "BadArgument", "Message must have text or attachments.")
        return body

    # ----- activities ------------------------------------------------------------------
    def _store(
        self, conversation_id: str, body: dict[str, Any], reply_to: str | None
    ) -> TeamsMessage:
        base, thread_root = split_conversation_id(conversation_id)
        in_channel = self.state.find_channel(base) is not None
        root_id: str | None = None
        if in_channel:
            root_id = thread_root
            if root_id is None and reply_to is not None:
                parent = self.state.messages.get(reply_to)
                root_id = (parent.root_id or parent.id) if parent is not None else reply_to
        message = TeamsMessage(
            id=self.state.next_message_id(),
            conversation_id=base,
            root_id=root_id,
            sender=self.state.bot_account(),
            text=body.get("text"),
            attachments=copy.deepcopy(body.get("attachments") or []),
            entities=copy.deepcopy(body.get("entities") or []),
            timestamp=WALL_CLOCK.now().timestamp(),
            by_bot=True,
            in_channel=in_channel,
        )
        self.state.messages[message.id] = message
        return message

    async def _post(self, conversation_id: str, body: Any, reply_to: str | None) -> tuple[int, Any]:
        self._check_can_post(conversation_id)
        activity = self._check_activity(body)
        if activity["type"] != "message":
            return 201, {}  # typing and the like are shown, not kept
        message = self._store(conversation_id, activity, reply_to)
        self._check_cards(message)
        return 201, {"id": message.id}

    async def send_to_conversation(
        self, request: web.Request, p: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        return await self._post(p["conversation_id"], body, None)

    async def reply_to_activity(
        self, request: web.Request, p: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        return await self._post(p["conversation_id"], body, p["activity_id"])

    def _bot_message(self, conversation_id: str, activity_id: str) -> TeamsMessage:
        message = self.state.messages.get(activity_id)
        base, _ = split_conversation_id(conversation_id)
        if message is None or message.deleted or message.conversation_id != base:
            raise ConnectorError(404, "ActivityNotFoundInConversation", "Activity not found.")
        if not message.by_bot:
            raise ConnectorError(403, "Forbidden", "The bot can only edit its own messages.")
        return message

    async def update_activity(
        self, request: web.Request, p: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        self._check_can_post(p["conversation_id"])
        message = self._bot_message(p["conversation_id"], p["activity_id"])
        activity = self._check_activity(body)
        message.history.append(message.to_activity())
        message.text = activity.get("text")
        message.attachments = copy.deepcopy(activity.get("attachments") or [])
        message.entities = copy.deepcopy(activity.get("entities") or [])
        message.user_views.clear()  # a new card replaces every user's own view
        self._check_cards(message)
        return 200, {"id": message.id}

    async def delete_activity(
        self, request: web.Request, p: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        message = self._bot_message(p["conversation_id"], p["activity_id"])
        message.deleted = True
        return 200, None

    # ----- conversations ---------------------------------------------------------------
    async def create_conversation(
        self, request: web.Request, p: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        if not isinstance(body, dict):
            raise ConnectorError(400, "BadSyntax", "Incorrect conversation creation parameters.")
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        if body.get("isGroup") and channel:
            return await self._new_thread(channel, body.get("activity"))
        members = body.get("members") or []
        if len(members) != 1 or body.get("isGroup"):
            raise ConnectorError(400, "BadSyntax", "Incorrect conversation creation parameters.")
        tenant = body.get("tenantId") or ((body.get("channelData") or {}).get("tenant") or {}).get(
            "id"
        )
        if tenant != self.state.tenant_id:
            raise ConnectorError(400, "BadSyntax", "Incorrect conversation creation parameters.")
        user = self.state.user(members[0]["id"])
        self._check_personal(user)
        chat: Chat = self.state.personal_chat(user)
        answer: dict[str, Any] = {"id": chat.id}
        if body.get("activity"):
            answer["activityId"] = (await self._post(chat.id, body["activity"], None))[1]["id"]
        return 201, answer

    async def _new_thread(self, channel_id: str, activity: Any) -> tuple[int, Any]:
        """A new post in a channel: the conversation of its reply chain and its id."""
        status, answer = await self._post(channel_id, activity, None)
        root = answer["id"]
        return status, {"id": f"{channel_id};messageid={root}", "activityId": root}

    # ----- members and teams -----------------------------------------------------------
    async def members(self, request: web.Request, p: dict[str, str], body: Any) -> tuple[int, Any]:
        conversation = p["conversation_id"]
        users = self.state.conversation_members(conversation)
        return 200, [u.member(self.state.role_in(conversation, u)) for u in users]

    async def member(self, request: web.Request, p: dict[str, str], body: Any) -> tuple[int, Any]:
        members = self.state.conversation_members(p["conversation_id"])
        for user in members:
            if p["member_id"] in (user.id, user.aad_object_id):
                return 200, user.member(self.state.role_in(p["conversation_id"], user))
        raise ConnectorError(404, "MemberNotFoundInConversation", "The member was not found.")

    async def paged_members(
        self, request: web.Request, p: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        members = self.state.conversation_members(p["conversation_id"])
        size = int(request.query.get("pageSize") or 0) or 500
        start = int(request.query.get("continuationToken") or 0)
        page = members[start : start + size]
        roles = [self.state.role_in(p["conversation_id"], u) for u in page]
        answer: dict[str, Any] = {
            "members": [u.member(r) for u, r in zip(page, roles, strict=True)]
        }
        if start + size < len(members):
            answer["continuationToken"] = str(start + size)
        return 200, answer

    def _team(self, team_id: str) -> Any:
        team = self.state.teams.get(team_id)
        if team is None:
            raise ConnectorError(404, "NotFound", "Team not found.")
        if not team.bot_installed:
            raise ConnectorError(*NOT_IN_ROSTER)
        return team

    async def team_details(
        self, request: web.Request, p: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        team = self._team(p["team_id"])
        return 200, {
            "id": team.id,
            "name": team.name,
            "aadGroupId": team.aad_group_id,
            "tenantId": team.tenant_id,
            "channelCount": len(team.channels),
            "memberCount": len(team.members),
            "type": "standard",
        }

    async def team_channels(
        self, request: web.Request, p: dict[str, str], body: Any
    ) -> tuple[int, Any]:
        team = self._team(p["team_id"])
        # Teams gives the General channel no name.
        channels = [
            {"id": c.id, **({} if c.id == team.id else {"name": c.name})}
            for c in team.channels.values()
        ]
        return 200, {"conversations": channels}
