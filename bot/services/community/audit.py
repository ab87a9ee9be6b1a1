"""``/plc audit``: who changed what, for the facilitators.

Every admin and facilitator action of every feature is recorded in the audit log, in
the transaction that makes the change (``bot.db.audit.record``). Facilitators read it
newest first, a page at a time, optionally narrowed to one kind of action
(``meeting``, ``question.remove``…). Kept 12 months (the retention purge).
"""

from __future__ import annotations

import re

from bot.actor import Actor
from bot.db import audit as audit_db
from bot.db.audit import AuditEntry
from bot.errors import UserError
from bot.paging import Paged, page_count
from bot.services.base import Core
from bot.services.community.service import CommunityService

PAGE_SIZE = 10
_ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)*$")
ACTION_MAX = 40


class AuditPage(Paged):
    entries: list[AuditEntry]
    action: str | None


class AuditService:
    def __init__(self, core: Core, community: CommunityService) -> None:
        self._core = core
        self._community = community

    async def page(self, actor: Actor, page: int = 1, action: str | None = None) -> AuditPage:
        """One page of the log (facilitators), newest first."""
        await self._community.require_facilitator(actor)
        wanted = (action or "").strip().lower() or None
        if wanted is not None and (len(wanted) > ACTION_MAX or not _ACTION.match(wanted)):
            raise UserError("admin.audit.bad_action", text=wanted[:ACTION_MAX])
        if not isinstance(page, int) or page < 1:
            raise UserError("admin.audit.bad_page")
        async with self._core.db.read() as conn:
            entries, total = await audit_db.page(
                conn,
                actor.guild_id,
                offset=(page - 1) * PAGE_SIZE,
                limit=PAGE_SIZE,
                action_prefix=wanted,
            )
        pages = page_count(total, PAGE_SIZE)
        if page > pages:
            raise UserError("admin.audit.past_the_end", page=page, pages=pages)
        return AuditPage(entries=entries, page=page, pages=pages, total=total, action=wanted)
