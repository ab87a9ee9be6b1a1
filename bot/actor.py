"""Who is acting: the platform-neutral identity services check permissions against."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.i18n import Language


@dataclass(frozen=True, slots=True)
class Actor:
    """A member doing something in a community, as the chat platform reported them.

    ``manages_guild`` is the platform's "Manage Server" power (Discord) or its
    equivalent; ``role_ids`` are compared with the community's configured roles by
    the services, never by adapters (STYLE 15).
    """

    guild_id: int
    user_id: int
    role_ids: frozenset[int] = field(default_factory=frozenset)
    manages_guild: bool = False
    language: Language = "en"

    def has_role(self, role_id: int | None) -> bool:
        return role_id is not None and role_id in self.role_ids
