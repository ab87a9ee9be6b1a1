"""Shards: ``[discord] shard_count``/``shard_ids``, ``plc-bot run --shards
--shard-count``, and the claim that keeps two processes off the same shards."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.clock import ControlledClock
from bot.config import ConfigError, Settings, load_settings
from bot.db.shard_claims import PostgresShardClaims
from bot.db.url import DatabaseUrl
from bot.shards import (
    STALE_AFTER,
    FileShardClaims,
    ShardClaim,
    ShardClaims,
    ShardsTaken,
    holding_shards,
    shard_claims_path,
    with_shards,
)
from tests.conftest import config_file
from tests.postgres_server import PostgresServer

SECRET = secrets.token_urlsafe(32)


def config(folder: Path, discord: str = "") -> Path:
    return config_file(
        folder,
        f'[discord]\ntoken = "t"\n{discord}\n[privacy]\nsecret = "{SECRET}"\n'
        f'[database]\npath = "{folder / "bot.sqlite3"}"\n',
    )


# ----- settings ----------------------------------------------------------------------


def test_unset_is_one_unsharded_process(tmp_path: Path) -> None:
    discord = load_settings(config(tmp_path)).discord
    assert (discord.sharded, discord.served_shards()) == (False, [])


@pytest.mark.parametrize(
    ("lines", "served"),
    [
        ('shard_count = 8\nshard_ids = "0-3,6"', [0, 1, 2, 3, 6]),
        ("shard_count = 4\nshard_ids = [3, 1]", [1, 3]),
        ("shard_count = 2", [0, 1]),  # every shard of the count
    ],
)
def test_shards_from_the_file(tmp_path: Path, lines: str, served: list[int]) -> None:
    discord = load_settings(config(tmp_path, lines)).discord
    assert discord.sharded and discord.served_shards() == served


def test_shards_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLCBOT_DISCORD__SHARD_COUNT", "4")
    monkeypatch.setenv("PLCBOT_DISCORD__SHARD_IDS", "2-3")
    assert load_settings(config(tmp_path)).discord.served_shards() == [2, 3]


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        ("shard_count = 4\nshard_ids = [5]", "[discord] shard_ids: shard 5 outside 0-3"),
        ('shard_count = 4\nshard_ids = "0-"', "[discord] shard_ids: '0-' is not a shard number"),
        (
            'shard_count = 8\nshard_ids = "0-3,2"',
            "[discord] shard_ids: shard 2 given more than once",
        ),
        ('shard_count = 8\nshard_ids = "3-1"', "'3-1': a range goes up"),
        ("shard_ids = [0]", "[discord] shard_ids: needs shard_count"),
        ("shard_count = 4\nshard_ids = []", "[discord] shard_ids: empty"),
        ("shard_count = 0", "[discord] shard_count: Input should be greater than or equal to 1"),
    ],
)
def test_bad_shards_in_the_file_are_named(tmp_path: Path, lines: str, said: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(config(tmp_path, lines))
    assert said in str(refused.value)


def test_check_config_names_a_bad_shard(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config(tmp_path, "shard_count = 4\nshard_ids = [4, 5]")
    assert main(["--config", str(path), "check-config"]) == 2
    assert "[discord] shard_ids: shard 4, 5 outside 0-3" in capsys.readouterr().err


# ----- plc-bot run --shards --shard-count --------------------------------------------


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (
            ["--shards", "5", "--shard-count", "4"],
            "--shards 5 --shard-count 4: shard 5 outside 0-3",
        ),
        (["--shards", "0-3,2", "--shard-count", "8"], "shard 2 given more than once"),
        (["--shards", "1"], "--shards 1: needs --shard-count N"),
        (["--shards", "0", "--shard-count", "5000"], "--shard-count 5000: Input should be less"),
    ],
)
def test_run_refuses_bad_shard_flags_before_connecting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], said: str
) -> None:
    assert main(["--config", str(config(tmp_path)), "run", *flags]) == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "bot.sqlite3").exists()  # nothing opened, nothing written


@pytest.mark.parametrize(
    ("value", "said"),
    [("0-", "'0-' is not a shard number or a range"), ("a,b", "'a' is not"), ("", "''")],
)
def test_run_refuses_shards_that_are_not_ranges(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, said: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--config", str(config(tmp_path)), "run", "--shards", value, "--shard-count", "4"])
    assert exited.value.code == 2
    assert f"argument --shards: {said}" in capsys.readouterr().err


def test_flags_override_the_file(tmp_path: Path) -> None:
    settings = load_settings(config(tmp_path, 'shard_count = 8\nshard_ids = "0-3"'))
    assert with_shards(settings, None, None) is settings
    assert with_shards(settings, "4-7", None).discord.served_shards() == [4, 5, 6, 7]
    # A new count without --shards: every shard of it (the file's ids were of 8).
    assert with_shards(settings, None, 2).discord.served_shards() == [0, 1]
    assert with_shards(settings, "1", 2).discord.served_shards() == [1]


# ----- the claim ---------------------------------------------------------------------


def claim(
    clock: ControlledClock, ids: tuple[int, ...], count: int = 8, **fields: object
) -> ShardClaim:
    values: dict[str, object] = {
        "holder": secrets.token_hex(8),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "shard_count": count,
        "shard_ids": ids,
        "heartbeat": clock.now(),
    }
    return ShardClaim.model_validate({**values, **fields})


@pytest.fixture(params=["file", "postgresql"])
def claims(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ShardClaims]:
    """Beside an SQLite file, and in a PostgreSQL database."""
    if request.param == "file":
        yield FileShardClaims(shard_claims_path(tmp_path / "bot.sqlite3"))
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = asyncio.run(server.fresh())
    yield PostgresShardClaims(url)
    asyncio.run(server.drop(url))


def test_an_overlap_on_another_host_is_refused_and_named(
    claims: ShardClaims, clock: ControlledClock
) -> None:
    claims.claim(claim(clock, (0, 1, 2, 3), pid=1, host="bot-a.example"), clock.now())
    with pytest.raises(ShardsTaken, match="shards 3 of 8 are already served by process 1 on bot-a"):
        claims.claim(claim(clock, (3, 4)), clock.now())


def test_an_overlap_with_a_running_process_is_refused_and_named(
    claims: ShardClaims, clock: ControlledClock
) -> None:
    claims.claim(claim(clock, (0, 1, 2, 3)), clock.now())
    claims.claim(claim(clock, (4, 5, 6, 7)), clock.now())  # disjoint: fine
    with pytest.raises(ShardsTaken) as refused:
        claims.claim(claim(clock, (2, 3, 4)), clock.now())
    said = str(refused.value)
    assert "shards 2-3 of 8 are already served by process" in said
    assert "shards 4 of 8" in said
    assert f"process {os.getpid()}" in said
    assert len(claims.held()) == 2  # the refused one left nothing behind


def test_another_shard_count_is_refused(claims: ShardClaims, clock: ControlledClock) -> None:
    claims.claim(claim(clock, (0, 1)), clock.now())
    with pytest.raises(ShardsTaken, match="shard_count 4 differs from the 8"):
        claims.claim(claim(clock, (3,), count=4), clock.now())


def test_a_stopped_holder_frees_its_shards(claims: ShardClaims, clock: ControlledClock) -> None:
    first = claim(clock, (0, 1))
    claims.claim(first, clock.now())
    claims.release(first)
    claims.claim(claim(clock, (0, 1)), clock.now())


async def test_a_holder_whose_heartbeat_is_stale_no_longer_counts(
    claims: ShardClaims, clock: ControlledClock
) -> None:
    held = claim(clock, (0, 1))
    claims.claim(held, clock.now())
    await clock.advance(STALE_AFTER - timedelta(seconds=1))
    claims.renew(held, clock.now())  # still alive: renewed
    await clock.advance(STALE_AFTER - timedelta(seconds=1))
    with pytest.raises(ShardsTaken):
        claims.claim(claim(clock, (1,)), clock.now())
    await clock.advance(timedelta(seconds=2))  # no heartbeat for longer than STALE_AFTER
    claims.claim(claim(clock, (1,)), clock.now())
    assert [c.shard_ids for c in claims.held()] == [(1,)]


def test_a_holder_whose_process_is_gone_no_longer_counts(
    claims: ShardClaims, clock: ControlledClock
) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()  # reaped: no process has its pid any more
    claims.claim(claim(clock, (0,), pid=gone.pid), clock.now())
    claims.claim(claim(clock, (0,)), clock.now())


async def test_an_unsharded_process_claims_nothing(
    settings: Settings, clock: ControlledClock
) -> None:
    async with holding_shards(settings, clock) as held:
        assert held is None
    assert not shard_claims_path(settings.database.path).exists()


async def test_on_postgresql_a_second_unsharded_process_is_refused(
    postgres_url: DatabaseUrl, clock: ControlledClock
) -> None:
    """No instance lock on a server: an unsharded bot claims the whole bot instead."""
    settings = Settings(
        database={"url": postgres_url.dsn}, privacy={"secret": SECRET}, discord={"token": "t"}
    )
    async with holding_shards(settings, clock) as held:
        assert held is not None and (held.shard_count, held.shard_ids) == (1, (0,))
        with pytest.raises(ShardsTaken, match="plc-bot is already running on this database"):
            async with holding_shards(settings, clock):
                pass
    assert PostgresShardClaims(postgres_url).held() == []  # released at stop
    teams_only = Settings(database={"url": postgres_url.dsn}, privacy={"secret": SECRET})
    async with holding_shards(teams_only, clock) as held:
        assert held is None  # no Discord gateway: nothing to answer twice


async def test_on_postgresql_two_processes_given_overlapping_shards_are_told_by_name(
    tmp_path: Path, postgres_url: DatabaseUrl, clock: ControlledClock
) -> None:
    def sharded(ids: str) -> Settings:
        return Settings(
            database={"url": postgres_url.dsn},
            privacy={"secret": SECRET},
            discord={"token": "t", "shard_count": 4, "shard_ids": ids},
        )

    async with holding_shards(sharded("0-1"), clock):
        with pytest.raises(ShardsTaken, match="shards 1 of 4 are already served by process"):
            async with holding_shards(sharded("1-2"), clock):
                pass
        async with holding_shards(sharded("2-3"), clock):  # disjoint: both run
            claims = PostgresShardClaims(postgres_url)
            assert sorted(c.shard_ids for c in claims.held()) == [(0, 1), (2, 3)]
    assert PostgresShardClaims(postgres_url).held() == []  # released at stop
    assert not list(tmp_path.glob("*.shards"))  # nothing beside a file
