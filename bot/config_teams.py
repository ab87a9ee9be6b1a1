"""``[teams]`` of the configuration: Microsoft Teams, beside Discord or alone.

The client secret of the bot's app registration is a password to its identity: it is
read from the environment only (``TEAMS_CLIENT_SECRET`` or ``PLCBOT_TEAMS__CLIENT_SECRET``)
and refused in the file. ``local_anonymous`` turns Teams' token checks off for the local
emulator and the playground; ``plc-bot run`` refuses it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


def listening_address(value: str) -> str:
    """An address to listen on must be an IP address (a name could resolve elsewhere)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError("must be an IP address, e.g. 127.0.0.1 or 0.0.0.0") from None
    return value


class TeamsSettings(BaseModel):
    """Microsoft Teams (a bot registered in Azure Bot Service, Microsoft 365 Agents SDK)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    app_id: str | None = None
    """The bot's Microsoft app id (its Entra app registration); set it to serve Teams."""
    tenant_id: str | None = None
    """The Entra tenant the app registration lives in (single-tenant bots)."""
    client_secret: SecretStr | None = None
    """Read from the environment only (``TEAMS_CLIENT_SECRET`` or
    ``PLCBOT_TEAMS__CLIENT_SECRET``): never written in a file that may be shared."""
    host: str = "127.0.0.1"
    """The address the messaging endpoint listens on (behind a reverse proxy with TLS)."""
    port: int = Field(default=3978, ge=0, le=65535)
    path: str = "/api/messages"
    """The messaging endpoint's path, as registered in Azure Bot Service."""
    public_url: str | None = None
    """The https address the endpoint is reached at from outside (files the bot shares
    are downloaded from there); without it, files are offered as text only."""
    local_anonymous: bool = False
    """No token checks at all: only for the local emulator and the playground
    (``plc-bot run`` refuses it)."""

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        return listening_address(value)

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        if not value.startswith("/") or " " in value:
            raise ValueError("must be a path starting with /, e.g. /api/messages")
        return value

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s):// URL")
        return value.rstrip("/") if value else value


def secret_in_file(data: Mapping[str, Any], source: str) -> str | None:
    """Why the file cannot be used, if it holds the Teams client secret (a password to
    the bot's identity: a secret in a file gets copied and shared)."""
    teams = data.get("teams")
    if isinstance(teams, Mapping) and "client_secret" in teams:
        return (
            f"{source}: [teams] client_secret: not read from the file (a secret in a file "
            "gets copied and shared); remove it and set TEAMS_CLIENT_SECRET (or "
            "PLCBOT_TEAMS__CLIENT_SECRET) in the bot's environment"
        )
    return None


def teams_problems(teams: TeamsSettings) -> list[str]:
    """What stops serving Teams for real (the local anonymous mode is the emulator's)."""
    if teams.local_anonymous:
        return [
            "[teams] local_anonymous: only the local emulator and the playground may run "
            "without token checks; remove it (plc-bot run always checks Teams' tokens)"
        ]
    if teams.app_id is None:
        return []
    problems = []
    if teams.tenant_id is None:
        problems.append("[teams] tenant_id: missing (the Entra tenant of the bot's app)")
    if teams.client_secret is None:
        problems.append(
            "[teams] client_secret: missing; set TEAMS_CLIENT_SECRET in the environment "
            "(the secret of the bot's app registration)"
        )
    return problems
