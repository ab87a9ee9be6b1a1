"""Meetings and facilitation talk through each other's public service: the rotation names
each date's facilitator for the announcements and ``/meeting list`` (meetings ask, they
store no facilitator); without facilitation no facilitator is named; without meetings
the rotation has no dates and sessions run without a meeting."""

from __future__ import annotations

import dataclasses

import pytest

from bot.app import build_services
from bot.clock import ControlledClock
from bot.config import FeatureName
from bot.db.communities import CommunitySettings
from bot.errors import UserError
from bot.services.base import Core
from bot.services.community import CommunityService
from bot.services.facilitation import RotationService, SessionService
from bot.services.meetings import MeetingService
from bot.services.registry import Services
from tests.services.facilitation_world import build_world, facilitator, member
from tests.services.sample import (
    ADMIN,
    ALICE,
    ANNOUNCEMENTS,
    BOB,
    CAROL,
    FACILITATOR_ROLE,
    GUILD,
    ROOM,
)
from tests.services.status import status_lines


async def only(core: Core, *features: FeatureName) -> Services:
    """The services of a community set up with only ``features`` enabled."""
    chosen = core.settings.features.model_copy(update={"enabled": list(features)})
    services = build_services(
        dataclasses.replace(core, settings=core.settings.model_copy(update={"features": chosen}))
    )
    await services.get(CommunityService).setup(
        GUILD,
        ADMIN,
        CommunitySettings(
            timezone="America/Toronto",
            language="fr",
            announcements_channel_id=ANNOUNCEMENTS,
            facilitator_role_id=FACILITATOR_ROLE,
        ),
    )
    return services


async def test_the_rsvp_result_redraws_the_announcement_with_its_facilitator(
    core: Core, clock: ControlledClock
) -> None:
    world = await build_world(core, clock, language="fr")
    await world.rotation.join(member(CAROL))
    upcoming = await world.schedule()
    assert upcoming.facilitator_id == CAROL
    result = await world.meetings.rsvp(member(BOB), upcoming.occurrence.id, "going")
    card = result.announcement
    assert card.facilitator_id == CAROL
    assert card.counts.going == 1
    assert card.language == "fr"  # the community's, whoever clicked
    [listed] = await world.meetings.list_upcoming(member(BOB))
    assert listed.facilitator_id == CAROL


async def test_without_facilitation_no_facilitator_is_named(core: Core) -> None:
    meetings = (await only(core, "meetings")).get(MeetingService)
    draft = await meetings.draft_schedule(facilitator(), title="CAP", when="2026-12-03 15:30")
    upcoming = (await meetings.schedule(facilitator(), draft)).upcoming
    async with core.db.transaction() as conn:  # as the rotation left it when it was on
        await conn.execute(
            """INSERT INTO facilitator_assignments
                (occurrence_id, guild_id, user_id, status, offers, assigned_at)
            VALUES (?, ?, ?, 'accepted', 1, 'then')""",
            (upcoming.occurrence.id, GUILD, CAROL),
        )
    result = await meetings.rsvp(member(BOB), upcoming.occurrence.id, "going")
    assert result.announcement.facilitator_id is None
    assert [u.facilitator_id for u in await meetings.list_upcoming(member(BOB))] == [None]


async def test_without_meetings_sessions_run_and_the_rotation_has_no_dates(core: Core) -> None:
    services = await only(core, "facilitation")
    assert services.find(MeetingService) is None
    rotation, sessions = services.get(RotationService), services.get(SessionService)
    assert await rotation.join(member(ALICE)) is True
    view = await rotation.show(member(ALICE))
    assert [v.user_id for v in view.line] == [ALICE] and view.upcoming == ()
    assert [line.key for line in await status_lines(core, rotation, GUILD)] == [
        "facilitation.status.no_assignment"
    ]
    assert await sessions.meeting_choices(GUILD, "") == []
    with pytest.raises(UserError) as unknown:
        await sessions.start(facilitator(), channel_id=ROOM, meeting="1")
    assert unknown.value.key == "facilitation.session.unknown_meeting"
    started = await sessions.start(facilitator(), channel_id=ROOM, protocol="checkin-round")
    assert started.session.occurrence_id is None and started.session.meeting_title is None
    await rotation.leave(member(ALICE))  # nothing to hand over without dates


async def test_a_session_is_started_for_a_meeting_named_by_its_title(
    core: Core, clock: ControlledClock
) -> None:
    world = await build_world(core, clock)
    weekly = await world.schedule(title="Équipe 5e", repeat="weekly")
    started = await world.sessions.start(facilitator(), channel_id=ROOM, meeting="equipe 5E")
    assert started.session.occurrence_id == weekly.occurrence.id
    await world.sessions.end(facilitator(), started.session.id)
    await world.schedule(when="2026-12-04 10:00", title="Équipe 5e")
    with pytest.raises(UserError) as caught:
        await world.sessions.start(facilitator(), channel_id=ROOM, meeting="Équipe 5e")
    assert caught.value.key == "facilitation.session.ambiguous_meeting"
