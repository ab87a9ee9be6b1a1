"""Acting as Teams users: what the bot receives on ``/api/messages``.

Each action POSTs one activity to the bot's messaging endpoint, signed with the
emulator's key unless the emulator runs anonymous, and returns an
:class:`InboundResult`: the HTTP status the bot answered and, for an invoke, its
body.  Card actions are applied as the Teams client applies them: the card an
``Action.Execute`` (or a refresh) returns becomes what that user sees of the
message; a dialog answer opens a :class:`~bot.emulator.teams.cards.Dialog`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.emulator.state.common import WALL_CLOCK

from .activities import base_activity, invoke, mention_entity, with_text
from .cards import Dialog, action_data, collect_inputs, dialog_from_task, find_action
from .state import (
    CARD_CONTENT_TYPE,
    JSON,
    Chat,
    Team,
    TeamsChannel,
    TeamsMessage,
    TeamsState,
    TeamsUser,
)


@dataclass
class InboundResult:
    """What the bot answered to one activity."""

    activity: JSON
    status: int
    body: Any
    message: TeamsMessage | None = None
    dialog: Dialog | None = None

    @property
    def card(self) -> JSON | None:
        """The card of an ``adaptiveCard/action`` answer, if it carried one."""
        if isinstance(self.body, dict) and self.body.get("type") == CARD_CONTENT_TYPE:
            value = self.body.get("value")
            return value if isinstance(value, dict) else None
        return None


@dataclass
class InboundCall:
    activity: JSON
    status: int
    body: Any
    time: float


class TeamsActor(ABC):
    """Users' actions; mixed into :class:`~bot.emulator.teams.server.TeamsEmulator`."""

    state: TeamsState
    bot_endpoint: str | None
    anonymous: bool
    inbound: list[InboundCall]

    # Provided by the emulator.
    @property
    @abstractmethod
    def card_problems(self) -> list[tuple[str, str]]: ...

    @property
    @abstractmethod
    def service_url(self) -> str: ...

    @abstractmethod
    def _channel_token(self) -> str: ...

    @abstractmethod
    def _notify(self) -> None: ...

    @abstractmethod
    def _session(self) -> aiohttp.ClientSession: ...

    # ----- delivery --------------------------------------------------------------------
    async def post_activity(
        self, activity: JSON, *, authorization: str | None = None
    ) -> InboundResult:
        """POST ``activity`` to the bot; ``authorization`` overrides the header (tests of 401)."""
        if self.bot_endpoint is None:
            raise RuntimeError("no bot endpoint: TeamsEmulator(bot_endpoint=...)")
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif not self.anonymous:
            headers["Authorization"] = f"Bearer {self._channel_token()}"
        async with self._session().post(self.bot_endpoint, json=activity, headers=headers) as resp:
            raw = await resp.read()
            body: Any = None
            if raw:
                try:
                    body = await resp.json(content_type=None)
                except ValueError:
                    body = raw.decode(errors="replace")
        self.inbound.append(InboundCall(activity, resp.status, body, WALL_CLOCK.now().timestamp()))
        self._notify()
        return InboundResult(activity=activity, status=resp.status, body=body)

    def _activity(self, kind: str, user: TeamsUser | None, conversation_id: str, **kw: Any) -> JSON:
        return base_activity(self.state, self.service_url, kind, user, conversation_id, **kw)

    def _user_message(
        self, user: TeamsUser, conversation: str, text: str, *, channel: bool, root: str | None
    ) -> TeamsMessage:
        message = TeamsMessage(
            id=self.state.next_message_id(),
            conversation_id=conversation,
            root_id=root,
            sender=user.account(),
            text=text,
            attachments=[],
            entities=[],
            timestamp=WALL_CLOCK.now().timestamp(),
            by_bot=False,
            in_channel=channel,
        )
        self.state.messages[message.id] = message
        return message

    # ----- messages --------------------------------------------------------------------
    async def mention(
        self,
        user: TeamsUser,
        channel: TeamsChannel,
        text: str,
        *,
        thread: TeamsMessage | None = None,
        naming: tuple[TeamsUser, ...] = (),
    ) -> InboundResult:
        """Post ``@Bot text`` in a channel: a new post, or a reply in ``thread``'s chain.
        Each ``@Name`` of a user in ``naming`` becomes a mention of them where it stands."""
        root = None if thread is None else (thread.root_id or thread.id)
        message = self._user_message(user, channel.id, text, channel=True, root=root)
        activity = self._activity(
            "message", user, message.thread_conversation_id, activity_id=message.id
        )
        with_text(activity, text, [self.state.bot_account()])
        for named in naming:
            activity["text"] = activity["text"].replace(f"@{named.name}", f"<at>{named.name}</at>")
            activity["entities"].append(mention_entity(named.account()))
        if root is not None:
            activity["replyToId"] = root
        message.text, message.entities = activity["text"], activity["entities"]
        result = await self.post_activity(activity)
        result.message = message
        return result

    async def send_personal(self, user: TeamsUser, text: str) -> InboundResult:
        """A plain message in the user's 1:1 chat with the bot."""
        chat = self.state.personal_chat(user)
        message = self._user_message(user, chat.id, text, channel=False, root=None)
        activity = self._activity("message", user, chat.id, activity_id=message.id)
        activity["text"], activity["textFormat"] = text, "plain"
        result = await self.post_activity(activity)
        result.message = message
        return result

    async def mention_in_group_chat(self, user: TeamsUser, chat: Chat, text: str) -> InboundResult:
        """``@Bot text`` in a group chat (the bot only gets group-chat messages that mention it)."""
        message = self._user_message(user, chat.id, text, channel=False, root=None)
        activity = self._activity("message", user, chat.id, activity_id=message.id)
        with_text(activity, text, [self.state.bot_account()])
        message.text, message.entities = activity["text"], activity["entities"]
        result = await self.post_activity(activity)
        result.message = message
        return result

    # ----- roster and installation -----------------------------------------------------
    def _team_update(
        self, team: Team, event: str, by: TeamsUser | None = None, **fields: Any
    ) -> JSON:
        """Teams sends roster changes from the member who made them (an owner)."""
        actor = by or self.state.users[team.members[0]]
        activity = self._activity("conversationUpdate", actor, team.id)
        activity["channelData"]["eventType"] = event
        activity.update(fields)
        return activity

    async def add_members(
        self, team: Team, users: list[TeamsUser], *, by: TeamsUser | None = None
    ) -> InboundResult:
        for user in users:
            if user.id not in team.members:
                team.members.append(user.id)
        accounts = [{"id": u.id, "aadObjectId": u.aad_object_id} for u in users]
        return await self.post_activity(
            self._team_update(team, "teamMemberAdded", by, membersAdded=accounts)
        )

    async def remove_members(
        self, team: Team, users: list[TeamsUser], *, by: TeamsUser | None = None
    ) -> InboundResult:
        update = self._team_update(team, "teamMemberRemoved", by, membersRemoved=[])
        team.members = [m for m in team.members if m not in {u.id for u in users}]
        accounts = [{"id": u.id, "aadObjectId": u.aad_object_id} for u in users]
        update["membersRemoved"] = accounts
        return await self.post_activity(update)

    async def install_in_team(self, team: Team, by: TeamsUser) -> list[InboundResult]:
        """Add the app to a team: Teams sends ``installationUpdate`` then ``conversationUpdate``."""
        team.bot_installed = True
        install = self._installation(by, team.id, "add")
        update = self._team_update(
            team, "teamMemberAdded", by, membersAdded=[{"id": self.state.bot_id}]
        )
        update["channelData"]["settings"] = {"selectedChannel": {"id": team.id}}
        return [await self.post_activity(install), await self.post_activity(update)]

    async def uninstall_from_team(self, team: Team, by: TeamsUser) -> list[InboundResult]:
        team.bot_installed = False
        remove = self._installation(by, team.id, "remove")
        update = self._team_update(
            team, "teamMemberRemoved", by, membersRemoved=[{"id": self.state.bot_id}]
        )
        return [await self.post_activity(remove), await self.post_activity(update)]

    async def install_personal(self, user: TeamsUser) -> list[InboundResult]:
        user.installed, user.blocked = True, False
        chat = self.state.personal_chat(user)
        install = self._installation(user, chat.id, "add")
        update = self._activity("conversationUpdate", user, chat.id)
        update["membersAdded"] = [{"id": self.state.bot_id}, user.account()]
        return [await self.post_activity(install), await self.post_activity(update)]

    async def uninstall_personal(self, user: TeamsUser) -> InboundResult:
        """The member removes the app: the bot is told once, then its sends are refused."""
        chat = self.state.personal_chat(user)
        result = await self.post_activity(self._installation(user, chat.id, "remove"))
        user.installed = False
        return result

    def _installation(self, by: TeamsUser, conversation_id: str, action: str) -> JSON:
        """The ``installationUpdate`` Teams sends when ``by`` adds or removes the app."""
        update = self._activity("installationUpdate", by, conversation_id)
        update["action"] = action
        return update

    def block(self, user: TeamsUser) -> None:
        """The member blocks the bot's 1:1 chat (Teams tells the bot nothing)."""
        user.blocked = True

    # ----- cards -----------------------------------------------------------------------
    async def execute(
        self,
        user: TeamsUser,
        message: TeamsMessage,
        title: str,
        *,
        inputs: dict[str, Any] | None = None,
    ) -> InboundResult:
        """Click the ``Action.Execute`` titled ``title`` (or with that verb or id) as ``user``."""
        card = self._card(message, user)
        action = find_action(card, title, kinds=("Action.Execute",))
        data = action_data(action, collect_inputs(card, inputs))
        value = {
            "action": {k: v for k, v in action.items() if k in ("type", "id", "verb", "title")}
            | {"data": data},
            "trigger": "manual",
        }
        return await self._card_action(user, message, value)

    async def view(self, user: TeamsUser, message: TeamsMessage) -> InboundResult | None:
        """``user`` looks at ``message``: if its card asks a refresh for them, Teams sends it."""
        card = self._card(message, user)
        refresh = card.get("refresh") or {}
        action = refresh.get("action") or {}
        if action.get("type") != "Action.Execute" or user.id not in (refresh.get("userIds") or []):
            return None
        value = {"action": {**action, "data": action.get("data") or {}}, "trigger": "automatic"}
        return await self._card_action(user, message, value)

    async def _card_action(
        self, user: TeamsUser, message: TeamsMessage, value: JSON
    ) -> InboundResult:
        result = await self._invoke(
            user, message.thread_conversation_id, "adaptiveCard/action", value, message.id
        )
        result.message = message
        if result.status == 200 and result.card is not None:
            message.user_views[user.id] = result.card
            # A card answering a click is shown by Teams like a posted one: held to the same.
            from .validation import card_errors

            self.card_problems.extend((message.id, p) for p in card_errors(result.card))
        return result

    async def _invoke(
        self, user: TeamsUser, conversation_id: str, name: str, value: JSON, reply_to: str | None
    ) -> InboundResult:
        """Send the bot the ``invoke`` activity ``name`` (a click, a dialog), answering
        message ``reply_to``."""
        activity = self._activity("invoke", user, conversation_id)
        return await self.post_activity(invoke(activity, name, value, reply_to=reply_to))

    @staticmethod
    def _card(message: TeamsMessage, user: TeamsUser) -> JSON:
        if message.deleted:
            raise LookupError(f"message {message.id} was deleted")
        card = message.card_for(user.id)
        if card is None:
            raise LookupError(f"message {message.id} has no Adaptive Card")
        return card

    # ----- dialogs (task modules) ------------------------------------------------------
    async def open_dialog(
        self, user: TeamsUser, message: TeamsMessage, title: str
    ) -> InboundResult:
        """Click the ``Action.Submit`` with ``msteams.type`` ``task/fetch`` titled ``title``."""
        card = self._card(message, user)
        action = find_action(card, title, kinds=("Action.Submit",))
        data = action_data(action, {})
        value = {"data": data, "context": {"theme": "default"}}
        conversation = message.thread_conversation_id
        result = await self._invoke(user, conversation, "task/fetch", value, message.id)
        result.message = message
        result.dialog = self._dialog(result, user, conversation, message.id)
        return result

    async def submit_dialog(self, dialog: Dialog, title: str | None = None) -> InboundResult:
        """Press the dialog's submit button (the first ``Action.Submit``, or the one titled)."""
        assert dialog.card is not None, "a web-page dialog is submitted by the page"
        actions = [
            a for a in (dialog.card.get("actions") or []) if a.get("type") == "Action.Submit"
        ]
        action = find_action(dialog.card, title, kinds=("Action.Submit",)) if title else actions[0]
        data = action_data(action, collect_inputs(dialog.card, dialog.values))
        value = {"data": data, "context": {"theme": "default"}}
        user = self.state.users[dialog.user_id]
        result = await self._invoke(
            user, dialog.conversation_id, "task/submit", value, dialog.message_id
        )
        result.dialog = self._dialog(result, user, dialog.conversation_id, dialog.message_id)
        return result

    @staticmethod
    def _dialog(
        result: InboundResult, user: TeamsUser, conversation: str, message_id: str | None
    ) -> Dialog | None:
        if result.status != 200 or not isinstance(result.body, dict):
            return None
        return dialog_from_task(
            result.body.get("task"),
            user_id=user.id,
            conversation_id=conversation,
            message_id=message_id,
        )
