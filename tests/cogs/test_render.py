"""The Discord renderer: a member's words are inert where Discord reads markdown, and
shown as typed where it does not (forms, button labels, an embed's author and footer)."""

from __future__ import annotations

import discord

from bot.chat import Button, Form, Message, Panel, PanelAuthor, PanelField, Text, TextInput
from bot.i18n import Catalog, load_catalog
from bot.services.questions.forms import ask_form, report_form
from cogs.render import Renderer
from tests.i18n.test_render_costs import calls

WORDS = "Jean-Marc *B*"


def test_member_words_are_escaped_only_where_discord_reads_markdown() -> None:
    renderer = Renderer(load_catalog(), "en")
    rendered = renderer.message(
        Message(
            content=WORDS,
            panels=(
                Panel(
                    author=PanelAuthor(name=WORDS, icon_url="https://x.test/a.png"),
                    description=WORDS,
                    footer=Text.of("checkins.answer.progress_on", goal=WORDS, number=3),
                ),
            ),
            rows=((Button(action="plc:x:1", label=WORDS),),),
        )
    )
    assert rendered.content == "Jean\\-Marc \\*B\\*"
    (embed,) = rendered.embeds
    assert embed.description == "Jean\\-Marc \\*B\\*"
    assert embed.author.name == WORDS and embed.author.icon_url == "https://x.test/a.png"
    assert embed.footer.text == f"Goal #3: {WORDS}"
    assert rendered.view is not None
    (button,) = rendered.view.children
    assert isinstance(button, discord.ui.Button) and button.label == WORDS
    assert rendered.view.is_finished()  # discord.py keeps no view of the bot's buttons


def test_a_field_without_a_heading_is_named_with_what_discord_shows_as_nothing() -> None:
    rendered = Renderer(load_catalog(), "en").message(
        Message(
            panels=(
                Panel(
                    description=Text.of("goals.list.none"),
                    fields=(PanelField(name=None, value=Text.of("checkins.me.none")),),
                ),
            )
        )
    )
    (embed,) = rendered.embeds
    (field,) = embed.fields
    assert field.name == "\u200b"  # Discord refuses an empty name
    assert field.value == "No check-ins yet."


def test_a_form_shows_member_words_as_typed() -> None:
    modal = Renderer(load_catalog(), "fr").modal(
        Form(
            action="plc:x:form",
            title=Text.of("checkins.modal.title", monday=WORDS),
            inputs=(TextInput(id="q1", label=WORDS, placeholder=WORDS, default=WORDS),),
        )
    )
    assert modal.title == f"Bilan · semaine du {WORDS}"
    (field,) = modal.children
    assert isinstance(field, discord.ui.TextInput)
    shown = field.to_component_dict()
    assert (shown["label"], shown["placeholder"], shown["value"]) == (WORDS, WORDS, WORDS)


async def test_a_form_built_once_is_rendered_once_per_language() -> None:
    """``/ask``'s form is the same for everyone: built once, its modal built once per
    catalog and language (a stopped modal is only read when sent); a form built anew
    (a report names what it reports) gets a modal of its own."""
    catalog = load_catalog()
    form = ask_form()
    assert ask_form() is form
    english = Renderer(catalog, "en").modal(form)
    assert Renderer(catalog, "en").modal(ask_form()) is english
    french = Renderer(catalog, "fr").modal(form)
    assert french is not english
    assert (english.title, french.title) == ("Ask anonymously", "Poser une question anonyme")
    another = Catalog(catalog.messages, catalog.commands)
    assert Renderer(another, "en").modal(form) is not english
    report = Renderer(catalog, "en").modal(report_form("0123456789abcdef"))
    assert Renderer(catalog, "en").modal(report_form("0123456789abcdef")) is not report
    assert english.is_finished()  # stopped: discord.py keeps nothing of it when sent


def test_a_modal_built_outside_an_event_loop_is_not_kept() -> None:
    """discord.py stops a modal only within an event loop; one it could not stop would
    wait for its submission if sent, so it is built again rather than kept."""
    real = load_catalog()
    catalog = Catalog(real.messages, real.commands)  # none of its modals kept yet
    modal = Renderer(catalog, "en").modal(ask_form())
    assert not modal.is_finished()
    assert Renderer(catalog, "en").modal(ask_form()) is not modal


def test_a_panel_kept_by_its_layout_is_written_once_per_language() -> None:
    """A layout built once for what it shows (a status, a list) hands the renderer the
    same panel again: its embed is written once per catalog and language, and a panel
    built anew, even an equal one, is written again."""
    catalog = load_catalog()
    panel = Panel(
        title=Text.of("goals.list.title"),
        fields=(PanelField(name=Text.of("goals.list.mine"), value=Text.of("goals.list.none")),),
    )
    english = Renderer(catalog, "en").message(Message(panels=(panel,))).embeds[0]

    def again() -> object:
        return Renderer(catalog, "en").message(Message(panels=(panel,)))

    assert calls(again, Catalog.t) == 0
    assert again().embeds == [english]  # type: ignore[attr-defined]
    assert Renderer(catalog, "en").message(Message(panels=(panel,))).embeds[0] is english
    french = Renderer(catalog, "fr").message(Message(panels=(panel,))).embeds[0]
    assert french is not english and french.title != english.title
    equal = panel.model_copy()
    anew = Renderer(catalog, "en").message(Message(panels=(equal,))).embeds[0]
    assert anew is not english and anew.to_dict() == english.to_dict()
    other = Catalog(catalog.messages, catalog.commands)
    assert Renderer(other, "en").message(Message(panels=(panel,))).embeds[0] is not english


def test_a_panel_that_keeps_its_fields_writes_only_what_differs() -> None:
    """A layout that keeps a panel's fields and changes only its footer (the status with
    the chat's latency) hands the renderer the same tuple of fields: they are written
    once per catalog and language, and only the title and the footer again (before: every
    field's name and value, 2 look-ups a field)."""
    catalog = load_catalog()
    fields = tuple(
        PanelField(name=Text.of(f"admin.fields.{name}"), value=Text.of("admin.not_set"))
        for name in ("checkin_channel", "questions_channel", "announcements_channel")
    )
    panel = Panel(title=Text.of("admin.status.title"), fields=fields)

    def with_footer(latency: int) -> Panel:
        footer = Text.of("admin.status.footer", version="1.0", latency=latency)
        return panel.model_copy(update={"footer": footer})

    first = Renderer(catalog, "en").message(Message(panels=(with_footer(41),))).embeds[0]
    slower = with_footer(42)

    def again() -> object:
        return Renderer(catalog, "en").message(Message(panels=(slower,)))

    assert calls(again, Catalog.t) == 2  # the title and the footer
    embed = Renderer(catalog, "en").message(Message(panels=(slower,))).embeds[0]
    assert embed.footer.text == "plc-bot 1.0 · latency 42 ms"
    assert embed.to_dict() == {**first.to_dict(), "footer": {"text": embed.footer.text}}
    french = Renderer(catalog, "fr").message(Message(panels=(with_footer(43),))).embeds[0]
    assert french.fields[0].name != embed.fields[0].name
    assert french.footer.text == "plc-bot 1.0 · latence 43 ms"
    built = Panel(title=panel.title, fields=panel.fields, footer=slower.footer)
    assert Renderer(catalog, "en").message(Message(panels=(built,))).embeds[0] == embed


def test_a_panel_built_around_kept_fields_writes_only_the_others() -> None:
    """A layout that keeps some fields and builds one anew (the status's health with the
    database's size) hands the renderer the same field objects: only the new field is
    written again, with the title (before: every field, 2 look-ups each)."""
    catalog = load_catalog()
    kept = tuple(
        PanelField(name=Text.of(f"admin.fields.{name}"), value=Text.of("admin.not_set"))
        for name in ("checkin_channel", "questions_channel", "announcements_channel")
    )
    title = Text.of("admin.status.title")
    Renderer(catalog, "en").message(Message(panels=(Panel(title=title, fields=kept),)))
    health = PanelField(name=Text.of("admin.status.health_title"), value=Text.of("admin.not_set"))
    panel = Panel(title=title, fields=(*kept, health))

    def render() -> object:
        return Renderer(catalog, "en").message(Message(panels=(panel,)))

    assert calls(render, Catalog.t) == 3  # the title, the new field's name and value
    anew = Panel(title=title, fields=tuple(item.model_copy() for item in (*kept, health)))
    rendered = Renderer(catalog, "en").message(Message(panels=(panel,))).embeds[0]
    assert Renderer(catalog, "en").message(Message(panels=(anew,))).embeds[0] == rendered
    french = Renderer(catalog, "fr").message(Message(panels=(panel,))).embeds[0]
    assert [field.name for field in french.fields] != [field.name for field in rendered.fields]
