"""Settings: ``config.toml`` validated by pydantic, overridable from the environment.

Priority, highest first: ``DISCORD_TOKEN``, ``PLCBOT_<SECTION>__<KEY>`` variables,
the TOML file, the defaults below. Unknown keys and bad values stop start-up with a
message naming the file and the key (:class:`ConfigError`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from bot.config_discord import DiscordSettings
from bot.config_proxy import RestProxySettings
from bot.config_teams import (
    TeamsSettings,
    listening_address,
    secret_in_file,
    teams_problems,
)
from bot.db.url import DatabaseSettings
from bot.timezones import InvalidTimezone, validate_timezone

DEFAULT_CONFIG_PATH = Path("config.toml")
MIN_SECRET_LENGTH = 32


class ConfigError(Exception):
    """The configuration cannot be used; the message says what to fix."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


FeatureName = Literal["meetings", "questions", "checkins", "facilitation"]
FEATURES: tuple[FeatureName, ...] = ("meetings", "questions", "checkins", "facilitation")
#: What the deprecated ``[discord] cogs`` entries meant, as features.
_COG_FEATURES: dict[str, FeatureName | None] = {
    "cogs.admin": None,
    "cogs.members": None,
    "cogs.meetings": "meetings",
    "cogs.questions": "questions",
    "cogs.checkins": "checkins",
    "cogs.goals": "checkins",
    "cogs.rotation": "facilitation",
    "cogs.sessions": "facilitation",
}


class FeaturesSettings(_Section):
    enabled: list[FeatureName] = Field(default_factory=lambda: list(FEATURES))
    """The features this community bot offers (set-up and ``/me`` are always there)."""


class SchedulerSettings(_Section):
    default_grace_minutes: int = Field(default=60, ge=1, le=7 * 24 * 60)
    """How late a timer may still run after its due time, unless its kind says otherwise."""
    grace_minutes: dict[str, int] = Field(
        default_factory=lambda: {
            "meeting_reminder": 50,
            "checkin_open": 12 * 60,
            "checkin_nudge": 6 * 60,
            "checkin_close": 7 * 24 * 60,
            "question_post": 7 * 24 * 60,
            "questions_retention": 7 * 24 * 60,
            "session_nearly_up": 5,
            "session_time_up": 30,
            "rotation_offer": 7 * 24 * 60,
            "rotation_deadline": 24 * 60,
            "rotation_notice": 7 * 24 * 60,
            "action_due": 12 * 60,
        }
    )
    """Per kind of action: a reminder 3 hours late is noise, a digest a day late still helps."""
    late_note_after_minutes: int = Field(default=5, ge=0)
    """A timer run later than this gets a visible "sent late" note."""
    lease_seconds: float = Field(default=30, ge=1, le=600)
    """On a database several processes share: how long a process's claim on the timers it
    fires holds unless renewed. A process that dies leaves its timers this long at most."""
    poll_seconds: float = Field(default=5, ge=0.5, le=60)
    """On a database several processes share: how often a process looks for timers due
    that another process planned (their wake-up was in that process)."""

    def grace_for(self, kind: str) -> int:
        return self.grace_minutes.get(kind, self.default_grace_minutes)


class PrivacySettings(_Section):
    secret: SecretStr | None = None
    """The key of the HMAC that links anonymous questions for rate limits and blocks."""
    post_delay_max_seconds: int = Field(default=0, ge=0, le=6 * 3600)

    @field_validator("secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_SECRET_LENGTH:
            raise ValueError(f"must be at least {MIN_SECRET_LENGTH} characters")
        return value


class DefaultsSettings(_Section):
    timezone: str = "America/Toronto"
    language: Literal["fr", "en"] = "en"
    reminder_offsets_minutes: list[int] = Field(default_factory=lambda: [1440, 60])

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            return validate_timezone(value)
        except InvalidTimezone as exc:
            hint = f" (did you mean {', '.join(exc.suggestions)}?)" if exc.suggestions else ""
            raise ValueError(f"not an IANA Area/Location time zone{hint}") from None

    @field_validator("reminder_offsets_minutes")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if any(not 1 <= v <= 14 * 24 * 60 for v in value):
            raise ValueError("each offset must be between 1 and 20160 minutes (14 days)")
        return sorted(set(value), reverse=True)


class FacilitationSettings(_Section):
    protocols_dir: Path | None = None
    """A folder of the community's own session protocols (``*.toml``), besides the
    built-in ones. An invalid file is refused (named by file and key); the others load."""


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["text", "json"] = "text"
    """``json``: one JSON object per line (time, level, logger, message, guild id,
    feature, error reference) for a log collector."""


class OpsSettings(_Section):
    health_port: int | None = Field(default=None, ge=1, le=65535)
    """Serve ``GET /healthz`` on this port (for Docker's HEALTHCHECK and monitors)."""
    health_host: str = "127.0.0.1"
    """The address it listens on; ``0.0.0.0`` lets a monitor outside the machine ask."""

    @field_validator("health_host")
    @classmethod
    def _host(cls, value: str) -> str:
        return listening_address(value)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLCBOT_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    discord: DiscordSettings = DiscordSettings()
    features: FeaturesSettings = FeaturesSettings()
    database: DatabaseSettings = DatabaseSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    privacy: PrivacySettings = PrivacySettings()
    defaults: DefaultsSettings = DefaultsSettings()
    facilitation: FacilitationSettings = FacilitationSettings()
    logging: LoggingSettings = LoggingSettings()
    ops: OpsSettings = OpsSettings()
    teams: TeamsSettings = TeamsSettings()
    rest_proxy: RestProxySettings = RestProxySettings()

    reads_environment: ClassVar[bool] = True
    """``DISCORD_TOKEN`` and ``PLCBOT_*`` override the file (not in the playground)."""

    @field_validator("discord")
    @classmethod
    def _known_cogs(cls, value: DiscordSettings) -> DiscordSettings:
        unknown = sorted(set(value.cogs or ()) - _COG_FEATURES.keys())
        if unknown:
            raise ValueError(f"cogs: unknown {', '.join(unknown)}; use [features] enabled")
        return value

    def enabled_features(self) -> list[FeatureName]:
        """``[features] enabled``, or what the deprecated ``[discord] cogs`` meant."""
        named: set[FeatureName | None]
        if self.discord.cogs is None:
            named = set(self.features.enabled)
        else:
            named = {_COG_FEATURES[cog] for cog in self.discord.cogs}
        # In the order they are built, whatever order the file lists them in:
        # facilitation uses meetings and questions, built before it.
        return [feature for feature in FEATURES if feature in named]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        if not cls.reads_environment:
            return (init_settings,)
        # The file arrives as init kwargs; the environment must win over it.
        return (
            # The names every Discord host and tutorial use, and the Teams app's secret.
            _VariableSource(settings_cls, "DISCORD_TOKEN", ("discord", "token")),
            _VariableSource(settings_cls, "TEAMS_CLIENT_SECRET", ("teams", "client_secret")),
            env_settings,
            init_settings,
        )


class _SettingsIgnoringEnvironment(Settings):
    reads_environment: ClassVar[bool] = False


def settings_ignoring_environment(
    values: Mapping[str, Any], *, source: str = "<playground>"
) -> Settings:
    """Settings from ``values`` alone: the playground must not pick up the operator's
    ``DISCORD_TOKEN`` or ``PLCBOT_DATABASE__PATH`` (the real bot's token and database).
    ``source`` names where the values came from in the error about a bad one."""
    try:
        return _SettingsIgnoringEnvironment(**values)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None


class _VariableSource(PydanticBaseSettingsSource):
    """One environment variable giving one key of a section."""

    def __init__(
        self, settings_cls: type[BaseSettings], variable: str, key: tuple[str, str]
    ) -> None:
        super().__init__(settings_cls)
        self._variable = variable
        self._key = key

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        value = os.environ.get(self._variable)
        section, key = self._key
        return {section: {key: value}} if value else {}


def config_path_from_env(explicit: str | Path | None = None) -> Path:
    if explicit is not None:
        return Path(explicit)
    return Path(os.environ.get("PLCBOT_CONFIG", DEFAULT_CONFIG_PATH))


def load_settings(path: Path | None, *, required: bool = False) -> Settings:
    """Read ``path`` (if it exists), apply the environment, validate everything.

    A missing file is fine (embedded defaults) unless ``required``.
    """
    data = read_config_file(path, required=required) if path is not None else {}
    source = str(path) if path is not None else "<defaults>"
    refused = secret_in_file(data, source)
    if refused is not None:
        raise ConfigError(refused)
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None
    except SettingsError as exc:  # a variable pydantic-settings could not even parse
        raise ConfigError(_unreadable_variable(exc)) from None


def no_config_file(path: Path) -> str:
    """What to say when there is no config file where one is looked for."""
    return (
        f"{path}: no such file. Make one from the example, then edit it:\n"
        f"  cp config.example.toml {path}\n"
        "(config.example.toml comes with plc-bot's source and explains every key; "
        "--config PATH or PLCBOT_CONFIG names a file elsewhere.)"
    )


def read_config_file(path: Path, *, required: bool) -> dict[str, Any]:
    """The TOML of ``path``, not yet validated; nothing if it does not exist and is not
    ``required``."""
    if not path.exists():
        if required:
            raise ConfigError(no_config_file(path))
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def _describe(exc: ValidationError, source: str) -> str:
    """Each bad value named where it came from: the variable that set it (the
    environment wins over the file), else the file's section and key."""
    from_file, from_environment = [], []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"]]
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        message = message.removeprefix("Value error, ")
        variable = _variable_for(loc)
        if variable is not None:
            from_environment.append(f"  {variable}: {message}")
            continue
        where = f"[{loc[0]}] {'.'.join(loc[1:])}" if len(loc) > 1 else (loc[0] if loc else "?")
        from_file.append(f"  {where}: {message}")
    lines = [f"{source}: invalid configuration", *from_file] if from_file else []
    if from_environment:
        lines += ["environment: invalid configuration (these variables override the file)"]
        lines += from_environment
    return "\n".join(lines)


def _variables() -> dict[str, str]:
    """The environment's variable names by their upper case (pydantic-settings ignores
    case)."""
    return {name.upper(): name for name in os.environ}


def _variable_for(loc: list[str]) -> str | None:
    """The variable that set the value at ``loc``, if any: ``DISCORD_TOKEN``, or
    ``PLCBOT_<SECTION>__<KEY>`` (or a shorter one holding that part as JSON)."""
    names = _variables()
    candidates = ["DISCORD_TOKEN"] if loc[:2] == ["discord", "token"] else []
    candidates += ["PLCBOT_" + "__".join(loc[:n]).upper() for n in range(len(loc), 0, -1)]
    for candidate in candidates:
        if candidate in names:
            return names[candidate]
    return None


def _unreadable_variable(exc: SettingsError) -> str:
    """pydantic-settings names only the section: name the variables that set it."""
    found = re.search(r'field "(\w+)"', str(exc))
    section = found.group(1).upper() if found else ""
    names = sorted(
        name for upper, name in _variables().items() if upper.startswith(f"PLCBOT_{section}")
    )
    shown = ", ".join(names) or f"a PLCBOT_{section}__… variable"
    return (
        f"{shown}: cannot be read. A list or a table in a variable is written in JSON, "
        'e.g. PLCBOT_DISCORD__COGS=\'["cogs.admin", "cogs.members"]\' or '
        "PLCBOT_SCHEDULER__GRACE_MINUTES='{\"meeting_reminder\": 50}'."
    )


def runtime_problems(settings: Settings, *, needs_token: bool = True) -> list[str]:
    """What stops ``plc-bot run`` even though the file is well-formed."""
    problems = []
    if needs_token and settings.discord.token is None and settings.teams.app_id is None:
        problems.append(
            "[discord] token: missing (set DISCORD_TOKEN, or token in config.toml). "
            "To serve Microsoft Teams instead (or too), set [teams] app_id. "
            "To try the bot without Discord, run `plc-bot playground`."
        )
    if needs_token:
        problems += teams_problems(settings.teams)
    if settings.privacy.secret is None:
        problems.append(
            "[privacy] secret: missing; it keys the anonymity of /ask and has no default. "
            "Generate one: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    return problems
