"""Every reply of the community (``/plc setup|status|audit``, ``/me``) and every refusal of
its services, in each variant, renders in French and in English with no platform markup:
references stay references until a platform writes them (here a markup that shows them
as ``[member 3]``, so a Discord ``<@3>`` written by hand would stand out)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from bot.chat import ChannelRef, Code, Join, Message, Moment, Posted, render
from bot.dates import LocalDay
from bot.db.audit import AuditEntry
from bot.db.communities import Community
from bot.db.targets import PausedTarget
from bot.errors import UserError
from bot.i18n import LANGUAGES, Language, load_catalog
from bot.interactions.errors import refusal_text
from bot.services.base import StatusLine
from bot.services.community import AuditPage, CommunityStatus, Erasure, ErrorRecord, SetupResult
from bot.services.community.audit_page import audit_page
from bot.services.community.me_replies import (
    away_saved,
    erase_preview,
    erasure_reply,
    export_reply,
    timezone_saved,
)
from bot.services.community.replies import setup_reply, status_reply
from tests.markup import PlainMarkup, rendered_plainly

WHEN = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)


def _community(**settings: object) -> Community:
    values: dict[str, object] = {
        "guild_id": 1,
        "timezone": "America/Toronto",
        "language": "fr",
        "reminder_offsets": (2880, 60, 45),
    }
    return Community.model_validate({**values, **settings})


SET = _community(
    checkin_channel_id=11,
    questions_channel_id=12,
    announcements_channel_id=13,
    facilitator_role_id=14,
    moderation_channel_id=15,
)


def _status(size: int, *, latency: float | None, error: bool) -> CommunityStatus:
    return CommunityStatus(
        community=SET,
        lines=[StatusLine(key="admin.not_set")],
        missed=[StatusLine(key=k, params={"count": 2}) for k in ("admin.status.missed",)]
        + [StatusLine(key="admin.status.missed_untold", params={"count": 1})],
        paused=[
            PausedTarget(target_id=14, reason="deleted", since=WHEN),
            PausedTarget(target_id=12, reason="missing access (50001)", since=WHEN),
        ],
        database_bytes=size,
        scheduled=3,
        last_error=ErrorRecord(ref="abc123", at=WHEN) if error else None,
        latency=latency,
    )


def _entries() -> list[AuditEntry]:
    details: list[dict[str, object]] = [
        {
            "timezone": "Europe/Paris",
            "language": "fr",
            "checkin_channel_id": 11,
            "facilitator_role_id": 14,
            "moderation_channel_id": None,
        },
        {"next": 5, "skipped": 6, "owner_user_id": 7, "public": True, "anonymous": False},
        {"weekday": 4, "time": "17:00", "fields": ["title", "when"], "week": "2026-W49"},
        {f"key_{n}": n for n in range(12)},
        {},
    ]
    return [
        AuditEntry(id=n, guild_id=1, actor_id=n or None, action="community.edit", detail=d, at=WHEN)
        for n, d in enumerate(details)
    ]


def _messages(language: Language) -> Iterator[Message]:
    for created in (True, False):
        for hidden in (True, False):
            for community in (SET, _community()):
                yield setup_reply(
                    SetupResult(community=community, created=created, moderation_hidden=hidden)
                )
    for size in (10, 5_000, 3_000_000, 2_000_000_000):
        yield status_reply(_status(size, latency=0.042, error=True))
    yield status_reply(_status(10, latency=None, error=False))
    entries = _entries()
    for page, pages, action in ((1, 1, None), (2, 3, "community"), (3, 3, "meeting.cancel")):
        yield audit_page(
            AuditPage(entries=entries, page=page, pages=pages, total=25, action=action)
        )
    yield audit_page(AuditPage(entries=[], page=1, pages=1, total=0, action=None))
    yield Message(content=timezone_saved("America/Argentina/Buenos_Aires"))
    until = LocalDay(day=date(2026, 12, 18), timezone="Europe/Paris")
    yield Message(content=away_saved(until))
    yield export_reply({"member": {"timezone": "Europe/Paris"}})
    yield erase_preview()
    left = [Posted(1, 2, 3 + n) for n in range(12)]
    for removed, kept in ((0, []), (2, []), (1, left[:3]), (0, left)):
        yield erasure_reply(Erasure(posts_removed=removed, left=kept))


def _refusals() -> Iterator[UserError]:
    channel = ChannelRef(channel_id=11)
    missing = Join(parts=(Code(text="send_messages"),), sep=", ")
    yield UserError("admin.errors.channel_permission", channel=channel, permissions=missing)
    yield UserError("admin.errors.channel_missing", channel=channel)
    yield UserError("admin.errors.bad_language", language="de")
    yield UserError("admin.audit.bad_action", text="meeting; DROP")
    yield UserError("admin.audit.bad_page")
    yield UserError("admin.audit.past_the_end", page=4, pages=3)
    for problem in ("past", "too_far"):
        yield UserError(f"errors.when_{problem}", field="when", text="hier", when=Moment(at=WHEN))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reply_and_refusal_renders_without_platform_markup(language: Language) -> None:
    catalog = load_catalog()
    shown: list[str] = []
    for message in _messages(language):
        texts = rendered_plainly(message.contents(), language)
        assert any(texts), message
        shown += texts
    shown += rendered_plainly((refusal_text(catalog, r) for r in _refusals()), language)
    everything = "\n".join(shown)
    assert "[role 14]" in everything and "[channel 12]" in everything
    assert "[member 5]" in everything and "[message 12]" in everything
    assert "[message 13]" not in everything  # ten links, then a count
    assert {"en": "… and 2 more", "fr": "… et 2 autres"}[language] in everything
    assert "[short_date_time 2026-12-03T20:30:00+00:00]" in everything
    assert "[code community.edit]" in everything


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_audit_names_settings_mid_sentence_and_shows_long_details_in_part(
    language: Language,
) -> None:
    catalog = load_catalog()
    entries = _entries()
    page = audit_page(AuditPage(entries=entries, page=1, pages=1, total=5, action=None))
    description = page.panels[0].description
    assert description is not None
    text = render(description, language, catalog, PlainMarkup())
    zone = {"en": "time zone: Europe/Paris", "fr": "fuseau horaire : Europe/Paris"}[language]
    weekday = {"en": "day: Friday", "fr": "jour : vendredi"}[language]  # not the stored key
    assert zone in text and weekday in text
    assert "key 7: 7, …" in text.replace(" :", ":") and "key 8" not in text
