"""What ``/plc status`` costs in validated models: the lines are read as plain values
(only the references they show are models), and the settings' fields are built once per
value of the settings."""

from __future__ import annotations

from dataclasses import replace

from pydantic import BaseModel

from bot.chat import ChannelRef, Message, Panel
from bot.db.communities import CommunitySettings
from bot.i18n import Catalog, load_catalog
from bot.services.community import CommunityService
from bot.services.community.replies import settings_fields, status_reply
from bot.services.community.status import CommunityStatus
from cogs.render import Renderer
from tests.i18n.test_render_costs import calls
from tests.services.facilitation_world import World, member
from tests.services.sample import ADMIN, ALICE, BOB, GUILD
from tests.services.test_reply_costs import validations

QUESTIONS = 4242


async def _busy(world: World) -> CommunityService:
    """A community with a line, a coming date held and a live session."""
    for user_id in (ALICE, BOB):
        assert await world.rotation.join(member(user_id))
    await world.schedule("2026-12-03 15:30", repeat="weekly")
    await world.start_session()
    return world.services.get(CommunityService)


async def _layout(community: CommunityService) -> None:
    status_reply(await community.status(GUILD))


async def test_status_validates_only_the_references_it_shows(world: World) -> None:
    """Before: each feature's rows (the dates, the live session), each line and the
    status itself were validated models, 16 validations for this community; the layout
    rebuilt the settings' fields and its fixed texts every time (64 with the status,
    19 now)."""
    community = await _busy(world)
    await _layout(community)
    status, validated = await validations(community.status(GUILD))
    shown = [line.params for line in (*status.lines, *status.missed)]
    references = sum(isinstance(value, BaseModel) for params in shown for value in params.values())
    assert {line.key for line in status.lines} >= {
        "meetings.status.next",
        "facilitation.status.live",
    }
    assert validated <= references, (validated, references)
    _, with_layout = await validations(_layout(community))
    assert with_layout <= 20, with_layout


async def test_the_settings_fields_follow_a_changed_setting(world: World) -> None:
    """Kept per value of the settings: the same community gives the same fields, and a
    change made through ``/plc setup`` shows at once."""
    community = world.services.get(CommunityService)
    before = await community.require(GUILD)
    first = settings_fields(before)
    assert settings_fields(await community.require(GUILD)) is first
    changed = CommunitySettings(**{**before.model_dump(), "questions_channel_id": QUESTIONS})
    await community.setup(GUILD, ADMIN, changed)
    panel = status_reply(await community.status(GUILD)).panels[0]
    shown = [field.value for field in panel.fields]
    assert ChannelRef(channel_id=QUESTIONS) in shown
    assert ChannelRef(channel_id=QUESTIONS) not in [field.value for field in first]


async def test_the_status_panel_is_kept_for_what_it_shows(world: World) -> None:
    """Asked again with nothing changed, the status is the same message, built once
    (before: ~19 validations on every reply); what changes what it shows (a line, the
    database's size as written, the latency) builds another."""
    community = await _busy(world)
    status = replace(await community.status(GUILD), database_bytes=1000 * 1024)
    first = status_reply(status)

    async def again() -> Message:
        return status_reply(replace(await community.status(GUILD), database_bytes=1000 * 1024))

    message, validated = await validations(again())
    assert message is first
    _, in_service = await validations(community.status(GUILD))
    assert validated <= in_service, (validated, in_service)  # the layout's part: none
    bigger = replace(status, database_bytes=status.database_bytes * 4096)
    slower = replace(status, latency=(status.latency or 0) + 0.5)
    fewer = replace(status, lines=status.lines[1:])
    for changed in (bigger, slower, fewer):
        assert status_reply(changed) != first
    # The same size as written (one decimal) is the same panel.
    assert status_reply(replace(status, database_bytes=1000 * 1024 + 1)) is first


async def test_a_new_latency_writes_only_the_footer_again(world: World) -> None:
    """The panel shows the chat's latency in ms, rarely the same twice: the rest of it is
    kept for what it shows and written once per language, a new latency builds and writes
    the footer alone (before: the whole panel, ~19 validations and ~20 catalog look-ups a
    reply). The reply reads exactly as a panel built whole would."""
    community = await _busy(world)
    status = replace(await community.status(GUILD), latency=0.041)
    catalog = load_catalog()
    first = Renderer(catalog, "en").message(status_reply(status)).embeds[0]
    slower = replace(status, latency=0.042)
    message, validated = await validations(_laid_out(slower))
    assert validated <= 2, validated  # the footer's text and the message
    assert calls(lambda: Renderer(catalog, "en").message(message), Catalog.t) == 2
    embed = Renderer(catalog, "en").message(message).embeds[0]
    assert embed.footer.text is not None and "latency 42 ms" in embed.footer.text
    assert embed.to_dict() == {**first.to_dict(), "footer": {"text": embed.footer.text}}
    (panel,) = message.panels
    whole = Panel(**{name: getattr(panel, name) for name in Panel.model_fields})
    for language in ("en", "fr"):
        assert (
            Renderer(catalog, language).message(message).embeds[0].to_dict()
            == Renderer(catalog, language).message(Message(panels=(whole,))).embeds[0].to_dict()
        )


async def _laid_out(status: CommunityStatus) -> Message:
    return status_reply(status)


async def test_a_new_database_size_writes_only_the_health_again(world: World) -> None:
    """The database's size (its write-ahead log with it) grows with every write, so the
    size as written changes often: the other fields are kept and written once, a new size
    builds and writes the health field alone, with the title and the footer (before: the
    whole panel, ~20 catalog look-ups)."""
    community = await _busy(world)
    status = replace(await community.status(GUILD), database_bytes=1000 * 1024, latency=0.041)
    catalog = load_catalog()
    first = Renderer(catalog, "en").message(status_reply(status)).embeds[0]
    bigger = status_reply(replace(status, database_bytes=1100 * 1024))
    written = calls(lambda: Renderer(catalog, "en").message(bigger), Catalog.t)
    assert written <= 6, written  # title, footer, the health's name, its 3 texts
    embed = Renderer(catalog, "en").message(bigger).embeds[0]
    pairs = zip(first.fields, embed.fields, strict=True)
    changed = [n for n, (before, after) in enumerate(pairs) if before != after]
    assert len(changed) == 1 and "1.1 MB" in (embed.fields[changed[0]].value or ""), changed
