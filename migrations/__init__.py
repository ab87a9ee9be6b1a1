"""The SQL migrations, shipped inside the package as ``bot.migrations`` (see setup.py)."""
