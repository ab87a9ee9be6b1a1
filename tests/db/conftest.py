"""The database tests run on SQLite and on PostgreSQL (see ``both_engines``)."""

from __future__ import annotations

import pytest

from tests.postgres_server import both_engines


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    both_engines(metafunc)
