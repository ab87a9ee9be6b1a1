"""A throwaway PostgreSQL server for the tests: ``initdb`` into a temporary folder,
``pg_ctl start`` listening on a unix socket in that folder only, removed at the end. A
test may stop and start it again (an outage) on the same data and socket.

PostgreSQL refuses to run as root: as root, the server runs as the ``postgres`` system
user (``runuser``), which owns the folder. Nothing here reads the caller's environment:
the programs get a minimal one, and every connection names its socket, user and database.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import asyncpg
import pytest

from bot.db.postgres import PostgresDatabase
from bot.db.url import DatabaseUrl

INSTALL_HINT = (
    "PostgreSQL is not installed (no initdb and pg_ctl on PATH or under "
    "/usr/lib/postgresql/*/bin): install it (Debian/Ubuntu: apt-get install -y postgresql) "
    "to run the PostgreSQL tests"
)
TEMPLATE = "plc_migrated"
_USER = "postgres"
# Named everywhere, so no PGPORT (or any PG* variable) of the caller's is ever read.
_PORT = 5432  # the socket's name in the server's own folder: no clash with another server
_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def find_binaries() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: on PATH, else the newest Debian install."""
    found = shutil.which("initdb", path=os.defpath + ":/usr/local/bin:/usr/bin")
    if found and shutil.which("pg_ctl", path=str(Path(found).parent)):
        return Path(found).parent
    folders = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda f: int(Path(f).parent.name), reverse=True
    )
    for folder in folders:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


class PostgresServer:
    """One server; :meth:`fresh` gives each test its own migrated database."""

    def __init__(self, binaries: Path, *, durable: bool = False) -> None:
        self._bin = binaries
        # Tests skip the disk's flushes; a benchmark set against SQLite's keeps them.
        self._options = "" if durable else _FAST
        self.folder = Path(tempfile.mkdtemp(prefix="plc-pg-"))
        self._data = self.folder / "data"
        self._names = itertools.count(1)
        self._as_root = os.geteuid() == 0
        # Databases emptied by :meth:`recycle`, as good as a new copy of the template.
        self._emptied: list[DatabaseUrl] = []
        self._empty_all = ""
        self._template_made = False
        self._frozen: list[int] = []
        self.running = False

    def _run(self, *args: str) -> None:
        command = [str(self._bin / args[0]), *args[1:]]
        if self._as_root:
            command = [
                shutil.which("runuser", path=_PATH) or "runuser",
                "-u",
                _USER,
                "--",
                *command,
            ]
        env = {"PATH": _PATH, "LANG": "C", "LC_ALL": "C"}
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=120)

    def start(self) -> None:
        """Start the server: made (and its migrated template) at the first start; after a
        :meth:`stop`, the same data on the same socket, as a restarted server."""
        if not self._data.exists():
            self._init()
        options = f"-k {self.folder} -p {_PORT} -c listen_addresses='' {self._options}"
        self._run(
            "pg_ctl",
            "start",
            "-w",
            "-D",
            str(self._data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
        )
        self.running = True
        if not self._template_made:
            # Its own thread: the first test that asks for the server may be inside a loop.
            with concurrent.futures.ThreadPoolExecutor(1) as thread:
                thread.submit(asyncio.run, self._make_template()).result()
            self._template_made = True

    def _init(self) -> None:
        if self._as_root:
            user = pwd.getpwnam(_USER)
            os.chown(self.folder, user.pw_uid, user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self._data),
            "-U",
            _USER,
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server, keeping its data and its socket's place for :meth:`start`:
        ``fast`` ends every connection and keeps every commit, as an operator's restart;
        ``immediate`` is a crash, which loses the last commits (they are not synced)."""
        self.running = False
        self._run("pg_ctl", "stop", "-m", mode, "-w", "-D", str(self._data))

    def close(self) -> None:
        """Stop the server and remove its folder."""
        self.thaw(list(self._frozen))  # a test stopped short may have left it frozen
        try:
            if self.running:
                self.stop("immediate")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, name: str) -> DatabaseUrl:
        """The URL of the database ``name`` on this server (its socket, its user)."""
        return DatabaseUrl(
            "postgresql",
            dsn=f"postgresql:///{name}?host={self.folder}&port={_PORT}&user={_USER}&sslmode=disable",
        )

    async def _admin(self) -> asyncpg.Connection:
        return await asyncpg.connect(
            host=str(self.folder), port=_PORT, user=_USER, database="postgres", ssl=False
        )

    async def _make_template(self) -> None:
        admin = await self._admin()
        try:
            await admin.execute(f"CREATE DATABASE {TEMPLATE}")
        finally:
            await admin.close()
        migrated = await PostgresDatabase.open(self.url(TEMPLATE))
        await migrated.close()
        conn = await asyncpg.connect(self.url(TEMPLATE).dsn)
        try:
            tables = await conn.fetch(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "'public' AND table_type = 'BASE TABLE' AND table_name <> 'plc_bot_schema'"
            )
            sequences = await conn.fetch(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                "c.relnamespace WHERE c.relkind = 'S' AND n.nspname = 'public'"
            )
        finally:
            await conn.close()
        # DELETE, not TRUNCATE (which makes new files for every table and index: twice the
        # time); foreign keys not checked (replica), as every table is emptied at once.
        self._empty_all = " ".join(
            ["BEGIN; SET LOCAL session_replication_role = replica;"]
            + [f'DELETE FROM "{row[0]}";' for row in tables]
            + [f"SELECT setval('\"{row[0]}\"', 1, false);" for row in sequences]
            + ["COMMIT;"]
        )

    async def fresh(self, *, migrated: bool = True) -> DatabaseUrl:
        """A new database: a copy of the migrated one (or one :meth:`recycle` emptied), or
        empty."""
        if migrated and self._emptied:
            return self._emptied.pop()
        name = f"test_{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if migrated else "template0"
        admin = await self._admin()
        try:
            await admin.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
        finally:
            await admin.close()
        return self.url(name)

    async def recycle(self, url: DatabaseUrl) -> None:
        """Give back a migrated database whose schema the test left as it was: every table
        emptied and its ids restarted, for the next :meth:`fresh` (a tenth of the time of
        copying the template, then dropping the copy). Dropped where that fails (a
        connection still holding a lock, say)."""
        try:
            conn = await asyncpg.connect(url.dsn, server_settings={"lock_timeout": "2s"})
            try:
                await conn.execute(self._empty_all)
            finally:
                await conn.close()
        except (asyncpg.PostgresError, OSError, TimeoutError):
            await self.drop(url)
            return
        self._emptied.append(url)

    async def cut(self, url: DatabaseUrl) -> int:
        """End every connection to ``url``'s database (``pg_terminate_backend``), as an
        operator or a failing network would; how many were ended, each gone on return."""
        admin = await self._admin()
        try:
            pids = await admin.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1", _name(url)
            )
            for row in pids:  # each waited for (10 s at most) until its backend is gone
                await admin.execute("SELECT pg_terminate_backend($1, 10000)", row["pid"])
        finally:
            await admin.close()
        return len(pids)

    def cut_now(self, url: DatabaseUrl) -> int:
        """:meth:`cut` from synchronous code running in the event loop (a statement's
        trace), which waits for it: its own loop, in a thread of its own."""
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, self.cut(url)).result()

    async def freeze(self, url: DatabaseUrl) -> list[int]:
        """Make the server, and every connection to ``url``'s database, stop answering
        (SIGSTOP), as a hung host or a network that drops packets does: nothing is
        refused, nothing answers. The processes, for :meth:`thaw`."""
        admin = await self._admin()
        try:
            rows = await admin.fetch(
                "SELECT pid FROM pg_stat_activity WHERE datname = $1", _name(url)
            )
        finally:
            await admin.close()
        postmaster = int((self._data / "postmaster.pid").read_text().split()[0])
        frozen = [postmaster, *(int(row["pid"]) for row in rows)]
        self._frozen.extend(frozen)
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        return frozen

    def thaw(self, frozen: list[int]) -> None:
        for pid in frozen:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
            self._frozen.remove(pid)

    async def drop(self, url: DatabaseUrl) -> None:
        name = _name(url)
        admin = await self._admin()
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        finally:
            await admin.close()


def _name(url: DatabaseUrl) -> str:
    return (url.dsn or "").split("?")[0].rsplit("/", 1)[-1]


def both_engines(metafunc: pytest.Metafunc) -> None:
    """Run a test that uses the ``db`` fixture (or a harness, through ``database_url``) on
    SQLite and on PostgreSQL, unless it is about SQLite itself (marked ``sqlite_only``)."""
    uses_a_database = {"db", "database_url"} & set(metafunc.fixturenames)
    if uses_a_database and not metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.parametrize("engine", ["sqlite", "postgresql"], indirect=True)
