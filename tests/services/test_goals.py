"""Goals: validation of the /goal set modal, ownership, progress series, personal data."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import pytest

from bot.actor import Actor
from bot.chat import Join, Panel, render
from bot.clock import ControlledClock
from bot.db import checkins as checkins_db
from bot.db.goals import ListedGoal
from bot.errors import UserError
from bot.i18n import Catalog, Language, load_catalog
from bot.interactions.errors import refusal_text
from bot.services.base import Core
from bot.services.checkins import GoalService, format_number, parse_number, replies
from bot.services.checkins.goal_models import GoalOverview, ListedProgress
from bot.services.community import CommunityService
from tests.conftest import START
from tests.markup import PLAIN
from tests.services.checkins.harness import (
    ALICE,
    BOB,
    FACILITATORS_ROLE,
    GUILD,
    set_up_community,
)
from tests.services.test_reply_costs import built, validations


@pytest.fixture
async def goals(core: Core) -> GoalService:
    community = CommunityService(core)
    await set_up_community(community)
    return GoalService(core, community)


def _actor(user: int, *, as_facilitator: bool = False, language: Language = "en") -> Actor:
    roles = frozenset({FACILITATORS_ROLE}) if as_facilitator else frozenset()
    return Actor(GUILD, user, role_ids=roles, language=language)


async def _set(
    goals: GoalService,
    user: int = ALICE,
    *,
    as_facilitator: bool = False,
    language: Language = "en",
    **changes: object,
) -> int:
    values: dict[str, object] = {
        "scope": "mine",
        "title": "Reading fluency",
        "measure": "% of students at level 3",
        "baseline": "40",
        "target": "75",
        "due": "2027-06-15",
    }
    values.update(changes)
    actor = _actor(user, as_facilitator=as_facilitator, language=language)
    goal = await goals.create_goal(actor, **values)  # type: ignore[arg-type]
    return goal.id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3.0),
        ("3,5", 3.5),
        ("3.5", 3.5),
        (" -2 ", -2.0),
        ("1 000", 1000.0),
        ("1\u202f000,25", 1000.25),
        ("80 %", 80.0),
        ("", None),
        ("   ", None),
    ],
)
def test_numbers_are_read_as_people_type_them(text: str, expected: float | None) -> None:
    assert parse_number(text, field="x") == expected


@pytest.mark.parametrize("text", ["three", "3,5,1", "1e309", "nan", "inf", "3..5", "--1"])
def test_non_numbers_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_number(text, field="The target")
    assert caught.value.key == "goals.errors.not_a_number"
    assert caught.value.params["field"] == "The target"


def test_numbers_are_shown_without_useless_decimals() -> None:
    assert [format_number(v) for v in (12.0, 3.5, 0.125, -2.0)] == ["12", "3.5", "0.12", "-2"]


async def test_a_goal_is_saved_with_french_decimals(goals: GoalService) -> None:
    goal_id = await _set(goals, baseline="2,5", target="4,75", due="15 juin 2027", language="fr")
    overview = await goals.overview(_actor(ALICE))
    (mine,) = overview.mine
    assert mine.goal.id == goal_id
    assert (mine.goal.baseline, mine.goal.target) == (2.5, 4.75)
    assert mine.goal.due_on == date(2027, 6, 15)
    assert mine.latest is None and overview.community == []


async def test_target_equal_to_baseline_is_refused_and_nothing_saved(goals: GoalService) -> None:
    with pytest.raises(UserError) as caught:
        await _set(goals, baseline="10", target="10,0")
    assert caught.value.key == "goals.errors.target_is_baseline"
    assert (await goals.overview(_actor(ALICE))).mine == []


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"baseline": "forty"}, "goals.errors.not_a_number"),
        ({"target": ""}, "errors.text_empty"),
        ({"title": "   "}, "errors.text_empty"),
        ({"title": "x" * 101}, "errors.text_too_long"),
        ({"measure": "\u0000\u0007"}, "errors.text_empty"),
        ({"due": "2026-01-05"}, "errors.date_past"),
        ({"due": "2026-02-30"}, "errors.date_impossible"),
        ({"due": "2029-01-01"}, "errors.date_too_far"),
    ],
)
async def test_bad_input_is_refused_with_a_clear_key(
    goals: GoalService, changes: dict[str, object], key: str
) -> None:
    with pytest.raises(UserError) as caught:
        await _set(goals, **changes)
    assert caught.value.key == key
    assert (await goals.overview(_actor(ALICE))).mine == []


async def test_the_date_error_names_the_due_date_field(goals: GoalService) -> None:
    with pytest.raises(UserError) as caught:
        await _set(goals, due="2025-12-01")
    assert caught.value.params["field"] == "goal_due"  # named by its id, read mid-sentence:
    told = render(refusal_text(load_catalog(), caught.value), "en", load_catalog(), PLAIN)
    assert "the due date" in told


async def test_only_facilitators_set_community_goals(goals: GoalService) -> None:
    with pytest.raises(UserError) as caught:
        await _set(goals, scope="community")
    assert caught.value.key == "errors.not_facilitator"
    goal_id = await _set(goals, scope="community", as_facilitator=True, title="Peer visits")
    overview = await goals.overview(_actor(BOB))
    assert [g.goal.id for g in overview.community] == [goal_id]
    assert overview.community[0].goal.owner_id is None
    assert overview.mine == []


async def test_only_facilitators_open_the_community_goal_form(goals: GoalService) -> None:
    await goals.require_scope(_actor(BOB), "mine")
    with pytest.raises(UserError) as caught:
        await goals.require_scope(_actor(BOB), "community")
    assert caught.value.key == "errors.not_facilitator"
    community = await goals.require_scope(_actor(BOB, as_facilitator=True), "community")
    assert community.guild_id == GUILD


async def test_closing_checks_ownership_and_happens_once(goals: GoalService) -> None:
    mine = await _set(goals)
    shared = await _set(goals, scope="community", as_facilitator=True)
    with pytest.raises(UserError) as caught:
        await goals.close_goal(_actor(BOB, as_facilitator=True), str(mine))
    assert caught.value.key == "goals.errors.not_yours"
    with pytest.raises(UserError) as caught:
        await goals.close_goal(_actor(ALICE), str(shared))
    assert caught.value.key == "goals.errors.community_goal"  # only facilitators close it
    with pytest.raises(UserError) as caught:
        await goals.close_goal(_actor(ALICE), "not-an-id")
    assert caught.value.key == "goals.errors.unknown_goal"

    closed = await goals.close_goal(_actor(ALICE), str(mine))
    assert closed.status == "closed" and closed.closed_at == START
    with pytest.raises(UserError) as caught:
        await goals.close_goal(_actor(ALICE), str(mine))
    assert caught.value.key == "goals.errors.already_closed"
    await goals.close_goal(_actor(BOB, as_facilitator=True), str(shared))


async def test_a_goal_is_named_by_its_title_typed_in_full(goals: GoalService) -> None:
    """Typed before picking, or on Teams, which suggests nothing as one types."""
    reading = await _set(goals, title="Lecture fluide")
    await _set(goals, user=BOB, title="Writing")
    report = await goals.progress(_actor(ALICE), goal_ref=" lecture FLUIDE")
    assert report.series.goal.id == reading
    with pytest.raises(UserError) as caught:
        await goals.progress(_actor(ALICE), goal_ref="Writing")  # Bob's, not hers
    assert caught.value.key == "goals.errors.unknown_progress_goal"
    with pytest.raises(UserError) as caught:
        await goals.close_goal(_actor(ALICE), "writing")
    assert caught.value.key == "goals.errors.unknown_goal"
    closed = await goals.close_goal(_actor(ALICE), "Lecture fluide")
    assert closed.id == reading and closed.status == "closed"
    with pytest.raises(UserError) as caught:  # by title: only open goals are closed
        await goals.close_goal(_actor(ALICE), "Lecture fluide")
    assert caught.value.key == "goals.errors.unknown_goal"
    await _set(goals, title="Twice")
    await _set(goals, title="twice")
    with pytest.raises(UserError) as caught:
        await goals.close_goal(_actor(ALICE), "TWICE")
    assert caught.value.key == "goals.errors.ambiguous_goal"


async def test_autocomplete_offers_own_open_goals_and_community_ones_to_facilitators(
    goals: GoalService,
) -> None:
    reading = await _set(goals, title="Reading")
    writing = await _set(goals, title="Writing")
    await _set(goals, user=BOB, title="Reading too")
    shared = await _set(goals, scope="community", as_facilitator=True, title="Peer visits")
    await goals.close_goal(_actor(ALICE), str(writing))
    member = await goals.closable_goals(_actor(ALICE))
    assert [g.id for g in member] == [reading]
    facilitator = await goals.closable_goals(_actor(ALICE, as_facilitator=True), "e")
    assert [g.id for g in facilitator] == [reading, shared]


async def test_the_progress_series_is_the_stored_values_in_week_order(
    goals: GoalService, core: Core, clock: ControlledClock
) -> None:
    goal_id = await _set(goals)
    reported = [45.0, 52.5, 50.0]
    async with core.db.transaction() as conn:
        for week, value in enumerate(reported):
            checkin = await checkins_db.create_checkin(
                conn,
                GUILD,
                schedule_id=None,
                week=f"2026-W{49 + week}",
                questions=None,
                pulse=False,
                channel_id=500,
                opened_at=START + timedelta(weeks=week + 1),
                closes_at=START + timedelta(weeks=week + 1, hours=48),
            )
            assert checkin is not None
            answer = await checkins_db.insert_answer(
                conn,
                GUILD,
                checkin.id,
                ALICE,
                progress=None,
                texts=["", ""],
                help_text="",
                now=START,
            )
            assert answer is not None
            await checkins_db.set_goal_numbers(conn, answer.id, {goal_id: value})
    report = await goals.progress(_actor(BOB), ALICE)  # anyone may chart a member's goal
    series = report.series
    assert report.member_id == ALICE and report.language == "en"
    assert series.goal.id == goal_id
    assert [p.value for p in series.points] == reported
    assert [p.week for p in series.points] == ["2026-W49", "2026-W50", "2026-W51"]
    assert series.points[0].day == date(2026, 11, 30)
    assert series.start == date(2026, 11, 23)
    overview = await goals.overview(_actor(ALICE))
    assert overview.mine[0].latest == 50.0
    assert overview.mine[0].fraction == pytest.approx(10 / 35)

    with pytest.raises(UserError) as caught:
        await goals.progress(_actor(BOB))
    assert caught.value.key == "goals.errors.no_goal"


async def test_export_and_delete_reach_every_goal_of_the_member(
    goals: GoalService, core: Core
) -> None:
    await _set(goals)
    await _set(goals, user=BOB)
    shared = await _set(goals, scope="community", as_facilitator=True)
    async with core.db.read() as conn:
        exported = await goals.export_member(conn, GUILD, ALICE)
    assert [g["owner_id"] for g in exported["goals"]] == [ALICE]
    assert exported["goals"][0]["values"] == []
    async with core.db.transaction() as conn:
        await goals.delete_member(conn, GUILD, ALICE)
    assert (await goals.overview(_actor(ALICE))).mine == []
    bob = await goals.overview(_actor(BOB))
    assert len(bob.mine) == 1 and [g.goal.id for g in bob.community] == [shared]


async def test_goal_list_validates_no_goal(goals: GoalService) -> None:
    """``/goal list``'s goals are only shown: read as plain tuples with their latest values,
    and a list already shown is not laid out again; the community's goals, on every
    member's list, share their lines."""
    for title in ("Reading", "Writing", "Listening"):
        await _set(goals, title=title)
    await _set(goals, scope="community", as_facilitator=True, title="Peer visits")
    await goals.overview(_actor(ALICE))  # the community's settings kept
    overview, read = await validations(goals.overview(_actor(ALICE)))
    assert [g.goal.title for g in overview.mine] == ["Listening", "Writing", "Reading"]
    assert [g.goal.title for g in overview.community] == ["Peer visits"]
    assert read == 0, read  # before: the goals, their progress and the overview, 9

    async def laid_out(user: int) -> Panel:
        return replies.goals_panel(await goals.overview(_actor(user)))

    panel = await laid_out(ALICE)
    again, rebuilt = await validations(laid_out(ALICE))
    assert again is panel and rebuilt == 0, rebuilt
    bob = await laid_out(BOB)
    shared, bobs = panel.fields[1].value, bob.fields[1].value
    assert isinstance(shared, Join) and isinstance(bobs, Join)
    assert bobs.parts[0] is shared.parts[0]
    # The reply itself, around the same panel, is not built again either.
    message = replies.goals_message(await goals.overview(_actor(ALICE)))
    assert message.panels == (panel,)
    overview = await goals.overview(_actor(ALICE))
    message_again, rebuilt = await validations(built(replies.goals_message, overview))
    assert message_again is message and rebuilt == 0, rebuilt


class _CountingCatalog(Catalog):
    """The real catalog, counting the texts it writes (a list of rows is one)."""

    def __init__(self) -> None:
        real = load_catalog()
        super().__init__(real.messages, real.commands)
        self.written: list[str] = []

    def t(self, language: str, key: str, /, **params: object) -> str:
        self.written.append(key)
        return super().t(language, key, **params)

    def rows(
        self, language: str, key: str, names: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> list[str]:
        self.written.append(key)
        return super().rows(language, key, names, rows)


def _listed(
    title: str,
    latest: float | None,
    *,
    owner: int | None = ALICE,
    closed: bool = False,
    number: int = 1,
) -> ListedProgress:
    goal = ListedGoal(
        number, "member" if owner else "community", owner, title, "pages", 2.0, 12.0,
        date(2027, 6, 15), "closed" if closed else "open",
    )  # fmt: skip
    return ListedProgress(goal=goal, latest=latest)


@pytest.mark.parametrize(
    ("language", "mine", "community"),
    [
        (
            "en",
            "#1 · **Reading**: 7.5 now (55% of the way) · target 12 (pages) · due 15 June 2027\n"
            "#2 · **Writing**: 4 now (20% of the way) · target 12 (pages) · due 15 June 2027\n"
            "#3 · **Listening**: baseline 2, no value reported yet · target 12 (pages) · due "
            "15 June 2027",
            "#4 · **Peer visits**: 3 now (10% of the way) · target 12 (pages) · due 15 June 2027\n"
            "#5 · ~~Old~~ (closed): 12 now (100% of the way) · target 12\n"
            "#6 · ~~Older~~ (closed): baseline 2, no value reported yet · target 12",
        ),
        (
            "fr",
            "Nº 1 · **Reading** : 7,5 actuellement (55 % du chemin) · cible 12 (pages) · "
            "échéance 15 juin 2027\nNº 2 · **Writing** : 4 actuellement (20 % du chemin) · "
            "cible 12 (pages) · échéance 15 juin 2027\nNº 3 · **Listening** : point de départ 2, "
            "aucune valeur indiquée · cible 12 (pages) · échéance 15 juin 2027",
            "Nº 4 · **Peer visits** : 3 actuellement (10 % du chemin) · cible 12 (pages) · "
            "échéance 15 juin 2027\nNº 5 · ~~Old~~ (clos) : 12 actuellement (100 % du chemin) · "
            "cible 12\nNº 6 · ~~Older~~ (clos) : point de départ 2, aucune valeur indiquée · "
            "cible 12",
        ),
    ],
)
def test_goal_list_writes_a_text_for_each_run_of_lines(
    language: Language, mine: str, community: str
) -> None:
    """A goal's line holds its progress (one catalog text a goal, not two), and goals next
    to each other written with the same message are one list of rows: the reply writes
    its title, its two headings and a text per run of lines, the same words as before."""
    overview = GoalOverview(
        mine=[
            _listed("Reading", 7.5, number=1),
            _listed("Writing", 4.0, number=2),
            _listed("Listening", None, number=3),
        ],
        community=[
            _listed("Peer visits", 3.0, owner=None, number=4),
            _listed("Old", 12.0, owner=None, closed=True, number=5),
            _listed("Older", None, owner=None, closed=True, number=6),
        ],
    )
    panel = replies.goals_panel(overview)
    catalog = _CountingCatalog()
    shown = [render(field.value, language, catalog, PLAIN) for field in panel.fields]
    assert shown == [mine, community]
    render(panel.title, language, catalog, PLAIN)
    for field in panel.fields:
        render(field.name, language, catalog, PLAIN)
    # before: a line and its progress for each goal, 3 + 2 × 6 = 15 texts
    assert len(catalog.written) == 3 + 5, catalog.written
