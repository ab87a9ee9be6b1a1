"""The base of the values the code hands around: pydantic models never changed once built."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """A value: validated when built, then never changed (and hashable when its fields are)."""

    model_config = ConfigDict(frozen=True)
