"""A feature's start-up work (``Feature.on_ready``): run once per process, after the first
READY, whatever reconnections follow; a failing one does not stop the others."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from bot import app
from bot.features import Declare, Feature
from bot.services.base import Core
from bot.services.registry import Services
from tests.e2e.harness import Harness, until


def with_start_up(declare: Declare, runs: list[str], *, fails: bool = False) -> Declare:
    """``declare``, its feature given an ``on_ready`` that notes each run in ``runs``."""

    def declared(core: Core, services: Services) -> Feature:
        feature = declare(core, services)

        async def on_ready() -> None:
            runs.append(feature.name)
            if fails:
                raise RuntimeError("this start-up work failed")

        return dataclasses.replace(feature, on_ready=on_ready)

    return declared


async def test_start_up_work_runs_once_after_ready_even_when_the_gateway_reconnects(
    unstarted_harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    h = unstarted_harness
    caplog.set_level(logging.INFO, logger="cogs.client")
    runs: list[str] = []
    monkeypatch.setitem(app.FEATURES, "questions", with_start_up(app.FEATURES["questions"], runs))
    failing = with_start_up(app.FEATURES["checkins"], runs, fails=True)
    monkeypatch.setitem(app.FEATURES, "checkins", failing)
    bot = await h.start()
    await bot.startup_done.wait()
    assert sorted(runs) == ["checkins", "questions"]  # one failing does not stop the other

    await h.emu.drop_gateway(resumable=False)  # a fresh session: READY again
    await h.emu.wait_for(lambda: h.emu.identify_count == 2, timeout=15)
    await h.emu.wait_until_connected(timeout=10)
    await until(lambda: "reconnected" in caplog.messages)  # READY came again
    assert sorted(runs) == ["checkins", "questions"]

    await h.restart()  # a new process runs it again
    await h.bot.startup_done.wait()
    assert sorted(runs) == ["checkins", "checkins", "questions", "questions"]
