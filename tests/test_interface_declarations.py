"""An interface declared on its handlers gives the UI the commands in the order written,
its handlers bound to the instance, and refuses a declaration that cannot work."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from bot.actor import Actor
from bot.clock import ControlledClock
from bot.interactions import UI, CustomId, Interaction
from bot.interactions.commands import Access, Command, Group, MessageCommand, Option
from bot.interactions.interface import (
    CommandGroup,
    Interface,
    click,
    command,
    form,
    message_command,
    on_confirm,
)
from bot.interactions.routes import Params

FIRST = CommandGroup("first", "The first group")
SECOND = CommandGroup("second", "The second group")
OPEN = CustomId("plc:test:open:{n}")
OLD_OPEN = CustomId("plc:test:old-open:{n}")
SENT = CustomId("plc:test:sent")


async def allow(access: Access, actor: Actor) -> None:
    return None


def built_ui() -> UI:
    return UI.build(ControlledClock(), allow)


class Sample(Interface):
    def __init__(self, names: list[str]) -> None:
        self.names = names

    @command("alone", "A top-level command")
    async def alone(self, ctx: Interaction) -> None: ...

    @FIRST.command("one", "The first one", Option("text", "Some text", required=True))
    async def one(self, ctx: Interaction, text: str) -> None: ...

    @SECOND.command("three", "In the second group", access="facilitator")
    async def three(self, ctx: Interaction) -> None: ...

    async def names_like(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
        return [(name, name) for name in self.names if current in name]

    @FIRST.command("two", "Back in the first group", given=("two",))
    @FIRST.command(
        "two-more",
        "One method, two commands",
        Option("name", "A name"),
        suggest={"name": names_like},
        given=("two-more",),
    )
    async def two(self, which: str, ctx: Interaction, name: str = "") -> None: ...

    @message_command("Look", hidden_unless="manage_messages")
    async def look(self, ctx: Interaction, posted: Any) -> None: ...

    @click(OPEN, OLD_OPEN)
    async def opened(self, ctx: Interaction, params: Params) -> None: ...

    @form(SENT)
    async def sent(self, ctx: Interaction, params: Params, values: Params) -> None: ...

    @on_confirm("sample.wipe", cancelled_key="sample.kept")
    async def wiped(self, ctx: Interaction, payload: Any) -> None: ...


async def test_commands_are_declared_in_the_order_written_with_their_groups() -> None:
    ui = built_ui()
    sample = Sample(["ada", "bob"])
    sample.declare(ui)

    alone, first, second, look = ui.commands
    assert isinstance(alone, Command) and alone.name == "alone"
    assert alone.handler == sample.alone
    assert isinstance(first, Group) and (first.name, first.description) == (
        "first",
        "The first group",
    )
    assert [c.name for c in first.commands] == ["one", "two", "two-more"]
    assert first.command("one").options == (Option("text", "Some text", required=True),)
    assert isinstance(second, Group) and [c.name for c in second.commands] == ["three"]
    assert second.command("three").access == "facilitator"
    assert isinstance(look, MessageCommand) and look.name == "Look"
    assert (look.access, look.hidden_unless) == ("facilitator", "manage_messages")


async def test_one_method_answers_several_commands_with_what_each_gives_it() -> None:
    ui = built_ui()
    sample = Sample([])
    sample.declare(ui)
    first = ui.commands[1]
    assert isinstance(first, Group)

    for name in ("two", "two-more"):
        handler = first.command(name).handler
        assert isinstance(handler, partial)
        assert handler.func == sample.two and handler.args == (name,)


async def test_a_suggestion_is_the_interface_own_method_bound_to_it() -> None:
    ui = built_ui()
    Sample(["ada", "bob", "adele"]).declare(ui)
    first = ui.commands[1]
    assert isinstance(first, Group)
    [option] = first.command("two-more").options

    assert option.suggest is not None
    assert await option.suggest(None, "ad") == [("ada", "ada"), ("adele", "adele")]


async def test_clicks_and_forms_reach_the_instance_method_by_every_id() -> None:
    ui = built_ui()
    sample = Sample([])
    sample.declare(ui)

    assert ui.routes.clicks.find(OPEN.build(n=4)) == (sample.opened, {"n": "4"})
    assert ui.routes.clicks.find(OLD_OPEN.build(n=5)) == (sample.opened, {"n": "5"})
    assert ui.routes.forms.find(SENT.build()) == (sample.sent, {})


async def test_a_confirmation_is_declared_once_per_kind() -> None:
    ui = built_ui()
    Sample([]).declare(ui)

    with pytest.raises(RuntimeError, match="declared twice"):
        ui.confirmations.on("sample.wipe", Sample([]).wiped, cancelled_key="sample.kept")


async def test_asking_to_confirm_before_declaring_is_refused() -> None:
    with pytest.raises(RuntimeError, match="before it was declared"):
        _ = Sample([]).confirmations


async def test_a_suggestion_for_an_option_the_command_lacks_is_refused() -> None:
    class Misnamed(Interface):
        async def nothing(self, ctx: Interaction, current: str) -> list[tuple[str, str]]:
            return []

        @command("odd", "Suggests for a missing option", suggest={"missing": nothing})
        async def odd(self, ctx: Interaction) -> None: ...

    with pytest.raises(LookupError, match="missing"):
        Misnamed().declare(built_ui())
