"""The sample community of the meeting and facilitation service tests: its server, its
members, channels and facilitator role (the question tests use snowflake-sized ids)."""

from __future__ import annotations

GUILD = 1000
ADMIN = 1
ALICE, BOB, CAROL, DAVE, ERIN = 11, 12, 13, 14, 15
ANNOUNCEMENTS = 500
MODERATION = 501
ROOM = 502
VOICE = 600
FACILITATOR_ROLE = 700
