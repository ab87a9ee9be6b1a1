"""The playground's world kept beside its database, so a facilitator can come back to it.

``plc-bot playground --db FILE`` saves the emulated Discord — the sample server,
its channels, roles, members, the messages the bot posted, threads, events, DMs —
to ``FILE.world`` after every console line, and loads it on the next run: the ids
are the same, so the community, meetings and goals stored in the database still
belong to a server that exists, and yesterday's buttons still work.

The file is a local pickle written atomically; it is only ever read back by the
playground that wrote it (never accept one from someone else). A file that cannot
be read is reported with what to do; it is never replaced by surprise.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .sample import SampleGuild
from .state import State

FORMAT = "plc-bot-playground-world"
VERSION = 1


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
    """Write atomically: a crash mid-write leaves the previous world intact."""
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "world": world}
    tmp = path.with_name(path.name + ".partial")
    with tmp.open("wb") as file:
        pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
        file.flush()
        os.fsync(file.fileno())
    tmp.replace(path)


def load_world(path: Path) -> World:
    try:
        with path.open("rb") as file:
            data = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        raise WorldFileError(
            f"{path}: the playground's saved world cannot be read ({type(exc).__name__}). "
            "Your database is untouched. Run again with --new-world to start a fresh "
            "sample server (the old world file is kept as .unreadable)."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise WorldFileError(f"{path}: not a playground world file; use --new-world")
    if data.get("version") != VERSION:
        raise WorldFileError(
            f"{path}: saved by another version of the playground "
            f"(format {data.get('version')}, this one reads {VERSION}); use --new-world"
        )
    world = data["world"]
    assert isinstance(world, World)
    return world


def set_aside(path: Path) -> Path:
    """Keep an unreadable world file under another name before starting afresh."""
    aside = path.with_name(path.name + ".unreadable")
    path.replace(aside)
    return aside
