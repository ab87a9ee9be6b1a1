"""Every timer kind declares what happens when it is missed, and ``/plc status`` can say it.

The kinds are those ``build_services`` registers with every feature on, so a new kind
cannot slip in without a declaration and both its sentences.
"""

from __future__ import annotations

from bot.app import build_services
from bot.i18n import LANGUAGES, load_catalog, placeholders
from bot.missed import WhenMissed
from bot.services.base import Core


async def test_every_registered_kind_declares_what_happens_when_it_is_missed(
    core: Core,
) -> None:
    build_services(core)
    catalog = load_catalog()
    kinds = sorted(core.scheduler.kinds)
    assert len(kinds) >= 13, kinds  # every feature is on in the test settings
    for kind in kinds:
        declared = core.scheduler.when_missed(kind)
        assert isinstance(declared, WhenMissed), kind
        if declared.policy == "tell":
            assert declared.handler is not None, f"{kind}: who tells the facilitators?"
        if declared.policy == "run_late":
            assert declared.handler is None, f"{kind}: the kind's own handler runs late"
        for language in LANGUAGES:
            sentence = catalog.messages[language].get(declared.said)
            assert sentence is not None, f"{kind}: {declared.said} missing in {language}"
            assert placeholders(sentence) == {"count"}, (kind, language)


async def test_a_missed_nudge_and_action_reminder_say_what_they_do(core: Core) -> None:
    """The two kinds that had no missed path: one tells, the other drops and says why."""
    build_services(core)
    nudge = core.scheduler.when_missed("checkin_nudge")
    action = core.scheduler.when_missed("action_due")
    assert nudge is not None and nudge.policy == "tell"
    assert action is not None and action.policy == "drop"
    said = load_catalog().t("en", action.said, count=1)
    assert "dropped" in said and "/actions" in said
