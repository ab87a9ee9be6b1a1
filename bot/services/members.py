"""Where other features import the members' service from (it lives in
:mod:`bot.services.community.members`)."""

from bot.services.community.members import Audience, Erasure, MemberService, reminder_audience

__all__ = ["Audience", "Erasure", "MemberService", "reminder_audience"]
