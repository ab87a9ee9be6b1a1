"""The foundation every feature stands on: the community's set-up (``/plc``), its members'
own settings and data (``/me``), the audit log and the retention purge.

- :mod:`.service`: :class:`CommunityService` (set-up, who may do what, status) and
  :mod:`.status` (what ``/plc status`` reads);
- :mod:`.members`: :class:`MemberService` (``/me``, export, erasure, who is reminded);
- :mod:`.audit`: :class:`AuditService` (``/plc audit``); :mod:`.retention`: the daily purge;
- :mod:`.interface` and :mod:`.me`: the commands and buttons, with their reply layouts
  (:mod:`.replies`, :mod:`.audit_page`, :mod:`.me_replies`);
- :mod:`.feature`: how the application installs it (always on).
"""

from bot.services.community.audit import PAGE_SIZE, AuditPage, AuditService
from bot.services.community.members import (
    Audience,
    Erasure,
    MemberService,
    reminder_audience,
)
from bot.services.community.replies import lead_times
from bot.services.community.retention import RetentionService, Rule
from bot.services.community.service import CommunityService, SetupResult, facilitates
from bot.services.community.status import CommunityStatus, ErrorRecord

__all__ = [
    "PAGE_SIZE",
    "Audience",
    "AuditPage",
    "AuditService",
    "CommunityService",
    "CommunityStatus",
    "Erasure",
    "ErrorRecord",
    "MemberService",
    "RetentionService",
    "Rule",
    "SetupResult",
    "facilitates",
    "lead_times",
    "reminder_audience",
]
