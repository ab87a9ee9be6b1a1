"""What the Discord and the Teams playgrounds share: the files beside the database (the
kept world, the privacy secret), the settings the playground imposes, the console's
reading loop and the helpers its actions use (durations, the clock, numbered items,
saved files). Nothing here knows a chat platform."""

from __future__ import annotations

import asyncio
import re
import secrets
import shlex
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TextIO, TypedDict, TypeVar

from bot.clock import ControlledClock, SystemClock
from bot.config import Settings, read_config_file, settings_ignoring_environment
from bot.emulator.world_file import set_aside, world_path
from bot.i18n import Language, load_catalog
from bot.interactions.help import command_title
from bot.scheduler import Scheduler
from bot.text import folded

W = TypeVar("W")
#: What a console's ``:verb`` does with the rest of the line.
Action = Callable[[str], Awaitable[None] | None]
T = TypeVar("T")

_DURATION = re.compile(r"^(?:\d+(?:min|m|h|d|w))+$")
_DURATION_PART = re.compile(r"(\d+)(min|m|h|d|w)")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class Reading(Protocol):
    """A console lines are read for (Discord's, Teams')."""

    member: str
    out: TextIO

    async def handle(self, typed: str) -> bool: ...


class PlayOptions(TypedDict, total=False):
    """How a playground runs, on either platform.

    ``clock``: the playground's clock (default: one at the present, never before a
    kept world's time). ``keep_world``: save the emulated world beside the database
    after every line and load it on the next run (:mod:`bot.emulator.world_file`);
    ``new_world``: set a kept world aside and start afresh. ``language``: the language
    of the member you act as in a new world (``:lang`` switches it). ``config``: a
    config file whose settings the playground keeps (custom protocols, reminders,
    defaults), but for its own chat platform, clock and database."""

    clock: ControlledClock | None
    keep_world: bool
    new_world: bool
    language: Language
    config: Path | None


class PlaygroundRun:
    """One run of a playground: its options, the config file's sections and the world
    kept beside the database (``--db``)."""

    def __init__(self, database: Path, options: PlayOptions) -> None:
        self.database = database
        self.config = options.get("config")
        self.from_file = read_config_file(self.config, required=True) if self.config else {}
        self.world_file = world_path(database) if options.get("keep_world") else None
        self.language: Language = options.get("language", "en")
        self._new_world = options.get("new_world", False)
        self._clock = options.get("clock")

    def clock(self, saved: datetime | None) -> ControlledClock:
        """The given clock, else one at the present (never before a kept world's time)."""
        if self._clock is not None:
            return self._clock
        now = SystemClock().now()
        return ControlledClock(now if saved is None else max(saved, now))

    def kept_world(self, load: Callable[[Path], W]) -> W | None:
        """The world saved by the last run, if kept; none with ``--new-world`` (the old
        file is set aside, never deleted)."""
        if self.world_file is None or not self.world_file.exists():
            return None
        if self._new_world:
            set_aside(self.world_file)
            return None
        return load(self.world_file)

    def settings(
        self, platform: dict[str, dict[str, Any]], *, leave_out: tuple[str, ...] = ()
    ) -> Settings:
        """The file's settings with the playground's own chat platform (``platform``),
        database, secret and logging; no health port (it would clash with a real bot's),
        and none of the sections in ``leave_out``. The environment is not read: it may
        hold the real bot's token and database."""
        left_out = {"ops", *leave_out}
        sections = {k: v for k, v in self.from_file.items() if k not in left_out}
        privacy = sections.get("privacy")
        sections.update(platform)
        sections["database"] = {"path": self.database}
        sections["privacy"] = {**(privacy if isinstance(privacy, dict) else {})}
        sections["privacy"]["secret"] = playground_secret(self.database)
        sections["logging"] = {"level": "WARNING"}
        return settings_ignoring_environment(sections, source=str(self.config or "<playground>"))

    async def run_console(
        self, console: Reading, source: TextIO, save: Callable[[Path], None]
    ) -> None:
        """Read ``source`` into the console; a kept world is saved at the start and after
        every line (``save(world_file)``)."""

        def keep() -> None:
            if self.world_file is not None:
                save(self.world_file)

        keep()
        await read_lines(console, source, keep)


async def read_lines(console: Reading, source: TextIO, after_each: Callable[[], None]) -> None:
    loop = asyncio.get_running_loop()
    while True:
        if source.isatty():
            print(f"{console.member}> ", end="", file=console.out, flush=True)
        line = await loop.run_in_executor(None, source.readline)
        if not line:
            return
        going_on = await console.handle(line)
        after_each()
        if not going_on:
            return


def playground_secret(database: Path) -> str:
    """The privacy secret of this playground database, kept beside it (anonymous
    questions' keyed hashes must stay verifiable from one run to the next)."""
    path = database.with_name(database.name + ".secret")
    if path.exists():
        return path.read_text().strip()
    secret = secrets.token_urlsafe(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


class ConsoleLoop(ABC):
    """One typed line at a time, as both consoles read them: blank lines and ``#!``
    comments skipped, the line echoed, ``:action rest`` sent to :meth:`_action`
    (``:quit`` ends), anything else to :meth:`_typed`; a refusal is printed, not
    raised."""

    member: str
    #: What a mistyped line raises: printed as ``! why``, and the console goes on.
    refusals: tuple[type[Exception], ...] = (LookupError, ValueError)

    @abstractmethod
    def say(self, text: str = "") -> None: ...

    async def _before(self) -> None:  # noqa: B027 (an optional hook)
        """Called before each line runs (who reads, and how, may have changed)."""

    @abstractmethod
    def _actions(self) -> dict[str, Action]:
        """Each ``:verb`` and what it does with the rest of the line."""
        ...

    async def _action(self, verb: str, rest: str) -> None:
        action = self._actions().get(verb)
        if action is None:
            raise LookupError(f"unknown action :{verb}; try :help")
        done = action(rest)
        if done is not None:
            await done

    @abstractmethod
    async def _typed(self, line: str) -> None: ...

    async def handle(self, typed: str) -> bool:
        """Run one line; False to quit."""
        line = typed.strip()
        if not line or line.startswith("#!"):
            return True
        self.say(f"{self.member}> {line}")
        await self._before()
        try:
            if not line.startswith(":"):
                await self._typed(line)
                return True
            verb, _, rest = line[1:].partition(" ")
            if verb in ("quit", "q", "exit"):
                return False
            await self._action(verb, rest.strip())
        except self.refusals as exc:
            self.say(f"  ! {exc}")
        return True


def duration(text: str) -> timedelta:
    """``30m``, ``2h``, ``1d12h``… as a duration (a ValueError says what is expected)."""
    compact = text.replace(" ", "")
    if not _DURATION.match(compact):
        raise ValueError("give a duration such as 30m, 2h, 1d, 1w or 1d12h")
    step = timedelta()
    for amount, unit in _DURATION_PART.findall(compact):
        step += timedelta(**{_UNITS[unit]: int(amount)})
    return step


async def advance_to(
    clock: ControlledClock, scheduler: Scheduler, target: datetime, shown: Callable[[], None]
) -> None:
    """Move the clock to ``target`` through each due time, as a bot that stayed up would,
    not as one that was down: a timer run at its time may add another due at that same
    instant. ``shown`` prints each post as the clock reaches it, so its times read as when
    it was posted."""
    stalled: dict[datetime, int] = {}
    while (due := await scheduler.next_due()) is not None and due <= target:
        if stalled.get(due, 0) >= 2:
            break  # a timer stays due without running (nothing handles it): do not spin
        await clock.set(max(due, clock.now()))
        if not await scheduler.run_due():
            stalled[due] = stalled.get(due, 0) + 1
        shown()
    await clock.set(target)
    await scheduler.run_due()


def numbered(table: dict[int, T], text: str, what: str) -> T:
    """Item ``text`` (a number, ``message 3`` too) of a transcript's numbered ``table``."""
    try:
        return table[int(text.removeprefix("message").strip())]
    except (ValueError, KeyError):
        raise LookupError(f"no {what} number {text!r} in the transcript") from None


def free_path(folder: Path, filename: str) -> Path:
    """``folder/filename``, or ``name-2.ext``… if that file exists (never overwrite)."""
    name = Path(filename).name or "file"
    candidate = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    counter = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate


def field_name(field_id: str, language: Language) -> str:
    """A form field's name as a member of that language types it: the name its command
    option has (``titre`` for ``title`` in French), else its id."""
    return command_title((field_id,), load_catalog(), language)


def fill_hint(ids: Sequence[str], language: Language) -> str:
    """How to fill a form: its values in order, or named as a command's options are, in
    the member's language."""
    named = " ".join(f"{field_name(name, language)}:…" for name in ids)
    return f"  fill it with :submit value 1 | value 2 | …, or by name: :submit {named}"


def form_values(text: str, names: Sequence[tuple[str, ...]]) -> list[str]:
    """What ``:submit`` typed for each field of a form, in the fields' order: ``A | B``,
    or each field named as a command's options are (``question:"…" topic:Reading``), by
    any of its names (``names``: each field's, the one to show first). A line that is not
    all ``name:value`` pairs is read the first way, so ``Goal: reading`` stays one value;
    one that is, but names a field the form lacks, is refused with the names it has."""
    named = _named_values(text, [{folded(n) for n in field} for field in names])
    if named is None:
        return [v.strip() for v in text.split("|")] if text else []
    if isinstance(named, str):
        fields = ", ".join(field[0] for field in names)
        raise LookupError(f"this form has no field {named!r}; its fields: {fields}")
    return named


_NAME = re.compile(r"\w[\w-]*")


def _named_values(text: str, names: list[set[str]]) -> list[str] | str | None:
    """Each field's value; the first unknown name when every word is ``name:value`` and
    one names no field (one such word alone is a value: ``Note:tomorrow``)."""
    try:
        words = shlex.split(text)
    except ValueError:  # an apostrophe left open: typed as text, not as options
        return None
    values = [""] * len(names)
    unknown = None
    for word in words:
        name, sep, value = word.partition(":")
        index = next((i for i, known in enumerate(names) if folded(name) in known), None)
        if not sep or not _NAME.fullmatch(name):
            return None
        if index is None:
            unknown = unknown or name
            continue
        values[index] = value.strip()
    if unknown is not None:
        return unknown if len(words) > 1 else None
    return values if words else None
