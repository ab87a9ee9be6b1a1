"""The actor drives the real discord.py bot through slash commands, components and modals."""

from __future__ import annotations

import aiohttp
import discord
import pytest

from bot.emulator import (
    CommandUnavailable,
    Emulator,
    InteractionTimeout,
    ResponseType,
    SampleGuild,
)

from .conftest import BotRunner
from .minibot import EmuTestBot

pytestmark = pytest.mark.asyncio


async def test_commands_are_synced_and_bot_sees_the_guild(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    names = sorted(c.name for c in emu.state.commands_for(g.id))
    assert names == [
        "echo",
        "feedback",
        "lag",
        "meeting",
        "plc",
        "propose",
        "report",
        "slow",
        "vote",
        "week",
    ]
    guild = bot.get_guild(g.id)
    assert guild is not None and guild.name == "PLC Sample / CAP exemple"
    alice = guild.get_member(g.users["alice"])
    assert alice is not None and [r.name for r in alice.roles][1:] == ["Members", "Facilitators"]
    assert guild.get_channel(g.channels["questions"]).name == "questions"  # type: ignore[union-attr]
    assert emu.identify_count == 1


def setup_options(g: SampleGuild) -> dict[str, object]:
    """Valid options of the test bot's ``/plc setup``, one of each type."""
    return {
        "timezone": "Europe/Paris",
        "checkin_channel": g.channels["check-ins"],
        "weekly_hour": 9,
        "ratio": 0.5,
        "reminders": True,
        "facilitator": g.users["alice"],
        "role": g.roles["facilitator"],
    }


async def test_slash_options_arrive_typed(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    result = await emu.slash(g.id, g.users["admin"], "plc setup", locale="fr", **setup_options(g))
    assert result.response_type == ResponseType.CHANNEL_MESSAGE
    assert result.content == "Setup saved" and result.ephemeral
    assert result.latency is not None and result.latency < 3
    call = bot.calls["setup"]
    assert call["timezone"] == "Europe/Paris"
    assert isinstance(call["checkin_channel"], discord.TextChannel)
    assert call["checkin_channel"].id == g.channels["check-ins"]
    assert call["weekly_hour"] == 9 and isinstance(call["weekly_hour"], int)
    assert call["ratio"] == 0.5 and call["reminders"] is True
    assert (
        isinstance(call["facilitator"], discord.Member)
        and call["facilitator"].id == g.users["alice"]
    )
    assert isinstance(call["role"], discord.Role) and call["role"].name == "Facilitators"
    assert call["locale"] == discord.Locale.french and call["guild_locale"] == discord.Locale.french
    assert call["user"].guild_permissions.administrator
    # Ephemeral answers are not in the channel for everyone, nor dispatched on the gateway.
    assert emu.messages_in(g.channels["general"]) == []


async def test_public_answer_is_dispatched_back(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    result = await emu.slash(
        g.id,
        g.users["bob"],
        "echo",
        channel_id=g.channels["questions"],
        text="hi",
        where=g.channels["general"],
    )
    assert result.content == "hi -> #general" and not result.ephemeral
    assert bot.calls["echo"][0] == "hi"
    [message] = emu.messages_in(g.channels["questions"])
    assert message.type == 20 and message.interaction_metadata is not None
    assert message.interaction_metadata["name"] == "echo"
    await emu.wait_for(lambda: emu.recorder.dispatched("MESSAGE_CREATE"))


async def test_actor_refuses_what_discord_would_refuse(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    with pytest.raises(LookupError, match="no option"):
        await emu.slash(
            g.id, g.users["bob"], "echo", text="x", where=g.channels["general"], color="red"
        )
    with pytest.raises(ValueError, match="required"):
        await emu.slash(g.id, g.users["bob"], "echo", text="x")
    with pytest.raises(ValueError, match="max_value"):
        await emu.slash(g.id, g.users["bob"], "plc setup", **setup_options(g) | {"weekly_hour": 30})
    with pytest.raises(LookupError, match="no slash command"):
        await emu.slash(g.id, g.users["bob"], "nope")
    emu.remove_member(g.id, g.users["david"])
    with pytest.raises(CommandUnavailable):
        await emu.slash(g.id, g.users["david"], "vote")


async def test_deferred_response_becomes_final(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    result = await emu.slash(g.id, g.users["bob"], "slow")
    assert result.response_type == ResponseType.DEFERRED_CHANNEL_MESSAGE
    await result.final(timeout=2)
    # The first follow-up after a defer edits the "thinking" message; the next one is new.
    assert result.content == "slow done" and not result.message.loading  # type: ignore[union-attr]
    [second] = await result.wait_followups(1, timeout=2)
    assert second.content == "second part"
    assert [m.content for m in emu.messages_in(g.channels["general"])] == [
        "slow done",
        "second part",
    ]


async def test_deferred_ephemeral_edit_original(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    result = await emu.slash(g.id, g.users["bob"], "slow", private=True)
    await result.final(timeout=2)
    assert result.content == "private done" and result.ephemeral


async def test_button_click_and_select_reach_the_view(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    posted = await emu.slash(g.id, g.users["alice"], "vote")
    assert posted.message is not None and posted.message.custom_ids() == ["vote:yes", "vote:pick"]
    clicked = await emu.click(g.users["bob"], posted.message, "vote:yes")
    assert clicked.response_type == ResponseType.UPDATE_MESSAGE
    assert bot.calls["click"] == g.users["bob"]
    assert posted.message.content == "Voted yes" and posted.message.edited_timestamp
    picked = await emu.click(g.users["chloe"], posted.message, "vote:pick", values=["a", "c"])
    assert bot.calls["select"] == ["a", "c"]
    assert picked.content == "picked" and picked.ephemeral
    with pytest.raises(ValueError):
        await emu.click(g.users["chloe"], posted.message, "vote:pick", values=["z"])


async def test_modal_submission_reaches_on_submit(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    opened = await emu.slash(g.id, g.users["chloe"], "feedback")
    assert opened.response_type == ResponseType.MODAL and opened.modal is not None
    assert opened.modal.title == "Feedback"
    assert [(f.custom_id, f.label) for f in opened.modal.fields] == [
        ("topic", "Topic"),
        ("details", "Details"),
    ]
    submitted = await emu.submit_modal(
        g.users["chloe"], opened, {"topic": "Agenda", "details": "Long text\nwith lines"}
    )
    assert bot.calls["feedback"] == ("Agenda", "Long text\nwith lines")
    assert submitted.content == "Thanks" and submitted.ephemeral
    with pytest.raises(LookupError, match="already submitted"):
        await emu.submit_modal(g.users["chloe"], opened, {"topic": "again", "details": "d"})
    reopened = await emu.slash(g.id, g.users["chloe"], "feedback")
    assert reopened.modal is not None
    with pytest.raises(ValueError, match="out of bounds"):
        await emu.submit_modal(
            g.users["chloe"], reopened.modal.custom_id, {"topic": "x" * 51, "details": "d"}
        )


async def test_a_select_in_a_form_sends_the_chosen_value_or_its_default(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    opened = await emu.slash(g.id, g.users["bob"], "propose")
    await emu.submit_modal(g.users["bob"], opened, {"title": "Grading", "anonymous": "no"})
    assert bot.calls["propose"] == ["no"]
    # Left alone, the select sends the option the form pre-selected, as Discord's client does.
    opened = await emu.slash(g.id, g.users["bob"], "propose")
    await emu.submit_modal(g.users["bob"], opened, {"title": "Grading"})
    assert bot.calls["propose"] == ["yes"]


async def test_a_french_member_types_the_french_names(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    """Discord's client shows a French member the localized names and sends the real ones."""
    chloe = g.users["chloe"]  # Discord in French
    result = await emu.slash(g.id, chloe, "semaine planifier", options={"jour": "mardi"})
    assert result.content == "Planned"
    assert bot.calls["plan"] == (1, 1)
    await emu.slash(g.id, chloe, "week plan", day="Monday", heures=3)
    assert bot.calls["plan"] == (0, 3)
    await emu.slash(g.id, chloe, "semaine planifier", options={"jour": "MARDI"})  # case aside
    assert bot.calls["plan"] == (1, 1)
    with pytest.raises(ValueError, match="option 'jour': 'vendredi' is not one of the choices: "):
        await emu.slash(g.id, chloe, "semaine planifier", options={"jour": "vendredi"})
    with pytest.raises(LookupError, match="no slash command 'semaine'"):
        await emu.slash(g.id, g.users["bob"], "semaine planifier", options={"jour": "mardi"})
    # A name that is not there: the refusal lists the names as the member's client shows them.
    with pytest.raises(LookupError, match="no slash command 'semaines'") as refused:
        await emu.slash(g.id, chloe, "semaines")
    assert "'semaine'" in str(refused.value) and "'week'" not in str(refused.value)


async def test_a_choice_is_given_by_its_name_or_its_value(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    bob = g.users["bob"]
    await emu.slash(g.id, bob, "week plan", day="tuesday")
    assert bot.calls["plan"] == (1, 1)
    await emu.slash(g.id, bob, "week plan", day=0)
    assert bot.calls["plan"] == (0, 1)
    with pytest.raises(ValueError, match="Monday, Tuesday"):
        await emu.slash(g.id, bob, "week plan", day="Friday")


async def test_autocomplete_returns_choices(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    result = await emu.autocomplete(g.id, g.users["bob"], "meeting", focused="name", value="te")
    assert result.response_type == ResponseType.AUTOCOMPLETE_RESULT
    assert [c["name"] for c in result.choices or []] == ["team sync", "test review"]


async def test_file_sent_by_the_bot_is_stored_with_its_bytes(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    result = await emu.slash(g.id, g.users["bob"], "report")
    assert result.message is not None
    [attachment] = result.message.attachments
    assert attachment.filename == "report.csv" and attachment.content_type.startswith("text/csv")
    assert attachment.data == b"name,score\nalice,3\n"
    request = emu.requests(method="POST", path_contains="/callback")[-1]
    assert request.files[0].data == attachment.data and request.json["type"] == 4
    async with (
        aiohttp.ClientSession() as session,
        session.get(attachment.url(emu.http_url)) as resp,
    ):
        assert await resp.read() == attachment.data


async def test_the_callback_is_stamped_when_its_request_arrives(
    emu: Emulator, g: SampleGuild, bot: EmuTestBot
) -> None:
    """A client of Discord sees its callback taken when the request reaches Discord: the
    latency ends there, not once the emulator has parsed and checked the reply (which
    costs more for a bigger reply, in the same process)."""
    result = await emu.slash(g.id, g.users["bob"], "report")
    assert result.message is not None  # the reply was checked and stored
    request = emu.requests(method="POST", path_contains="/callback")[-1]
    assert result.responded_at == request.arrived
    assert result.latency == request.arrived - result.dispatched_at


async def test_late_answer_raises_interaction_timeout(
    emu: Emulator, g: SampleGuild, runner: BotRunner, bot: EmuTestBot
) -> None:
    runner.expect_errors = True  # the bot's late callback gets 404 Unknown interaction
    emu.interaction_deadline = 0.2
    with pytest.raises(InteractionTimeout):
        await emu.slash(g.id, g.users["bob"], "lag", seconds=0.4)
    late = await emu.wait_for(lambda: emu.requests(path_contains="/callback", status=404))
    assert late[0].error_code == 10062


async def test_slash_and_click_in_a_dm(emu: Emulator, g: SampleGuild, bot: EmuTestBot) -> None:
    result = await emu.slash(None, g.users["david"], "vote")
    assert result.message is not None and result.message.guild_id is None
    assert result.payload["user"]["id"] == str(g.users["david"]) and "member" not in result.payload
    await emu.click(g.users["david"], result.message, "vote:yes")
    assert bot.calls["click"] == g.users["david"]
    assert [m.content for m in emu.messages_in(emu.state.dm_channel(g.users["david"]).id)] == [
        "Voted yes"
    ]
