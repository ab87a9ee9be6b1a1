"""What every part of :class:`~bot.services.questions.QuestionService` shares."""

from __future__ import annotations

from bot.db import questions as questions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.questions import QuestionItem
from bot.errors import UserError
from bot.i18n import Language, language_for_locale
from bot.services.anonymity import Anonymizer
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.outbox import Outbox
from bot.services.questions.cards import QuestionPost


class Shared:
    """The core, the community service, the keyed hashes and the outbox, built once and
    handed to each part; and the reads every part makes."""

    def __init__(self, core: Core, community: CommunityService, outbox: Outbox) -> None:
        self.core = core
        self.community = community
        self.outbox = outbox
        self.anon = Anonymizer.configured(core.settings.privacy)

    @staticmethod
    def public_language(community: Community) -> Language:
        """Posts, reviews and reports speak the community's language."""
        return language_for_locale(community.language)

    def post_card(self, community: Community, item: QuestionItem) -> QuestionPost:
        return QuestionPost(language=self.public_language(community), item=item)

    @staticmethod
    async def posted(
        conn: Connection, guild_id: int, ref: str, *, or_approved: bool = False
    ) -> QuestionItem:
        """The item, if it is posted (or, ``or_approved``, approved and about to be)."""
        item = await questions_db.get_by_ref(conn, guild_id, ref)
        if item is None:
            raise UserError("questions.errors.unknown")
        if item.status == "removed":
            raise UserError("questions.errors.removed")
        if item.status != "posted" and not (or_approved and item.status == "approved"):
            raise UserError("questions.errors.not_posted")
        return item

    @staticmethod
    async def in_review(conn: Connection, guild_id: int, ref: str) -> QuestionItem:
        item = await questions_db.get_by_ref(conn, guild_id, ref)
        if item is None:
            raise UserError("questions.errors.unknown")
        if item.status != "review":
            raise UserError("questions.errors.already_reviewed")
        return item

    @staticmethod
    async def reload(conn: Connection, item: QuestionItem) -> QuestionItem:
        updated = await questions_db.get(conn, item.id)
        assert updated is not None
        return updated
