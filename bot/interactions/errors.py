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

from bot.chat.text import Join, Param, Text, Trusted
from bot.db.database import DatabaseDamaged
from bot.db.engine import DatabaseUnavailable
from bot.errors import UserError
from bot.i18n import Catalog, Phrase

log = logging.getLogger(__name__)

ECHOED = ("text", "value")
"""Values of a refusal that repeat what the member typed: shown inert, as typed."""


def refusal_text(catalog: Catalog, error: UserError) -> Text:
    """A refusal's message: what the member typed (:data:`ECHOED`) is shown inert, other
    text values are the bot's own and shown as given."""
    params: dict[str, Param] = {}
    for name, value in error.params.items():
        if name == "field" and isinstance(value, str) and catalog.has(f"errors.fields.{value}"):
            params[name] = Text(key=f"errors.fields.{value}")
        elif isinstance(value, str) and name in ECHOED:
            params[name] = value  # what the member typed, shown back as typed
        elif isinstance(value, str):
            params[name] = Trusted(text=value)
        elif isinstance(value, Phrase):
            params[name] = phrase_text(value)
        elif isinstance(value, tuple) and value and all(isinstance(v, Phrase) for v in value):
            params[name] = Join(parts=tuple(phrase_text(v) for v in value), sep="; ")
        else:
            params[name] = value  # type: ignore[assignment]
    return Text(key=error.key, params=params)


def phrase_text(phrase: Phrase) -> Text:
    """A catalog message given as a value (a protocol file's problem), as core text."""
    return Text(key=phrase.key, params={k: _plain(v) for k, v in phrase.params.items()})


def _plain(value: object) -> Param:
    if isinstance(value, Phrase):
        return phrase_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float) or value is None:
        return value
    return Trusted(text=str(value))


def explain(
    catalog: Catalog, error: BaseException, context: Mapping[str, object] = {}
) -> tuple[Text, str | None]:
    """The text to show, and the reference of an unexpected error (None if expected).

    ``context`` (community id, feature) goes to the log record for JSON logs.
    """
    if isinstance(error, UserError):
        return refusal_text(catalog, error), None
    if isinstance(error, DatabaseDamaged):  # the log already says what to do, once
        log.warning("a write was refused: the database is damaged")
        return Text(key="errors.database_damaged"), None
    if isinstance(error, DatabaseUnavailable):  # passing: health reports it to the host
        log.warning("a command could not reach the database: %s", error)
        return Text(key="errors.database_unavailable"), None
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
