"""Where other features import the retention purge from (it lives in
:mod:`bot.services.community.retention`)."""

from bot.services.community.retention import RetentionService, Rule

__all__ = ["RetentionService", "Rule"]
