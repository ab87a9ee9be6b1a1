"""The action id of every session button and of the Add action form: ids only, so they
survive restarts (the same ids as the messages posted by earlier versions carry).

Pass, Done and Next carry the step (and turn) they were shown for: a stale or a second
simultaneous click is told the session moved on, and moves nothing. End carries it too,
so the controls it was pressed on can be shown as they were, without buttons (End
buttons posted by earlier versions, without a step, still end the session).
"""

from __future__ import annotations

from bot.interactions.routes import ID_PART, CustomId

JOIN = CustomId("plc:ses:join:{session}")
SKIP_TURN = CustomId("plc:ses:pass:{session}:{step}:{turn}")
DONE = CustomId("plc:ses:done:{session}:{step}:{turn}")
NEXT = CustomId("plc:ses:next:{session}:{step}", step=f"-?{ID_PART}")  # -1: the opening
MORE = CustomId("plc:ses:more:{session}:{step}")
END = CustomId(
    "plc:ses:end:{session}:{step}", step=f"-?{ID_PART}", legacy=("plc:ses:end:{session}",)
)
ADD_ACTION = CustomId("plc:ses:add:{session}")
ACTION_FORM = CustomId("plc:ses:form:{session}")
REVIEW = CustomId("plc:ses:rev:{session}:{action}:{outcome}", outcome="done|carried")
DISCUSSED = CustomId("plc:ses:disc:{session}:{item}")
