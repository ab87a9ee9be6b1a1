"""What the running bot does when its database file turns out damaged.

After a clean stop that left the file unchanged, start-up does not wait for the page
check (``PRAGMA quick_check`` reads every page: seconds on a year of history); the
bot runs it once ready (:func:`check_when_ready`). If it fails, the bot stops
writing (:func:`stop_writing`): every write is refused, the scheduler pauses,
``/healthz`` names the problem, the facilitators of each community are told once and
the log says what to do. Nothing here imports a chat platform.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable

from bot.chat import Chat
from bot.chat.port import Notice
from bot.db import communities as communities_db
from bot.db.engine import Engine
from bot.i18n import language_for_locale
from bot.scheduler import Scheduler

log = logging.getLogger(__name__)

NOTICE_KEY = "delivery.database_damaged"


async def check_when_ready(
    ready: Awaitable[object], db: Engine, scheduler: Scheduler, chat: Chat
) -> bool:
    """Once ``ready`` is done, check every page; stop writing if one is damaged.

    True if the file is sound. A check that cannot run (the file unreadable for a
    while) is logged and proves nothing either way.
    """
    await ready
    started = time.monotonic()
    try:
        problem = await db.check_pages()
    except Exception as exc:
        log.error("the background page check of %s could not run: %s", db.name, exc)
        return False
    took = time.monotonic() - started
    if problem is None:
        log.info("page check of %s: ok (%.1f s, in the background)", db.name, took)
        return True
    await stop_writing(db, scheduler, chat, problem)
    return False


async def stop_writing(db: Engine, scheduler: Scheduler, chat: Chat, problem: str) -> None:
    """Write nothing more to a damaged file, and say so where it will be read."""
    scheduler.pause()
    if not await db.mark_damaged(problem):
        return  # already stopped, already told
    log.critical(
        "the database %s is damaged (%s). Nothing more is written to it and the scheduler "
        "is paused; members' commands that save are refused. Stop the bot, restore the "
        "latest backup (the ones plc-bot backup writes; see README, Operations: Backup and "
        "restore), then start it again.",
        db.name,
        problem,
    )
    await tell_facilitators(db, chat)


async def tell_facilitators(db: Engine, chat: Chat) -> int:
    """One notice per community, where its facilitators read; how many took it."""
    try:
        async with db.read_in_thread() as conn:  # every community
            communities = await communities_db.all_active(conn)
    except Exception as exc:  # the damage may reach the communities themselves
        log.error("could not read the communities to tell them the database is damaged: %s", exc)
        return 0
    told = 0
    for community in communities:
        notice = Notice(language=language_for_locale(community.language), key=NOTICE_KEY)
        try:
            told += await chat.tell_facilitators(community.guild_id, notice)
        except Exception as exc:
            log.warning(
                "guild %s: could not tell that the database is damaged: %s", community.guild_id, exc
            )
    log.info("told the facilitators of %d of %d communities", told, len(communities))
    return told
