"""What every part of :class:`~bot.services.questions.QuestionService` is built with."""

from __future__ import annotations

import random

from bot.db import questions as questions_db
from bot.db.communities import Community
from bot.db.connection import Connection
from bot.db.questions import QuestionItem
from bot.errors import UserError
from bot.i18n import Language, language_for_locale
from bot.services.anonymity import Anonymizer
from bot.services.base import Core
from bot.services.community import CommunityService


class QuestionsBase:
    """The core, the community service, the keyed hashes and the random post delay."""

    name = "questions"

    def __init__(
        self,
        core: Core,
        community: CommunityService,
        *,
        delay_random: random.Random | None = None,
    ) -> None:
        self._core = core
        self._community = community
        secret = core.settings.privacy.secret
        self._anon = Anonymizer(secret.get_secret_value() if secret else None)
        # The random post delay must be unpredictable; tests may seed it (A7).
        self.delay_random = delay_random or random.SystemRandom()

    @staticmethod
    def _public_language(community: Community) -> Language:
        """Posts, reviews and reports speak the community's language."""
        return language_for_locale(community.language)

    @staticmethod
    async def _posted(conn: Connection, guild_id: int, ref: str) -> QuestionItem:
        item = await questions_db.get_by_ref(conn, guild_id, ref)
        if item is None:
            raise UserError("questions.errors.unknown")
        if item.status == "removed":
            raise UserError("questions.errors.removed")
        if item.status != "posted":
            raise UserError("questions.errors.not_posted")
        return item

    @staticmethod
    async def _in_review(conn: Connection, guild_id: int, ref: str) -> QuestionItem:
        item = await questions_db.get_by_ref(conn, guild_id, ref)
        if item is None:
            raise UserError("questions.errors.unknown")
        if item.status != "review":
            raise UserError("questions.errors.already_reviewed")
        return item
