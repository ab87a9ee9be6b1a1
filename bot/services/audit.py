"""Where ``/plc audit``'s service was imported from (it lives in
:mod:`bot.services.community.audit`)."""

from bot.services.community.audit import PAGE_SIZE, AuditPage, AuditService

__all__ = ["PAGE_SIZE", "AuditPage", "AuditService"]
