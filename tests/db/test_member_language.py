"""The language of a member's DMs (migration 0013) on both engines: their choice, their
client's language written only when it changes and only on a row the bot already keeps,
and a value outside fr/en refused by the table itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.db import members as members_db
from bot.db.communities import CommunitySettings
from bot.db.communities import upsert as upsert_community
from bot.db.engine import Engine

NOW = datetime(2026, 1, 12, 17, tzinfo=UTC)
GUILD, USER, STRANGER = 7, 70, 71


async def test_the_member_language_columns_hold_the_choice_and_the_client(db: Engine) -> None:
    async with db.transaction() as conn:
        await upsert_community(
            conn, GUILD, CommunitySettings(timezone="UTC", language="en"), [60], NOW
        )
        await members_db.ensure(conn, GUILD, USER, NOW)
        await members_db.set_client_language(conn, GUILD, USER, "fr")
        await members_db.set_client_language(conn, GUILD, STRANGER, "fr")  # no row: none made
    async with db.read() as conn:
        member = await members_db.get(conn, GUILD, USER)
        assert await members_db.get(conn, GUILD, STRANGER) is None
    assert member is not None
    assert (member.language, member.client_language) == (None, "fr")

    async with db.transaction() as conn:
        await members_db.set_language(conn, GUILD, USER, "en", NOW)
        await members_db.set_language(conn, GUILD, STRANGER, "fr", NOW)  # a choice makes the row
    async with db.read() as conn:
        member = await members_db.get(conn, GUILD, USER)
        stranger = await members_db.get(conn, GUILD, STRANGER)
    assert member is not None and (member.language, member.client_language) == ("en", "fr")
    assert stranger is not None and stranger.language == "fr"

    with pytest.raises(Exception, match="(?i)check"):
        async with db.transaction() as conn:
            await conn.execute(
                "UPDATE members SET client_language = 'de' WHERE guild_id = ? AND user_id = ?",
                (GUILD, USER),
            )


async def test_a_known_member_acting_again_leaves_their_row_unwritten(db: Engine) -> None:
    """Every answer (and RSVP) makes sure the member's row is there: it is written only when
    it changes (their client's language, a member back after leaving), else left alone;
    PostgreSQL would write a new version of the row, and its index entries, each time."""
    async with db.transaction() as conn:
        await upsert_community(
            conn, GUILD, CommunitySettings(timezone="UTC", language="en"), [60], NOW
        )
        assert await members_db.ensure(conn, GUILD, USER, NOW)  # made
        assert not await members_db.ensure(conn, GUILD, USER, NOW)
        assert await members_db.ensure(conn, GUILD, USER, NOW, client_language="fr")
        assert not await members_db.ensure(conn, GUILD, USER, NOW, client_language="fr")
        assert not await members_db.ensure(conn, GUILD, USER, NOW)  # unknown: kept as is
        assert await members_db.ensure(conn, GUILD, USER, NOW, client_language="en")
        await members_db.mark_left(conn, GUILD, USER, NOW)
        assert await members_db.ensure(conn, GUILD, USER, NOW)  # back
    async with db.read() as conn:
        member = await members_db.get(conn, GUILD, USER)
    assert member is not None
    assert (member.left_at, member.client_language) == (None, "en")
