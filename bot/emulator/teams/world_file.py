"""The Teams playground's world kept beside its database (``plc-bot playground --platform
teams --db FILE``): the tenant, its team, channels, members, chats and the messages the
bot posted (with each member's own view of a card), saved to ``FILE.world`` after every
console line as JSON, in the Discord playground's format (:mod:`bot.emulator.world_file`).
The ids stay the same, so what the database holds still belongs to a team that exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.emulator.world_file import (
    TEAMS_FORMAT,
    WorldFileError,
    decode,
    encode,
    read_world,
    write_world,
)

from .sample import SampleTeam
from .state import Chat, Team, TeamsMessage, TeamsState, TeamsUser

VERSION = 1
STATE_FIELDS: dict[str, Any] = {
    "tenant_id": str,
    "app_id": str,
    "bot_name": str,
    "users": dict[str, TeamsUser],
    "teams": dict[str, Team],
    "chats": dict[str, Chat],
    "messages": dict[str, TeamsMessage],
}


@dataclass
class TeamsWorld:
    state: TeamsState
    sample: SampleTeam
    clock: datetime
    member: str
    where: str


def save_teams_world(path: Path, world: TeamsWorld) -> None:
    state = world.state
    saved = {
        "state": {name: encode(getattr(state, name)) for name in STATE_FIELDS},
        "last_message_ms": state._last_ms,
        "sample": {short: world.sample.user(short).id for short in world.sample.names()},
        "team": world.sample.team.id,
        "clock": world.clock.isoformat(),
        "member": world.member,
        "where": world.where,
    }
    write_world(path, TEAMS_FORMAT, VERSION, saved)


def load_teams_world(path: Path) -> TeamsWorld:
    saved = read_world(path, TEAMS_FORMAT, VERSION)
    try:
        state = TeamsState()
        for name, hint in STATE_FIELDS.items():
            setattr(state, name, decode(hint, saved["state"][name]))
        state._last_ms = int(saved["last_message_ms"])
        users = {short: state.users[teams_id] for short, teams_id in saved["sample"].items()}
        sample = SampleTeam(team=state.teams[saved["team"]], **users)
        return TeamsWorld(
            state,
            sample,
            datetime.fromisoformat(saved["clock"]),
            str(saved["member"]),
            str(saved["where"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WorldFileError(
            f"{path}: the playground's saved world cannot be read ({type(exc).__name__}). "
            "Your database is untouched. Run again with --new-world to start a fresh "
            "sample team (the old world file is kept as .unreadable)."
        ) from None
