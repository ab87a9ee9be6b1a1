"""Threads: starting one (from a message or not) and its members."""

from __future__ import annotations

from aiohttp import web

from ..state import (
    JSON,
    THREAD_TYPES,
    ApiError,
    Channel,
    ChannelType,
    MessageFlag,
    Permission,
    invalid,
    now_iso,
    unknown,
)
from .base import (
    Resource,
    checked_name,
    json_response,
    no_content,
    route,
    thread_archived,
    wrong_channel_type,
)

#: A thread's members.
MEMBERS = "/channels/{channel_id}/thread-members"
#: Channels threads can be started in.
THREAD_PARENT_TYPES = (ChannelType.TEXT, ChannelType.NEWS)


class ThreadRoutes(Resource):
    # ----- starting a thread -----------------------------------------------------------
    def _new_thread(
        self, parent: Channel, body: JSON, thread_type: ChannelType, *, thread_id: int | None = None
    ) -> Channel:
        thread = self.state.add_channel(
            parent.guild_id,
            checked_name(body.get("name")),
            thread_type,
            id=thread_id,
            parent_id=parent.id,
            owner_id=self.bot_id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 4320),
            rate_limit_per_user=int(body.get("rate_limit_per_user") or 0),
            invitable=bool(body.get("invitable", True)),
        )
        thread.thread_members[self.bot_id] = now_iso()
        self.gateway.channel_event("CREATE", thread)
        return thread

    @route("POST", "/channels/{channel_id}/threads")
    async def create_thread(self, request: web.Request) -> web.Response:
        parent = self.visible_channel(request)
        body = self.body(request)
        if parent.type not in THREAD_PARENT_TYPES:
            raise wrong_channel_type()
        thread_type = ChannelType(int(body.get("type") or ChannelType.PRIVATE_THREAD))
        if thread_type not in THREAD_TYPES:
            raise invalid("type", "BASE_TYPE_CHOICES", "Value must be one of {10, 11, 12}.")
        needed = (
            Permission.CREATE_PRIVATE_THREADS
            if thread_type == ChannelType.PRIVATE_THREAD
            else Permission.CREATE_PUBLIC_THREADS
        )
        self.state.require(self.bot_id, parent.id, needed)
        thread = self._new_thread(parent, body, thread_type)
        if thread_type != ChannelType.PRIVATE_THREAD:
            notice = self.writer.new_message(
                parent, self.bot_id, {"content": thread.name}, [], type=18
            )
            notice.message_reference = {
                "type": 0,
                "channel_id": str(thread.id),
                "guild_id": str(parent.guild_id),
            }
            self.gateway.message_created(notice)
        return json_response(thread.to_json(self.state), status=201)

    @route("POST", "/channels/{channel_id}/messages/{message_id}/threads")
    async def create_from_message(self, request: web.Request) -> web.Response:
        parent = self.visible_channel(request)
        message = self.state.message(parent.id, self.param(request, "message_id"))
        self.state.require(
            self.bot_id,
            parent.id,
            Permission.CREATE_PUBLIC_THREADS,
            Permission.READ_MESSAGE_HISTORY,
        )
        if parent.is_thread or parent.type not in THREAD_PARENT_TYPES:
            raise wrong_channel_type()
        if message.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        thread_type = (
            ChannelType.NEWS_THREAD
            if parent.type == ChannelType.NEWS
            else ChannelType.PUBLIC_THREAD
        )
        # On Discord, a thread started from a message has the message's id.
        thread = self._new_thread(parent, self.body(request), thread_type, thread_id=message.id)
        message.thread_id = thread.id
        message.flags |= MessageFlag.HAS_THREAD
        self.gateway.message_updated(message)
        return json_response(thread.to_json(self.state), status=201)

    # ----- thread members --------------------------------------------------------------
    def _thread(self, request: web.Request) -> Channel:
        channel = self.visible_channel(request)
        if not channel.is_thread:
            raise wrong_channel_type()
        return channel

    def _thread_members_changed(
        self, thread: Channel, added: list[int], removed: list[int]
    ) -> None:
        guild = self.state.guild(thread.guild_id or 0)
        data: JSON = {
            "id": str(thread.id),
            "guild_id": str(guild.id),
            "member_count": len(thread.thread_members),
        }
        if added:
            data["added_members"] = [
                {
                    **thread.thread_member_json(uid),
                    "member": guild.members[uid].to_json(self.state.users[uid]),
                    "presence": None,
                }
                for uid in added
                if uid in guild.members
            ]
        if removed:
            data["removed_member_ids"] = [str(uid) for uid in removed]
        self.gateway.dispatch("THREAD_MEMBERS_UPDATE", data, guild_id=guild.id)

    def _add_member(self, thread: Channel, user_id: int) -> None:
        if user_id not in thread.thread_members:
            thread.thread_members[user_id] = now_iso()
            self._thread_members_changed(thread, [user_id], [])

    def _remove_member(self, thread: Channel, user_id: int) -> None:
        if thread.thread_members.pop(user_id, None) is not None:
            self._thread_members_changed(thread, [], [user_id])

    @route("PUT", MEMBERS + "/@me")
    async def join_thread(self, request: web.Request) -> web.Response:
        self._add_member(self._thread(request), self.bot_id)
        return no_content()

    @route("DELETE", MEMBERS + "/@me")
    async def leave_thread(self, request: web.Request) -> web.Response:
        self._remove_member(self._thread(request), self.bot_id)
        return no_content()

    @route("GET", MEMBERS)
    async def list_thread_members(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        return json_response([thread.thread_member_json(uid) for uid in thread.thread_members])

    @route("GET", MEMBERS + "/{user_id}")
    async def get_thread_member(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        user_id = self.param(request, "user_id")
        if user_id not in thread.thread_members:
            raise unknown("Member", 10007)
        return json_response(thread.thread_member_json(user_id))

    @route("PUT", MEMBERS + "/{user_id}")
    async def add_thread_member(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        user_id = self.param(request, "user_id")
        self.state.member(thread.guild_id or 0, user_id)
        if thread.archived:
            raise thread_archived()
        self.state.require(self.bot_id, thread.id, Permission.SEND_MESSAGES_IN_THREADS)
        self._add_member(thread, user_id)
        return no_content()

    @route("DELETE", MEMBERS + "/{user_id}")
    async def remove_thread_member(self, request: web.Request) -> web.Response:
        thread = self._thread(request)
        user_id = self.param(request, "user_id")
        if thread.owner_id != self.bot_id:
            self.state.require(self.bot_id, thread.id, Permission.MANAGE_THREADS)
        self._remove_member(thread, user_id)
        return no_content()
