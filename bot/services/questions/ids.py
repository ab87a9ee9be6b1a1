"""Every action id of anonymous questions and topics, written once.

An id holds only the item's opaque random ref, so a button says nothing about who wrote
the item or when. Earlier versions wrote ``plcq:<action>:<ref>`` (forms ``plcq:ask``,
``plcq:topic``, ``plcq:report:<ref>``): those templates are declared as ``legacy``, so
the buttons and forms of messages already posted keep reaching the same handlers.
"""

from __future__ import annotations

from bot.interactions.routes import CustomId

REF = "[0-9a-f]{16}"


def _action(name: str, *, legacy: bool = True) -> CustomId:
    """``plc:q:<name>:<ref>``, and the ``plcq:`` form earlier versions posted."""
    return CustomId(
        f"plc:q:{name}:{{ref}}", legacy=(f"plcq:{name}:{{ref}}",) if legacy else (), ref=REF
    )


# The public post, for every member.
UPVOTE = _action("up")
REPORT = _action("report")

# The moderation channel: an item awaiting review, then the moderators' decision.
APPROVE = _action("approve")
REJECT = _action("reject")
REJECT_AND_BLOCK = _action("rejectblock")
REVIEW_REMOVE = _action("rremove", legacy=False)
REVIEW_BLOCK = _action("rblock", legacy=False)
REVIEW_UNBLOCK = _action("runblock", legacy=False)

# A member's report to the moderators: its button opens the private moderation panel.
REPORTED = _action("reported", legacy=False)

# A facilitator's private moderation panel.
PANEL_DONE = _action("mdone")
PANEL_REMOVE = _action("mremove")
PANEL_BLOCK = _action("mblock")
PANEL_UNBLOCK = _action("munblock", legacy=False)

# Moderation buttons that public posts of earlier versions still carry (moderation has
# moved to the private panel since): routed, never put on a new message.
POST_DONE = _action("done")
POST_REMOVE = _action("remove")
POST_BLOCK = _action("block")

# Any other action of the feature, from an older or newer version: told it expired.
# Declared last: routes are tried in order.
EXPIRED = CustomId(
    "plc:q:{action}:{ref}", legacy=("plcq:{action}:{ref}",), action="[a-z]+", ref=REF
)

# Forms, routed when submitted, restart or not.
ASK_FORM = CustomId("plc:q:ask-form", legacy=("plcq:ask",))
TOPIC_FORM = CustomId("plc:q:topic-form", legacy=("plcq:topic",))
REPORT_FORM = CustomId("plc:q:report-form:{ref}", legacy=("plcq:report:{ref}",), ref=REF)
