"""The playground's world kept beside its database, so a facilitator can come back to it.

``plc-bot playground --db FILE`` saves the emulated Discord — the sample server,
its channels, roles, members, the messages the bot posted, threads, events, DMs —
to ``FILE.world`` after every console line, and loads it on the next run: the ids
are the same, so the community, meetings and goals stored in the database still
belong to a server that exists, and yesterday's buttons still work.

The file is JSON written atomically: data only, so a world file someone shares
cannot run code when it is loaded. Files of the first playgrounds were pickles;
they are refused unread. A file that cannot be read is reported with what to do;
it is never replaced by surprise.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import types
import typing
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

from .sample import SampleGuild
from .state import (
    ApplicationCommand,
    Attachment,
    Channel,
    Guild,
    Message,
    ScheduledEvent,
    State,
    User,
)

FORMAT = "plc-bot-playground-world"
VERSION = 2
TEAMS_FORMAT = "plc-bot-playground-teams-world"
PLAYGROUNDS = {FORMAT: "Discord", TEAMS_FORMAT: "Microsoft Teams"}
_PICKLE_START = b"\x80"  # every pickle since protocol 2 begins with the PROTO opcode

#: What a :class:`State` holds besides what its constructor sets, by type.
STATE_FIELDS: dict[str, Any] = {
    "application_name": str,
    "owner_user_id": int | None,
    "users": dict[int, User],
    "guilds": dict[int, Guild],
    "channels": dict[int, Channel],
    "messages": dict[int, Message],
    "channel_messages": dict[int, list[int]],
    "dm_channel_by_user": dict[int, int],
    "scheduled_events": dict[int, ScheduledEvent],
    "commands": dict[int, ApplicationCommand],
    "closed_dm_user_ids": set[int],
    "uploads": dict[int, Attachment],
}
#: Set anew by each run: the server's address, the clock hook, the id generator's position
#: (saved as ``last_snowflake_ms``) and what the constructor is given.
STATE_NOT_SAVED = frozenset(
    {"base_url", "now_timestamp", "snowflakes", "bot_user_id", "application_id"}
)


class WorldFileError(Exception):
    """The world file cannot be used; the message says why and what to do."""


@dataclass
class World:
    state: State
    guild: SampleGuild
    bot_token: str
    clock: datetime
    member: str


def world_path(database: Path) -> Path:
    return database.with_name(database.name + ".world")


def save_world(path: Path, world: World) -> None:
    write_world(path, FORMAT, VERSION, _world_json(world))


def write_world(path: Path, form: str, version: int, world: dict[str, Any]) -> None:
    """Write atomically: a crash mid-write leaves the previous world intact."""
    data = {"format": form, "version": version, "world": world}
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False, separators=(",", ":"))
        file.flush()
        os.fsync(file.fileno())
    tmp.replace(path)


def load_world(path: Path) -> World:
    saved = read_world(path, FORMAT, VERSION)
    try:
        return _world_from_json(saved)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _unreadable(path, type(exc).__name__) from None


def read_world(path: Path, form: str, version: int) -> dict[str, Any]:
    """The saved world of the ``form`` playground (Discord's, Teams'), checked."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, type(exc).__name__) from None
    if raw.startswith(_PICKLE_START):
        raise WorldFileError(
            f"{path}: saved by an older playground in a format this one no longer reads "
            "(a pickle, which could run code when loaded, so it is not opened). Your "
            "database is untouched. Run again with --new-world to start a fresh sample "
            "server (the old world file is kept as .unreadable)."
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _unreadable(path, type(exc).__name__) from None
    if not isinstance(data, dict) or data.get("format") not in PLAYGROUNDS:
        raise WorldFileError(f"{path}: not a playground world file; use --new-world")
    if data["format"] != form:
        raise WorldFileError(
            f"{path}: the world of the {PLAYGROUNDS[data['format']]} playground; give "
            "another --db file, or use --new-world to replace it"
        )
    if data.get("version") != version:
        raise WorldFileError(
            f"{path}: saved by another version of the playground "
            f"(format {data.get('version')}, this one reads {version}); use --new-world"
        )
    world = data.get("world")
    if not isinstance(world, dict):
        raise _unreadable(path, "no world")
    return world


def set_aside(path: Path) -> Path:
    """Keep an unreadable world file under another name before starting afresh."""
    aside = path.with_name(path.name + ".unreadable")
    path.replace(aside)
    return aside


def _unreadable(path: Path, why: str) -> WorldFileError:
    return WorldFileError(
        f"{path}: the playground's saved world cannot be read ({why}). "
        "Your database is untouched. Run again with --new-world to start a fresh "
        "sample server (the old world file is kept as .unreadable)."
    )


# ----- to and from JSON ------------------------------------------------------------------
def _world_json(world: World) -> dict[str, Any]:
    state = world.state
    return {
        "bot_user_id": state.bot_user_id,
        "application_id": state.application_id,
        "last_snowflake_ms": state.snowflakes.last_ms,
        "state": {name: encode(getattr(state, name)) for name in STATE_FIELDS},
        "guild": encode(world.guild),
        "bot_token": world.bot_token,
        "clock": world.clock.isoformat(),
        "member": world.member,
    }


def _world_from_json(data: dict[str, Any]) -> World:
    saved = data["state"]
    users = decode(dict[int, User], saved["users"])
    state = State(bot_user=users[int(data["bot_user_id"])], application_id=data["application_id"])
    for name, hint in STATE_FIELDS.items():
        setattr(state, name, decode(hint, saved[name]))
    state.snowflakes.resume_after(int(data["last_snowflake_ms"]))
    return World(
        state=state,
        guild=decode(SampleGuild, data["guild"]),
        bot_token=str(data["bot_token"]),
        clock=datetime.fromisoformat(data["clock"]),
        member=str(data["member"]),
    )


def encode(value: Any) -> Any:
    """Plain JSON: dataclasses as objects, bytes as base64, sets as lists, int keys as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted(encode(item) for item in value)
    return value


def decode(hint: Any, value: Any) -> Any:
    """Rebuild a value of type ``hint`` from what :func:`_encode` wrote."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return decode(inner, value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        known = {f.name for f in dataclasses.fields(hint)}
        return hint(**{k: decode(hints[k], v) for k, v in value.items() if k in known})
    if hint is bytes:
        return base64.b64decode(value, validate=True)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if origin is dict and args:
        return {decode(args[0], k): decode(args[1], v) for k, v in value.items()}
    if origin in (list, set) and args:
        return origin(decode(args[0], item) for item in value)
    if hint is int:
        return int(value)
    return value
