"""Package layout that ``pyproject.toml`` alone cannot say.

The SQL migrations stay in the repository's top-level ``migrations/`` folder and
ship inside the package as ``bot.migrations`` (read with ``importlib.resources``),
so a wheel, a Docker image and an editable install all find them.
"""

from setuptools import find_namespace_packages, setup

setup(
    # Namespace-aware like pyproject's ``packages.find``: a folder without __init__.py
    # still ships.
    packages=[
        *find_namespace_packages(include=["bot", "bot.*", "cogs", "cogs.*", "teams", "teams.*"]),
        "bot.migrations",
    ],
    package_dir={"bot.migrations": "migrations"},
    package_data={
        "bot": ["i18n/locales/*.toml", "protocols/*.toml", "protocols/examples/*.toml", "py.typed"],
        "bot.migrations": ["*.sql", "postgresql/*.sql"],
    },
)
