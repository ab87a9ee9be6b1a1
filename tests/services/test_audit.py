"""``/plc audit`` at the service level: facilitators only, newest first, paged, filtered."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.actor import Actor
from bot.db import audit as audit_db
from bot.db.communities import SetupChanges
from bot.errors import UserError
from bot.i18n import LANGUAGES, load_catalog
from bot.services.base import Core
from bot.services.community import PAGE_SIZE, AuditService, CommunityService
from bot.services.community.audit_page import ACTIONS

GUILD = 300
FACILITATOR_ROLE = 9
FACILITATOR = Actor(guild_id=GUILD, user_id=1, role_ids=frozenset({FACILITATOR_ROLE}))
MEMBER = Actor(guild_id=GUILD, user_id=2)


@pytest.fixture
async def audit(core: Core) -> AuditService:
    community = CommunityService(core)
    admin = Actor(guild_id=GUILD, user_id=1, manages_guild=True, language="fr")
    await community.configure(admin, SetupChanges(facilitator_role_id=FACILITATOR_ROLE))
    start = core.clock.now()
    async with core.db.transaction() as conn:
        for n in range(PAGE_SIZE + 3):
            action = "meeting.cancel" if n % 2 else "question.remove"
            await audit_db.record(conn, GUILD, 1, action, {"n": n}, start + timedelta(minutes=n))
    return AuditService(core, community)


async def test_only_facilitators_read_the_log(audit: AuditService) -> None:
    with pytest.raises(UserError) as refused:
        await audit.page(MEMBER)
    assert refused.value.key == "errors.not_facilitator"


async def test_newest_first_in_pages(audit: AuditService) -> None:
    first = await audit.page(FACILITATOR)
    assert (first.page, first.pages, first.total) == (1, 2, PAGE_SIZE + 4)  # + the setup
    assert [e.detail.get("n") for e in first.entries[:3]] == [12, 11, 10]
    second = await audit.page(FACILITATOR, page=2)
    assert [e.action for e in second.entries][-1] == "community.setup"  # the oldest
    with pytest.raises(UserError) as past:
        await audit.page(FACILITATOR, page=3)
    assert past.value.key == "admin.audit.past_the_end"


async def test_filtered_by_kind_of_action(audit: AuditService) -> None:
    meetings = await audit.page(FACILITATOR, action="Meeting")
    assert meetings.action == "meeting" and meetings.total == 6
    assert {e.action for e in meetings.entries} == {"meeting.cancel"}
    for bad in ("meeting; DROP", "x" * 50, "meeting..cancel"):
        with pytest.raises(UserError) as refused:
            await audit.page(FACILITATOR, action=bad)
        assert refused.value.key == "admin.audit.bad_action"


def test_every_action_the_features_record_is_said_in_words() -> None:
    """The log says each action in the reader's words before its code: every action code
    written in the bot's source (and each question or topic decision) has its words in
    both languages."""
    bot = Path(__file__).resolve().parents[2] / "bot"
    source = "\n".join(path.read_text() for path in bot.rglob("*.py"))
    features = "community|meeting|checkin|rotation|session"
    recorded = set(re.findall(rf'"((?:{features})\.[a-z_]+)"', source))
    decisions = set(re.findall(r'f"\{item\.kind\}\.([a-z_]+)"', source))
    recorded |= {f"{kind}.{decision}" for kind in ("question", "topic") for decision in decisions}
    assert len(recorded) > 20 and recorded <= ACTIONS, sorted(recorded - ACTIONS)
    catalog = load_catalog()
    for language in LANGUAGES:
        for code in ACTIONS:
            said = catalog.t(language, f"admin.audit.actions.{code}")
            assert said and not said.startswith("admin."), (language, code)
