"""A real full disk under the database: the member gets an error, nothing is left
half-written, and the bot recovers when space returns.

The database lives on a small tmpfs mounted for the test; a ballast file fills it
to the last byte. A member's write is refused with a clear message and leaves no
trace (no meeting, no announcement); a reminder falling due meanwhile is not lost;
once the operator frees space, the same actions succeed without a restart.

Mounting needs root (CI containers run as root); anywhere else the test is skipped
and the run's summary says why (``tests/reliability/conftest.py``).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import ControlledClock
from bot.emulator import InteractionResult
from tests.e2e.harness import Harness, running_harness
from tests.reliability.world import (
    ENGLISH,
    bot_posts,
    confirm_preview,
    final_text,
    integrity,
    meeting_preview,
    rsvp,
    schedule_meeting,
    timer_outcomes,
)

SIZE = "6m"
STORAGE_FULL = "storage is full"


def _skip(reason: str) -> None:
    pytest.skip(f"no small file system for the database: {reason}")


@contextmanager
def small_filesystem(where: Path) -> Iterator[Path]:
    """A tmpfs of :data:`SIZE` mounted at ``where`` for the duration."""
    where.mkdir()
    if os.geteuid() != 0:
        _skip("mounting a size-limited tmpfs needs root")
    if shutil.which("mount") is None:
        _skip("no mount command")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        _skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path) -> Path:
    """Write a ballast file until the file system refuses even 512 bytes more."""
    ballast = disk / "ballast"
    fd = os.open(ballast, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 20, 1 << 16, 4096, 512):
            chunk = b"\xa5" * size
            while True:
                try:
                    os.write(fd, chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
    finally:
        os.close(fd)
    assert shutil.disk_usage(disk).free < 4096
    return ballast


@pytest.fixture
async def disk_harness(tmp_path: Path, clock: ControlledClock) -> AsyncIterator[Harness]:
    with small_filesystem(tmp_path / "disk") as disk:
        async with running_harness(disk, clock) as h:
            await h.start()
            yield h


async def answers(result: InteractionResult) -> str:
    """Everything the member was shown in answer: the (edited) message and follow-ups."""
    await result.final(timeout=10)
    texts = [result.message.all_text()] if result.message is not None else []
    texts += [m.all_text() for m in result.followups]
    return "\n".join(texts)


async def try_to_schedule(h: Harness, title: str) -> str:
    """``/meeting schedule`` and Confirm as alice; what she was told after Confirm."""
    preview = await meeting_preview(h, title=title, when="2026-12-10 15:00")
    return await answers(await confirm_preview(h, preview))


async def listing(h: Harness) -> str:
    return await final_text(
        await h.emu.slash(h.guild.id, h.user("admin"), "meeting list", locale=ENGLISH)
    )


async def test_a_full_disk_refuses_cleanly_and_the_bot_recovers_when_space_returns(
    disk_harness: Harness,
) -> None:
    h = disk_harness
    announcements = h.channel("announcements")
    await h.setup_community(language="en")
    # A meeting planned before the disk fills: its 24 h reminder falls due while full.
    start = h.clock.now() + timedelta(days=2)
    planned = await schedule_meeting(h, title="Planned", starts=start)
    assert "Going" in await rsvp(h.emu, h.user("bob"), planned)
    posts_before = len(bot_posts(h.emu, announcements))

    ballast = fill(h.db_path.parent)
    told = await try_to_schedule(h, "Written on a full disk")
    assert STORAGE_FULL in told, told
    assert len(bot_posts(h.emu, announcements)) == posts_before  # nothing announced
    listed = await listing(h)  # reading still works
    assert "Planned" in listed and "Written on a full disk" not in listed

    # The reminder falls due: whatever reached Discord cannot be recorded. The wake-up
    # job fails with the disk-full error (APScheduler logs it) and the timer stays
    # pending: the scheduler's 60 s sweep tries again, so nothing spins meanwhile.
    await h.clock.advance(start - timedelta(days=1) - h.clock.now())
    try:
        await h.bot.core.scheduler.run_due()
    except sqlite3.OperationalError as exc:
        assert "full" in str(exc)
    statuses = [status for status, _ in timer_outcomes(h.db_path, "meeting_reminder")]
    assert statuses == ["pending", "pending"]  # the 24 h reminder and the 1 h one

    ballast.unlink()  # the operator frees space; no restart
    await h.advance(timedelta(minutes=1))  # the next sweep
    reminders = [m for m in bot_posts(h.emu, announcements) if m.content.startswith("⏰")]
    assert len(reminders) == 1  # sent once, whatever happened while full
    assert len([m for m in h.emu.dms_to(h.user("bob")) if m.content.startswith("⏰")]) == 1
    told = await try_to_schedule(h, "Written after space returned")
    assert STORAGE_FULL not in told
    assert "Written after space returned" in await listing(h)
    assert len(bot_posts(h.emu, announcements)) == posts_before + 2  # reminder + announcement

    await h.stop()
    assert integrity(h.db_path) == "ok"
