"""``[rest_proxy]`` of the configuration: ``plc-bot rest-proxy``, in front of several bots.

The command line's ``--listen`` and ``--upstream`` win over the file; both are checked
by the same rules (:func:`proxy_settings`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from bot.config_teams import listening_address

DISCORD_API = "https://discord.com/api/v10"


class RestProxySettings(BaseModel):
    """Where the REST proxy listens, and where it forwards to."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    listen: str = "127.0.0.1:8081"
    """``HOST:PORT``; the bots' ``[discord] api_base_url`` is ``http://HOST:PORT``."""
    upstream: str = DISCORD_API
    """Discord's API, version included (a test points it at the emulator)."""

    @field_validator("listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, port = split_address(value)
        return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"

    @field_validator("upstream")
    @classmethod
    def _upstream(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or "?" in value or "#" in value:
            raise ValueError("must be an http(s):// URL, e.g. https://discord.com/api/v10")
        return value.rstrip("/")

    @property
    def host(self) -> str:
        return split_address(self.listen)[0]

    @property
    def port(self) -> int:
        return split_address(self.listen)[1]


def split_address(value: str) -> tuple[str, int]:
    """``127.0.0.1:8081`` or ``[::1]:8081`` as (IP address, port); port 0: any free one."""
    host, sep, port_text = value.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not sep or not host or not port_text.isdigit() or int(port_text) > 65535:
        raise ValueError("must be HOST:PORT, e.g. 127.0.0.1:8081 (port 0 to 65535)")
    return listening_address(host), int(port_text)


def proxy_settings(
    configured: RestProxySettings, *, listen: str | None, upstream: str | None
) -> RestProxySettings:
    """``[rest_proxy]`` with the command line's values over it, or why they are refused."""
    values = configured.model_dump()
    given = {"listen": listen, "upstream": upstream}
    values.update({key: value for key, value in given.items() if value is not None})
    try:
        return RestProxySettings(**values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "?"
        option = f"--{field}" if given.get(field) is not None else f"[rest_proxy] {field}"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ValueError(f"{option} {values[field]!r}: {message}") from None
