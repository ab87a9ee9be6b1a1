from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.db import Database, DatabaseError
from bot.db import communities as communities_db
from bot.db.communities import CommunitySettings
from bot.db.database import available_migrations, migrations_directory
from bot.db.postgres import MIGRATIONS_FOLDER
from bot.instance import AlreadyRunning, InstanceLock
from tests.db.writers import beside_a_failing_writer

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SETTINGS = CommunitySettings(
    timezone="America/Toronto",
    language="fr",
    checkin_channel_id=1,
    questions_channel_id=2,
    announcements_channel_id=3,
    facilitator_role_id=4,
    moderation_channel_id=None,
)


@pytest.mark.sqlite_only  # pragmas, backups and the WAL are SQLite's
async def test_pragmas_read_back_as_set(db: Database) -> None:
    assert await db.pragmas() == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 10_000,
        "secure_delete": 1,
        "wal_autocheckpoint": 0,
    }


async def test_migrates_from_zero_to_latest_once(db_path: Path) -> None:
    migrations = available_migrations()
    latest = migrations[-1][0]
    db = await Database.open(db_path, migrate=False)
    assert await db.schema_version() == 0
    applied = await db.migrate()
    assert applied == [file.name for _, file in migrations]
    assert await db.schema_version() == latest
    assert await db.migrate() == []
    await db.close()
    with sqlite3.connect(db_path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"communities", "members", "audit_log", "timers", "timer_deliveries"} <= tables


def test_cli_migrate_twice_applies_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{tmp_path / "x.sqlite3"}"\n')
    assert main(["--config", str(config), "migrate"]) == 0
    assert "applied" in capsys.readouterr().out
    assert main(["--config", str(config), "migrate"]) == 0
    assert "nothing applied" in capsys.readouterr().out


async def test_refuses_a_database_newer_than_the_code(db_path: Path) -> None:
    await (await Database.open(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA user_version = 999")
    with pytest.raises(DatabaseError, match="newer than this plc-bot"):
        await Database.open(db_path)


@pytest.mark.parametrize(
    "content", [b"this is not a database at all" * 100, b"SQLite format 3\x00"]
)
async def test_refuses_a_corrupt_or_truncated_file(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(DatabaseError, match="restore"):
        await Database.open(db_path)
    assert db_path.read_bytes() == content  # never replaced by a fresh database


async def test_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        await Database.open(tmp_path / "nope" / "db.sqlite3")


async def test_a_failed_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await communities_db.upsert(conn, 10, SETTINGS, [60], NOW)
            raise RuntimeError("boom halfway")
    async with db.read() as conn:
        assert await communities_db.get(conn, 10) is None


async def test_concurrent_writers_do_not_commit_each_other(db: Database) -> None:
    """Coroutine B's COMMIT must not commit A's half-done work."""

    async def other_writer() -> None:
        async with db.transaction() as conn:
            await communities_db.upsert(conn, 2, SETTINGS, [60], NOW)

    await beside_a_failing_writer(db, other_writer)
    async with db.read() as conn:
        assert await communities_db.get(conn, 1) is None
        assert await communities_db.get(conn, 2) is not None


@pytest.mark.sqlite_only  # SQLite's file lock, held by another connection
async def test_another_connection_holding_the_write_lock_for_2s_is_waited_for(
    db: Database, db_path: Path
) -> None:
    holding = threading.Event()

    def hold_lock() -> None:
        conn = sqlite3.connect(db_path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        holding.set()
        time.sleep(2)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold_lock)
    thread.start()
    await asyncio.to_thread(holding.wait)
    async with db.transaction() as conn:  # waits instead of "database is locked"
        await communities_db.upsert(conn, 3, SETTINGS, [60], NOW)
    thread.join()
    async with db.read() as conn:
        assert await communities_db.get(conn, 3) is not None


@pytest.mark.sqlite_only  # pragmas, backups and the WAL are SQLite's
async def test_backup_under_write_load_passes_integrity_check(db: Database, tmp_path: Path) -> None:
    stop = asyncio.Event()

    async def write_load() -> int:
        n = 0
        while not stop.is_set():
            n += 1
            async with db.transaction() as conn:
                await communities_db.upsert(conn, 1000 + n, SETTINGS, [60], NOW)
            await asyncio.sleep(0)
        return n

    writer = asyncio.create_task(write_load())
    await asyncio.sleep(0.05)
    target = tmp_path / "backup.sqlite3"
    await db.backup(target)
    stop.set()
    assert await writer > 0
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM communities").fetchone()[0] > 0
    # Restore (README, Operations): the copy opens as a database of the current schema.
    restored = await Database.open(target)
    assert await restored.schema_version() == available_migrations()[-1][0]
    await restored.close()


@pytest.mark.sqlite_only  # pragmas, backups and the WAL are SQLite's
async def test_backup_refuses_to_overwrite_the_live_file(db: Database, db_path: Path) -> None:
    with pytest.raises(DatabaseError):
        await db.backup(db_path)


def test_a_second_instance_on_the_same_database_is_refused(db_path: Path) -> None:
    with InstanceLock(db_path), pytest.raises(AlreadyRunning, match="already running"):
        InstanceLock(db_path).acquire()
    with InstanceLock(db_path):  # released with the first one
        pass


@pytest.mark.sqlite_only  # pragmas, backups and the WAL are SQLite's
async def test_commits_leave_the_wal_to_the_background_checkpoint(db: Database) -> None:
    """No checkpoint inside a member's COMMIT (it stalled commands for 100+ ms on a big
    file); the background checkpoint copies the WAL back while the bot goes on."""
    async with db.transaction() as conn:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
    for n in range(300):  # past SQLite's default of a checkpoint every 1000 pages
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO audit_log (guild_id, action, detail, at) VALUES (1, 'x', ?, 'now')",
                ("y" * 20_000 + str(n),),
            )
    wal_pages, copied = await db.checkpoint_in_background()
    assert wal_pages > 1000 and copied == wal_pages
    async with db.read() as conn:
        row = await (await conn.execute("SELECT COUNT(*) FROM audit_log")).fetchone()
    assert row is not None and row[0] == 300


def migrations_up_to(tmp_path: Path, last: int, engine: str = "sqlite") -> Path:
    """A folder of the migrations up to ``last``: a database as that version left it
    (``engine="postgresql"``: PostgreSQL's own migrations)."""
    folder = tmp_path / f"{engine}-migrations-{last}"
    folder.mkdir(exist_ok=True)
    source = migrations_directory()
    if engine == "postgresql":
        source = source / MIGRATIONS_FOLDER
    for number, file in available_migrations(source):
        if number <= last:
            (folder / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


async def test_0008_moves_each_answer_number_to_the_goal_it_was_given_to(
    db_path: Path, tmp_path: Path
) -> None:
    """Numbers answered before goals could be chosen keep their goal; a number with no
    goal stays on the answer."""
    db = await Database.open(db_path, migrate=False)
    await db.migrate(migrations_up_to(tmp_path, 7))
    rows = [
        """INSERT INTO goals (id, guild_id, scope, owner_id, title, measure, baseline, target,
            due_on, created_at) VALUES (7, 1, 'member', 5, 'Reading', 'n', 0, 10, '2027-01-01',
            'now')""",
        """INSERT INTO checkins (id, guild_id, week, pulse, channel_id, opened_at, closes_at)
            VALUES (3, 1, '2026-W48', 0, 9, 'a', 'b')""",
        """INSERT INTO checkin_answers (id, guild_id, checkin_id, user_id, goal_id, progress,
            texts, created_at, updated_at) VALUES (1, 1, 3, 5, 7, 4.5, '[]', 'now', 'now'),
            (2, 1, 3, 6, NULL, 2.0, '[]', 'now', 'now')""",
    ]
    async with db.transaction() as conn:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        for row in rows:
            await conn.execute(row)
    assert await db.migrate(migrations_up_to(tmp_path, 8)) == ["0008_goal_progress.sql"]
    async with db.read() as conn:
        moved = await (await conn.execute("SELECT * FROM checkin_progress")).fetchall()
        kept = await (
            await conn.execute("SELECT id, goal_id, progress FROM checkin_answers ORDER BY id")
        ).fetchall()
    await db.close()
    assert [tuple(row) for row in moved] == [(1, 7, 4.5)]
    assert [tuple(row) for row in kept] == [(1, None, None), (2, None, 2.0)]


DATES = [  # (id, facilitator_id, session_id, status) as meeting_occurrences held them
    (1, 5, 1, "done"),  # agrees with the rotation and the session
    (2, 6, 2, "done"),  # no rotation row; the session does not name the date
    (3, 7, None, "done"),  # the rotation's row holds nobody
    (4, 8, 3, "done"),  # the rotation and the session name something else
    (5, None, None, "scheduled"),  # only the rotation names someone
]


async def write_dates_with_their_copies(db: Database) -> None:
    """A meeting's dates as the schema before the move kept them, with the facilitation
    rows (some missing, some differing) and an answer."""
    async with db.transaction() as conn:
        await communities_db.upsert(conn, 1, SETTINGS, [60], NOW)
        await conn.execute(
            """INSERT INTO meetings (id, guild_id, title, duration_minutes, repeat, first_date,
                local_time, timezone, created_at, updated_at)
            VALUES (1, 1, 'CAP', 60, 'weekly', '2026-01-01', '15:30', 'UTC', 'a', 'a')"""
        )
        for occurrence_id, facilitator_id, session_id, status in DATES:
            await conn.execute(
                """INSERT INTO meeting_occurrences (id, guild_id, meeting_id, local_date,
                    starts_at, status, facilitator_id, session_id, created_at)
                VALUES (?, 1, 1, '2026-01-01', ?, ?, ?, ?, 'made')""",
                (occurrence_id, f"s{occurrence_id}", status, facilitator_id, session_id),
            )
        await conn.executemany(
            """INSERT INTO facilitator_assignments (occurrence_id, guild_id, user_id, status,
                offers, assigned_at) VALUES (?, 1, ?, ?, 1, 'then')""",
            [(1, 5, "accepted"), (3, None, "none"), (4, 9, "offered"), (5, 10, "offered")],
        )
        await conn.executemany(
            """INSERT INTO sessions (id, guild_id, occurrence_id, protocol_id, protocol,
                language, channel_id, status, started_at)
            VALUES (?, 1, ?, 'plc', '{}', 'fr', 9, 'ended', 'x')""",
            [(1, 1), (2, None), (3, 3)],
        )
        await conn.execute(
            """INSERT INTO meeting_rsvps (guild_id, occurrence_id, user_id, answer, answered_at)
            VALUES (1, 5, 11, 'going', 'now')"""
        )


AFTER = {
    "held": "SELECT occurrence_id, user_id, status FROM facilitator_assignments ORDER BY 1",
    "sessions": "SELECT id, occurrence_id FROM sessions ORDER BY id",
    "columns": "SELECT name FROM pragma_table_info('meeting_occurrences')",
    "dates": "SELECT id, starts_at, status FROM meeting_occurrences ORDER BY id",
    "answers": "SELECT occurrence_id, user_id FROM meeting_rsvps",
    "index": "SELECT 1 FROM sqlite_master WHERE name = 'meeting_occurrences_facilitator'",
    "broken_links": "PRAGMA foreign_key_check",
}


async def test_facilitators_and_sessions_of_dates_move_to_facilitation_tables(
    db_path: Path, tmp_path: Path
) -> None:
    """The dates' copies of who facilitates them and which session ran for them go; what
    only a copy held is kept in the facilitation tables, where the rest already was."""
    [(number, migration)] = [
        (n, f)
        for n, f in available_migrations()
        if f.name.endswith("_facilitation_owns_its_links.sql")
    ]
    db = await Database.open(db_path, migrate=False)
    await db.migrate(migrations_up_to(tmp_path, number - 1))
    await write_dates_with_their_copies(db)
    applied = await db.migrate()
    found = {}
    async with db.read() as conn:
        for name, sql in AFTER.items():
            found[name] = [tuple(row) for row in await (await conn.execute(sql)).fetchall()]
    await db.close()
    assert applied[0] == migration.name
    assert found["held"] == [
        (1, 5, "accepted"),
        (2, 6, "accepted"),
        (3, 7, "accepted"),
        (4, 9, "offered"),
        (5, 10, "offered"),
    ]
    assert found["sessions"] == [(1, 1), (2, 2), (3, 3)]
    columns = {name for (name,) in found["columns"]}
    assert "facilitator_id" not in columns and "session_id" not in columns
    assert found["dates"] == [(i, f"s{i}", status) for i, _, _, status in DATES]
    assert found["answers"] == [(5, 11)]
    assert found["index"] == [] and found["broken_links"] == []
