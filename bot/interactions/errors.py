"""What a member is told when their command fails, on any platform.

Refusals (:class:`~bot.errors.UserError`) become their catalog text in the member's
language; a field they name (``field="due"``) is shown by its catalog label
(``errors.fields.due``), the one convention for field names in errors. Anything else
is logged with a short reference the member can quote to whoever hosts the bot; no
user id is logged.
"""

from __future__ import annotations

import logging
import secrets
import sqlite3
from collections.abc import Mapping

from bot.chat.text import Param, Text, Trusted
from bot.errors import UserError
from bot.i18n import Catalog

log = logging.getLogger(__name__)


def refusal_text(catalog: Catalog, error: UserError) -> Text:
    """A refusal's message; its plain text values are shown as given (they echo what the
    member typed back to them alone, or values the bot composed)."""
    params: dict[str, Param] = {}
    for name, value in error.params.items():
        if name == "field" and isinstance(value, str) and catalog.has(f"errors.fields.{value}"):
            params[name] = Text(key=f"errors.fields.{value}")
        elif isinstance(value, str):
            params[name] = Trusted(text=value)
        else:
            params[name] = value  # type: ignore[assignment]
    return Text(key=error.key, params=params)


def explain(
    catalog: Catalog, error: BaseException, context: Mapping[str, object] = {}
) -> tuple[Text, str | None]:
    """The text to show, and the reference of an unexpected error (None if expected).

    ``context`` (community id, feature) goes to the log record for JSON logs.
    """
    if isinstance(error, UserError):
        return refusal_text(catalog, error), None
    if isinstance(error, sqlite3.OperationalError):
        text = str(error).lower()
        if "full" in text:
            log.error("storage full: %s", error)
            return Text(key="errors.storage_full"), None
        if "locked" in text or "busy" in text:
            log.warning("database busy: %s", error)
            return Text(key="errors.database_busy"), None
    ref = secrets.token_hex(3)
    # The reference links the member's report to this trace; no user id is logged.
    log.error(
        "unexpected error, reference %s", ref, exc_info=error, extra={**context, "error_ref": ref}
    )
    return Text(key="errors.unexpected", params={"ref": ref}), ref
