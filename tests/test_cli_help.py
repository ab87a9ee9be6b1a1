"""``plc-bot --help`` and each subcommand's ``--help`` are plain text."""

from __future__ import annotations

import argparse

import pytest

from bot.cli import _parser, main


def _subcommands() -> dict[str, str]:
    """Every subcommand and its one-line help, as the parser knows them."""
    (action,) = (a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: str(choice.help) for choice in action._choices_actions}
    return {name: helps[name] for name in action.choices}


def _help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--help"])
    assert exited.value.code == 0
    return capsys.readouterr().out


def test_the_main_help_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help([], capsys)
    assert "`" not in text
    assert "\nplc-bot: run, playground, migrate" in text


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_each_subcommand_help_says_what_it_does_in_plain_text(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _help([name], capsys)
    assert "`" not in text
    assert _subcommands()[name] in " ".join(text.split())
