"""Command sync asks Discord what it has: one read at start, a sync only when it differs."""

from __future__ import annotations

from cogs.sync import canonical
from tests.e2e.harness import Harness


def _command_puts(harness: Harness) -> int:
    return len(harness.emu.recorder.find_requests(method="PUT", path_contains="/commands"))


async def test_an_unchanged_tree_is_read_once_and_not_synced_again(harness: Harness) -> None:
    registered = sorted(c.name for c in harness.emu.state.commands.values())
    assert "plc" in registered and "meeting" in registered
    puts = _command_puts(harness)
    reads_before = len(harness.emu.recorder.find_requests(method="GET", path_contains="/commands"))
    await harness.restart()
    reads = harness.emu.recorder.find_requests(method="GET", path_contains="/commands")
    assert len(reads) == reads_before + 1  # one request at start-up
    assert _command_puts(harness) == puts  # nothing re-registered
    assert sorted(c.name for c in harness.emu.state.commands.values()) == registered


async def test_commands_removed_on_discord_are_registered_again_at_next_start(
    harness: Harness,
) -> None:
    """A portal clean-up, a database restored onto another application, a fresh
    emulator: the database's memory of a past sync never overrules Discord."""
    registered = sorted(c.name for c in harness.emu.state.commands.values())
    harness.emu.state.commands.clear()
    puts = _command_puts(harness)
    await harness.restart()
    assert _command_puts(harness) == puts + 1
    assert sorted(c.name for c in harness.emu.state.commands.values()) == registered
    status = await harness.slash("bob", "plc status")  # usable again, no --sync needed
    assert status.ephemeral


async def test_a_changed_command_on_discord_is_put_back(harness: Harness) -> None:
    [plc] = [c for c in harness.emu.state.commands.values() if c.name == "plc"]
    plc.payload = {**plc.payload, "description": "edited by hand in the portal"}
    await harness.restart()
    [plc] = [c for c in harness.emu.state.commands.values() if c.name == "plc"]
    assert plc.payload["description"] != "edited by hand in the portal"


def test_discords_answer_and_discord_py_s_payload_compare_equal() -> None:
    sent = {"name": "Moderate", "type": 3, "default_member_permissions": 8192, "options": []}
    stored = {
        "id": "1",
        "application_id": "2",
        "version": "3",
        "name": "Moderate",
        "type": 3,
        "description": "",
        "default_member_permissions": "8192",
        "nsfw": False,
        "integration_types": [0],
        "name_localizations": None,
    }
    assert canonical(sent) == canonical(stored)
    assert canonical({**sent, "default_member_permissions": 32}) != canonical(stored)
