"""4. Write path: check-in answers per second through the service layer, against raw SQLite.

The service path is ``CheckinService.save_answer``, as the answer form calls it:
checks, one write transaction (member, goal, answer), the answer posted in the week's
thread, its message id stored in a second transaction. The services are built by the
bot's own entry point (``bot.app``) on a SQLite file, with a chat port that accepts
every post at once, so the figure is the service layer's and the database's. The raw
path inserts the same rows (``checkin_answers``) with ``sqlite3``, one transaction per
answer (each answer is one member's action), with the bot's pragmas (WAL,
``synchronous=FULL``), in a file beside it. The two alternate, so the machine's noise
falls on both.

Informative, beside them: the same raw inserts each followed by a second transaction
recording the answer's message id, as the service must (the post is sent only once the
answer is committed, and which message shows it is recorded once it is up): two durable
commits an answer, the most the service path could reach. And the same two statements
each run as the bot runs a write (``Database.in_one_trip``: a trip to aiosqlite's thread
and back, the bot's pragmas and schema), without the service: the most any write of two
commits can reach in the bot's design.

Then the same number of answers through the service layer again, from members answering
at once (``AT_ONCE`` at a time, as a community's members do when the prompt opens): the
writes that wait for the writer together share one transaction and one commit
(``bot/db/group_commit.py``). The answers above come one after another, each waited for
before the next, so each pays its own two commits; both are measured, against the same
raw floor.

Then the same answers through the running bot, posted in the thread through the
emulator: there the bound is Discord's global limit (50 requests/s), which the bot
paces itself to.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from bot.actor import Actor
from bot.app import build_core, build_services
from bot.clock import ControlledClock
from bot.db import Database
from bot.db.connection import Connection
from bot.services.checkins import CheckinService
from bot.services.registry import Services
from tests.recording_chat import RecordingChat

from . import fixtures
from .fixtures import CommunitySpec
from .report import Figure, Report
from .stack import bot_running, bot_settings, emulator
from .world import measured_guild

SECTION = "4 write path: check-in answers"
TARGET_RATIO = 0.5
TEXT = "Ran the reading groups twice; the second went better"
AT_ONCE = 30
"""Members answering at the same moment: a community of 30 as its prompt opens."""


def raw_writer(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        db.execute(f"PRAGMA {pragma}")
    return db


def raw_insert(
    db: sqlite3.Connection, spec: CommunitySpec, checkin: int, user: int, texts: str
) -> None:
    now = fixtures.instant(fixtures.FIXTURE_NOW)
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "INSERT INTO checkin_answers (guild_id, checkin_id, user_id, progress, texts, "
        "help_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (spec.guild_id, checkin, user, 42.0, texts, TEXT, now, now),
    )
    db.execute("COMMIT")


def raw_insert_and_record(
    db: sqlite3.Connection, spec: CommunitySpec, checkin: int, user: int, texts: str
) -> None:
    """:func:`raw_insert`, then the message that shows it recorded in a second commit."""
    raw_insert(db, spec, checkin, user, texts)
    db.execute("BEGIN IMMEDIATE")
    db.execute(
        "UPDATE checkin_answers SET post_message_id = ? WHERE checkin_id = ? AND user_id = ?",
        (user, checkin, user),
    )
    db.execute("COMMIT")


async def trip_insert_and_record(
    db: Database, spec: CommunitySpec, checkin: int, user: int, texts: str
) -> None:
    """:func:`raw_insert_and_record`'s two transactions, each one trip of the bot's own."""
    now = fixtures.instant(fixtures.FIXTURE_NOW)

    async def insert(conn: Connection) -> int:
        cursor = await conn.execute(
            "INSERT INTO checkin_answers (guild_id, checkin_id, user_id, progress, texts, "
            "help_text, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (spec.guild_id, checkin, user, 42.0, texts, TEXT, now, now),
        )
        row = await cursor.fetchone()
        return int(row[0])

    answer_id = await db.in_one_trip(insert)

    async def record(conn: Connection) -> None:
        await conn.execute(
            "UPDATE checkin_answers SET post_message_id = ? WHERE id = ?", (user, answer_id)
        )

    await db.in_one_trip(record)


async def open_checkin(services: Services, spec: CommunitySpec) -> tuple[int, list[str]]:
    """This week's check-in, opened now; the answer texts its questions take."""
    checkins = services.get(CheckinService)
    owner = Actor(spec.guild_id, spec.member_ids[0], manages_guild=True)
    await checkins.set_schedule(
        owner, weekday=0, time_text="09:00", questions_text=None, close_after_hours=48, pulse=False
    )
    checkin = (await checkins.open_now(owner)).checkin
    return checkin.id, [TEXT] * len(checkins.questions_for(checkin, "en"))


async def answer(
    services: Services, spec: CommunitySpec, checkin: int, user: int, texts: list[str]
) -> None:
    saved = await services.get(CheckinService).save_answer(
        Actor(spec.guild_id, user), checkin, progress="42", texts=texts
    )
    assert saved.posted_in is not None, "the answer was not posted"


class Took(NamedTuple):
    """Seconds each path took."""

    service: float
    raw: float
    raw2: float
    trip: float
    at_once: float
    bot: float


async def answers_at_once(
    services: Services, spec: CommunitySpec, checkin: int, texts: list[str], answers: int
) -> float:
    """Seconds for ``answers`` first answers, ``AT_ONCE`` members at a time."""
    took = 0.0
    for first in range(0, answers, AT_ONCE):
        users = range(10**7 + first, 10**7 + min(first + AT_ONCE, answers))
        started = time.perf_counter()
        await asyncio.gather(*(answer(services, spec, checkin, user, texts) for user in users))
        took += time.perf_counter() - started
    return took


async def one_after_another(
    services: Services,
    spec: CommunitySpec,
    checkin: int,
    texts: list[str],
    folder: Path,
    answers: int,
) -> tuple[float, float, float, float]:
    """Seconds for ``answers`` answers through the service layer, raw, raw with its record,
    and raw's two commits as the bot's trips; the four alternate, answer by answer."""
    raw, raw2 = (raw_writer(folder / name) for name in ("raw.sqlite3", "raw2.sqlite3"))
    trip = await Database.open(folder / "trip.sqlite3")
    week = (
        "INSERT INTO checkins (id, guild_id, week, pulse, channel_id, opened_at,"
        " closes_at) VALUES (?, ?, 'W', 0, ?, 'x', 'y')",
        (checkin, spec.guild_id, spec.checkin_channel_id),
    )
    try:
        for db in (raw, raw2):
            db.execute(*week)
        async with trip.transaction() as conn:
            await conn.execute(*week)
        raw_texts = json.dumps(texts)
        took = [0.0] * 4
        for n in range(answers):
            user = 10**6 + n  # one answer per member and week: a member each
            started = time.perf_counter()
            await answer(services, spec, checkin, user, texts)
            took[0] += time.perf_counter() - started
            started = time.perf_counter()
            raw_insert(raw, spec, checkin, user, raw_texts)
            took[1] += time.perf_counter() - started
            started = time.perf_counter()
            raw_insert_and_record(raw2, spec, checkin, user, raw_texts)
            took[2] += time.perf_counter() - started
            started = time.perf_counter()
            await trip_insert_and_record(trip, spec, checkin, user, raw_texts)
            took[3] += time.perf_counter() - started
    finally:
        raw.close()
        raw2.close()
        await trip.close()
    return took[0], took[1], took[2], took[3]


async def run(report: Report, folder: Path, answers: int, log: Callable[[str], None]) -> None:
    clock = ControlledClock(fixtures.FIXTURE_NOW)
    async with emulator(clock) as emu:
        spec = measured_guild(emu.state, emu.bot_user_id).spec
        for name in ("service", "raw", "raw2", "trip", "bot"):
            await fixtures.add_communities(folder / f"{name}.sqlite3", [spec], fixtures.FIXTURE_NOW)

        core = await build_core(
            bot_settings(emu, folder / "service.sqlite3"),
            clock,
            RecordingChat(),  # takes every post at once: the write path without Discord
        )
        try:
            services = build_services(core)
            checkin, texts = await open_checkin(services, spec)
            sequential = await one_after_another(services, spec, checkin, texts, folder, answers)
            at_once_s = await answers_at_once(services, spec, checkin, texts, answers)
        finally:
            await core.db.close()

        posted = max(answers // 3, 50)
        async with bot_running(emu, clock, folder / "bot.sqlite3") as bot:
            checkin, texts = await open_checkin(bot.services, spec)
            started = time.perf_counter()
            for n in range(posted):
                await answer(bot.services, spec, checkin, 10**6 + n, texts)
            bot_s = time.perf_counter() - started
    took = Took(*sequential, at_once_s, bot_s)
    _report(report, log, answers, posted, took)


def _report(
    report: Report, log: Callable[[str], None], answers: int, posted: int, took: Took
) -> None:
    service_rate, raw_rate, raw2_rate, trip_rate = (answers / s for s in took[:4])
    at_once_rate, bot_rate = answers / took.at_once, posted / took.bot
    log(
        f"  service {service_rate:.0f}/s, raw {raw_rate:.0f}/s, raw with its record "
        f"{raw2_rate:.0f}/s, as the bot's trips {trip_rate:.0f}/s, "
        f"{AT_ONCE} at once {at_once_rate:.0f}/s, posted {bot_rate:.0f}/s"
    )
    report.add(
        Figure(
            SECTION,
            f"answers/s through the service layer ({answers} answers)",
            service_rate,
            "/s",
            raw_rate,
            f">= {TARGET_RATIO}x raw sqlite3",
            service_rate >= TARGET_RATIO * raw_rate,
            note=f"{service_rate:.0f} answers/s against {raw_rate:.0f} raw inserts/s",
        )
    )
    report.add(
        Figure(
            SECTION,
            f"answers/s through the service layer, {AT_ONCE} members answering at once",
            at_once_rate,
            "/s",
            raw_rate,
            "informative: the writes waiting together share one commit",
        )
    )
    report.add(Figure(SECTION, "raw sqlite3 inserts/s (a transaction each)", raw_rate, "/s"))
    report.add(
        Figure(
            SECTION,
            "raw sqlite3 inserts/s, each with its message id recorded (two transactions)",
            raw2_rate,
            "/s",
            raw_rate,
            "informative: the two durable commits an answer needs, without the service",
        )
    )
    report.add(
        Figure(
            SECTION,
            "raw's two transactions, each a trip to the bot's database thread",
            trip_rate,
            "/s",
            raw_rate,
            "informative: the most two commits reach through the bot's database thread",
        )
    )
    report.add(
        Figure(
            SECTION,
            f"answers/s posted in the thread by the running bot ({posted})",
            bot_rate,
            "/s",
            50.0,
            "informative: a post each, paced to 50 requests/s",
        )
    )
