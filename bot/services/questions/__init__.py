"""Anonymous questions and topic proposals.

What links an anonymous post to a person, and for how long:

- per item, ``author_nonce`` + ``author_handle = HMAC(secret, "question"|guild|user|nonce)``
  for 14 days (then no longer used, and erased by the daily retention purge): with the
  secret, the bot can test whether a candidate member wrote it; without it, nothing;
- blocking the author of #N copies that nonce and handle into ``question_blocks``;
  at ``/ask`` the bot recomputes the handle of the asker for each block's nonce;
- the rate limit keeps one row per submission with its own nonce and tag, for one hour;
- upvotes and reports are tagged per member *and item*, so they cannot be grouped.

No stored value repeats between two posts of one author. The submitter is never
logged: this package only logs counts.
"""

from bot.services.questions.cards import Decision, QuestionPost, ReportPost, ReviewPost
from bot.services.questions.models import (
    HANDLE_KEPT,
    POST_KIND,
    QUESTION_MAX,
    QUESTION_TOPIC_MAX,
    RATE_LIMIT,
    RATE_WINDOW,
    REASON_MAX,
    REPORTS_KEPT,
    RETENTION_KIND,
    RETENTION_RULE,
    TOPIC_DETAILS_MAX,
    TOPIC_TITLE_MAX,
    Outcome,
    RetentionResult,
    Submission,
    post_key,
)
from bot.services.questions.posting import PostPlan
from bot.services.questions.replies import TopList
from bot.services.questions.service import QuestionService

__all__ = [
    "HANDLE_KEPT",
    "POST_KIND",
    "QUESTION_MAX",
    "QUESTION_TOPIC_MAX",
    "RATE_LIMIT",
    "RATE_WINDOW",
    "REASON_MAX",
    "REPORTS_KEPT",
    "RETENTION_KIND",
    "RETENTION_RULE",
    "TOPIC_DETAILS_MAX",
    "TOPIC_TITLE_MAX",
    "Decision",
    "Outcome",
    "PostPlan",
    "QuestionPost",
    "QuestionService",
    "ReportPost",
    "RetentionResult",
    "ReviewPost",
    "Submission",
    "TopList",
    "post_key",
]
