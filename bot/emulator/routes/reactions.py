"""Reactions on a message: add, remove (own or a user's), list; and their gateway events."""

from __future__ import annotations

from aiohttp import web

from ..state import JSON, Message, Permission, emoji_json, unknown
from .base import Resource, json_response, no_content, route

REACTIONS = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}"


class ReactionRoutes(Resource):
    def add_for(self, message: Message, emoji: str, user_id: int) -> None:
        """``user_id`` reacts (MESSAGE_REACTION_ADD unless they already had)."""
        users = message.reactions.setdefault(emoji, [])
        if user_id not in users:
            users.append(user_id)
            self._reaction_event("ADD", message, emoji, user_id)

    def remove_for(self, message: Message, emoji: str, user_id: int) -> None:
        users = message.reactions.get(emoji, [])
        if user_id in users:
            users.remove(user_id)
            self._reaction_event("REMOVE", message, emoji, user_id)

    def _reaction_event(self, kind: str, message: Message, emoji: str, user_id: int) -> None:
        data: JSON = {
            "user_id": str(user_id),
            "channel_id": str(message.channel_id),
            "message_id": str(message.id),
            "emoji": emoji_json(emoji),
            "burst": False,
            "type": 0,
        }
        if message.guild_id is not None:
            data["guild_id"] = str(message.guild_id)
            if kind == "ADD" and user_id in self.state.guilds[message.guild_id].members:
                member = self.state.guilds[message.guild_id].members[user_id]
                data["member"] = member.to_json(self.state.users[user_id])
        if kind == "ADD":
            data["message_author_id"] = str(message.author_id)
            data["burst_colors"] = []
        self.gateway.dispatch(f"MESSAGE_REACTION_{kind}", data, guild_id=message.guild_id)

    def _reaction_target(self, request: web.Request) -> tuple[Message, str]:
        channel = self.visible_channel(request)
        message = self.state.message(channel.id, self.param(request, "message_id"))
        emoji = request.match_info["emoji"]
        if not emoji or (":" not in emoji and emoji.isascii()):
            raise unknown("Emoji", 10014)
        return message, emoji

    @route("PUT", REACTIONS + "/@me")
    async def add_reaction(self, request: web.Request) -> web.Response:
        message, emoji = self._reaction_target(request)
        self.state.require(self.bot_id, message.channel_id, Permission.READ_MESSAGE_HISTORY)
        if emoji not in message.reactions or not message.reactions[emoji]:
            self.state.require(self.bot_id, message.channel_id, Permission.ADD_REACTIONS)
        self.add_for(message, emoji, self.bot_id)
        return no_content()

    @route("DELETE", REACTIONS + "/@me")
    async def remove_own_reaction(self, request: web.Request) -> web.Response:
        message, emoji = self._reaction_target(request)
        self.remove_for(message, emoji, self.bot_id)
        return no_content()

    @route("DELETE", REACTIONS + "/{user_id}")
    async def remove_user_reaction(self, request: web.Request) -> web.Response:
        message, emoji = self._reaction_target(request)
        self.state.require(self.bot_id, message.channel_id, Permission.MANAGE_MESSAGES)
        self.remove_for(message, emoji, self.param(request, "user_id"))
        return no_content()

    @route("GET", REACTIONS)
    async def list_reactions(self, request: web.Request) -> web.Response:
        message, emoji = self._reaction_target(request)
        return json_response(
            [self.state.users[uid].to_json() for uid in message.reactions.get(emoji, [])]
        )
