"""Layouts as Adaptive Cards: valid 1.5 cards within the size budget, references written for
Teams, members' words inert, long layouts cut with a note (never refused by Teams)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.chat import (
    Attachment,
    Button,
    ChannelRef,
    Code,
    LinkButton,
    MemberRef,
    Message,
    MessageLink,
    Moment,
    Panel,
    PanelAuthor,
    PanelField,
    Text,
    Trusted,
)
from bot.chat.text import Join
from bot.emulator.teams.validation import card_errors
from bot.i18n import Catalog, load_catalog
from bot.services.meetings.cards import MeetingReminder
from teams.markup import Lookup, inert, plain_text
from teams.render import CARD_CHARS_MAX, CardRenderer, size_of
from tests.teams.harness import text_of

CATALOG = load_catalog()
AT = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)
LOOKUP = Lookup(members={-3: ("29:1bob", "Bob Martin")}, channels={-9: "Check-ins"})


def render(message: Message, *, pinged: tuple[int, ...] = (), language: str = "en") -> dict:
    renderer = CardRenderer(CATALOG, language, LOOKUP, pinged=pinged)  # type: ignore[arg-type]
    card = renderer.card(message)
    assert card_errors(card) == []
    return card


def test_a_panel_with_fields_and_buttons_is_a_valid_card() -> None:
    card = render(
        Message(
            content=Trusted(text="Hello"),
            panels=(
                Panel(
                    title=Trusted(text="Meeting"),
                    description=Trusted(text="A line\nand another"),
                    fields=(
                        PanelField(name=Trusted(text="When"), value=Moment(at=AT), inline=True),
                        PanelField(
                            name=Trusted(text="Where"), value=ChannelRef(channel_id=-9), inline=True
                        ),
                        PanelField(name=Trusted(text="Agenda"), value="**not bold**"),
                    ),
                    tone="warning",
                    footer=Trusted(text="footer"),
                ),
            ),
            rows=(
                (
                    Button(action="plc:x:1", label=Trusted(text="Going"), style="success"),
                    Button(
                        action="plc:x:2", label=Trusted(text="Can't"), style="danger", disabled=True
                    ),
                    LinkButton(url="https://example.org/join", label=Trusted(text="Join")),
                ),
            ),
        )
    )
    [_, container, actions] = card["body"]
    assert container["style"] == "warning"
    assert container["items"][3]["type"] == "ColumnSet"  # the inline fields side by side
    assert "{{DATE(2026-12-03T20:30:00Z, LONG)}} {{TIME(2026-12-03T20:30:00Z)}}" in text_of(card)
    assert "**Check-ins**" in text_of(card)
    assert r"\*\*not bold\*\*" in text_of(card)  # a member's words stay as typed
    going, cant, link = actions["actions"]
    assert going == {
        "type": "Action.Execute",
        "title": "Going",
        "verb": "plc.click",
        "data": {"plc.action": "plc:x:1"},
        "style": "positive",
    }
    assert cant["style"] == "destructive" and cant["isEnabled"] is False
    assert link == {"type": "Action.OpenUrl", "title": "Join", "url": "https://example.org/join"}


def test_a_field_without_a_heading_is_its_value_alone() -> None:
    card = render(
        Message(
            panels=(
                Panel(
                    title=Trusted(text="Your check-ins"),
                    fields=(PanelField(name=None, value=Trusted(text="No check-ins yet.")),),
                ),
            )
        )
    )
    [container] = card["body"]
    texts = [item["text"] for item in container["items"]]
    assert texts == ["Your check-ins", "No check-ins yet."]  # no heading block between


def test_a_panels_author_is_named_and_a_cards_buttons_name_its_team() -> None:
    """A check-in answer is posted under the member's name; a button of a card made for
    a team says which (a click in the 1:1 chat, where Teams names no team, acts there)."""
    answer = Message(
        panels=(
            Panel(
                author=PanelAuthor(name="Bob *Martin*"),
                fields=(PanelField(name=Trusted(text="Progress"), value=Trusted(text="3")),),
            ),
        ),
        rows=((Button(action="plc:x:1", label=Trusted(text="Edit")),),),
    )
    renderer = CardRenderer(CATALOG, "en", LOOKUP, team=-1)
    card = renderer.card(answer)
    assert card_errors(card) == []
    [container, actions] = card["body"]
    assert container["items"][0] == {
        "type": "TextBlock",
        "text": r"Bob \*Martin\*",
        "wrap": True,
        "weight": "bolder",
        "size": "small",
    }
    assert actions["actions"][0]["data"] == {"plc.action": "plc:x:1", "plc.team": -1}
    pictured = Message(panels=(Panel(author=PanelAuthor(name="Bob", icon_url="https://x/b.png")),))
    assert card_errors(renderer.card(pictured)) == []


def test_a_member_is_mentioned_only_when_the_message_pings_them() -> None:
    said = Message(content=Join(parts=(MemberRef(user_id=-3), Trusted(text=" please"))))
    quiet = render(said)
    assert text_of(quiet).startswith("Bob Martin") and "msteams" not in quiet
    pinged = render(said, pinged=(-3,))
    assert text_of(pinged).startswith("<at>Bob Martin</at>")
    assert pinged["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Bob Martin</at>",
            "mentioned": {"id": "29:1bob", "name": "Bob Martin"},
        }
    ]
    unknown = render(Message(content=MemberRef(user_id=-77)))
    assert text_of(unknown) == "a member"


def test_members_words_cannot_become_links_mentions_or_headings() -> None:
    typed = "[click](https://evil.example) <at>Everyone</at> # Title"
    card = render(Message(content=typed), pinged=(-3,))
    shown = text_of(card)
    assert "](" not in shown.replace("\\](", "") and "<at>" not in shown
    assert inert("a_b*c") == r"a\_b\*c"


def test_catalog_markdown_is_adapted_to_teams() -> None:
    card = render(Message(content=Text.of("facilitation.rotation.left")))
    assert "**rotation join**" in text_of(card) and "`" not in text_of(card)
    assert "**rotation rejoindre**" in text_of(
        render(Message(content=Text.of("facilitation.rotation.left")), language="fr")
    )
    assert text_of(render(Message(content=Code(text="/rotation show")))) == "**rotation show**"
    # A report's reason is quoted on Discord (">>> "); a card has no quotes: it reads as typed.
    quoted = render(Message(content=Text.of("questions.report.reason", reason="Not kind\n> no")))
    assert text_of(quoted) == "Not kind\n\\> no"


def test_a_layout_too_long_for_teams_is_cut_with_a_note_and_keeps_its_buttons() -> None:
    lines = tuple(Trusted(text=f"line {n} " + "é" * 300) for n in range(200))
    message = Message(
        content=Join(parts=lines), rows=((Button(action="plc:x:1", label=Trusted(text="Go")),),)
    )
    card = render(message)
    assert size_of(card) <= CARD_CHARS_MAX
    shown = text_of(card)
    assert "line 0 " in shown and "line 199" not in shown
    assert shown.endswith("(shortened: Teams limits the size of a message)")
    assert card["body"][-1]["type"] == "ActionSet"
    huge = render(Message(content=Trusted(text="x" * 100_000)))
    assert size_of(huge) <= CARD_CHARS_MAX and text_of(huge).startswith("xxx")


def test_files_are_offered_from_the_bots_server_or_said_unshared() -> None:
    chart = Attachment(filename="progress.png", data=b"\x89PNG")
    calendar = Attachment(filename="meetings.ics", data=b"BEGIN:VCALENDAR")
    message = Message(
        panels=(Panel(title=Trusted(text="Progress"), image="progress.png"),),
        files=(chart, calendar),
    )
    shared = CardRenderer(
        CATALOG, "en", LOOKUP, share=lambda f: f"https://bot.example/files/{f.filename}"
    )
    card = shared.card(message)
    assert card_errors(card) == []
    assert card["body"][0]["items"][1] == {
        "type": "Image",
        "url": "https://bot.example/files/progress.png",
        "altText": "progress.png",
    }
    [download] = card["body"][-1]["actions"]
    assert download["title"] == "Download meetings.ics"
    unshared = render(message)
    assert "The file meetings.ics could not be shared on Teams." in text_of(unshared)


def test_a_refusal_for_a_click_is_plain_text() -> None:
    text = Text.of("errors.unexpected", ref="abc123")
    assert plain_text(CATALOG, "en", text) == (
        "Something went wrong on our side; nothing was saved. If it happens again, give "
        "this reference to an admin: abc123."
    )


def test_an_instant_shown_twice_in_one_text_is_written_once() -> None:
    """Teams cannot write "in 2 days", so a relative time is the date and time again: a
    text that gives both ("Monday … 7:20 PM (in 2 days)", "ends 7:20 PM (in 10
    minutes)") shows the instant once."""
    long = "{{DATE(2026-12-03T20:30:00Z, LONG)}} {{TIME(2026-12-03T20:30:00Z)}}"
    on = "on {{DATE(2026-12-03T20:30:00Z, SHORT)}} at {{TIME(2026-12-03T20:30:00Z)}}"
    when, relative = Moment(at=AT), Moment(at=AT, style="relative")
    renderer = CardRenderer(CATALOG, "en", LOOKUP)
    closes = renderer.text(
        Text(key="checkins.prompt.closes_value", params={"when": when, "relative": relative})
    )
    assert closes == long
    relative_first = {"en": {**CATALOG.messages["en"], "t.starts": "starts {relative} ({when})"}}
    first = CardRenderer(Catalog(relative_first, CATALOG.commands), "en", LOOKUP)
    starts = first.text(Text(key="t.starts", params={"relative": relative, "when": when}))
    assert starts == f"starts {on}"
    # Another instant, or a date without its time, is still written.
    other = Moment(at=datetime(2026, 12, 4, 20, 30, tzinfo=UTC), style="relative")
    both = renderer.text(
        Text(key="checkins.prompt.closes_value", params={"when": when, "relative": other})
    )
    assert both == f"{long} ({on.replace('03T', '04T')})"
    day = Moment(at=AT, style="date")
    dated = renderer.text(
        Text(key="checkins.prompt.closes_value", params={"when": day, "relative": relative})
    )
    assert dated == "{{DATE(2026-12-03T20:30:00Z, LONG)}} (" + on + ")"
    # A time of day already says when a step ends: "(in 10 minutes)" beside it goes.
    for language, said in (("en", "10 min — ends"), ("fr", "10 min — se termine à")):
        step = CardRenderer(CATALOG, language, LOOKUP)  # type: ignore[arg-type]
        ends = step.text(
            Text.of(
                "facilitation.step.time_value",
                minutes=10,
                time=Moment(at=AT, style="time"),
                relative=relative,
            )
        )
        assert ends == f"{said} {{{{TIME(2026-12-03T20:30:00Z)}}}}"


def test_a_relative_time_alone_reads_as_a_date_in_the_sentence() -> None:
    """« ferme dans 2 jours » written with a date needs its words: « ferme le 9 déc. à
    17 h 39 », "closes on Dec 9 at 5:39 PM", never « ferme 9 déc. 2026 17 h 39 »."""
    date, time = "{{DATE(2026-12-03T20:30:00Z, SHORT)}}", "{{TIME(2026-12-03T20:30:00Z)}}"
    closes = Moment(at=AT, style="relative")
    for language, said in (
        ("fr", f"Rappel : ce bilan ferme le {date} à {time}."),
        ("en", f"Reminder: this check-in closes on {date} at {time}."),
    ):
        renderer = CardRenderer(CATALOG, language, LOOKUP)  # type: ignore[arg-type]
        text = renderer.text(Text.of("checkins.nudge.fallback", closes=closes, mentions=""))
        assert text.rstrip() == said


def test_a_message_link_is_one_link_alone_or_as_the_address_of_the_texts_own() -> None:
    """A message link is ``[the message](url)`` standing alone, and the address of a link
    the text writes around it (``[Question #1](url)``), never a link inside a link; Teams
    giving no address, the words alone."""
    url = "https://teams.microsoft.com/l/message/19%3Ax/1"
    link = MessageLink(guild_id=-1, channel_id=-9, message_id=-5)
    linked = CardRenderer(CATALOG, "fr", Lookup(links={(-9, -5): url}))
    unlinked = CardRenderer(CATALOG, "en", Lookup())
    line = Text.of("questions.top.line_question", votes=1, number=1, link=link, text="Q")
    assert linked.text(line) == f"▲ 1 · [Question nº 1]({url}) — Q"
    assert unlinked.text(line) == "▲ 1 · Question #1 — Q"
    report = Text.of("questions.report.post", what=Trusted(text="x"), link=link)
    assert linked.text(report).startswith(f"**Signalement** concernant x ([le message]({url}))")
    assert unlinked.text(report).startswith("**Report** on x (the message)")


def test_a_meeting_reminder_says_how_soon_in_words_and_the_date() -> None:
    """Teams cannot write "in 1 hour" that stays right: the reminder's lead time is text,
    the start a date (each lead its own, so the 1 d and 1 h reminders differ)."""
    long = "{{DATE(2026-12-03T20:30:00Z, LONG)}} {{TIME(2026-12-03T20:30:00Z)}}"
    for language, lead, said in (
        ("en", 60, f"⏰ Reminder: **CAP** in 1 hour — {long}. Place: to be announced"),
        ("fr", 1440, f"⏰ Rappel : **CAP** dans 1 jour — {long}. Lieu : à préciser"),
    ):
        card = MeetingReminder(
            language=language,
            direct=False,
            title="CAP",
            starts_at=AT,
            channel_id=None,
            link=None,
            announcements_channel_id=None,
            lead_minutes=lead,
        )
        renderer = CardRenderer(CATALOG, language, LOOKUP)  # type: ignore[arg-type]
        assert renderer.text(card.layout().content).rstrip() == said


def test_a_clicks_plain_refusal_writes_a_relative_time_as_a_date_in_its_sentence() -> None:
    """« réessayez lundi 7 décembre… » lacked its « le … à »; a date alone keeps none."""
    retry = Text.of("questions.errors.rate_limited", limit=5, retry=Moment(at=AT, style="relative"))
    toronto = ZoneInfo("America/Toronto")
    said = plain_text(CATALOG, "fr", retry, toronto)
    assert said.endswith("réessayez le jeudi 3 décembre 2026 à 15 h 30."), said
    english = plain_text(CATALOG, "en", retry)  # Teams said no zone: UTC, named
    assert english.endswith("try again on Thursday, December 3, 2026 at 20:30 UTC."), english
