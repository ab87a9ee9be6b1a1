"""What the service tests of anonymous questions share: members, a community, helpers
(the fixtures are in ``conftest.py``)."""

from __future__ import annotations

import dataclasses
import struct
from pathlib import Path

from bot.actor import Actor
from bot.config import PrivacySettings
from bot.db import Database
from bot.db.communities import CommunitySettings
from bot.scheduler import Scheduler
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.outbox import OUTBOX_KIND
from bot.services.questions import POST_KIND, QuestionService, post_key

GUILD = 100
ALICE = 812345678901234567  # snowflake-sized, so a byte scan is meaningful
BOB = 812345678901234568
CAROL = 812345678901234569
MODERATOR = 55
QUESTIONS_CHANNEL = 500
MODERATION_CHANNEL = 501
ANNOUNCEMENTS_CHANNEL = 502
FACILITATOR_ROLE = 700


def member(user_id: int) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id)


def facilitator(user_id: int = MODERATOR) -> Actor:
    return Actor(guild_id=GUILD, user_id=user_id, role_ids=frozenset({FACILITATOR_ROLE}))


def community_settings(moderation: bool) -> CommunitySettings:
    return CommunitySettings(
        timezone="America/Toronto",
        language="en",
        checkin_channel_id=None,
        questions_channel_id=QUESTIONS_CHANNEL,
        announcements_channel_id=ANNOUNCEMENTS_CHANNEL,
        facilitator_role_id=FACILITATOR_ROLE,
        moderation_channel_id=MODERATION_CHANNEL if moderation else None,
    )


def question_service(core: Core, community: CommunityService, **options: object) -> QuestionService:
    """A service whose post timer and outbox run, as ``build_app`` registers them."""
    service = QuestionService(core, community, **options)  # type: ignore[arg-type]
    if POST_KIND not in core.scheduler.kinds:
        core.scheduler.register(*service.posting.timer_kinds())
    if OUTBOX_KIND not in core.scheduler.kinds:
        core.scheduler.register(*service.outbox.timer_kinds())
    return service


async def set_up_questions(
    core: Core, community: CommunityService, *, moderation: bool
) -> QuestionService:
    """Set the community up (with or without review) and build its question service."""
    await community.setup(GUILD, 1, community_settings(moderation=moderation))
    return question_service(core, community)


def with_privacy(core: Core, **privacy: object) -> Core:
    """The same core with other ``[privacy]`` settings (and the same scheduler)."""
    current = core.settings.privacy
    values = {
        "secret": current.secret.get_secret_value() if current.secret else None,
        "post_delay_max_seconds": current.post_delay_max_seconds,
        **privacy,
    }
    return dataclasses.replace(
        core,
        settings=core.settings.model_copy(
            update={"privacy": PrivacySettings.model_validate(values)}
        ),
    )


async def publish(scheduler: Scheduler, questions: QuestionService, ref: str) -> int:
    """Run the item's post timer if it has not run yet (a delayed post); its "#N"."""
    await scheduler.run_now(POST_KIND, post_key(ref, "first"))
    item = await questions.records.get(GUILD, ref)
    assert item.status == "posted" and item.number is not None
    return item.number


def traces(user_id: int) -> list[bytes]:
    """The forms a stored Discord id could take in SQLite's file: text or an 8-byte integer."""
    return [str(user_id).encode(), struct.pack(">q", user_id)]


def file_bytes(db_path: Path) -> bytes:
    return b"".join(
        path.read_bytes()
        for path in (db_path, db_path.with_name(db_path.name + "-wal"))
        if path.exists()
    )


def traces_in_file(db_path: Path, user_id: int) -> list[bytes]:
    """The forms of the member's id found in the database's file and its WAL (none, for an
    anonymous author)."""
    stored = file_bytes(db_path)
    return [trace for trace in traces(user_id) if trace in stored]


async def rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    async with db.read() as conn:
        cursor = await conn.execute(sql)
        return [tuple(row) for row in await cursor.fetchall()]
