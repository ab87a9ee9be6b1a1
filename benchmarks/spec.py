"""Who the benchmark's communities are: their ids, and the instant their year ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

MEMBERS = 30
WEEKS = 52
ZONE = "America/Toronto"
#: Synthetic ids live far below Discord's (and the emulator's) time-based snowflakes.
SYNTHETIC_BASE = 10**15
#: The benchmark's "now": a Monday, 12:00 in Toronto; the history ends here.
FIXTURE_NOW = datetime(2026, 1, 12, 17, tzinfo=UTC)


@dataclass(frozen=True)
class CommunitySpec:
    """The ids one community's rows use."""

    guild_id: int
    member_ids: tuple[int, ...]
    facilitator_role_id: int
    checkin_channel_id: int
    questions_channel_id: int
    announcements_channel_id: int
    moderation_channel_id: int
    general_channel_id: int
    voice_channel_id: int


def synthetic_community(index: int) -> CommunitySpec:
    base = SYNTHETIC_BASE + index * 1000
    return CommunitySpec(
        guild_id=base,
        member_ids=tuple(base + 100 + n for n in range(MEMBERS)),
        facilitator_role_id=base + 1,
        checkin_channel_id=base + 2,
        questions_channel_id=base + 3,
        announcements_channel_id=base + 4,
        moderation_channel_id=base + 5,
        general_channel_id=base + 6,
        voice_channel_id=base + 7,
    )
