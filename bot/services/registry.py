"""The services of the running bot, looked up by class."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


class Services:
    """Each feature registers its service once; cogs ask for it by type."""

    def __init__(self) -> None:
        self._by_type: dict[type[Any], Any] = {}

    def add(self, service: object) -> None:
        kind = type(service)
        if kind in self._by_type:
            raise RuntimeError(f"{kind.__name__} registered twice")
        self._by_type[kind] = service

    def get(self, kind: type[T]) -> T:
        try:
            service: T = self._by_type[kind]
        except KeyError:
            raise LookupError(f"{kind.__name__} is not loaded") from None
        return service

    def find(self, kind: type[T]) -> T | None:
        found: T | None = self._by_type.get(kind)
        return found
