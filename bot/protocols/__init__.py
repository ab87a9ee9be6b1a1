"""Session protocols: the ordered steps a live session runs.

A protocol is a TOML file validated by :class:`Protocol`. The built-in ones ship in
this folder (``plc``, ``codev``, ``exchange``, ``checkin-round``); a community adds
its own in the folder named by ``[facilitation] protocols_dir``. A custom file that
does not validate is refused with its file name, the key and what is wrong, and the
others still load (:class:`ProtocolCatalog.problems`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bot.actor import Actor
from bot.errors import UserError
from bot.i18n import Language, load_catalog
from bot.interactions.suggest import matching
from bot.protocols.problems import ProtocolProblem, file_problem, problems_from
from bot.text import folded

BUILTIN_DIR = Path(__file__).resolve().parent
BUILTIN_IDS = ("plc", "codev", "exchange", "checkin-round")
DEFAULT_PROTOCOL = "plc"
EXAMPLE_FILE = "team-retro.toml"
MAX_STEPS = 20
MAX_POOL = 100
MAX_TOTAL_MINUTES = 8 * 60
StepMode = Literal["discussion", "round"]
Audience = Literal["everyone", "consultants", "client"]
"""Who a step is for: everyone; everyone but the client (codéveloppement's
consultants); the client alone."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Localized(_Strict):
    """The same text in French and English (both required)."""

    fr: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, language: str) -> str:
        return self.fr if language == "fr" else self.en


class ShortText(Localized):
    fr: str = Field(min_length=1, max_length=100)
    en: str = Field(min_length=1, max_length=100)


class LongText(Localized):
    fr: str = Field(min_length=1, max_length=1000)
    en: str = Field(min_length=1, max_length=1000)


class Step(_Strict):
    title: ShortText
    prompt: LongText
    minutes: int = Field(ge=1, le=180)
    """Suggested duration; timers tell when it is nearly up and over, never block."""
    mode: StepMode
    audience: Audience = "everyone"
    questions: tuple[LongText, ...] = Field(default=(), max_length=MAX_POOL)
    """An optional pool of opening questions: one is drawn per session, without
    repeating until the pool is used up."""

    @field_validator("audience")
    @classmethod
    def _client_declared(cls, audience: Audience, info: ValidationInfo) -> Audience:
        # With the file's ``client`` flag in the context, the error names this step's key.
        context = info.context or {}
        if audience != "everyone" and context.get("client") is False:
            raise _needs_client(audience)
        return audience


def _needs_client(audience: str) -> PydanticCustomError:
    return PydanticCustomError(
        "needs_client",
        "audience = {audience!r} needs client = true at the top of the file",
        {"audience": audience},
    )


class Protocol(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,31}$")
    name: ShortText
    overview: LongText
    client: bool = False
    """The session starts with a "client" (codéveloppement): steps may address them."""
    steps: tuple[Step, ...] = Field(min_length=1, max_length=MAX_STEPS)

    @field_validator("steps")
    @classmethod
    def _steps_fit(cls, steps: tuple[Step, ...]) -> tuple[Step, ...]:
        total = sum(step.minutes for step in steps)
        if total > MAX_TOTAL_MINUTES:
            raise PydanticCustomError(
                "too_many_minutes",
                "the steps last {total} minutes in all; at most {max}",
                {"total": total, "max": MAX_TOTAL_MINUTES},
            )
        return steps

    @model_validator(mode="after")
    def _audience_needs_client(self) -> Protocol:
        for step in self.steps:
            if step.audience != "everyone" and not self.client:
                raise _needs_client(step.audience)
        return self

    def name_in(self, language: str) -> str:
        return self.name.text(language)

    @property
    def total_minutes(self) -> int:
        return sum(step.minutes for step in self.steps)


class ProtocolCatalog:
    """The protocols a session can run: the built-in ones, then the valid custom ones."""

    def __init__(
        self,
        protocols: Iterable[Protocol],
        problems: Iterable[ProtocolProblem] = (),
        custom_ids: Iterable[str] = (),
    ) -> None:
        self._by_id = {p.id: p for p in protocols}
        self.problems = list(problems)
        self.custom_ids = frozenset(custom_ids)

    def get(self, protocol_id: str) -> Protocol | None:
        """The protocol with this id, or this name in either language (accents and case
        aside: a name typed where nothing is suggested, as in a Teams command)."""
        found = self._by_id.get(protocol_id.strip().lower())
        if found is not None:
            return found
        typed = folded(protocol_id)
        return next(
            (
                p
                for p in self._by_id.values()
                if typed in {folded(p.name_in("en")), folded(p.name_in("fr"))}
            ),
            None,
        )

    def all(self) -> list[Protocol]:
        return list(self._by_id.values())

    def require(self, reference: str, language: Language = "en") -> Protocol:
        """The protocol a facilitator named (its id, its name, or a part of them that names
        one protocol alone: "echange"), or a refusal saying why (refused file, unknown) and
        listing the protocols by their names in ``language``."""
        found = self.get(reference) or self._only_one_with(reference)
        refused = self.problems_for(reference) if found is None else []
        if refused:
            raise UserError(
                "facilitation.session.protocol_refused",
                text=reference.strip()[:60],
                problems=tuple(p.phrase() for p in refused[:3]),
            )
        if found is None:
            raise UserError(
                "facilitation.session.unknown_protocol",
                text=reference.strip()[:60],
                choices=", ".join(
                    f"{p.name_in(language)} ({p.id})" for p in self._ordered(language)
                ),
            )
        return found

    def problems_for(self, reference: str) -> list[ProtocolProblem]:
        """Why a protocol by that id (or file name) was refused, if it was."""
        wanted = reference.strip().lower().removesuffix(".toml")
        return [
            p
            for p in self.problems
            if wanted in (p.protocol_id, p.file.lower().removesuffix(".toml"))
        ]

    def _only_one_with(self, text: str) -> Protocol | None:
        """The one protocol whose id or name (in either language) holds ``text``, accents
        and case aside; None if none does, or several."""
        typed = folded(text)
        if not typed:
            return None
        found = [
            p
            for p in self._by_id.values()
            if typed in p.id or typed in folded(p.name_in("en")) or typed in folded(p.name_in("fr"))
        ]
        return found[0] if len(found) == 1 else None

    def suggest(self, current: str, language: Language) -> list[tuple[str, str]]:
        """Autocomplete of a ``protocol`` option (``/session start``, ``/meeting
        schedule``): (id, "name (id)") of the protocols matching what was typed so far."""
        return matching(
            ((p.id, f"{p.name_in(language)} ({p.id})") for p in self._ordered(language)), current
        )

    def check(self, reference: str, actor: Actor | None = None) -> str:
        """The id of the protocol a facilitator named, or a refusal saying why (the same
        catalog for every community, whoever asks)."""
        return self.require(reference, actor.language if actor else "en").id

    def _ordered(self, language: Language) -> list[Protocol]:
        """The built-in protocols first, each group by name in ``language``."""
        return sorted(
            self._by_id.values(),
            key=lambda p: (p.id not in BUILTIN_IDS, p.name_in(language).casefold()),
        )


def parse_protocol(text: str, file_name: str) -> Protocol | list[ProtocolProblem]:
    """One protocol from TOML text, or every problem found in it."""
    stem = file_name.lower().removesuffix(".toml")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [file_problem(file_name, "not_toml", stem, detail=str(exc))]
    declared = data.get("id")
    protocol_id = declared.strip().lower() if isinstance(declared, str) else stem
    try:
        client = data.get("client", False)
        context = {"client": client} if isinstance(client, bool) else None
        return Protocol.model_validate(data, context=context)
    except ValidationError as exc:
        return problems_from(exc, file_name, protocol_id)


def example_text() -> str:
    """The annotated example protocol shipped with the package (``plc-bot
    protocol-example``): an installed wheel has no source folder to look in."""
    return (BUILTIN_DIR / "examples" / EXAMPLE_FILE).read_text(encoding="utf-8")


def load_builtin() -> list[Protocol]:
    """The built-in protocols; a broken one is a bug in the package (raised)."""
    found = []
    for protocol_id in BUILTIN_IDS:
        file = BUILTIN_DIR / f"{protocol_id}.toml"
        parsed = parse_protocol(file.read_text(encoding="utf-8"), file.name)
        if isinstance(parsed, list):
            raise RuntimeError("; ".join(p.describe(load_catalog()) for p in parsed))
        found.append(parsed)
    return found


def load_protocols(custom_dir: Path | None) -> ProtocolCatalog:
    """The built-in protocols plus each valid ``*.toml`` of ``custom_dir``."""
    protocols = load_builtin()
    problems: list[ProtocolProblem] = []
    custom: list[str] = []
    if custom_dir is not None:
        if not custom_dir.is_dir():
            problems.append(
                ProtocolProblem(
                    file=str(custom_dir), key="[facilitation] protocols_dir", problem="not_folder"
                )
            )
        else:
            taken = {p.id for p in protocols}
            for file in sorted(custom_dir.glob("*.toml")):
                try:
                    text = file.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    problems.append(file_problem(file.name, "unreadable", detail=str(exc)))
                    continue
                parsed = parse_protocol(text, file.name)
                if isinstance(parsed, list):
                    problems.extend(parsed)
                elif parsed.id in taken:
                    problems.append(
                        ProtocolProblem(
                            file=file.name,
                            key="id",
                            problem="id_taken",
                            params={"id": parsed.id},
                            protocol_id=parsed.id,
                        )
                    )
                else:
                    taken.add(parsed.id)
                    protocols.append(parsed)
                    custom.append(parsed.id)
    return ProtocolCatalog(protocols, problems, custom)


__all__ = [
    "BUILTIN_IDS",
    "DEFAULT_PROTOCOL",
    "Localized",
    "Protocol",
    "ProtocolCatalog",
    "ProtocolProblem",
    "Step",
    "example_text",
    "load_builtin",
    "load_protocols",
    "parse_protocol",
]
