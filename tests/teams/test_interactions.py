"""Clicks, forms, confirmations and files on Teams, for any feature: a small interface is
declared here the way features declare theirs, and served by the real adapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from babel.dates import format_date

from bot.chat import Attachment, Button, Form, Message, TextInput, Trusted
from bot.db import members as members_db
from bot.emulator.teams.activities import base_activity, invoke
from bot.interactions import CustomId, Interaction
from bot.interactions.commands import Option
from bot.interactions.interface import CommandGroup, Interface, click, form, on_confirm
from bot.interactions.routes import Params
from bot.interactions.suggest import matching
from bot.services.community import MemberService
from tests.teams.harness import TeamsHarness, card_text, text_of

RENAME = CustomId("plc:demo:rename:{n}")
RENAMED = CustomId("plc:demo:renamed:{n}")
NOTE = CustomId("plc:demo:note:{n}")
NOTED = CustomId("plc:demo:noted:{n}")
BROKEN = CustomId("plc:demo:broken:{n}")


DEMO = CommandGroup("demo", "A demonstration")


@dataclass
class Demo(Interface):
    saved: list[dict[str, str]] = field(default_factory=list)
    wiped: list[Any] = field(default_factory=list)

    @DEMO.command("card", "Post a card with a button")
    async def card(self, ctx: Interaction) -> None:
        rename = Button(action=RENAME.build(n=1), label=Trusted(text="Rename"))
        note = Button(action=NOTE.build(n=1), label=Trusted(text="Note"))
        card = Message(content=Trusted(text="The card"), rows=((rename, note),))
        await ctx.reply(card, private=False)

    @click(RENAME)
    async def rename(self, ctx: Interaction, params: Params) -> None:
        name = TextInput(id="name", label=Trusted(text="New name"), max_length=40)
        await ctx.open_form(
            Form(action=RENAMED.build(n=params["n"]), title=Trusted(text="Rename"), inputs=(name,))
        )

    @form(RENAMED)
    async def renamed(self, ctx: Interaction, params: Params, values: dict[str, str]) -> None:
        self.saved.append(values)
        await ctx.reply(Trusted(text=f"Renamed to {values['name']}"))

    @click(NOTE)
    async def note(self, ctx: Interaction, params: Params) -> None:
        inputs = (
            TextInput(id="kept", label=Trusted(text="Kept"), required=False, default="Before"),
            TextInput(id="blank", label=Trusted(text="Blank"), required=False),
            TextInput(id="typed", label=Trusted(text="Typed"), required=False),
        )
        title = Trusted(text="Note")
        await ctx.open_form(Form(action=NOTED.build(n=params["n"]), title=title, inputs=inputs))

    @form(NOTED)
    async def noted(self, ctx: Interaction, params: Params, values: dict[str, str]) -> None:
        self.saved.append(values)
        await ctx.reply(Trusted(text="Noted"))

    @DEMO.command("wipe", "Ask for a confirmation")
    async def wipe(self, ctx: Interaction) -> None:
        await self.confirmations.ask(
            ctx,
            "demo.wipe",
            {"what": "all"},
            Message(content=Trusted(text="Wipe everything?")),
            confirm_label=Trusted(text="Wipe"),
            cancel_label=Trusted(text="Keep"),
            danger=True,
        )

    @on_confirm("demo.wipe", cancelled_key="teams.form.done")
    async def confirmed(self, ctx: Interaction, payload: Any) -> None:
        self.wiped.append(payload)
        await ctx.update(Message(content=Trusted(text="Wiped.")))

    @DEMO.command("file", "Share a file")
    async def file(self, ctx: Interaction) -> None:
        notes = Attachment(filename="notes.txt", data=b"hello from the bot")
        await ctx.reply(Message(content=Trusted(text="Your file"), files=(notes,)))

    @DEMO.command("break", "Fail unexpectedly")
    async def broken(self, ctx: Interaction) -> None:
        button = Button(action=BROKEN.build(n=1), label=Trusted(text="Break"))
        await ctx.reply(Message(content=Trusted(text="Fragile"), rows=((button,),)))
        raise RuntimeError("a bug")

    @click(BROKEN)
    async def broken_click(self, ctx: Interaction, params: Params) -> None:
        raise RuntimeError("another bug")

    async def colours(self, ctx: Interaction, typed: str) -> list[tuple[str, str]]:
        return matching([("blue", "Blue"), ("green", "Green")], typed)

    @DEMO.command(
        "pick",
        "Pick a colour",
        Option("colour", "A colour", required=True),
        suggest={"colour": colours},
    )
    async def pick(self, ctx: Interaction, colour: str) -> None:
        await ctx.reply(Trusted(text=f"Picked {colour}"))


@pytest.fixture
def demo() -> Demo:
    return Demo()


@pytest.fixture
async def teams(unstarted_teams: TeamsHarness, demo: Demo) -> TeamsHarness:
    """The bot with the demo's commands declared, started, and the community set up."""
    unstarted_teams.declare = demo.declare
    await unstarted_teams.start()
    await unstarted_teams.setup_community()
    return unstarted_teams


async def test_a_form_opened_by_a_click_shows_in_place_for_that_member_and_is_routed(
    teams: TeamsHarness, demo: Demo
) -> None:
    await teams.command("alice", "demo card", channel="Check-ins")
    [posted] = teams.posts_in("Check-ins")
    assert card_text(posted) == "The card"

    opened = await teams.click("bob", posted, "Rename")
    assert opened.status == 200 and "New name" in str(opened.card)
    assert card_text(posted, teams.world.bob) == "Rename"  # Bob sees the form...
    assert card_text(posted, teams.world.chloe) == "The card"  # ...the others the card

    submitted = await teams.click("bob", posted, "Submit", name="Grade 5 team")
    assert submitted.status == 200
    assert demo.saved == [{"name": "Grade 5 team"}]
    assert card_text(posted, teams.world.bob) == "The card"  # the card is back for him
    assert card_text(teams.last_private("bob")) == "Renamed to Grade 5 team"


async def test_a_form_sends_every_input_even_those_left_or_made_empty(
    teams: TeamsHarness, demo: Demo
) -> None:
    """Teams sends only the inputs that hold something; a feature gets each of its form's
    inputs, ``""`` for those left blank or cleared, as from a Discord form."""
    await teams.command("alice", "demo card", channel="Check-ins")
    [posted] = teams.posts_in("Check-ins")
    await teams.click("bob", posted, "Note")
    await teams.submit("bob", posted, typed="Typed")
    await teams.click("bob", posted, "Note")
    await teams.submit("bob", posted, kept="", typed="Again")
    assert demo.saved == [
        {"kept": "Before", "blank": "", "typed": "Typed"},
        {"kept": "", "blank": "", "typed": "Again"},
    ]


async def test_a_form_submitted_by_someone_else_is_refused(teams: TeamsHarness, demo: Demo) -> None:
    await teams.command("alice", "demo card", channel="Check-ins")
    [posted] = teams.posts_in("Check-ins")
    data = {"plc.form": RENAMED.build(n=1), "plc.for": await teams.user_number("bob"), "name": "x"}
    sent = base_activity(
        teams.emu.state,
        teams.emu.service_url,
        "invoke",
        teams.world.david,
        posted.thread_conversation_id,
    )
    value = {"action": {"type": "Action.Execute", "verb": "plc.form", "data": data}}
    result = await teams.emu.post_activity(
        invoke(sent, "adaptiveCard/action", value, reply_to=posted.id)
    )
    assert "opened by someone else; nothing was done" in result.body["value"]
    assert demo.saved == []


async def test_a_confirmation_updates_the_clicked_card_for_everyone(
    teams: TeamsHarness, demo: Demo
) -> None:
    await teams.command("alice", "demo wipe", channel="Check-ins")
    dialog = teams.last_private("alice")
    assert "Wipe everything?" in card_text(dialog)
    answered = await teams.click("alice", dialog, "Wipe")
    assert text_of(answered.card) == "Wiped."
    assert card_text(dialog) == "Wiped."  # updated, not only for the one who clicked
    assert demo.wiped == [{"what": "all"}]


async def test_a_file_is_offered_from_the_bots_server_for_a_day(teams: TeamsHarness) -> None:
    await teams.command("bob", "demo file")
    card = teams.last_private("bob").card
    assert card is not None
    [download] = card["body"][-1]["actions"]
    assert download["title"] == "Download notes.txt"
    async with aiohttp.ClientSession() as session:
        async with session.get(download["url"]) as response:
            assert response.status == 200
            assert await response.read() == b"hello from the bot"
        await teams.advance(timedelta(hours=25))
        async with session.get(download["url"]) as response:
            assert response.status == 404  # gone after a day
        guessed = download["url"].rsplit("/", 1)[0] + "/notes.txt"
        async with session.get(guessed) as response:
            assert response.status == 404


async def test_an_unexpected_error_is_explained_with_a_reference_never_a_traceback(
    teams: TeamsHarness,
) -> None:
    await teams.command("bob", "demo break", channel="Check-ins")
    told = card_text(teams.last_private("bob"))
    assert told.startswith("Something went wrong on our side") and "reference" in told
    fragile = teams.private("bob")[-2]
    clicked = await teams.click("bob", fragile, "Break")
    assert clicked.body["value"].startswith("Something went wrong on our side")
    shown = [card_text(m) + str(m.text) for m in teams.emu.state.bot_messages()]
    assert not [text for text in shown if "Exception" in text or "bug" in text]


async def test_the_platform_answers_the_cores_questions_from_teams(teams: TeamsHarness) -> None:
    await teams.command("chloe", "rotation afficher", channel="Check-ins")
    assert teams.adapter is not None
    platform = teams.adapter.platform
    guild = await teams.team_number()
    chloe, bob = await teams.user_number("chloe"), await teams.user_number("bob")
    assert await platform.member_language(guild, chloe) == "fr"
    assert await platform.community_name(guild) == "PLC Grade 5"
    # The core keeps it on her row, for her 1:1 messages, once she is a member it knows:
    # her next command after her row was made (here without a language) writes it there.
    async with teams.app.core.db.transaction() as conn:
        await members_db.ensure(conn, guild, chloe, teams.clock.now())
    teams.app.core.chat.forget_member(guild, chloe)  # as after a restart
    await teams.command("chloe", "rotation afficher", channel="Check-ins")
    member = await teams.app.services.get(MemberService).get(guild, chloe)
    assert member is not None and member.client_language == "fr"
    assert await platform.member_names(guild, [chloe, bob]) == {
        chloe: "Chloé Gagnon",
        bob: "Bob Martin",
    }
    assert await platform.is_member(guild, bob) is True
    await teams.emu.remove_members(teams.world.team, [teams.world.bob], by=teams.world.alice)
    assert await platform.is_member(guild, bob) is False
    checked = await platform.can_post(guild, await teams.channel_number("Moderation"))
    assert checked.ok
    gone = await platform.can_post(
        guild, await teams.number("conversation", "19:gone@thread.tacv2")
    )
    assert not gone.exists


async def test_a_command_form_offers_an_options_suggestions(teams: TeamsHarness) -> None:
    await teams.command("bob", "demo pick", channel="Check-ins")
    form = teams.last_private("bob")
    assert form.card is not None
    [choices] = [n["choices"] for n in form.card["body"] if n.get("id") == "colour"]
    assert choices == [{"title": "Blue", "value": "blue"}, {"title": "Green", "value": "green"}]
    await teams.click("bob", form, "Submit", colour="green")
    assert card_text(teams.private("bob")[-1]) == "Picked green"


async def test_a_clicks_refusal_writes_its_date_in_the_members_zone_and_words(
    teams: TeamsHarness,
) -> None:
    """A meeting whose start passed while its confirmation waited is refused on the click,
    in plain text: its date in words and in the member's Teams zone, not « 2026-12-07
    22:52 UTC »."""
    await teams.setup_community()
    teams.world.alice.locale = "fr-CA"
    await teams.command("alice", 'rencontre planifier titre:X quand:"dans 5 minutes"')
    confirm = teams.last_private("alice")
    starts = teams.clock.now().astimezone(ZoneInfo("America/Toronto")) + timedelta(minutes=5)
    await teams.advance(timedelta(minutes=6))
    refused = str((await teams.click("alice", confirm, "Confirmer")).body["value"])
    hour = f"{starts.hour} h {starts.minute:02d}" if starts.minute else f"{starts.hour} h"
    assert f"{format_date(starts, 'd MMMM y', locale='fr')} {hour}" in refused, refused
    assert "UTC" not in refused and "« 20" not in refused
    assert refused.startswith("X devait commencer"), refused
