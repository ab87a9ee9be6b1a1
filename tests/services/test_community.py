from __future__ import annotations

import pytest

from bot.actor import Actor
from bot.db import audit
from bot.db import targets as targets_db
from bot.db.communities import CommunitySettings, SetupChanges
from bot.errors import NotSetUp, UserError
from bot.services.base import Core, StatusLine, StatusRead
from bot.services.community import CommunityService
from bot.services.community.settings_cache import SettingsCache

GUILD = 100
ADMIN = 7


def _settings(**overrides: object) -> CommunitySettings:
    values: dict[str, object] = {
        "timezone": "America/Toronto",
        "language": "fr",
        "checkin_channel_id": 1,
        "questions_channel_id": 2,
        "announcements_channel_id": 3,
        "facilitator_role_id": 4,
        "moderation_channel_id": None,
    }
    values.update(overrides)
    return CommunitySettings.model_validate(values)


async def test_setup_creates_then_edits_and_audits(core: Core) -> None:
    service = CommunityService(core)
    community, created = await service.setup(GUILD, ADMIN, _settings())
    assert created and community.language == "fr"
    assert community.reminder_offsets == (1440, 60)
    community, created = await service.setup(GUILD, ADMIN, _settings(language="en"))
    assert not created and community.language == "en"
    async with core.db.read() as conn:
        actions = [entry.action for entry in await audit.recent(conn, GUILD)]
    assert actions == ["community.edit", "community.setup"]


@pytest.mark.parametrize("zone", ["EST", "UTC+5", "../x", "", "Mars/Olympus"])
async def test_setup_refuses_non_iana_zones_and_writes_nothing(core: Core, zone: str) -> None:
    service = CommunityService(core)
    with pytest.raises(UserError) as caught:
        await service.setup(GUILD, ADMIN, _settings(timezone=zone))
    assert caught.value.key == "errors.bad_timezone"
    assert caught.value.params["suggestions"]
    assert await service.get(GUILD) is None


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Montréal", "America/Toronto"),
        ("heure de l'Est", "America/Toronto, America/New_York"),
        ("HNE", "America/Toronto, America/New_York"),
        ("Trois-Rivières", "America/Toronto"),
        ("Heure de l'Atlantique", "America/Halifax, America/Moncton"),
        ("Bruxelles", "Europe/Paris, Europe/Brussels"),
    ],
)
async def test_a_zone_named_as_people_say_it_is_refused_with_the_zone_meant(
    core: Core, typed: str, suggested: str
) -> None:
    """Accents, case and punctuation aside: "heure de l'Est" suggested Europe/Belfast."""
    with pytest.raises(UserError) as caught:
        await CommunityService(core).setup(GUILD, ADMIN, _settings(timezone=typed))
    assert caught.value.params["suggestions"] == suggested


async def test_zone_names_are_stored_canonical_never_as_offsets(core: Core) -> None:
    community, _ = await CommunityService(core).setup(
        GUILD, ADMIN, _settings(timezone="europe/paris")
    )
    assert community.timezone == "Europe/Paris"


async def test_setup_refuses_unknown_language(core: Core) -> None:
    with pytest.raises(UserError, match="admin.errors.bad_language"):
        await CommunityService(core).setup(GUILD, ADMIN, _settings(language="de"))


async def test_features_before_setup_are_told_how_to_set_up(core: Core) -> None:
    with pytest.raises(NotSetUp):
        await CommunityService(core).require(GUILD)
    with pytest.raises(UserError, match="errors.guild_only"):
        await CommunityService(core).require(None)


async def test_status_collects_feature_lines(core: Core) -> None:
    class Provider:
        async def status_lines(self, read: StatusRead) -> list[StatusLine]:
            return [StatusLine(key="admin.not_set")]

    service = CommunityService(core)
    service.add_status_provider(Provider())
    await service.setup(GUILD, ADMIN, _settings())
    status = await service.status(GUILD)
    assert [line.key for line in status.lines] == ["admin.not_set"]
    assert status.missed == []


async def test_a_guild_that_removed_the_bot_is_not_set_up(core: Core) -> None:
    service = CommunityService(core)
    await service.setup(GUILD, ADMIN, _settings())
    assert (await service.require(GUILD)).guild_id == GUILD  # kept from now on
    await service.bot_left(GUILD)
    with pytest.raises(NotSetUp):
        await service.require(GUILD)
    await service.bot_joined(GUILD)
    assert (await service.require(GUILD)).guild_id == GUILD


async def test_kept_settings_follow_every_change(core: Core) -> None:
    service = CommunityService(core)
    assert await service.get(GUILD) is None  # kept as "no community" too
    await service.setup(GUILD, ADMIN, _settings())
    assert (await service.require(GUILD)).language == "fr"
    await service.setup(GUILD, ADMIN, _settings(language="en"))
    assert (await service.require(GUILD)).language == "en"
    with pytest.raises(UserError):  # refused: nothing changed, the kept settings neither
        await service.setup(GUILD, ADMIN, _settings(language="de"))
    assert (await service.require(GUILD)).language == "en"


def test_a_read_that_began_before_a_change_is_not_kept() -> None:
    cache = SettingsCache()
    started = cache.generation
    cache.forget(GUILD)  # a change committed while the read waited for the database
    cache.keep(GUILD, None, started)
    assert not cache.knows(GUILD)
    cache.keep(GUILD, None, cache.generation)
    assert cache.knows(GUILD)


ADMIN_ACTOR = Actor(guild_id=GUILD, user_id=ADMIN, manages_guild=True, language="fr")


async def test_configure_is_for_those_who_manage_the_server(core: Core) -> None:
    service = CommunityService(core)
    member = Actor(guild_id=GUILD, user_id=8, role_ids=frozenset({4}))
    with pytest.raises(UserError) as refused:
        await service.configure(member, SetupChanges(timezone="Europe/Paris"))
    assert refused.value.key == "errors.manage_server_required"
    assert await service.get(GUILD) is None


async def test_configure_keeps_what_was_not_given_and_resumes_fixed_channels(core: Core) -> None:
    service = CommunityService(core)
    community, created = await service.configure(
        ADMIN_ACTOR, SetupChanges(checkin_channel_id=11, facilitator_role_id=4)
    )
    assert created
    assert (community.timezone, community.language) == (
        core.settings.defaults.timezone,
        "fr",  # the admin's own language when none is given
    )
    async with core.db.transaction() as conn:
        await targets_db.mark_unreachable(conn, GUILD, 11, "unknown channel", core.clock.now())
        await targets_db.mark_unreachable(conn, GUILD, 12, "unknown channel", core.clock.now())
    community, created = await service.configure(
        ADMIN_ACTOR, SetupChanges(language="en", checkin_channel_id=11)
    )
    assert not created
    assert (community.language, community.checkin_channel_id, community.facilitator_role_id) == (
        "en",
        11,
        4,
    )
    async with core.db.read() as conn:
        assert not await targets_db.is_unreachable(conn, GUILD, 11)
        assert await targets_db.is_unreachable(conn, GUILD, 12)


async def test_facilitators_are_the_role_or_server_managers(core: Core) -> None:
    service = CommunityService(core)
    await service.setup(GUILD, ADMIN, _settings())
    facilitator = Actor(guild_id=GUILD, user_id=8, role_ids=frozenset({4}))
    member = Actor(guild_id=GUILD, user_id=9, role_ids=frozenset({5}))
    assert await service.is_facilitator(facilitator)
    assert await service.is_facilitator(ADMIN_ACTOR)
    assert not await service.is_facilitator(member)
    await service.require_facilitator(facilitator)
    with pytest.raises(UserError) as refused:
        await service.require_facilitator(member)
    assert refused.value.key == "errors.not_facilitator"
