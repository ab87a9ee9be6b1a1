"""Errors a user can act on. Services raise them; ``cogs/errors.py`` renders them."""

from __future__ import annotations


class UserError(Exception):
    """A refusal with a message key from the catalog and its placeholders.

    The message is shown (ephemeral, in the user's language); nothing was written.
    ``correctable``: whether the member may fix it by changing what they typed (a Discord
    form refused so is offered again, filled, with a *Correct it* button).
    """

    correctable = True

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:  # never echo user text into logs by accident
        return f"UserError({self.key!r})"


class FinalRefusal(UserError):
    """A refusal no change to what was typed can answer (the check-in closed, a goal in
    the form closed meanwhile): the refused form is not offered again."""

    correctable = False


class NotSetUp(UserError):
    """The community has not run ``/plc setup`` yet."""

    correctable = False

    def __init__(self) -> None:
        super().__init__("errors.not_set_up")


class NotFacilitator(UserError):
    correctable = False

    def __init__(self) -> None:
        super().__init__("errors.not_facilitator")
