"""The one front door of anonymous questions and topics, assembled from its parts."""

from __future__ import annotations

from bot.services.questions.moderation import Moderating
from bot.services.questions.posting import Posting
from bot.services.questions.records import Records
from bot.services.questions.submitting import Submitting


class QuestionService(Submitting, Posting, Moderating, Records):
    """Rules of ``/ask``, ``/topic propose``, posting, moderation, upvotes and reports.

    Each part is one responsibility: :class:`Submitting` (checks, rate limit, blocks),
    :class:`Posting` (the ``question_post`` timer), :class:`Moderating` (clicks on
    items, facilitator rules) and :class:`Records` (reading, member data, retention).
    Never imports discord; it is also a ``PersonalData`` and a ``StatusProvider``.
    """
