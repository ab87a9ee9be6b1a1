"""What members read: numbers, titles and dates written the way their language writes them."""

from __future__ import annotations

from tests.e2e.checkins_steps import set_goal
from tests.e2e.harness import Harness


async def test_goal_numbers_use_the_members_decimal_sign(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    form = await h.slash("alice", "goal set")  # alice's Discord is in French
    saved = await h.emu.submit_modal(
        h.user("alice"),
        form,
        {
            "title": "Lecture",
            "measure": "mots par minute",
            "baseline": "3,5",
            "target": "1 207,25",
            "due": "2027-06-15",
        },
    )
    assert "de 3,5 à 1\u202f207,25" in (saved.content or ""), saved.content
    await set_goal(h, "bob", baseline="3.5", target="1207.25")
    listed = await h.slash("bob", "goal list")
    assert listed.message is not None
    assert "target 1,207.25" in listed.message.all_text()
    french = await h.slash("alice", "goal list")
    assert french.message is not None
    assert "cible 1\u202f207,25" in french.message.all_text()


async def test_a_field_named_in_an_error_reads_as_part_of_the_sentence(harness: Harness) -> None:
    h = harness
    await h.setup_community()
    values = {"title": "Goal", "measure": "count", "target": "5", "due": "2027-01-01"}
    for user, said in (
        ("bob", "For the baseline, “forty” is not a number."),
        ("alice", "Pour le point de départ, « forty » n'est pas un nombre."),
    ):
        form = await h.slash(user, "goal set")
        refused = await h.emu.submit_modal(h.user(user), form, {**values, "baseline": "forty"})
        assert said in (refused.content or ""), refused.content
