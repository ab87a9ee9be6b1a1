"""Keyed hashes that link anonymous posts to a person only for the holder of the secret.

Every tag is HMAC-SHA256 keyed with ``[privacy] secret`` over a purpose label, the
guild, the member and a context (a fresh random nonce, or the item's opaque ref).
Nothing stored is the same for two posts of one person, so the database alone
cannot group them; with the secret, the bot can test a *candidate* member against a
stored tag, which is all rate limits, blocks and upvote de-duplication need. There is
deliberately no way back from a tag to a member.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Literal

from bot.config import PrivacySettings
from bot.errors import UserError

Purpose = Literal["question", "rate", "upvote", "report"]
NONCE_BYTES = 16


class Anonymizer:
    """Computes and checks the keyed tags of one secret."""

    def __init__(self, secret: str | None) -> None:
        self._key = secret.encode() if secret else None

    @classmethod
    def configured(cls, privacy: PrivacySettings) -> Anonymizer:
        """The anonymizer of ``[privacy] secret``; without one it is not :attr:`ready`."""
        secret = privacy.secret
        return cls(secret.get_secret_value() if secret else None)

    @property
    def ready(self) -> bool:
        return self._key is not None

    def _require_key(self) -> bytes:
        if self._key is None:
            # No built-in default secret: without one, anonymity cannot be promised.
            raise UserError("questions.errors.no_secret")
        return self._key

    def check_ready(self) -> None:
        self._require_key()

    def tag(self, purpose: Purpose, guild_id: int, user_id: int, context: bytes | str) -> bytes:
        """The keyed hash of ``(purpose, guild, member, context)``."""
        key = self._require_key()
        context_bytes = context.hex() if isinstance(context, bytes) else context
        message = f"plc-bot/v1|{purpose}|{guild_id}|{user_id}|{context_bytes}".encode()
        return hmac.new(key, message, hashlib.sha256).digest()

    def matches(
        self, purpose: Purpose, guild_id: int, user_id: int, context: bytes | str, tag: bytes
    ) -> bool:
        return hmac.compare_digest(self.tag(purpose, guild_id, user_id, context), tag)

    def pulse_voter(self, checkin_id: int, user_id: int) -> str:
        """The check-in pulse's voter tag: one vote per member and check-in, no author.

        Hex of HMAC-SHA256 over ``pulse|checkin|user``: the layout stored in
        ``checkin_pulse.voter_hash`` since the pulse began (it predates :meth:`tag`'s),
        kept byte for byte so a member who voted before can still change their vote.
        """
        message = f"pulse|{checkin_id}|{user_id}".encode()
        return hmac.new(self._require_key(), message, hashlib.sha256).hexdigest()

    @staticmethod
    def new_nonce() -> bytes:
        return secrets.token_bytes(NONCE_BYTES)
