"""The one front door of anonymous questions and topics: a facade over its parts."""

from __future__ import annotations

import random

from bot.db.questions import QuestionItem
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.outbox import Outbox
from bot.services.questions.base import Shared
from bot.services.questions.moderation import Moderation
from bot.services.questions.participation import Participation
from bot.services.questions.posting import Posting
from bot.services.questions.records import Records
from bot.services.questions.submitting import Submissions


class QuestionService:
    """Anonymous questions and topics, one part per responsibility.

    ``submissions`` (``/ask``, ``/topic propose``: checks, rate limit, blocks),
    ``posting`` (the ``question_post`` timer), ``participation`` (upvotes and reports),
    ``moderation`` (review and the facilitators' actions) and ``records`` (reading,
    member data, status, retention). The parts share one :class:`Shared` (the core, the
    keyed hashes, the outbox).
    """

    def __init__(
        self,
        core: Core,
        community: CommunityService,
        *,
        outbox: Outbox | None = None,
        delay_random: random.Random | None = None,
    ) -> None:
        self.outbox = outbox or Outbox(core.scheduler, core.chat, core.clock)
        shared = Shared(core, community, self.outbox)
        self.submissions = Submissions(shared, delay_random=delay_random)
        self.posting = Posting(shared)
        self.participation = Participation(shared)
        self.moderation = Moderation(shared)
        self.records = Records(shared)

    # -- what live sessions ask of questions and topics -------------------------------------

    async def top_open(self, guild_id: int, limit: int = 10) -> list[QuestionItem]:
        """The most upvoted open questions and topics, for a session's agenda."""
        return await self.records.top_open(guild_id, limit)

    async def mark_discussed(
        self, guild_id: int, item_ids: list[int], session_ref: str
    ) -> list[QuestionItem]:
        """A live session discussed these items; returns those newly marked."""
        return await self.records.mark_discussed(guild_id, item_ids, session_ref)
