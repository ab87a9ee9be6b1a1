"""The emulated Discord gateway (websocket at ``/gateway``).

Speaks gateway v10 in plain JSON text frames (the ``compress=zlib-stream``
query is accepted; discord.py only decompresses binary frames): HELLO,
IDENTIFY (wrong token: close 4004), heartbeats and HEARTBEAT_ACK, READY then
one GUILD_CREATE per guild, RESUME (replays the events missed after the given
sequence, then RESUMED; an unknown session gets INVALID_SESSION), request
guild members (GUILD_MEMBERS_CHUNK).  Dispatches are filtered by the intents
of the session, MESSAGE_CONTENT included, and numbered; they are kept so a
resumed session gets what it missed.

Sharding as Discord does it: IDENTIFY with ``shard: [id, count]`` makes a session that
gets only the guilds of that shard, ``(guild_id >> 22) % count == id`` (DMs go to shard
0), in READY and in every dispatch; a bad shard closes with 4010, and an unsharded
session (or a shard) holding more than ``max_guilds_per_session`` guilds with 4011.
``GET /gateway/bot`` recommends one shard per ``guilds_per_shard`` guilds.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .recorder import GatewayFrame, Recorder
from .state import JSON, Channel, ChannelType, Message, State


class Op:
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Intent:
    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    GUILD_MESSAGE_REACTIONS = 1 << 10
    GUILD_MESSAGE_TYPING = 1 << 11
    DIRECT_MESSAGES = 1 << 12
    DIRECT_MESSAGE_REACTIONS = 1 << 13
    DIRECT_MESSAGE_TYPING = 1 << 14
    MESSAGE_CONTENT = 1 << 15
    GUILD_SCHEDULED_EVENTS = 1 << 16
    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


_GUILD_EVENTS = (
    "GUILD_CREATE",
    "GUILD_UPDATE",
    "GUILD_DELETE",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "CHANNEL_DELETE",
    "CHANNEL_PINS_UPDATE",
    "THREAD_CREATE",
    "THREAD_UPDATE",
    "THREAD_DELETE",
    "THREAD_LIST_SYNC",
    "THREAD_MEMBER_UPDATE",
    "THREAD_MEMBERS_UPDATE",
)

#: Intent a dispatch needs: (in a guild, in a DM).  Absent events are always sent.
EVENT_INTENTS: dict[str, tuple[int, int]] = {
    **{e: (Intent.GUILDS, Intent.GUILDS) for e in _GUILD_EVENTS},
    **{
        e: (Intent.GUILD_MEMBERS, Intent.GUILD_MEMBERS)
        for e in ("GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE")
    },
    **{
        e: (Intent.GUILD_SCHEDULED_EVENTS, Intent.GUILD_SCHEDULED_EVENTS)
        for e in (
            "GUILD_SCHEDULED_EVENT_CREATE",
            "GUILD_SCHEDULED_EVENT_UPDATE",
            "GUILD_SCHEDULED_EVENT_DELETE",
            "GUILD_SCHEDULED_EVENT_USER_ADD",
            "GUILD_SCHEDULED_EVENT_USER_REMOVE",
        )
    },
    **{
        e: (Intent.GUILD_MESSAGES, Intent.DIRECT_MESSAGES)
        for e in ("MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK")
    },
    **{
        e: (Intent.GUILD_MESSAGE_REACTIONS, Intent.DIRECT_MESSAGE_REACTIONS)
        for e in ("MESSAGE_REACTION_ADD", "MESSAGE_REACTION_REMOVE", "MESSAGE_REACTION_REMOVE_ALL")
    },
    "TYPING_START": (Intent.GUILD_MESSAGE_TYPING, Intent.DIRECT_MESSAGE_TYPING),
}

#: How many dispatches a session keeps for RESUME.
REPLAY_BUFFER = 2000

#: Discord's: a session holding more guilds is refused (4011, sharding required).
MAX_GUILDS_PER_SESSION = 2500
#: Discord recommends a shard per this many guilds in ``GET /gateway/bot``.
GUILDS_PER_SHARD = 1000


def shard_of(guild_id: int | None, shard_count: int) -> int:
    """The shard whose session gets a guild's events; DMs go to shard 0."""
    return 0 if guild_id is None else (guild_id >> 22) % shard_count


def _valid_shard(shard: Any) -> bool:
    return (
        isinstance(shard, list)
        and len(shard) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in shard)
        and 0 <= shard[0] < shard[1]
    )


@dataclass
class Session:
    """A gateway session: survives disconnections until invalidated."""

    id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    log: deque[JSON] = field(default_factory=lambda: deque(maxlen=REPLAY_BUFFER))
    connection: Connection | None = None
    valid: bool = True

    def serves(self, guild_id: int | None) -> bool:
        """Whether this session gets the events of ``guild_id`` (None: a DM)."""
        return self.shard is None or shard_of(guild_id, self.shard[1]) == self.shard[0]

    @property
    def shard_key(self) -> tuple[int, int] | None:
        return None if self.shard is None else (self.shard[0], self.shard[1])


class Connection:
    """One websocket; a single writer task keeps frames in order."""

    _ids = itertools.count(1)

    def __init__(self, ws: web.WebSocketResponse, recorder: Recorder) -> None:
        self.id = next(self._ids)
        self.ws = ws
        self.session: Session | None = None
        self._recorder = recorder
        self._queue: asyncio.Queue[JSON | None] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write(), name=f"emulator-gateway-writer-{self.id}")

    def send(self, payload: JSON) -> None:
        self._queue.put_nowait(payload)

    async def _write(self) -> None:
        while (payload := await self._queue.get()) is not None:
            if self.ws.closed:
                continue
            self._recorder.add_frame(
                GatewayFrame(
                    "send",
                    self.id,
                    payload.get("op"),
                    payload.get("t"),
                    payload.get("s"),
                    payload.get("d"),
                )
            )
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_str(json.dumps(payload))

    async def close(self, code: int, message: str = "") -> None:
        """Flush pending frames, then close with ``code``."""
        self._queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(self._writer), 2.0)
        self._writer.cancel()
        await self.ws.close(code=code, message=message.encode())

    def stop_writer(self) -> None:
        self._writer.cancel()


class Gateway:
    """Serves ``/gateway``; keeps sessions, counts identifies and resumes."""

    def __init__(
        self,
        state: State,
        recorder: Recorder,
        *,
        token: Callable[[], str],
        gateway_url: Callable[[], str],
        allowed_privileged_intents: int = Intent.PRIVILEGED,
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self._state = state
        self._recorder = recorder
        self._token = token
        self._gateway_url = gateway_url
        self.allowed_privileged_intents = allowed_privileged_intents
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        """The session identified or resumed last."""
        self.serving: dict[tuple[int, int] | None, Session] = {}
        """The session each shard's events go to (None: an unsharded session's key)."""
        self.max_guilds_per_session = MAX_GUILDS_PER_SESSION
        self.guilds_per_shard = GUILDS_PER_SHARD
        self.connections: set[Connection] = set()
        self.identify_count = 0
        self.resume_count = 0

    # ----- websocket handling ----------------------------------------------------------
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=2.0, max_msg_size=0)
        await ws.prepare(request)
        if request.query.get("v", "10") != "10":
            await ws.close(code=4012, message=b"Invalid API version.")
            return ws
        conn = Connection(ws, self._recorder)
        self.connections.add(conn)
        conn.send(
            {
                "op": Op.HELLO,
                "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["emulator"]},
                "s": None,
                "t": None,
            }
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    await conn.close(4002, "Decode error.")
                    break
                self._recorder.add_frame(
                    GatewayFrame(
                        "recv", conn.id, payload.get("op"), None, None, _redact(payload.get("d"))
                    )
                )
                await self._on_payload(conn, payload)
        finally:
            self.connections.discard(conn)
            conn.stop_writer()
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
        return ws

    async def _on_payload(self, conn: Connection, payload: JSON) -> None:
        op, d = payload.get("op"), payload.get("d")
        if op == Op.HEARTBEAT:
            conn.send({"op": Op.HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == Op.IDENTIFY:
            await self._identify(conn, d or {})
        elif op == Op.RESUME:
            await self._resume(conn, d or {})
        elif op == Op.REQUEST_GUILD_MEMBERS:
            self._request_members(conn, d or {})
        elif op in (Op.PRESENCE_UPDATE, Op.VOICE_STATE_UPDATE):
            return
        else:
            await conn.close(4001, "Unknown opcode.")

    async def _identify(self, conn: Connection, d: JSON) -> None:
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if d.get("token") != self._token():
            await conn.close(4004, "Authentication failed.")
            return
        intents = d.get("intents")
        if not isinstance(intents, int) or intents < 0:
            await conn.close(4013, "Invalid intent(s).")
            return
        if intents & Intent.PRIVILEGED & ~self.allowed_privileged_intents:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard = d.get("shard")
        if shard is not None and not _valid_shard(shard):
            await conn.close(4010, "Invalid shard.")
            return
        session = Session(id=secrets.token_hex(16), intents=intents, shard=shard)
        if len(self.session_guild_ids(session)) > self.max_guilds_per_session:
            await conn.close(4011, "Sharding required.")
            return
        self.identify_count += 1
        self.sessions[session.id] = session
        self._attach(conn, session)
        self.dispatch("READY", self._ready_payload(session), session=session)
        for guild_id in self.session_guild_ids(session):
            with_members = bool(intents & Intent.GUILD_MEMBERS)
            self.dispatch(
                "GUILD_CREATE",
                self._state.guild_create_json(guild_id, with_members=with_members),
                session=session,
            )

    async def _resume(self, conn: Connection, d: JSON) -> None:
        if d.get("token") != self._token():
            await conn.close(4004, "Authentication failed.")
            return
        session = self.sessions.get(str(d.get("session_id")))
        if session is None or not session.valid:
            conn.send({"op": Op.INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        if session.connection is not None and session.connection is not conn:
            await session.connection.close(4000, "Session resumed elsewhere.")
        self.resume_count += 1
        self._attach(conn, session)
        after = int(d.get("seq") or 0)
        for payload in list(session.log):
            if payload["s"] > after:
                conn.send(payload)
        self.dispatch("RESUMED", {"_trace": ["emulator"]}, session=session)

    def _attach(self, conn: Connection, session: Session) -> None:
        conn.session = session
        session.connection = conn
        self.current = session
        self.serving[session.shard_key] = session

    def _request_members(self, conn: Connection, d: JSON) -> None:
        guild = self._state.guilds.get(int(d.get("guild_id") or 0))
        if guild is None or conn.session is None:
            return
        user_ids = {int(u) for u in d.get("user_ids") or []}
        query = str(d.get("query") or "").lower()
        limit = int(d.get("limit") or 0) or len(guild.members)
        members = []
        for member in guild.members.values():
            user = self._state.users[member.user_id]
            if user_ids and member.user_id not in user_ids:
                continue
            if (
                query
                and not user.username.lower().startswith(query)
                and not (member.nick or "").lower().startswith(query)
            ):
                continue
            members.append(member.to_json(user))
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": members[:limit],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in user_ids if u not in guild.members],
        }
        if d.get("nonce") is not None:
            chunk["nonce"] = d["nonce"]
        if d.get("presences"):
            chunk["presences"] = []
        self.dispatch("GUILD_MEMBERS_CHUNK", chunk, session=conn.session)

    def _bot_guild_ids(self) -> list[int]:
        return [g.id for g in self._state.guilds.values() if self._state.bot_user_id in g.members]

    def session_guild_ids(self, session: Session) -> list[int]:
        """The bot's guilds this session gets: its shard's, or all when unsharded."""
        return [guild_id for guild_id in self._bot_guild_ids() if session.serves(guild_id)]

    def recommended_shards(self) -> int:
        """What ``GET /gateway/bot`` recommends: a shard per ``guilds_per_shard`` guilds."""
        return max(1, -(-len(self._bot_guild_ids()) // self.guilds_per_shard))

    def _ready_payload(self, session: Session) -> JSON:
        user = self._state.bot_user.to_json()
        user.update(verified=True, mfa_enabled=False, email=None, bot=True)
        data: JSON = {
            "v": 10,
            "user_settings": {},
            "user": user,
            "guilds": [
                {"id": str(gid), "unavailable": True} for gid in self.session_guild_ids(session)
            ],
            "guild_join_requests": [],
            "relationships": [],
            "private_channels": [],
            "presences": [],
            "sessions": [],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._gateway_url(),
            "application": {
                "id": str(self._state.application_id),
                "flags": 1 << 13 | 1 << 15 | 1 << 19 | 1 << 23,
            },
            "geo_ordered_rtc_regions": ["rotterdam", "madrid", "milan"],
            "_trace": ["emulator"],
        }
        if session.shard is not None:
            data["shard"] = session.shard
        return data

    # ----- dispatching -----------------------------------------------------------------
    def dispatch(
        self, event: str, data: JSON, *, guild_id: int | None = None, session: Session | None = None
    ) -> None:
        """Send a DISPATCH to ``session``, else to the session of each shard that serves
        ``guild_id`` (buffered if it is disconnected).

        ``guild_id`` tells whether the guild or DM intent applies, and which shard gets
        it.  Messages lose their content without the MESSAGE_CONTENT intent, as on
        Discord.
        """
        if session is not None:
            self._dispatch_to(session, event, data, guild_id)
            return
        for serving in list(self.serving.values()):
            if serving.serves(guild_id):
                self._dispatch_to(serving, event, data, guild_id)

    def _dispatch_to(self, session: Session, event: str, data: JSON, guild_id: int | None) -> None:
        if not session.valid:
            return
        needed = EVENT_INTENTS.get(event)
        if needed is not None and not session.intents & needed[0 if guild_id is not None else 1]:
            return
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and guild_id is not None:
            data = self._strip_content(data, session.intents)
        session.seq += 1
        payload = {"op": Op.DISPATCH, "t": event, "s": session.seq, "d": data}
        session.log.append(payload)
        if session.connection is not None:
            session.connection.send(payload)

    def _strip_content(self, data: JSON, intents: int) -> JSON:
        if intents & Intent.MESSAGE_CONTENT:
            return data
        bot_id = str(self._state.bot_user_id)
        if data.get("author", {}).get("id") == bot_id or any(
            m.get("id") == bot_id for m in data.get("mentions", [])
        ):
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    # ----- typed dispatch helpers ------------------------------------------------------
    def message_created(self, message: Message) -> None:
        """MESSAGE_CREATE, as Discord sends it: also for the bot's own messages, never for
        ephemeral ones."""
        if not message.ephemeral:
            data = message.to_json(self._state, with_member=True)
            self.dispatch("MESSAGE_CREATE", data, guild_id=message.guild_id)

    def message_updated(self, message: Message) -> None:
        if not message.ephemeral:
            data = message.to_json(self._state, with_member=True)
            self.dispatch("MESSAGE_UPDATE", data, guild_id=message.guild_id)

    def message_deleted(self, message: Message) -> None:
        if not message.ephemeral:
            data: JSON = {"id": str(message.id), "channel_id": str(message.channel_id)}
            if message.guild_id is not None:
                data["guild_id"] = str(message.guild_id)
            self.dispatch("MESSAGE_DELETE", data, guild_id=message.guild_id)

    def guild_joined(self, guild_id: int) -> None:
        """The bot was added to ``guild_id``: GUILD_CREATE to the session serving it (with
        its members if the session asked for them), as Discord sends it after READY:
        without ``unavailable``, which is how a client tells a join from a guild that
        was only out of reach."""
        for session in list(self.serving.values()):
            if session.serves(guild_id):
                with_members = bool(session.intents & Intent.GUILD_MEMBERS)
                payload = self._state.guild_create_json(guild_id, with_members=with_members)
                payload.pop("unavailable", None)
                self._dispatch_to(session, "GUILD_CREATE", payload, guild_id)

    def channel_event(self, kind: str, channel: Channel) -> None:
        """``kind`` is CREATE, UPDATE or DELETE; threads get THREAD_* events, DMs none."""
        if channel.type == ChannelType.DM:
            return
        if channel.is_thread:
            data = channel.to_json(self._state)
            if kind == "DELETE":
                data = {k: data[k] for k in ("id", "guild_id", "parent_id", "type")}
            elif kind == "CREATE":
                data["newly_created"] = True
                if self._state.bot_user_id in channel.thread_members:
                    data["member"] = channel.thread_member_json(self._state.bot_user_id)
            self.dispatch(f"THREAD_{kind}", data, guild_id=channel.guild_id)
        else:
            self.dispatch(
                f"CHANNEL_{kind}", channel.to_json(self._state), guild_id=channel.guild_id
            )

    # ----- control ---------------------------------------------------------------------
    async def drop(self, *, resumable: bool = True) -> None:
        """Cut the bot's connection: resumable (close 4000, the bot RESUMEs) or not
        (INVALID_SESSION false, the bot identifies again)."""
        session = self.current
        if session is None or session.connection is None:
            raise RuntimeError("the bot is not connected to the gateway")
        conn = session.connection
        if resumable:
            await conn.close(4000, "Unknown error.")
            return
        session.valid = False
        conn.send({"op": Op.INVALID_SESSION, "d": False, "s": None, "t": None})

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.close(1001, "Emulator stopping.")

    def is_connected(self) -> bool:
        return (
            self.current is not None and self.current.valid and self.current.connection is not None
        )


def _redact(data: Any) -> Any:
    """IDENTIFY and RESUME frames are recorded without the token."""
    if isinstance(data, dict) and "token" in data:
        return {**data, "token": "[redacted]"}
    return data
