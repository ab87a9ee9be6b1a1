"""The community as the application installs it: always on, before every feature, since
each of them asks it who may do what and hands it their status, members' data,
departures and retention rules."""

from __future__ import annotations

from bot.features import Feature
from bot.services.base import Core
from bot.services.community.audit import AuditService
from bot.services.community.interface import CommunityInterface
from bot.services.community.members import MemberService
from bot.services.community.retention import RetentionService
from bot.services.community.service import CommunityService
from bot.services.community.welcome import Greeter
from bot.services.registry import Services


def declare(core: Core, services: Services) -> Feature:
    community = CommunityService(core, Greeter(core))
    members = MemberService(core, community)
    audit = AuditService(core, community)
    return Feature(
        name="community",
        services=(community, members, RetentionService(core, members, community), audit),
        interface=CommunityInterface(community, audit, members).declare,
    )
