"""Fixtures: a started Teams emulator with a small tenant, and the minimal Agents SDK bot of
:mod:`tests.teams_emulator.minibot` listening on a real port, wired to each other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.emulator.teams import Team, TeamsChannel, TeamsEmulator, TeamsUser

from .minibot import MiniTeamsBot


@dataclass
class Tenant:
    alice: TeamsUser
    bob: TeamsUser
    team: Team
    checkins: TeamsChannel


@pytest.fixture
async def emu() -> AsyncIterator[TeamsEmulator]:
    async with TeamsEmulator() as emulator:
        yield emulator


@pytest.fixture
def tenant(emu: TeamsEmulator) -> Tenant:
    alice = emu.state.add_user("Alice Tremblay", locale="fr-CA")
    bob = emu.state.add_user("Bob Martin")
    team = emu.state.add_team("PLC Grade 5", [alice, bob], channels=("Check-ins",))
    return Tenant(alice, bob, team, team.channel_named("Check-ins"))


@pytest.fixture
async def bot(emu: TeamsEmulator) -> AsyncIterator[MiniTeamsBot]:
    minibot = MiniTeamsBot(app_id=emu.state.app_id)
    emu.bot_endpoint = await minibot.start()
    yield minibot
    await minibot.stop()
    assert not minibot.errors, f"the bot's turns failed: {minibot.errors!r}"
